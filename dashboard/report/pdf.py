"""The report as PDF: the typst template ``report.typ`` fed the report as JSON.

Nothing is spliced into typst markup: the content goes in as one JSON string through
``sys.inputs`` and the template places every text as a string value. The PDF's creation
date is pinned to the report's (the data's) date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import typst

from dashboard.report.content import Report

TEMPLATE = Path(__file__).with_name("report.typ")

_lock = threading.Lock()
_compiler: typst.Compiler | None = None


def _get_compiler() -> typst.Compiler:
    """One compiler per process (the font search runs once); callers hold ``_lock``."""
    global _compiler
    if _compiler is None:
        _compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent)
    return _compiler


def report_json(report: Report) -> str:
    return json.dumps(report.as_json_dict(), ensure_ascii=False, sort_keys=True)


def render_pdf(report: Report) -> bytes:
    """The PDF bytes of ``report`` (typst errors name the template line: a bug here)."""
    with _lock:
        out = _get_compiler().compile(
            format="pdf",
            sys_inputs={"data": report_json(report)},
            timestamp=report.created,
        )
    if not isinstance(out, bytes):  # a single PDF, never a list of pages
        raise TypeError(f"typst returned {type(out).__name__}, expected PDF bytes")
    return out
