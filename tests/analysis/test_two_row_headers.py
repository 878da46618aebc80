"""A workbook whose header is two rows (visits in row 1, merged over their columns; the columns in row 2) is read
with one header per column, named by both rows: ``Week 4 NRS``.

The specification (docs/data-format.md, "Workbooks"): each column is named by its group (row 1) then its own name
(row 2); a cell merged down the two rows (``Patient``) names its column; row 2 is then an empty line, so that row
numbers in messages stay the sheet's, and a note says so. The proposal then reads the visits as it reads such a
header typed in one row: a date per visit (``Week 4 Date``) dates that visit's scores, and without dates each score
is placed at its visit after the treatment's date. Merges are read in .xlsx, .xls and .ods; a sheet without merges
(groups centred across their columns, or typed over the first of them) is read so only when its names repeat from
group to group. A title above the header (one cell, merged across from the left) stays a title.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P

from analysis import load_files
from analysis.io.sheet_reader import group_names
from analysis.io.tables import read_table
from analysis.io.workbooks import expand_workbooks
from analysis.summary import summarize

VISITS = {"Baseline": -3, "Post": 1, "Week 1": 7, "Week 4": 28, "Month 3": 91}
#: patient: NRS at each visit, PHQ-9 at baseline and week 4. Immediate relief (Post): 50%, 25%, 66.7%:
#: mean 47.2%, responders (>= 30%) 2 of 3; week 4 relief 25%, 0%, 50%: responders 1 of 3.
COHORT = {"P01": ((8, 4, 5, 6, 7), (14, 10)), "P02": ((8, 6, 6, 8, 8), (12, 12)), "P03": ((6, 2, 3, 3, 4), (9, 4))}


def _infusion(i: int) -> dt.date:
    return dt.date(2024, 1, 8) + dt.timedelta(days=9 * i)


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _visit_cells(i: int, nrs: tuple, phq: tuple, dated: bool) -> list:
    cells = []
    for k, (visit, days) in enumerate(VISITS.items()):
        if dated:
            cells.append(_infusion(i) + dt.timedelta(days=days))
        cells += [nrs[k], phq[0] if visit == "Baseline" else phq[1] if visit == "Week 4" else None]
    return cells


def _workbook(dated: bool = True, ids_merged_down: bool = True, merged: bool = True, title: str | None = None) -> bytes:
    """Row 1: each visit merged over its columns (Date | NRS | PHQ-9, or NRS | PHQ-9); row 2 the columns' names.
    Patient and Infusion date merged down rows 1-2, or typed in row 2. ``title``: a title row above, merged across."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Outcomes"
    top = 1
    names = (["Date"] if dated else []) + ["NRS", "PHQ-9"]
    if title:
        ws.cell(1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2 + len(VISITS) * len(names))
        top = 2
    for c, name in ((1, "Patient"), (2, "Infusion date")):
        if ids_merged_down:
            ws.cell(top, c, name)
            ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
        else:
            ws.cell(top + 1, c, name)
    col = 3
    for visit in VISITS:
        ws.cell(top, col, visit)
        if merged:
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(names) - 1)
        for k, name in enumerate(names):
            ws.cell(top + 1, col + k, name)
        col += len(names)
    for i, (pid, (nrs, phq)) in enumerate(COHORT.items()):
        ws.append([pid, _infusion(i)] + _visit_cells(i, nrs, phq, dated))
    return _save(wb)


def _summary(files: dict) -> dict:
    (group,) = summarize(load_files(files)).to_dict()["groups"]
    return {"immediate": round(group["immediate_relief_pct"]["estimate"], 2),
            "immediate_n": group["immediate_relief_pct"]["n"],
            "immediate_responders": round(group["immediate_responder_rate"]["estimate"], 4),
            "week_4_responders": round(group["responder_rate_by_week"]["4"]["estimate"], 4),
            "week_4_n": group["responder_rate_by_week"]["4"]["n"]}


EXPECTED = {"immediate": 47.22, "immediate_n": 3, "immediate_responders": 0.6667, "week_4_responders": 0.3333,
            "week_4_n": 3}


# --- Visits merged over their columns -------------------------------------------------------------------------

def test_each_column_is_named_by_its_visit_then_its_own_name_and_row_2_is_an_empty_line():
    files, notes = expand_workbooks({"Outcomes.xlsx": _workbook()})
    lines = files["Outcomes.csv"].decode().splitlines()
    assert lines[0] == ("Patient,Infusion date,Baseline Date,Baseline NRS,Baseline PHQ-9,Post Date,Post NRS,Post PHQ-9,"
                        "Week 1 Date,Week 1 NRS,Week 1 PHQ-9,Week 4 Date,Week 4 NRS,Week 4 PHQ-9,"
                        "Month 3 Date,Month 3 NRS,Month 3 PHQ-9")
    assert lines[1] == ""  # row 2 of the sheet: line k of the CSV is still row k
    assert lines[2].startswith("P01,2024-01-08,2024-01-05,8,14,")
    assert ("Outcomes.xlsx: in the sheet 'Outcomes', the header is two rows (1 and 2: groups of columns, such as "
            "visits, over the columns' names): each column is named by both, 'Patient', 'Infusion date', "
            "'Baseline Date', 'Baseline NRS', 'Baseline PHQ-9', 'Post Date', 'Post NRS', 'Post PHQ-9' ...; row 2 is "
            "not read as data.") in notes


def test_each_visits_date_dates_its_scores_and_every_visit_is_analysed():
    assert _summary({"Outcomes.xlsx": _workbook(dated=True)}) == EXPECTED


def test_without_dates_each_score_is_placed_at_its_visit_after_the_infusion():
    """Before: row 1 was dropped unsaid, and NRS, NRS.1 ... NRS.4 were proposed as one measure to keep once."""
    book = _workbook(dated=False, ids_merged_down=False)
    files, _ = expand_workbooks({"Outcomes.xlsx": book})
    assert files["Outcomes.csv"].decode().splitlines()[0].split(",")[:6] == [
        "Patient", "Infusion date", "Baseline NRS", "Baseline PHQ-9", "Post NRS", "Post PHQ-9"]
    assert _summary({"Outcomes.xlsx": book}) == EXPECTED


def test_names_typed_in_row_2_beside_the_merged_visits_are_read_as_before():
    """Patient and Infusion date typed in row 2 (not merged down) name their columns all the same."""
    files, _ = expand_workbooks({"Outcomes.xlsx": _workbook(ids_merged_down=False)})
    assert files["Outcomes.csv"].decode().splitlines()[0].startswith("Patient,Infusion date,Baseline Date,")
    assert _summary({"Outcomes.xlsx": _workbook(ids_merged_down=False)}) == EXPECTED


def test_a_title_above_the_two_header_rows_stays_a_title():
    files, _ = expand_workbooks({"Outcomes.xlsx": _workbook(title="Ketamine clinic 2024")})
    lines = files["Outcomes.csv"].decode().splitlines()
    assert lines[0].rstrip(",") == "Ketamine clinic 2024"
    assert lines[1].startswith("Patient,Infusion date,Baseline Date,Baseline NRS,") and lines[2] == ""
    assert _summary({"Outcomes.xlsx": _workbook(title="Ketamine clinic 2024")}) == EXPECTED


def test_a_title_merged_across_a_one_row_header_is_not_joined_to_it():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ketamine outcomes 2024"])
    ws.merge_cells("A1:D1")
    ws.append(["Patient", "Date", "NRS", "PHQ-9"])
    ws.append(["P01", dt.date(2024, 1, 8), 7, 12])
    files, notes = expand_workbooks({"Outcomes.xlsx": _save(wb)})
    assert files["Outcomes.csv"].decode().splitlines() == [
        "Ketamine outcomes 2024,,,", "Patient,Date,NRS,PHQ-9", "P01,2024-01-08,7,12"]
    assert not any("header is two rows" in n for n in notes)


def test_a_header_cell_merged_across_over_a_first_row_of_text_is_no_group():
    """A wide 'Comments' column (merged over two columns) above a first row of data that is all text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Patient", "Site", "Comments", None])
    ws.merge_cells("C1:D1")
    ws.append(["P01", "North", "tolerated well", "x"])
    ws.append(["P02", "South", "nausea", "y"])
    files, notes = expand_workbooks({"Visits.xlsx": _save(wb)})
    assert files["Visits.csv"].decode().splitlines()[:2] == ["Patient,Site,Comments,", "P01,North,tolerated well,x"]
    assert not any("header is two rows" in n for n in notes)


# --- Other formats --------------------------------------------------------------------------------------------

def _rows_for_other_formats() -> list[list]:
    return [[pid, _infusion(i)] + _visit_cells(i, nrs, phq, dated=False) for i, (pid, (nrs, phq)) in
            enumerate(COHORT.items())]


def _xls() -> bytes:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Outcomes")
    ws.write_merge(0, 1, 0, 0, "Patient")
    ws.write_merge(0, 1, 1, 1, "Infusion date")
    for k, visit in enumerate(VISITS):
        ws.write_merge(0, 0, 2 + 2 * k, 3 + 2 * k, visit)
        ws.write(1, 2 + 2 * k, "NRS")
        ws.write(1, 3 + 2 * k, "PHQ-9")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(_rows_for_other_formats(), start=2):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write(r, c, v, date)
            elif v is not None:
                ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _ods() -> bytes:
    """LibreOffice's merges: ``number-columns-spanned`` / ``number-rows-spanned``, the covered cells after them."""
    def cell(v, **spans):
        if isinstance(v, dt.date):
            c = TableCell(valuetype="date", datevalue=v.isoformat(), **spans)
        elif isinstance(v, (int, float)):
            c = TableCell(valuetype="float", value=v, **spans)
        else:
            c = TableCell(valuetype="string", **spans) if v is not None else TableCell(**spans)
        if v is not None:
            c.addElement(P(text=str(v)))
        return c

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Outcomes")
    first, second = TableRow(), TableRow()
    for name in ("Patient", "Infusion date"):
        first.addElement(cell(name, numberrowsspanned=2))
        second.addElement(CoveredTableCell())
    for visit in VISITS:
        first.addElement(cell(visit, numbercolumnsspanned=2))
        first.addElement(CoveredTableCell())
        second.addElement(cell("NRS"))
        second.addElement(cell("PHQ-9"))
    table.addElement(first)
    table.addElement(second)
    for row in _rows_for_other_formats():
        tr = TableRow()
        for v in row:
            tr.addElement(cell(v))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("ext, book", [("xls", _xls), ("ods", _ods)])
def test_merged_cells_of_xls_and_ods_workbooks_are_read_the_same(ext, book):
    files, _ = expand_workbooks({f"Outcomes.{ext}": book()})
    lines = files["Outcomes.csv"].decode().splitlines()
    assert lines[0].split(",")[:6] == ["Patient", "Infusion date", "Baseline NRS", "Baseline PHQ-9", "Post NRS",
                                       "Post PHQ-9"]
    assert lines[1] == ""
    assert _summary({f"Outcomes.{ext}": book()}) == EXPECTED


# --- Groups without merged cells (centred across their columns, a CSV saved from such a sheet) --------------

def test_visits_typed_over_the_first_of_their_columns_are_read_when_the_names_repeat_from_visit_to_visit():
    book = _workbook(dated=False, ids_merged_down=False, merged=False)
    files, _ = expand_workbooks({"Outcomes.xlsx": book})
    assert files["Outcomes.csv"].decode().splitlines()[0].split(",")[:4] == [
        "Patient", "Infusion date", "Baseline NRS", "Baseline PHQ-9"]
    assert _summary({"Outcomes.xlsx": book}) == EXPECTED


def test_a_row_of_visits_over_repeated_names_is_read_as_their_groups():
    top = ["", "", "Baseline", "", "Week 4", ""]
    below = ["Patient", "Infusion date", "NRS", "PHQ-9", "NRS", "PHQ-9"]
    assert group_names(top, below) == ["Patient", "Infusion date", "Baseline NRS", "Baseline PHQ-9", "Week 4 NRS",
                                       "Week 4 PHQ-9"]
    # Patient and Infusion date typed in row 1, the visits' names in row 2 (an export of cells merged down).
    assert group_names(["Patient", "Infusion date", "Baseline", "", "Week 4", ""],
                       ["", "", "NRS", "PHQ-9", "NRS", "PHQ-9"])[:3] == ["Patient", "Infusion date", "Baseline NRS"]


@pytest.mark.parametrize("top, below", [
    (["Ketamine clinic", "", "", ""], ["Patient", "Date", "NRS", "PHQ-9"]),                 # a title
    (["Ketamine clinic", "", "", "Exported 2024-05-01", "", ""],                              # a title and a date
     ["Patient", "Date", "NRS", "Date", "NRS", "PHQ-9"]),
    (["", "", "Baseline", "", "Week 4", ""], ["Patient", "Date", "NRS", "PHQ-9", "Pain", "Mood"]),  # no repeats
    (["", "Scores", "", "", "", ""], ["Patient", "NRS", "PHQ-9", "NRS", "PHQ-9", "Notes"]),    # one group only
    (["Patient", "Date", "NRS", "PHQ-9"], ["0-10", "", "0-10", ""]),                          # a header, no groups
    (["Patient", "Date", "NRS pre", "NRS post", "NRS"], ["", "yyyy-mm-dd", "0-10", "0-10", "0-10"]),  # units
])
def test_a_row_above_the_header_that_is_no_row_of_groups_is_left_alone(top, below):
    assert group_names(top, below) is None


# --- A CSV saved from such a sheet: the same header of two rows, without merges -----------------------------

def _csv(ids_in_row_1: bool = True, title: str | None = None, dated: bool = True) -> bytes:
    """The sheet above saved as CSV (Excel writes a merged cell's value in its first column only)."""
    names = (["Date"] if dated else []) + ["NRS", "PHQ-9"]
    top = (["Patient", "Infusion date"] if ids_in_row_1 else ["", ""])
    below = (["", ""] if ids_in_row_1 else ["Patient", "Infusion date"])
    for visit in VISITS:
        top += [visit] + [""] * (len(names) - 1)
        below += names
    lines = ([title + "," * (len(top) - 1)] if title else []) + [",".join(top), ",".join(below)]
    for i, (pid, (nrs, phq)) in enumerate(COHORT.items()):
        cells = [pid, _infusion(i)] + _visit_cells(i, nrs, phq, dated)
        lines.append(",".join("" if c is None else str(c) for c in cells))
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("ids_in_row_1", [True, False])
def test_a_csv_saved_from_a_sheet_with_visits_over_the_names_is_read_as_the_workbook_is(ids_in_row_1):
    """Before: the visits' row was skipped as a title, and NRS, NRS.1 ... were one measure kept once."""
    data = _csv(ids_in_row_1)
    assert _summary({"Outcomes.csv": data}) == EXPECTED
    ds = load_files({"Outcomes.csv": data})
    assert any(n.startswith("Outcomes.csv: the header is two rows (1 and 2: groups of columns") and
               "'Baseline Date', 'Baseline NRS'" in n and n.endswith("row 2 is not read as data.")
               for n in ds.report.notes)


def test_a_csv_with_a_title_above_its_two_header_rows_keeps_the_title_as_a_title():
    data = _csv(title="Ketamine clinic 2024", dated=False)
    table = read_table("Outcomes.csv", data)
    assert table.header_row == 2 and table.two_row_header and table.skipped == ["Ketamine clinic 2024"]
    assert table.header[:4] == ["Patient", "Infusion date", "Baseline NRS", "Baseline PHQ-9"]
    assert list(table.line) == [4, 5, 6]  # the file's lines: row 3 (the names) is no data row
    assert _summary({"Outcomes.csv": data}) == EXPECTED


def test_the_header_row_of_a_saved_mapping_reads_the_two_rows_the_same():
    """``inspect --write-mapping`` stores the header's first line; loading with it joins the two rows again."""
    table = read_table("Outcomes.csv", _csv(), header_row=1)
    assert table.two_row_header and table.header[2] == "Baseline Date"


def test_a_csv_whose_first_data_row_is_all_text_keeps_its_one_header_row():
    data = b"Patient,Site,Comments\r\nP01,North,tolerated well\r\nP02,South,nausea\r\n"
    table = read_table("Visits.csv", data)
    assert not table.two_row_header and table.header == ["Patient", "Site", "Comments"] and table.n == 2


def test_visits_over_one_column_each_are_groups_when_row_2_names_a_column_row_1_does_not():
    """Row 1 is no whole header when a column is named in row 2 only (Patient): visits over one NRS column each
    are read as before the units-row rule (the regression review's case09 and case11 workbooks were refused)."""
    assert group_names(["", "Baseline", "Week 1", "Week 4"], ["Patient", "NRS", "NRS", "NRS"]) == [
        "Patient", "Baseline NRS", "Week 1 NRS", "Week 4 NRS"]
    assert group_names(["", "Baseline", "", "Week 1", "Week 4"], ["Patient", "NRS", "PHQ-9", "NRS", "NRS"]) == [
        "Patient", "Baseline NRS", "Baseline PHQ-9", "Week 1 NRS", "Week 4 NRS"]
