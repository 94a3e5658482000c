"""The report in each format: CSV rows, the Markdown review, the HTML dashboard, Rich views.

Plain values (durations, shares, Markdown-safe text) are in `values`, the CSV rows in `tables`, the
Markdown and HTML pages with their pygal charts in `pages`, and the terminal views in `terminal`.
"""

from escmatrix.cli.review_render.pages import charts, html, markdown
from escmatrix.cli.review_render.tables import CSV_FIELDS, csv_rows, summary_row
from escmatrix.cli.review_render.terminal import rich_dashboard, rich_report
from escmatrix.cli.review_render.values import md

__all__ = [
    "CSV_FIELDS",
    "charts",
    "csv_rows",
    "html",
    "markdown",
    "md",
    "rich_dashboard",
    "rich_report",
    "summary_row",
]
