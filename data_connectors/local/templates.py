"""The downloadable templates: Excel (a data sheet with example rows and a "Kolonner"
sheet explaining each column) and CSV (``;``, UTF-8 with BOM, the same example rows).

Both are generated from ``spec.Template``, so the template and the reader never differ.
"""

from __future__ import annotations

import io

import xlsxwriter

from data_connectors.local.raw import HELP_SHEET
from data_connectors.local.spec import Template

DATA_SHEET = "Data"
KIND_TEXT = {
    "id": "Tekst (pseudonym, aldrig CPR-nummer)",
    "text": "Tekst",
    "choice": "En af de nævnte værdier",
    "date": "Dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)",
    "month": "Måned (ÅÅÅÅMmm, fx 2022M03, eller ÅÅÅÅ-MM)",
    "week": "ISO-uge (ÅÅÅÅ-Wuu, fx 2022-W05) eller en dato i ugen",
    "int": "Heltal",
    "number": "Tal (decimalkomma)",
    "area": "Kommunekode (3 cifre) eller kommunenavn",
    "yesno": "Ja, Nej eller tom",
    "cvr": "CVR-nummer, 8 cifre",
}


def file_name(t: Template, suffix: str) -> str:
    return f"jobmaal-skabelon-{t.id}.{suffix}"


def template_csv(t: Template) -> bytes:
    """The CSV template: header and example rows, ``;``-separated, UTF-8 with BOM."""
    lines = [";".join(c.label for c in t.columns)]
    lines += [";".join(row) for row in t.example_rows()]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def template_xlsx(t: Template) -> bytes:
    """The Excel template: sheet "Data" (header, example rows) and "Kolonner"."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet(DATA_SHEET)
    for j, c in enumerate(t.columns):
        ws.write_string(0, j, c.label, bold)
        ws.set_column(j, j, max(14, len(c.label) + 4))
        for i, row in enumerate(t.example_rows(), start=1):
            ws.write_string(i, j, row[j])  # as text: the reader takes 4,5 and 2022-03-15 alike
    ws.freeze_panes(1, 0)
    help_ws = wb.add_worksheet(HELP_SHEET)
    help_ws.write_string(0, 0, t.title, wb.add_format({"bold": True, "font_size": 14}))
    help_ws.write_string(1, 0, t.description, wrap)
    help_ws.write_string(2, 0, f"Kilde: {t.origin}", wrap)
    help_ws.write_string(3, 0, f"Skabelon-id: {t.id} (jobmaal import --dataset {t.id} FIL)")
    heads = ("Kolonne", "Forklaring", "Format", "Skal udfyldes", "Kolonnen skal med", "Eksempel")
    for j, h in enumerate(heads):
        help_ws.write_string(5, j, h, bold)
    for i, c in enumerate(t.columns, start=6):
        fmt = KIND_TEXT[c.kind]
        if c.kind == "choice":
            fmt += ": " + ", ".join(dict.fromkeys(c.choices.values()))
        help_ws.write_string(i, 0, c.label)
        help_ws.write_string(i, 1, c.description, wrap)
        help_ws.write_string(i, 2, fmt, wrap)
        help_ws.write_string(i, 3, "nej" if c.nullable else "ja")
        help_ws.write_string(i, 4, "ja" if c.required else "nej")
        help_ws.write_string(i, 5, c.example)
    for j, width in enumerate((24, 60, 36, 14, 18, 20)):
        help_ws.set_column(j, j, width)
    wb.close()
    return buf.getvalue()
