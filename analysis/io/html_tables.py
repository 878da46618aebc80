"""A web page saved with a workbook's name: the table in it, as the CSV a spreadsheet would save.

"Export to Excel" buttons of many clinic systems (eClinicalWorks, practice-management reports) write an HTML
page holding one table and name it ``.xls``; Excel opens it as a sheet, so clinics take it for a workbook.
Read as text, its first line (``<html><head>...``) was one column name, and the export was refused with "no
column looks like the patient id". This module reads the page's largest table: one row per ``<tr>``, one cell
per ``<td>``/``<th>`` (its text, white space collapsed, entities such as ``&amp;`` decoded; a cell spanning
columns, ``colspan``, fills them with empty cells, as a merged cell saved as CSV does). Nothing is fetched or
run: Python's ``html.parser`` only tokenises the text, and scripts and styles are skipped.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

#: The start of a file that is a web page (after a byte-order mark and white space).
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<table|<\?xml[^>]*>\s*<html|<meta|<head|<body)", re.I)


def looks_like_html_table(data: bytes) -> bool:
    """Whether ``data`` is a web page with a table (what "Export to Excel" buttons write as ``.xls``)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head)) and re.search(rb"<table\b", data[:1 << 20], re.I) is not None


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.open: list[list[list[str]]] = []  # nested tables being read
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = 1
        self.skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.open.append([])
        elif tag == "tr" and self.open:
            self._end_row()
            self.row = []
        elif tag in ("td", "th") and self.open:
            self._end_cell()
            if self.row is None:
                self.row = []
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.span = min(int(span), 1000) if span.strip().isdigit() and int(span) > 0 else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table" and self.open:
            self._end_row()
            self.tables.append(self.open.pop())

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)

    def _end_cell(self):
        if self.cell is not None and self.row is not None:
            self.row += [" ".join("".join(self.cell).split())] + [""] * (self.span - 1)
        self.cell, self.span = None, 1

    def _end_row(self):
        self._end_cell()
        if self.row is not None and self.open:
            self.open[-1].append(self.row)
        self.row = None


def html_table_csv(data: bytes) -> bytes | None:
    """The page's largest table (by cells) as UTF-8 CSV bytes, or None when it holds no table with a value."""
    charset = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.I)
    encoding = charset.group(1).decode("ascii", "replace") if charset else "utf-8"
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = data.decode("cp1252", errors="replace")
    parser = _Tables()
    parser.feed(text.lstrip("\ufeff"))
    parser.close()
    while parser.open:  # a page cut short: the tables left open still count
        parser._end_row()
        parser.tables.append(parser.open.pop())
    tables = [t for t in parser.tables if any(any(c for c in r) for r in t)]
    if not tables:
        return None
    rows = max(tables, key=lambda t: sum(len(r) for r in t))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")
