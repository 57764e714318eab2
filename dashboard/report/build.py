"""``build_report``: what a page or the CLI calls with what it already has."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import polars as pl

from dashboard.report.content import report_content
from dashboard.report.html import render_html
from dashboard.report.pdf import render_pdf
from metrics.api import Plan

ReportFormat = Literal["pdf", "html"]
FORMATS: tuple[ReportFormat, ...] = ("pdf", "html")
MIME = {"pdf": "application/pdf", "html": "text/html"}


def build_report(
    plan: Plan,
    inputs: Mapping[str, pl.LazyFrame],
    *,
    as_of: str | None = None,
    format: ReportFormat = "pdf",
    demo: bool | None = None,
) -> bytes:
    """The committee report on ``plan`` (municipality and year are the plan's) as PDF or
    HTML bytes.

    ``inputs``: the loaded datasets (``Store.inputs()`` or the dashboard's
    ``loaders.inputs(key)``); ``as_of``: a month (``2022M06``) to report the status at,
    None for all data; ``demo``: print the demo label on every page (None: decided from
    the inputs' sources, the rule of the dashboard's banner). Deterministic: the same
    inputs give the same bytes.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown report format {format!r}; use pdf or html")
    report = report_content(plan, inputs, as_of=as_of, demo=demo)
    return render_pdf(report) if format == "pdf" else render_html(report)


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by typst (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf))
