"""Files that look like a clinic's export but would take the loader down are refused early, with a message that says
what they are; ordinary files with the same features keep loading (docs/data-format.md, "What the loader accepts").

Found by the session-13 robustness review: an HTML page named .xls whose ``colspan`` repeats cells (4 MB -> 4 GB),
column-aligned text of 49,000 columns (killed after 120 s), a zip of 10,000 tiny CSV files (killed after 120 s), a
workbook whose reading child ran out of memory (a traceback), file names with brackets (refused), a REDCap data
dictionary with a long list of choices (Python's csv words), a damaged Stata file (Python's date words).
"""
from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from analysis import load_files
from analysis.errors import DatasetError, ResourceLimitError, UnreadableFileError
from analysis.io import stat_files, workbooks
from analysis.io.html_tables import html_table_csv
from analysis.io.propose import name_pattern
from analysis.io.spec import FileSpec
from analysis.io.tables import read_table
from analysis.io.workbooks import workbook_tables

ROOT = Path(__file__).resolve().parents[2]
VISITS = ("Patient ID,Visit Date,Pain NRS,Treatment\n"
          "P01,2024-01-02,8,Ketamine infusion\nP01,2024-01-12,3,\nP01,2024-02-12,4,\n"
          "P02,2024-01-03,7,Ketamine infusion\nP02,2024-01-13,5,\nP02,2024-02-13,6,\n")


def _page(rows: str) -> bytes:
    head = "<tr><th>Patient</th><th>Date</th><th>NRS</th></tr><tr><td>P1</td><td>2024-01-01</td><td>8</td></tr>"
    return f"<html><body><table>{head}{rows}</table></body></html>".encode()


# ------------------------------------------------------------------------------- HTML pages named .xls: spans
def test_a_row_whose_colspans_pass_the_column_limit_is_refused_naming_the_xls_and_colspan():
    page = _page("<tr>" + "<td colspan=999>" * 5000 + "</tr>")  # 90 KB: 5 million cells in one row
    started = time.perf_counter()
    with pytest.raises(ResourceLimitError) as e:
        workbook_tables("export.xls", page)
    assert time.perf_counter() - started < 2
    msg = str(e.value)
    assert msg.startswith("export.xls: row 3 of its table would have more than 2,000 columns")
    assert "colspan" in msg and "CRPS_MAX_COLUMNS" in msg and "export.csv" not in msg


def test_rowspans_that_repeat_cells_far_beyond_the_cells_written_are_refused_before_the_table_is_built():
    # 100 cells spanning 1,000 rows each over 1,000 rows of one cell: 1,106 cells written, 100,000 made.
    page = _page("<tr>" + "<td rowspan=1000>x</td>" * 100 + "</tr>" + "<tr><td>y</td></tr>" * 1000)
    with pytest.raises(ResourceLimitError) as e:
        html_table_csv(page, "export.xls")
    msg = str(e.value)
    assert msg.startswith("export.xls: its table would have more than 57,300 cells, more than 50 times the cells the "
                          "page writes (1,106):")
    assert "spans (colspan/rowspan) repeat cells beyond what a clinic's export holds" in msg


def test_a_report_writers_layout_of_cells_spanning_twenty_columns_is_read():
    # A regression review: each cell spanning 14-20 columns, 120 rows (ten times the cells written was refused).
    rows = "".join(f"<tr><td colspan=20>P{k % 30}</td><td colspan=20>2024-03-{1 + k % 28:02d}</td>"
                   f"<td colspan=20>{k % 10}</td></tr>" for k in range(120))
    page = _page("<tr><th colspan=20>Patient</th><th colspan=20>Date</th><th colspan=20>NRS</th></tr>" + rows)
    assert html_table_csv(page, "report.xls").count(b"\n") >= 121


def test_a_table_over_a_limit_is_refused_naming_the_page_the_user_gave_not_the_csv_read_from_it():
    page = _page("<tr><td>P2</td><td>" + "x" * (1100 * 1024) + "</td><td>5</td></tr>")
    with pytest.raises(ResourceLimitError) as e:
        load_files({"export.xls": page})
    assert str(e.value).startswith("export.xls: line 3 is 1.1 MB long; the limit is 1.0 MB (CRPS_MAX_LINE_KB).")


def test_a_page_too_large_to_parse_within_the_memory_limit_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", "1")  # html.parser: about 40 bytes a byte of page
    page = _page("<tr><td>P2</td><td>2024-01-02</td><td>7</td></tr>" * 600)  # 29 KB
    with pytest.raises(ResourceLimitError) as e:
        html_table_csv(page, "export.xls")
    assert str(e.value).startswith("export.xls: reading this web page's table (29 KB) would need about 1.4 MB of "
                                   "memory; the limit is 1.0 MB (CRPS_MAX_MEMORY_MB).")


def test_a_1_mb_page_of_colspans_is_refused_in_seconds_within_a_few_hundred_mb(tmp_path):
    (tmp_path / "export.xls").write_bytes(_page("<tr>" + "<td colspan=999>" * 55_000 + "</tr>"))
    code = ("import json, sys, time\n"
            "open('/proc/self/clear_refs', 'w').write('5')\n"
            "from analysis import load_dataset\n"
            "from analysis.errors import DatasetError\n"
            "t = time.perf_counter()\n"
            "try:\n"
            "    load_dataset(sys.argv[1]); msg = 'ok'\n"
            "except DatasetError as e:\n"
            "    msg = str(e)\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
            "print(json.dumps([int(hwm) * 1024, time.perf_counter() - t, msg]))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    peak, seconds, msg = json.loads(out.stdout.strip().splitlines()[-1])
    assert msg.startswith("export.xls: row 3 of its table would have more than 2,000 columns")
    assert peak < 400 * 1024 ** 2 and seconds < 5  # before: 900 MB and 31 s, then refused naming "export.csv"


# ------------------------------------------------------------------------------- column-aligned text: columns
def _aligned(columns: int) -> bytes:
    names = [f"c{k:04d}" for k in range(columns)]
    lines = [" ".join(names), " ".join("-----" for _ in names), " ".join("    1" for _ in names)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


def test_column_aligned_text_over_the_column_limit_is_refused_as_a_csv_is(monkeypatch):
    monkeypatch.setenv("CRPS_MAX_COLUMNS", "50")
    with pytest.raises(ResourceLimitError) as e:
        load_files({"query.rpt": _aligned(60)})
    assert str(e.value) == ("query.rpt: the header has 60 columns; the limit is 50 (CRPS_MAX_COLUMNS). Keep only "
                            "the columns the analysis needs (patient_id, day, scores, treatment, covariates).")
    assert len(read_table("query.rpt", _aligned(50)).header) == 50  # at the limit: read


# ------------------------------------------------------------------------------------------ zips: files
def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_zip_of_more_files_than_the_limit_is_refused_before_any_is_read():
    many = _zip({f"Site {k}/visits.csv": VISITS.encode() for k in range(201)})
    started = time.perf_counter()
    with pytest.raises(ResourceLimitError) as e:
        load_files({"export.zip": many})
    assert time.perf_counter() - started < 2
    assert str(e.value).startswith("export.zip: it holds 201 data files; the limit is 200 (CRPS_MAX_ZIP_FILES).")


def test_a_zips_readme_codebook_and_logos_do_not_count_toward_the_file_limit(monkeypatch):
    monkeypatch.setenv("CRPS_MAX_ZIP_FILES", "2")
    files = {"North/visits.csv": VISITS.encode(), "South/visits.csv": VISITS.replace("P0", "S0").encode(),
             "README.txt.pdf": b"%PDF", "North/codebook.pdf": b"%PDF", "North/logo.png": b"\x89PNG"}
    assert load_files({"export.zip": _zip(files)}) is not None


def test_the_zip_file_limit_counts_data_files_not_folders_or_macos_copies(monkeypatch):
    monkeypatch.setenv("CRPS_MAX_ZIP_FILES", "2")
    files = {"North/visits.csv": VISITS.encode(), "South/visits.csv": VISITS.replace("P0", "S0").encode(),
             "__MACOSX/North/._visits.csv": b"x", "__MACOSX/South/._visits.csv": b"x"}
    assert load_files({"export.zip": _zip(files)}) is not None
    monkeypatch.setenv("CRPS_MAX_ZIP_FILES", "1")
    with pytest.raises(ResourceLimitError, match="holds 2 data files; the limit is 1"):
        load_files({"export.zip": _zip(files)})


# ------------------------------------------------------------------------- workbooks: the child out of memory
def _child_says(monkeypatch, result, returncode: int = 0):
    done = subprocess.CompletedProcess([], returncode, stdout=pickle.dumps(result), stderr=b"")
    monkeypatch.setattr(workbooks.subprocess, "run", lambda *a, **k: done)


@pytest.mark.parametrize("name, data", [("book.xlsx", _zip({"xl/workbook.xml": b"<workbook/>"})),
                                        ("book.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)])
def test_a_workbook_whose_reading_runs_out_of_memory_says_so_in_words(monkeypatch, name, data):
    _child_says(monkeypatch, ("error", "memory", ""))  # a real MemoryError has no message
    with pytest.raises(ResourceLimitError) as e:
        workbook_tables(name, data)
    msg = str(e.value)
    assert msg.startswith(f"{name}: reading this workbook needs more memory than the limit of 2.0 GB")
    assert "save the sheet that holds the data as CSV" in msg and "int()" not in msg


def test_an_ods_whose_repeated_cells_exhaust_memory_says_the_cells_are_repeated(monkeypatch):
    cell = '<table:table-cell table:number-columns-repeated="100"><text:p>' + "X" * 100 + "</text:p></table:table-cell>"
    content = ('<office:document-content><office:body><office:spreadsheet><table:table table:name="S">'
               f'<table:table-row table:number-rows-repeated="2000">{cell}</table:table-row>'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content.encode()})
    _child_says(monkeypatch, None, returncode=-9)  # the child killed at its memory cap
    with pytest.raises(ResourceLimitError) as e:
        workbook_tables("book.ods", ods)
    msg = str(e.value)
    assert "A sheet repeats its cells: a row written once stands for 2,000 rows and a cell for 100 cells" in msg
    assert "very far right or down" not in msg


# ------------------------------------------------------------------------------------- names with brackets
def test_a_file_named_with_brackets_loads_as_any_export():
    ds = load_files({"Pain clinic [final].csv": VISITS.encode()})
    assert sorted(ds.assessments["patient_id"].unique()) == ["P01", "P02"]


def test_the_proposed_pattern_escapes_the_names_own_brackets_and_a_users_glob_still_matches():
    assert name_pattern("Pain clinic [final] 2024.csv", ["Pain clinic [final] 2024.csv", "codes.csv"]) == \
        "Pain clinic [[]final[]] *.csv"
    spec = FileSpec(match="Pain clinic [[]final[]] *.csv")
    assert spec.matches("Pain clinic [final] 2025.csv") and not spec.matches("Pain clinic f 2025.csv")
    assert FileSpec(match="book (Sheet [x]).csv").matches("book (Sheet [x]).csv")  # the exact name
    assert FileSpec(match="visits_[0-9]*.csv").matches("visits_2024.csv")  # a user's own glob


# ----------------------------------------------------------------------------------------------- messages
def test_a_redcap_dictionary_with_choices_over_128_kb_is_read():
    choices = " | ".join(f"{k}, Medication number {k}" for k in range(8000))  # about 200 KB
    text = ('Variable / Field Name,Form Name,Field Type,Field Label,"Choices, Calculations, OR Slider Labels"\n'
            f'record_id,visit,text,Record ID,\nmed,visit,dropdown,Medication,"{choices}"\n')
    table = read_table("ClinicProject_DataDictionary_2024-06-01.csv", text.encode())
    assert len(table.column(4)[1]) > 131072


def test_a_stata_file_with_an_impossible_date_is_said_to_be_damaged(monkeypatch):
    done = subprocess.CompletedProcess([], 0, stdout=pickle.dumps(
        ("error", "unreadable", "days=-2147483648; must have magnitude <= 999999999")), stderr=b"")
    monkeypatch.setattr(stat_files.subprocess, "run", lambda *a, **k: done)
    with pytest.raises(UnreadableFileError) as e:
        stat_files._read_in_child("study.dta", ".dta", b"\0" * 100)
    assert str(e.value).startswith("study.dta is damaged: it holds a date (or a header value) no date can have")
    assert "magnitude" not in str(e.value)


def test_a_zip_of_an_unknown_compression_says_so_not_that_it_is_damaged():
    import zipfile

    from analysis.io.sources import zip_problem
    reason = zip_problem(b"PK\x03\x04", NotImplementedError("That compression method is not supported"))
    assert "compression method" in reason and "damaged" not in reason
    assert "damaged" in zip_problem(b"PK\x03\x04", zipfile.BadZipFile("File is not a zip file"))
