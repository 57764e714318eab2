"""``build_report``: what a page or the CLI calls with what it already has."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import polars as pl

from dashboard.export import file_stem
from dashboard.report.content import report_content
from dashboard.report.html import render_html
from dashboard.report.pdf import render_pdf
from metrics.api import Plan

ReportFormat = Literal["pdf", "html"]
FORMATS: tuple[ReportFormat, ...] = ("pdf", "html")
MIME: dict[ReportFormat, str] = {"pdf": "application/pdf", "html": "text/html"}
"""The download type of each format (a page's download button)."""


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


def file_name(plan: Plan, as_of: str | None, format: ReportFormat) -> str:
    """The report's file name: ``favrskov-2022-rapport-2022m06.pdf``."""
    stem = file_stem(plan.municipality_name, str(plan.year), "rapport", (as_of or "").lower())
    return f"{stem}.{format}"


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by typst (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf))
