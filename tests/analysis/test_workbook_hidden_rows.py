"""Rows a clinic hid in its workbook, by hand or with a filter, are not read, and the load report names them.

The specification (docs/data-format.md, "Workbooks"): a hidden row (a screen failure, an entry corrected on
the row below) is left out as the sheet shows it, never silently: a note names the sheet and the rows. The
header row is read even when hidden. .xlsx (``<row hidden="1">``, also where a filter hid it) and .ods
(``table:visibility="collapse"`` or ``"filter"``) alike.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from analysis import load_files
from analysis.io.workbooks import expand_workbooks

ROWS = [["Patient", "Include", "Date", "NRS"],
        ["P01", "Yes", dt.date(2024, 3, 1), 8],
        ["P01", "Yes", dt.date(2024, 3, 28), 2],     # row 3: a wrong entry, hidden, corrected below
        ["P01", "Yes", dt.date(2024, 3, 29), 5],
        ["P09", "No - screen fail", dt.date(2024, 3, 2), 9],  # rows 5-6: filtered out
        ["P09", "No - screen fail", dt.date(2024, 3, 30), 1]]


def _xlsx(hidden: tuple[int, ...], autofilter: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Visits"
    for r in ROWS:
        ws.append(r)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    if autofilter:
        ws.auto_filter.ref = f"A1:D{ws.max_row}"
        ws.auto_filter.add_filter_column(1, ["Yes"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _ods(visibility: dict[int, str]) -> bytes:
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Visits")
    for k, r in enumerate(ROWS, start=1):
        row = TableRow(visibility=visibility[k]) if k in visibility else TableRow()
        for v in r:
            if isinstance(v, (int, float)):
                cell = TableCell(valuetype="float", value=v)
            elif isinstance(v, dt.date):
                cell = TableCell(valuetype="date", datevalue=v.isoformat())
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(v)))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


NOTE = ("Visits.{ext}: in the sheet 'Visits', 3 hidden row(s) were not read (row(s) 3, 5-6): rows hidden by hand or by "
        "a filter are left out, as the sheet shows them. If they hold data, unhide them (or clear the filter), save "
        "the workbook and load it again.")


def test_rows_hidden_by_hand_or_by_a_filter_are_not_read_and_the_report_names_them():
    book = _xlsx(hidden=(3, 5, 6), autofilter=True)
    files, notes = expand_workbooks({"Visits.xlsx": book})
    assert files["Visits.csv"].decode().splitlines() == [
        "Patient,Include,Date,NRS", "P01,Yes,2024-03-01,8", "", "P01,Yes,2024-03-29,5", "", ""]  # line k: row k
    assert NOTE.format(ext="xlsx") in notes
    ds = load_files({"Visits.xlsx": book})
    assert ds.assessments["patient_id"].tolist() == ["P01", "P01"]
    assert ds.assessments["value"].tolist() == [8.0, 5.0]


def test_a_workbook_without_hidden_rows_says_nothing_of_them():
    files, notes = expand_workbooks({"Visits.xlsx": _xlsx(hidden=())})
    assert len(files["Visits.csv"].decode().splitlines()) == 6
    assert not any("hidden row" in n for n in notes)


def test_a_hidden_header_row_is_still_the_header():
    files, notes = expand_workbooks({"Visits.xlsx": _xlsx(hidden=(1, 3))})
    assert files["Visits.csv"].decode().splitlines()[:3] == ["Patient,Include,Date,NRS", "P01,Yes,2024-03-01,8", ""]
    assert any("1 hidden row(s) were not read (row(s) 3)" in n for n in notes)


def test_rows_hidden_in_a_libreoffice_workbook_are_not_read_either():
    book = _ods({3: "collapse", 5: "filter", 6: "filter"})
    files, notes = expand_workbooks({"Visits.ods": book})
    assert files["Visits.csv"].decode().splitlines() == [
        "Patient,Include,Date,NRS", "P01,Yes,2024-03-01,8", "", "P01,Yes,2024-03-29,5", "", ""]
    assert NOTE.format(ext="ods") in notes
