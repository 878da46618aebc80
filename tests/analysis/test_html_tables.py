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
                     "buttons write: its table was read as the sheet Excel shows."]


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
