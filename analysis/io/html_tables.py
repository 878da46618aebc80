"""A web page saved with a workbook's name: the table in it, as the CSV a spreadsheet would save.

"Export to Excel" buttons of many clinic systems (eClinicalWorks, practice-management reports) write an HTML
page holding one table and name it ``.xls``; Excel opens it as a sheet, so clinics take it for a workbook.
Read as text, its first line (``<html><head>...``) was one column name, and the export was refused with "no
column looks like the patient id". This module reads the page's largest table: one row per ``<tr>``, one cell
per ``<td>``/``<th>`` (its text, white space collapsed, entities such as ``&amp;`` decoded; a cell spanning
columns, ``colspan``, fills them with empty cells, as a merged cell saved as CSV does). Nothing is fetched or
run: Python's ``html.parser`` only tokenises the text, and scripts and styles are skipped.

Spans are bounded while the page is read, before memory grows: ``<td colspan=999>`` written 200,000 times is a
4 MB page whose table would have 200 million cells (4 GB). A row may have at most the column limit of text files
(``CRPS_MAX_COLUMNS``), and the table at most :data:`SPAN_FACTOR` times the cells the page writes out (plus one
row), and no more than the memory limit (``CRPS_MAX_MEMORY_MB``) allows at :data:`BYTES_PER_CELL`; a page over
either is refused with :class:`~analysis.errors.ResourceLimitError` naming the page. A spanned cell is empty
(its text is written once), so the CSV holds at most the page's text plus a comma per cell.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from .. import limits
from ..errors import ResourceLimitError

#: How many times the cells a page writes (``<td>``, ``<th>``) its table may hold once spans are filled in. A
#: clinic's export merges a few header cells and a patient's cell over their rows; a report writer's layout spans
#: each cell over 14-20 columns (a review: 10 refused one). 50 leaves room for those and stops a page whose spans
#: repeat cells a thousand times (the memory bound, below, holds either way).
SPAN_FACTOR = 50
#: Memory of one cell while the page's table is built, written as CSV and then loaded (a list slot, its comma in
#: the CSV text, twice, and the loader's 11 bytes per cell: measured about 30; with a margin).
BYTES_PER_CELL = 40
#: Memory per byte of page while ``html.parser`` reads it (a plain 11 MB table: 460 MB at the peak; with a margin).
BYTES_PER_PAGE_BYTE = 50

#: The start of a file that is a web page (after a byte-order mark, white space, an XML declaration, comments such
#: as Internet Explorer's ``<!-- saved from url=... -->`` and a doctype).
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         rb"(?:<html|<table|<meta|<head|<body)", re.I | re.S)
#: Excel 2003's XML spreadsheet (SpreadsheetML), also named .xls by "Export to Excel" buttons.
_SPREADSHEET_ML = re.compile(rb"<\?mso-application\s+progid=\"Excel\.Sheet\"|urn:schemas-microsoft-com:office:spreadsheet",
                             re.I)


def is_spreadsheet_ml(data: bytes) -> bool:
    """Whether ``data`` is an Excel 2003 XML spreadsheet (``<Workbook xmlns="urn:schemas-microsoft-com:office:
    spreadsheet">``): not read (Excel and LibreOffice open it and save it as .xlsx)."""
    return data[:4096].lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<?xml") and bool(_SPREADSHEET_ML.search(data[:4096]))


def looks_like_html_table(data: bytes) -> bool:
    """Whether ``data`` is a web page with a table (what "Export to Excel" buttons write as ``.xls``)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head)) and re.search(rb"<table\b", data[:1 << 20], re.I) is not None


class _Table:
    """One table being read: its rows, the row and cell being read, and the cells that span rows down from above
    (``rowspan``): ``{column: (text, rows left)}``."""

    def __init__(self, budget: "_Budget"):
        self.budget = budget
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.down: dict[int, tuple[str, int]] = {}

    def _fill_down(self):
        """Place the cells spanning down from rows above at the row's current position."""
        while self.row is not None and len(self.row) in self.down:
            k = len(self.row)
            self.budget.take(len(self.rows) + 1, k + 1, 1)
            text, left = self.down.pop(k)
            self.row.append(text)
            if left > 1:
                self.down[k] = (text, left - 1)

    def start_row(self):
        self.end_row()
        self.row = []
        self._fill_down()

    def start_cell(self, attrs):
        self.end_cell()
        if self.row is None:
            self.start_row()
        self.cell = []
        self.span = (_span(attrs.get("colspan")), _span(attrs.get("rowspan")))

    def end_cell(self):
        if self.cell is not None and self.row is not None:
            text = " ".join("".join(self.cell).split())
            cols, rows = self.span
            self.budget.take(len(self.rows) + 1, len(self.row) + cols, cols)
            for j in range(cols):
                if rows > 1:  # the cell's text in its first row; the rows below get an empty cell, as a merge saved as CSV
                    self.down[len(self.row)] = ("", rows - 1)
                self.row.append(text if j == 0 else "")
            self._fill_down()
        self.cell, self.span = None, (1, 1)

    def end_row(self):
        self.end_cell()
        if self.row is not None:
            self._fill_down()
            self.rows.append(self.row)
        self.row = None


class _Budget:
    """The cells a page's tables may still have (see the module docstring), counted as they are made."""

    def __init__(self, name: str, written: int, lim: limits.Limits):
        self.name, self.lim, self.written = name, lim, written
        self.cells = 0
        self.allowed = min(SPAN_FACTOR * written + lim.max_columns, lim.max_memory // BYTES_PER_CELL)

    def take(self, row: int, width: int, cells: int) -> None:
        """Count ``cells`` more, in row ``row`` (1-based) now ``width`` cells wide; refuse past a limit."""
        self.cells += cells
        if width > self.lim.max_columns:
            raise ResourceLimitError(
                f"{self.name}: row {row:,} of its table would have more than {self.lim.max_columns:,} columns, the limit "
                f"({self.lim.env('max_columns')}): its cells span (colspan) more columns than a clinic's export holds. "
                "Open the file in Excel, save the sheet as CSV and load that file.", file=self.name)
        if self.cells > self.allowed:
            by_memory = self.allowed == self.lim.max_memory // BYTES_PER_CELL
            why = (f"more than {limits._size(self.lim.max_memory)} of memory allows ({self.lim.env('max_memory')})"
                   if by_memory else f"more than {SPAN_FACTOR} times the cells the page writes ({self.written:,})")
            raise ResourceLimitError(
                f"{self.name}: its table would have more than {self.allowed:,} cells, {why}: its spans "
                "(colspan/rowspan) repeat cells beyond what a clinic's export holds. Open the file in Excel, save "
                "the sheet as CSV and load that file.", file=self.name)


def _span(value) -> int:
    value = (value or "1").strip()
    return min(int(value), 1000) if value.isdigit() and int(value) > 0 else 1


class _Tables(HTMLParser):
    def __init__(self, budget: _Budget):
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.tables: list[list[list[str]]] = []
        self.open: list[_Table] = []  # nested tables being read: each keeps its own row and cell
        self.skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        table = self.open[-1] if self.open else None
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.open.append(_Table(self.budget))
        elif tag == "tr" and table is not None:
            table.start_row()
        elif tag in ("td", "th") and table is not None:
            table.start_cell(dict(attrs))
        elif tag == "br" and table is not None and table.cell is not None:
            table.cell.append(" ")

    def handle_endtag(self, tag):
        table = self.open[-1] if self.open else None
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif table is None:
            return
        elif tag in ("td", "th"):
            table.end_cell()
        elif tag == "tr":
            table.end_row()
        elif tag == "table":
            self.finish()

    def handle_data(self, data):
        if self.open and self.open[-1].cell is not None and not self.skip:
            self.open[-1].cell.append(data)

    def finish(self):
        table = self.open.pop()
        table.end_row()
        self.tables.append(table.rows)


def html_table_csv(data: bytes, name: str = "the page") -> bytes | None:
    """The page's largest table (by cells) as UTF-8 CSV bytes, or None when it holds no table with a value.

    Raises :class:`~analysis.errors.ResourceLimitError` (naming ``name``) for a page too large to read within the
    memory limit, or whose spans would repeat cells past the budget of the module docstring.
    """
    lim = limits.current()
    if len(data) * BYTES_PER_PAGE_BYTE > lim.max_memory:
        raise ResourceLimitError(
            f"{name}: reading this web page's table ({limits._size(len(data))}) would need about "
            f"{limits._size(len(data) * BYTES_PER_PAGE_BYTE)} of memory; the limit is {limits._size(lim.max_memory)} "
            f"({lim.env('max_memory')}). Open the file in Excel, save the sheet as CSV and load that file.", file=name)
    charset = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.I)
    encoding = charset.group(1).decode("ascii", "replace") if charset else "utf-8"
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = data.decode("cp1252", errors="replace")
    written = len(re.findall(r"<t[dh][\s>/]", text, re.I))
    parser = _Tables(_Budget(name, written, lim))
    parser.feed(text.lstrip("\ufeff"))
    parser.close()
    while parser.open:  # a page cut short: the tables left open still count
        parser.finish()
    tables = [t for t in parser.tables if any(any(c for c in r) for r in t)]
    if not tables:
        return None
    rows = max(tables, key=lambda t: sum(len(r) for r in t))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")
