"""A web page named .xls ("Export to Excel" of eClinicalWorks and practice reports) is read as the table Excel shows.

The specification (docs/data-format.md, "Workbooks"): the page's largest table, a row per <tr>, a cell per
<td>/<th> with its text (entities decoded, white space collapsed), a cell spanning columns followed by empty
cells; scripts and styles are not text; nothing is fetched. A note says the file is a web page.
"""
from __future__ import annotations

from analysis import load_files
from analysis.io.html_tables import html_table_csv, looks_like_html_table
from analysis.io.workbooks import workbook_tables
from analysis.summary import summarize

#: patient: (baseline, post) on the infusion day, then week 4. Immediate relief 50%, 25%, 62.5%: mean 45.83%.
COHORT = {"E01": (8, 4, 6), "E02": (8, 6, 8), "E03": (8, 3, 4)}


def _page(title: bool = True, script: bool = True) -> bytes:
    rows = ["<tr><th>Patient ID</th><th>Visit Date</th><th>Visit Type</th><th>Pain Scale</th>"
            "<th>Pain Scale Post</th><th>Facility</th></tr>"]
    for i, (pid, (pre, post, w4)) in enumerate(COHORT.items()):
        day = 14 + i
        rows.append(f"<tr><td>{pid}</td><td>03/{day:02d}/2024 09:00 AM</td><td>KETAMINE INFUSION</td>"
                    f"<td>{pre} - Severe</td><td>{post}</td><td>Pain &amp; Spine</td></tr>")
        rows.append(f"<tr><td>{pid}</td><td>04/{day - 3:02d}/2024 10:00 AM</td><td>FOLLOW UP</td><td>{w4}</td>"
                    "<td></td><td>Pain &amp; Spine</td></tr>")
    head = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            + ("<script>document.write('<table><tr><td>x</td></tr></table>')</script><style>td{color:red}</style>"
               if script else "") + "</head><body>")
    caption = '<tr><td colspan="6"><b>Patient Visit Report</b></td></tr>' if title else ""
    return (head + '<table border="1">' + caption + "\n".join(rows) + "</table></body></html>").encode()


def test_a_web_page_named_xls_is_read_as_its_table():
    files, notes = workbook_tables("VisitReport.xls", _page())
    (name, data), = files
    lines = data.decode().splitlines()
    assert name == "VisitReport.csv"
    assert lines[0] == "Patient Visit Report,,,,,"  # the title spans the table: a title row, as Excel shows it
    assert lines[1] == "Patient ID,Visit Date,Visit Type,Pain Scale,Pain Scale Post,Facility"
    assert lines[2] == "E01,03/14/2024 09:00 AM,KETAMINE INFUSION,8 - Severe,4,Pain & Spine"
    assert notes == ['VisitReport.xls is not a workbook but a web page (HTML) holding a table, as "Export to Excel" '
                     "buttons write: its largest table was read, as VisitReport.csv (a cell spanning rows or columns "
                     "written once, as a merged cell saved as CSV), and line numbers in messages are that table's rows."]


def test_the_page_of_an_ehr_export_gives_the_clinics_numbers():
    """Before: refused, 'no column looks like the patient id' (the first line, <html><head>..., was one column)."""
    (group,) = summarize(load_files({"VisitReport.xls": _page()}), models=False).to_dict()["groups"]
    assert group["episodes_used"] == 3
    assert round(group["immediate_relief_pct"]["estimate"], 2) == 45.83


def test_text_in_scripts_is_not_a_cell_and_a_page_without_a_table_is_no_table():
    assert b"x" not in html_table_csv(_page()).split(b"\n")[0]
    assert looks_like_html_table(b"<html><body><table><tr><td>a</td></tr></table></body></html>")
    assert not looks_like_html_table(b"<html><body><p>No data</p></body></html>")
    assert not looks_like_html_table(b"Patient\tNRS\nP1\t7\n")
    files, notes = workbook_tables("Report.xls", b"Patient\tNRS\nP1\t7\n")
    assert files[0][0] == "Report.txt" and "text file" in notes[0]


def test_a_cell_spanning_rows_is_written_once_and_the_cells_beside_it_stay_in_their_columns():
    """Before: rowspan was ignored, so the second row's cells moved left: its visit date became the infusion date and
    its score vanished unlisted (the regression review's case52)."""
    page = (b"<table><tr><th>Patient</th><th>Infusion date</th><th>Visit date</th><th>NRS</th></tr>"
            b"<tr><td rowspan=2>P1</td><td rowspan='2'>2024-03-04</td><td>2024-03-04</td><td>8</td></tr>"
            b"<tr><td>2024-04-01</td><td>5</td></tr><tr><td>P2</td><td>2024-03-11</td><td>2024-03-11</td><td>7</td></tr>"
            b"</table>")
    assert html_table_csv(page).decode().splitlines() == [
        "Patient,Infusion date,Visit date,NRS", "P1,2024-03-04,2024-03-04,8", ",,2024-04-01,5",
        "P2,2024-03-11,2024-03-11,7"]


def test_a_table_inside_a_cell_is_a_table_of_its_own():
    page = (b"<table><tr><td>outer</td><td><table><tr><td>in1</td></tr><tr><td>in2</td></tr></table></td>"
            b"<td>after</td></tr><tr><td>o2</td><td>o3</td><td>o4</td></tr></table>")
    assert html_table_csv(page).decode().splitlines() == ["outer,,after", "o2,o3,o4"]


def test_pages_that_start_with_a_comment_or_an_xhtml_doctype_are_pages():
    assert looks_like_html_table(b"<!-- saved from url=(0014)about:internet -->\n<html><body><table><tr><td>a</td>"
                                 b"</tr></table>")
    assert looks_like_html_table(b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">'
                                 b"<html><body><table><tr><td>a</td></tr></table></body></html>")


def test_an_excel_2003_xml_spreadsheet_is_refused_saying_what_it_is_and_what_to_do():
    """Before: read as text, 'report.txt: required column 'patient_id' is missing (columns found: <?xml ...)'."""
    import pytest
    from analysis.errors import UnreadableFileError
    data = (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-'
            b'com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">Patient'
            b"</Data></Cell></Row></Table></Worksheet></Workbook>")
    with pytest.raises(UnreadableFileError, match=r"report.xls is not a workbook but an Excel 2003 XML spreadsheet "
                                                  r"\(SpreadsheetML\), which is not read: open it in Excel"):
        workbook_tables("report.xls", data)
