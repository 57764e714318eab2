"""Bytes -> text for hand-made extracts: UTF-8 (with or without BOM) or cp1252.

Anything else (binary files, Excel files renamed .csv, UTF-16, text in another code page
that cp1252 decodes into nonsense) is refused with a ReadError naming the row.
"""

from __future__ import annotations

import re

from data_connectors.readers.errors import ReadError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# cp1252 characters from 0x80-0x9f that never sit between two letters in Danish text
# (they are what UTF-8-less code pages such as cp850 or mac-roman decode into).
_ODD = "\u0080-\u009f‚ƒ„†‡ˆ‰‹Œ›œŸ•˜™‘“”¢¤¦¨©ª¬®¯°±²³µ¶·¸¹º¼½¾¿Ð×Þð÷þ"
_IMPLAUSIBLE = re.compile(rf"(?<=[^\W\d_])[{_ODD}](?=[^\W\d_])")


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def sniff_binary(data: bytes, file: str) -> None:
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        raise ReadError(
            file,
            "this is an Excel (.xlsx) or zip file, not CSV text: give it the .xlsx extension",
            row=1,
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            file, "this is an old binary Excel (.xls) file: save it as .xlsx or CSV", row=1
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(file, "the file is UTF-16: save it as UTF-8 or Windows-1252 CSV", row=1)
    nul = data.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        raise ReadError(
            file,
            "binary content (NUL bytes), expected a CSV text file in UTF-8 or Windows-1252",
            row=_line_of(data, nul),
        )


def decode_text(data: bytes, file: str) -> str:
    """Decode as UTF-8 (BOM stripped) or, failing that, cp1252 if the result is plausible."""
    sniff_binary(data, file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_err:
        text = decode_block(data, file, "cp1252")
        check_text(text, file, not_utf8=data[utf8_err.start])
        return text
    check_text(text, file)
    return text


def decode_block(data: bytes, file: str, encoding: str, first_line: int = 1) -> str:
    """``data`` (whole lines, starting at line ``first_line``) decoded, or a ReadError."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(
            file,
            f"cannot decode byte 0x{data[exc.start]:02x} as UTF-8 or Windows-1252: "
            "save the file as UTF-8 CSV",
            row=first_line + data.count(b"\n", 0, exc.start),
        ) from None


def check_text(text: str, file: str, *, first_line: int = 1, not_utf8: int | None = None) -> None:
    """ReadError for a control character, or (``not_utf8``: the first byte that is not
    UTF-8, the text being decoded as cp1252) for text that reads as nonsense in cp1252.

    ``text`` holds whole lines starting at line ``first_line``, so a file checked in
    blocks of lines gives the same errors as checked whole.
    """
    if not_utf8 is not None:
        odd = _IMPLAUSIBLE.search(text)
        if odd:
            raise ReadError(
                file,
                f"not UTF-8 (byte 0x{not_utf8:02x}) and reads as nonsense in "
                f"Windows-1252 ({text[max(0, odd.start() - 6) : odd.end() + 6]!r}): "
                "save the file as UTF-8 CSV",
                row=first_line + text.count("\n", 0, odd.start()),
            )
    bad = _CONTROL.search(text)
    if bad:
        raise ReadError(
            file,
            f"control character {bad.group()!r} in the text: expected a CSV text file",
            row=first_line + text.count("\n", 0, bad.start()),
        )
