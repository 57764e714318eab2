"""The committee report: the plan's targets as a Danish PDF (typst) or a self-contained
HTML file, built from the same evaluation, chart builders and formatting as the pages.

``build_report(plan, inputs, as_of=..., format="pdf")`` returns the file's bytes; the same
inputs give the same bytes (see ``docs/report.md``).
"""

from __future__ import annotations

from dashboard.report.build import MIME, ReportFormat, build_report, file_name, page_count
from dashboard.report.content import Report, TargetPage, report_content

__all__ = [
    "MIME",
    "Report",
    "ReportFormat",
    "TargetPage",
    "build_report",
    "file_name",
    "page_count",
    "report_content",
]
