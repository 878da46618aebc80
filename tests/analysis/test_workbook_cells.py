"""How a workbook's cells are read where a cell could say two things (docs/data-format.md, "Workbooks").

* A text cell ``1,3`` is what it says: in a column of body regions it lists two codes (2 regions), as the
  same sheet saved as CSV gives, never the decimal 1.3. A text ``4,5`` is the number 4.5 where its column
  also writes decimals with a point (a German sheet's number cells), and in a sheet of our own format.
* A formula saved without its value (what openpyxl and many scripts write) reads as empty: the load
  report names the cells and says to save the file in Excel or LibreOffice.
* A score cell that Excel turned into a date is excluded saying so.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from analysis import load_files
from analysis.io import sheet_reader
from analysis.io.sheet_reader import decimal_commas
from analysis.io.workbooks import workbook_tables

D = dt.date


def _xlsx(rows: list[list], title: str = "Data") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_csv(book: bytes) -> bytes:
    (_, csv_bytes), = workbook_tables("x.xlsx", book)[0]
    return csv_bytes


def _values(ds, measure: str) -> list[float]:
    a = ds.assessments
    return a.loc[a["measure"] == measure, "value"].tolist()


# --- A text cell listing region codes -----------------------------------------------------------------

REGIONS = [["Patient", "Date", "Treatment", "NRS", "Affected regions"],
           ["P1", D(2024, 3, 1), None, 8, "1,3"], ["P1", D(2024, 3, 4), "Ketamine", None, None],
           ["P1", D(2024, 4, 1), None, 4, "2,4"],
           ["P2", D(2024, 3, 2), None, 7, "1"], ["P2", D(2024, 3, 5), "Ketamine", None, None],
           ["P2", D(2024, 4, 2), None, 5, "1,2"]]


def test_a_text_cell_listing_two_region_codes_counts_two_regions_as_its_csv_does():
    book = _xlsx(REGIONS)
    # The cells as written, quoted as Excel's CSV quotes a comma.
    assert _sheet_csv(book).splitlines()[1] == b'P1,2024-03-01,,8,"1,3"'
    ds = load_files({"regions.xlsx": book})
    # Codes counted by hand: {1,3} -> 2, {2,4} -> 2, {1} -> 1, {1,2} -> 2.
    assert _values(ds, "regions_affected") == [2.0, 2.0, 1.0, 2.0]
    assert ds.report.exclusions.empty
    assert any("column 'Affected regions': its cells list codes" in n for n in ds.report.notes)
    # The same rows saved as CSV give the same dataset.
    csv = (b'Patient,Date,Treatment,NRS,Affected regions\nP1,2024-03-01,,8,"1,3"\nP1,2024-03-04,Ketamine,,\n'
           b'P1,2024-04-01,,4,"2,4"\nP2,2024-03-02,,7,1\nP2,2024-03-05,Ketamine,,\nP2,2024-04-02,,5,"1,2"\n')
    from_csv = load_files({"regions.csv": csv})
    assert ds.assessments.equals(from_csv.assessments)


def test_region_codes_beside_a_german_score_column_keep_both_readings():
    # NRS: number cells with decimals (7.5) and text with a decimal comma ("4,5"); regions: lists of codes.
    rows = [["Patient", "Datum", "Behandlung", "NRS", "Affected regions"],
            ["A", D(2024, 1, 9), None, 7.5, "1,3"], ["A", D(2024, 1, 10), "Ketamin", None, None],
            ["A", D(2024, 2, 7), None, "4,5", "2,4"],
            ["B", D(2024, 1, 31), None, 6, "1"], ["B", D(2024, 2, 1), "Ketamin", None, None],
            ["B", D(2024, 2, 28), None, "3,5", "1,2"]]
    lines = _sheet_csv(_xlsx(rows)).splitlines()
    assert lines[3] == b'A,2024-02-07,,4.5,"2,4"'
    ds = load_files({"x.xlsx": _xlsx(rows)})
    assert _values(ds, "pain_nrs") == [7.5, 4.5, 6.0, 3.5]
    assert _values(ds, "regions_affected") == [2.0, 2.0, 1.0, 2.0]
    assert ds.report.exclusions.empty


# --- Text with a decimal comma ------------------------------------------------------------------------

@pytest.mark.parametrize("cells, expected", [
    # Beside a decimal with a point (a number cell 6.5 is written "6.5"): the text is that number.
    (["NRS", "6.5", "4,5", " -12,25 ", "7"], ["NRS", "6.5", "4.5", "-12.25", "7"]),
    # Among whole numbers only: as written (it may list two codes); the column's role decides later.
    (["Regions", "1,3", "2", "2,4"], ["Regions", "1,3", "2", "2,4"]),
    (["NRS", "4,5", "7"], ["NRS", "4,5", "7"]),
    # Never a thousands separator, a list of three, or a number with a unit.
    (["Dose", "0.5", "1,234", "1,2,3", "4,5 mg"], ["Dose", "0.5", "1,234", "1,2,3", "4,5 mg"]),
    # A point in text that is no number ("Dr. X") is no decimal.
    (["Note", "Dr. X", "4,5"], ["Note", "Dr. X", "4,5"]),
])
def test_a_decimal_comma_in_text_is_a_number_only_beside_decimal_points(cells, expected):
    assert decimal_commas(cells) == expected


def test_a_german_sheet_with_some_scores_typed_as_text_reads_them_as_numbers():
    rows = [["Patient", "Datum", "Behandlung", "NRS"],
            ["A", D(2024, 1, 9), None, 7.5], ["A", D(2024, 1, 10), "Ketamin", None], ["A", D(2024, 2, 7), None, "4,5"],
            ["B", D(2024, 1, 31), None, 6], ["B", D(2024, 2, 1), "Ketamin", None], ["B", D(2024, 2, 28), None, "3,5"]]
    ds = load_files({"x.xlsx": _xlsx(rows)})
    assert _values(ds, "pain_nrs") == [7.5, 4.5, 6.0, 3.5]
    assert ds.report.exclusions.empty


def test_decimal_commas_beside_whole_numbers_are_read_as_the_same_csv_is():
    rows = [["Patient", "Datum", "Behandlung", "NRS"],
            ["A", D(2024, 1, 9), None, 7], ["A", D(2024, 1, 10), "Ketamin", None], ["A", D(2024, 2, 7), None, "4,5"],
            ["B", D(2024, 1, 31), None, 6], ["B", D(2024, 2, 1), "Ketamin", None], ["B", D(2024, 2, 28), None, "3,5"]]
    assert b'A,2024-02-07,,"4,5"' in _sheet_csv(_xlsx(rows)).splitlines()
    ds = load_files({"x.xlsx": _xlsx(rows)})
    assert _values(ds, "pain_nrs") == [7.0, 4.5, 6.0, 3.5]
    assert any("write decimals with a comma ('4,5'" in n for n in ds.report.notes)


def test_a_sheet_of_our_format_reads_text_with_a_decimal_comma_as_the_number():
    rows = [["patient_id", "day", "measure", "value"], ["A", -1, "pain_nrs", 7], ["A", 28, "pain_nrs", "4,5"],
            ["A", 29, "pain_nrs", "1,234"]]
    ds = load_files({"x.xlsx": _xlsx(rows, title="assessments")})
    assert ds.assessments["value"].tolist() == [7.0, 4.5]
    assert ds.report.exclusions[["line", "value"]].values.tolist() == [[4, "1,234"]]


# --- Formulas without a saved value --------------------------------------------------------------------

FORMULAS = [["Patient", "Date", "Treatment", "NRS", "Note"],
            ["P1", D(2024, 3, 1), None, 8, '=IF(1,"","a")'], ["P1", D(2024, 3, 4), "Ketamine", None, None],
            ["P1", "=B3+28", None, 4, None],
            ["P2", D(2024, 3, 2), None, 7, None], ["P2", D(2024, 3, 5), "Ketamine", None, None],
            ["P2", "=B6+28", None, "=3+2", None]]


def test_formulas_without_a_saved_value_are_named_with_what_to_do():
    ds = load_files({"visits.xlsx": _xlsx(FORMULAS)})
    note, = [n for n in ds.report.notes if "formula" in n]
    assert note.startswith("visits.xlsx: in the sheet 'Data', 4 cell(s) hold a formula without a saved value "
                           "(E2, B4, B7, D7): they were read as empty")
    assert "Open the workbook in Excel or LibreOffice and save it, so that the values are stored" in note
    # The rows themselves are still excluded with their reason (the follow-up has no date).
    assert ds.report.exclusions["line"].tolist() == [4, 7]


def _rewrite_sheet(book: bytes, edit) -> bytes:
    """The workbook with its sheet's XML changed by ``edit`` (other writers' forms of the same cells)."""
    src, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            z.writestr(info, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def _formula_cells(book: bytes) -> list[str]:
    (_, _, _, _, cells, _), = sheet_reader.convert(book, 1 << 30)
    return cells


def test_saved_values_and_empty_text_results_are_not_listed():
    def saved(xml: bytes) -> bytes:
        xml = xml.replace(b"<f>B3+28</f><v />", b"<f>B3+28</f><v>45383</v>")  # Excel saved the date
        xml = xml.replace(b'<c r="E2"><f>', b'<c r="E2" t="str"><f>').replace(b'"a")</f><v />', b'"a")</f><v></v>')
        return xml
    assert _formula_cells(_rewrite_sheet(_xlsx(FORMULAS), saved)) == ["B7", "D7"]


def test_other_writers_forms_are_found_shared_formulas_and_prefixed_tags():
    def shared(xml: bytes) -> bytes:  # B7 copies B4's formula; no <v> at all
        xml = xml.replace(b"<f>B3+28</f><v />", b'<f t="shared" ref="B4:B7" si="0">B3+28</f>')
        return xml.replace(b"<f>B6+28</f><v />", b'<f t="shared" si="0"/>')
    assert _formula_cells(_rewrite_sheet(_xlsx(FORMULAS), shared)) == ["E2", "B4", "B7", "D7"]

    def prefixed(xml: bytes) -> bytes:  # the .NET Open XML SDK writes <x:c>, <x:f>
        xml = re.sub(rb"<(/?)(worksheet|sheetData|row|c|f|v|is|t)\b", rb"<\1x:\2", xml)
        return xml.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")
    assert _formula_cells(_rewrite_sheet(_xlsx(FORMULAS), prefixed)) == ["E2", "B4", "B7", "D7"]


def test_the_sheet_is_read_a_second_time_only_when_its_table_has_an_empty_cell(monkeypatch):
    scanned = []
    real = sheet_reader.formulas_without_values
    monkeypatch.setattr(sheet_reader, "formulas_without_values", lambda zf, part: scanned.append(part) or real(zf, part))
    full = _xlsx([["patient_id", "day", "pain_nrs"], ["P1", -1, 8], ["P1", 1, 3]])
    assert _formula_cells(full) == [] and scanned == []
    gap = _xlsx([["patient_id", "day", "pain_nrs"], ["P1", -1, 8], ["P1", 1, None]])
    assert _formula_cells(gap) == [] and scanned == ["xl/worksheets/sheet1.xml"]


def test_a_sheet_xml_read_in_pieces_finds_a_formula_cut_by_a_piece(monkeypatch):
    monkeypatch.setattr(sheet_reader, "_PIECE", 7)  # every cell crosses a piece's end
    assert _formula_cells(_xlsx(FORMULAS)) == ["E2", "B4", "B7", "D7"]


# --- A score Excel turned into a date -----------------------------------------------------------------

def test_a_score_that_excel_turned_into_a_date_is_excluded_saying_so():
    rows = [["Patient", "Date", "Treatment", "NRS"],
            ["A", D(2024, 1, 9), None, 7], ["A", D(2024, 1, 10), "Ketamine", None],
            ["A", D(2024, 2, 7), None, dt.datetime(2024, 7, 6)],  # "6-7" typed in a German Excel
            ["B", D(2024, 1, 31), None, 6], ["B", D(2024, 2, 1), "Ketamine", None], ["B", D(2024, 2, 28), None, 3]]
    ex = load_files({"x.xlsx": _xlsx(rows)}).report.exclusions
    assert ex[["line", "column", "value"]].values.tolist() == [[4, "NRS", "2024-07-06"]]
    assert ex["reason"].iloc[0] == ("a date (2024-07-06), not a score: a spreadsheet turns a score typed as 6-7 or "
                                    "7/10 into a date; type it again as text ('6-7) or as a number")
