"""Workbooks (.xlsx, .ods, ...) are read as the CSV files Excel would save from their sheets.

The specification: a workbook and the same table saved as CSV give the same dataset. The clinic
spreadsheets of clinic_export_shapes.py are turned back into the workbooks a clinic would have
(date cells, time cells, numbers, a title row), and must load to the same summary as the cohort's
canonical files; the demo cohort as a workbook with one sheet per file must load to the demo's.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import clinic_export_shapes as ces
from analysis import load_dataset, load_files
from analysis.cli import main
from analysis.errors import DatasetError, ResourceLimitError, UnreadableFileError
from analysis.io.propose import inspect
from analysis.io.sheet_reader import cell_text
from analysis.io.workbooks import _safe_name, expand_workbooks, workbook_tables
from analysis.summary import summarize

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"


def _xlsx(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _typed_rows(csv_bytes: bytes, encoding: str, title_lines: int, date_col: str, date_fmt: str,
                time_col: str | None, text_cols: tuple[str, ...]) -> list[list]:
    """A clinic's CSV (';', decimal comma) back as the typed cells of the workbook it was saved from."""
    raw = csv_bytes.decode(encoding).lstrip("\ufeff").splitlines()
    title = [[line.split(";")[0]] if line.strip(";") else [] for line in raw[:title_lines]]
    df = pd.read_csv(io.StringIO("\n".join(raw[title_lines:])), sep=";", decimal=",", dtype={c: str for c in text_cols})
    rows = [list(df.columns)]
    cells = {}
    for c in df.columns:
        if c == date_col:
            cells[c] = [d.date() for d in pd.to_datetime(df[c], format=date_fmt)]
        elif c == time_col:
            cells[c] = [dt.datetime.strptime(t, "%H:%M").time() for t in df[c]]
        elif c in text_cols or df[c].dtype == object:
            cells[c] = [None if pd.isna(v) else v for v in df[c]]
        else:
            cells[c] = [None if pd.isna(v) else float(v) for v in df[c]]
    rows += [list(r) for r in zip(*cells.values())]
    return title + rows


@pytest.fixture(scope="module")
def cohort():
    return ces.make_cohort(30, seed=7)


SPREADSHEETS = {
    # kind: (encoding, title lines, date column, its format, time column, text columns, boosters to review)
    "spreadsheet_de": ("utf-8", 2, "Datum", "%d.%m.%Y", None, ("Patient",), {"Ketamin i.v.": "Ketamin-Booster"}),
    "spreadsheet_fr": ("cp1252", 0, "Date", "%d/%m/%Y", "Heure", ("N° patient",), {}),
}


def _sheet_rows(kind: str, csv_bytes: bytes) -> list:
    """The spreadsheet shape's CSV as a sheet's typed rows (dates and times as cells)."""
    encoding, titles, date_col, fmt, time_col, text_cols, _ = SPREADSHEETS[kind]
    return _typed_rows(csv_bytes, encoding, titles, date_col, fmt, time_col, text_cols)


def _loads_as_its_canonical_files(book: dict, shape, kind: str):
    """The workbook, loaded with its proposal (nothing to review; the shape's boosters decided), gives the
    summary, days and values of the shape's canonical files. Returns the dataset read from the workbook."""
    proposal = inspect(expand_workbooks(book)[0])
    assert proposal.review == [], proposal.review
    doc = proposal.spec.to_json()
    boosters = SPREADSHEETS[kind][-1]
    if boosters:
        doc["courses"]["boosters"] = boosters
    from_book = load_files(book, mapping=doc)
    from_canonical = load_files(shape.canonical)
    assert summarize(from_book).to_dict() == summarize(from_canonical).to_dict()
    a, b = from_book.assessments, from_canonical.assessments
    assert np.array_equal(a["day"].to_numpy(), b["day"].to_numpy())
    assert np.array_equal(a["value"].to_numpy(), b["value"].to_numpy())
    return from_book


@pytest.mark.parametrize("kind", list(SPREADSHEETS))
def test_a_clinic_workbook_gives_the_same_summary_as_the_canonical_files(cohort, kind):
    shape = ces.export_shape(kind, cohort)
    (csv_name, csv_bytes), = shape.files.items()
    book = {Path(csv_name).stem + ".xlsx": _xlsx({"Auswertung" if kind.endswith("de") else "Suivi":
                                                 _sheet_rows(kind, csv_bytes)})}
    from_book = _loads_as_its_canonical_files(book, shape, kind)
    assert f"the sheet '{'Auswertung' if kind.endswith('de') else 'Suivi'}' was read as" in " ".join(from_book.report.notes)


def test_the_demo_cohort_as_a_workbook_of_three_sheets_is_the_demo_cohort(tmp_path):
    frames = {n: pd.read_csv(DEMO / f"{n}.csv", dtype={"patient_id": str}) for n in ("assessments", "treatments", "patients")}
    path = tmp_path / "demo.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as w:
        for n, f in frames.items():
            f.to_excel(w, sheet_name=n, index=False)
    book = load_dataset(path)
    demo = load_dataset(DEMO)
    assert summarize(book).to_dict() == summarize(demo).to_dict()
    pd.testing.assert_frame_equal(book.assessments, demo.assessments)
    pd.testing.assert_frame_equal(book.treatments, demo.treatments)
    pd.testing.assert_frame_equal(book.patients, demo.patients)
    # A folder holding the workbook reads the same.
    assert summarize(load_dataset(tmp_path)).to_dict() == summarize(demo).to_dict()
    assert "demo.xlsx: the sheet 'assessments' was read as assessments.csv (16,750 rows)." in book.report.notes


@pytest.mark.parametrize("value, text", [
    (7.0, "7"), (7, "7"), (6.5, "6.5"), (0.1 + 0.2, "0.3"), (-0.25, "-0.25"), (1e-7, "1e-07"),
    (True, "TRUE"), (False, "FALSE"), (None, ""), ("", ""), ("007", "007"), ("7/10", "7/10"), ("#N/A", "#N/A"),
    (1234567890123456.0, "1234567890123456"), (2.0 ** 53, "9007199254740992"), (1e20, "1e+20"),
    # Text as written: "1,3" may list two region codes (decimal commas: test_workbook_cells.py).
    ("4,5", "4,5"), ("1,3", "1,3"), ("1,234", "1,234"), ("4,5 mg", "4,5 mg"), ("1,2,3", "1,2,3"),
    (dt.datetime(2024, 3, 1, 9, 30), "2024-03-01 09:30:00"), (dt.date(2024, 3, 1), "2024-03-01"),
    (dt.time(14, 5), "14:05:00"), (dt.timedelta(hours=26, minutes=3), "26:03:00"),
])
def test_each_cell_is_written_as_excels_csv_writes_it(value, text):
    assert cell_text(value) == text


def test_cells_keep_their_value_not_their_display_format():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["patient_id", "day", "pain_nrs"])
    ws.append(["P1", -1, 6.6])
    ws["C2"].number_format = "0"         # shown as 7 in Excel
    ws.append(["P1", 1, 2.25])
    ws["C3"].number_format = "0.0"       # shown as 2.3
    buf = io.BytesIO()
    wb.save(buf)
    (name, data), = workbook_tables("scores.xlsx", buf.getvalue())[0]
    assert data.decode() == "patient_id,day,pain_nrs\nP1,-1,6.6\nP1,1,2.25\n"


def test_hidden_sheets_and_sheets_without_a_table_are_not_read_and_the_report_says_so():
    book = _xlsx({"Notes": [["Export of 2024-06-01"], ["ask Dr X"]],
                  "Scores": [["patient_id", "day", "pain_nrs"], ["P1", -1, 8], ["P1", 1, 3]],
                  "Old": [["patient_id", "day", "pain_nrs"], ["P9", 0, 1]]}, hidden=("Old",))
    files, notes = expand_workbooks({"clinic.xlsx": book})
    assert list(files) == ["clinic.csv"]
    assert files["clinic.csv"] == b"patient_id,day,pain_nrs\nP1,-1,8\nP1,1,3\n"
    assert notes == ["clinic.xlsx: the sheet 'Notes' holds no table (fewer than two columns with values) and was not read.",
                     "clinic.xlsx: the hidden sheet 'Old' was not read.",
                     "clinic.xlsx: the sheet 'Scores' was read as clinic.csv (3 rows)."]


def test_several_tables_become_one_file_each_named_after_book_and_sheet():
    book = _xlsx({"Visits": [["id", "date", "pain"], ["A", "2024-03-01", 8]],
                  "Infusions IV": [["id", "date", "drug"], ["A", "2024-03-01", "ketamine"]]})
    files, _ = expand_workbooks({"dir/clinic.xlsx": book})
    assert list(files) == ["clinic (Visits).csv", "clinic (Infusions IV).csv"]


def test_a_sheet_name_never_makes_a_path():
    # Excel forbids / and \ in sheet names, other programs may not: they become spaces.
    assert _safe_name("../../etc/passwd") == ".. .. etc passwd"
    assert _safe_name("a\\b\x00c") == "a b c" and _safe_name("/") == "sheet"


def test_a_damaged_workbook_or_one_with_a_password_is_refused_with_what_to_do():
    with pytest.raises(UnreadableFileError, match=r"notes\.xlsx is not a readable workbook.*save it again.*CSV UTF-8"):
        load_files({"notes.xlsx": b"PK\x03\x04 not really"})
    with pytest.raises(UnreadableFileError, match=r"old\.xls is not a readable workbook"):
        load_files({"old.xls": b"\xd0\xcf\x11\xe0 not really"})


def test_a_workbook_without_any_table_is_refused_with_what_to_do():
    with pytest.raises(UnreadableFileError, match=r"cover\.xlsx holds no table: none of its visible sheets"):
        load_files({"cover.xlsx": _xlsx({"Cover": [["Ketamine clinic"], ["2024"]]})})


def test_a_workbook_that_is_a_zip_bomb_is_refused_before_it_is_opened():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", " " * (20 * 1024 * 1024))  # 20 MB of spaces, ~1000:1
    with pytest.raises(ResourceLimitError, match=r"bomb\.xlsx"):
        load_files({"bomb.xlsx": buf.getvalue()})


def test_a_sheet_too_large_for_the_memory_limit_is_refused_before_its_cells_are_made(monkeypatch):
    book = _xlsx({"Scores": [["patient_id", "day", "pain_nrs", "x", "y"]] + [["P1", d, 5, 1, 1] for d in range(3000)]})
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", "1")    # 3,001 x 5 cells x 200 bytes > 1 MB
    with pytest.raises(ResourceLimitError, match=r"big\.xlsx: reading this workbook needs more memory than the limit "
                                                 r"of 1\.0 MB \(CRPS_MAX_MEMORY_MB\)\. The sheet 'Scores' spans 3,001 rows x 5"):
        load_files({"big.xlsx": book})


def test_a_workbook_and_a_csv_that_would_share_a_name_are_refused():
    book = _xlsx({"Scores": [["patient_id", "day", "pain_nrs"], ["P1", -1, 8]]})
    with pytest.raises(DatasetError, match=r"Two files would both be read as scores\.csv"):
        load_files({"scores.xlsx": book, "scores.csv": b"patient_id,day,pain_nrs\nP1,-1,8\n"})


def test_inspect_reads_a_workbook_given_by_its_path(tmp_path, capsys):
    path = tmp_path / "Suivi.xlsx"
    path.write_bytes(_xlsx({"Suivi": [["N° patient", "Date", "EVA douleur", "Traitement"],
                                      ["001", dt.date(2024, 3, 1), 8, "Kétamine IV"],
                                      ["001", dt.date(2024, 3, 8), 4, None]]}))
    assert main(["inspect", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["workbook_sheets"] == ["Suivi.xlsx: the sheet 'Suivi' was read as Suivi.csv (3 rows)."]
    assert [f["name"] for f in doc["files"]] == ["Suivi.csv"]
    assert main(["inspect", str(path)]) == 0
    assert capsys.readouterr().out.startswith("Suivi.xlsx: the sheet 'Suivi' was read as Suivi.csv (3 rows).\n\n")


def test_a_table_that_starts_below_and_right_of_a1_loads_and_messages_name_the_sheets_rows():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"], ws["D3"] = "patient_id", "day", "pain_nrs"
    for row in (["P1", -1, 8], ["P1", 1, "x"], ["P1", 2, "a\nb"], ["P1", 3, "y"], ["P1", 4, 3]):
        ws.append([None, *row])                       # rows 4 to 8 of the sheet
    buf = io.BytesIO()
    wb.save(buf)
    ds = load_files({"assessments.xlsx": buf.getvalue()})
    assert ds.assessments["value"].tolist() == [8.0, 3.0]
    excluded = ds.report.to_dict()["exclusions"]
    assert [(e["file"], e["line"], e["value"]) for e in excluded] == [
        ("assessments.csv", 5, "x"), ("assessments.csv", 6, "a\nb"), ("assessments.csv", 7, "y")]


def test_a_libreoffice_workbook_is_read_as_an_excel_one():
    frame = pd.DataFrame({"patient_id": ["007", "P2"], "date": [dt.date(2024, 3, 1), dt.date(2024, 3, 2)],
                          "pain_nrs": [6.5, 7.0], "sessions": [1, 2]})
    ods, xlsx = io.BytesIO(), io.BytesIO()
    frame.to_excel(ods, engine="odf", index=False, sheet_name="Scores")
    frame.to_excel(xlsx, engine="openpyxl", index=False, sheet_name="Scores")
    expected = b"patient_id,date,pain_nrs,sessions\n007,2024-03-01,6.5,1\nP2,2024-03-02,7,2\n"
    assert workbook_tables("scores.ods", ods.getvalue())[0] == [("scores.csv", expected)]
    assert workbook_tables("scores.xlsx", xlsx.getvalue())[0] == [("scores.csv", expected)]


def test_a_zip_holding_a_workbook_is_read_as_its_files_given_one_by_one():
    book = _xlsx({"assessments": [["patient_id", "day", "pain_nrs"], ["P1", -1, 8], ["P1", 1, 2]],
                  "treatments": [["patient_id", "day", "treatment"], ["P1", 0, "ketamine_iv"]]})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("export/clinic.xlsx", book)
        z.writestr("__MACOSX/export/._clinic.xlsx", b"resource fork")
    ds = load_files({"export.zip": buf.getvalue()})
    assert ds.assessments["value"].tolist() == [8.0, 2.0]
    assert ds.treatments["treatment"].tolist() == ["ketamine_iv"]
    assert "clinic.xlsx: the sheet 'assessments' was read as assessments.csv (3 rows)." in ds.report.notes



def test_a_value_in_the_last_cell_of_a_sheet_is_refused_without_harm_to_the_reading_process():
    # Calamine makes a sheet a dense grid from A1: this 5 KB file asks for 550 GB. The child process that
    # reads it dies at its memory cap; the loader (the dashboard's server) lives on and says what to do.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["patient_id", "day", "pain_nrs"])
    ws.append(["P1", -1, 8])
    ws["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ResourceLimitError, match=r"far\.xlsx: reading this workbook needs more memory than the limit.*"
                                                 r"delete the empty rows and columns after the table"):
        load_files({"far.xlsx": buf.getvalue()})


def test_numeric_ids_of_sixteen_digits_stay_two_patients():
    book = _xlsx({"Scores": [["patient_id", "day", "pain_nrs"], [1234567890123456, -1, 8], [1234567890123457, -1, 6]]})
    ds = load_files({"scores.xlsx": book})
    assert sorted(ds.assessments["patient_id"].astype(str)) == ["1234567890123456", "1234567890123457"]


def test_beside_files_of_our_format_a_workbook_or_a_lock_file_is_not_read(tmp_path):
    for name in ("assessments", "treatments", "patients"):
        (tmp_path / f"{name}.csv").write_bytes((DEMO / f"{name}.csv").read_bytes())
    (tmp_path / "~$Notes.xlsx").write_bytes(b"\x0bExcel lock file")          # Excel's, while Notes.xlsx is open
    (tmp_path / "assessments.xlsx").write_bytes(b"PK\x03\x04 the workbook the CSV was saved from")
    ds = load_dataset(tmp_path)
    assert summarize(ds).to_dict() == summarize(load_dataset(DEMO)).to_dict()


def test_a_lock_file_beside_a_workbook_is_noted_not_read():
    book = _xlsx({"assessments": [["patient_id", "day", "pain_nrs"], ["P1", -1, 8]]})
    files, notes = expand_workbooks({"clinic.xlsx": book, "~$clinic.xlsx": b"\x0block"})
    assert list(files) == ["assessments.csv"]
    assert notes[0].startswith("~$clinic.xlsx: lock file(s) that Excel or LibreOffice keep while a workbook is open")


def test_a_clinic_sheet_named_assessments_is_read_as_an_export_not_as_our_format():
    book = _xlsx({"Assessments": [["Patient", "Date", "NRS"], ["A1", dt.date(2024, 3, 1), 8]],
                  "Infusions": [["Patient", "Date", "Drug"], ["A1", dt.date(2024, 3, 1), "Ketamine"]]})
    files, _ = expand_workbooks({"clinic.xlsx": book})
    assert list(files) == ["clinic (Assessments).csv", "clinic (Infusions).csv"]
    ours = _xlsx({"Assessments": [["patient_id", "day", "pain_nrs"], ["A1", -1, 8]]})
    assert list(expand_workbooks({"clinic.xlsx": ours})[0]) == ["assessments.csv"]


def test_a_text_file_named_xls_is_read_as_the_table_it_is():
    # Some "Export to Excel" buttons write tab-separated text and name it .xls.
    text = b"patient_id\tday\tpain_nrs\nP1\t-1\t8\nP1\t1\t3\n"
    ds = load_files({"report.xls": text})
    assert ds.assessments["value"].tolist() == [8.0, 3.0]
    assert "report.xls is not a workbook but a text file: it was read as text." in ds.report.notes


def test_sheet_names_reach_messages_without_control_characters():
    book = _xlsx({"Scores": [["patient_id", "day", "pain_nrs"], ["P1", -1, 8]], "Hid": [["a", "b"]]}, hidden=("Hid",))
    # openpyxl refuses control characters in titles: put one in the saved workbook's XML
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="Hid"', b'name="H&#x1b;[31mid"')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    notes = expand_workbooks({"clinic.xlsx": buf.getvalue()})[1]
    assert "\x1b" not in " ".join(notes) and "the hidden sheet 'H [31mid' was not read" in " ".join(notes)


def test_a_legend_sheet_is_not_read_as_patients():
    # Code | Meaning beside the data, on a sheet whose name does not say it is a legend (one named 'Légende'
    # is not read for its name: test_workbook_sheets.py): read as a patients table, its codes became patients (the Data page
    # counted 4 patients for 2) and its meanings a characteristic in the sidebar.
    visits = [["N° patient", "Date", "EVA douleur", "Traitement"],
              ["001", dt.date(2024, 3, 1), 8, "Kétamine IV"], ["001", dt.date(2024, 3, 8), 4, None],
              ["002", dt.date(2024, 3, 2), 7, "Kétamine IV"], ["002", dt.date(2024, 3, 9), 5, None]]
    legend = [["Code", "Signification"], ["EVA", "Échelle visuelle analogique 0-10"], ["KET", "Kétamine"]]
    files, _ = expand_workbooks({"clinique.xlsx": _xlsx({"Suivi": visits, "Abréviations": legend})})
    proposal = inspect(files)
    assert proposal.review == []
    assert any(n.startswith("clinique (Abréviations).csv was not read: its patient ids ('EVA', 'KET', ...) are none of the "
                            "patients of the other files") for n in proposal.notes)
    ds = load_files({"clinique.xlsx": _xlsx({"Suivi": visits, "Abréviations": legend})})
    assert sorted(ds.patients["patient_id"]) == ["001", "002"] and ds.covariates == []
    # A sheet of characteristics of the same patients is read.
    people = [["N° patient", "Sexe"], ["001", "F"], ["002", "M"]]
    ds = load_files({"clinique.xlsx": _xlsx({"Suivi": visits, "Patients": people})})
    assert sorted(ds.patients["patient_id"]) == ["001", "002"] and ds.covariates == ["sex"]


def test_a_summary_sheet_without_patient_ids_is_left_out_not_a_reason_to_refuse_the_workbook():
    book = _xlsx({"Data": [["Patient", "Date", "NRS"], ["001", dt.date(2024, 3, 1), 8], ["001", dt.date(2024, 3, 8), 4],
                           ["002", dt.date(2024, 3, 2), 7]],
                  "Summary": [["Measure", "Mean"], ["NRS", 6.3]]})
    files, _ = expand_workbooks({"clinique.xlsx": book})
    proposal = inspect(files)
    assert proposal.review == []
    assert any(n.startswith("clinique (Summary).csv was not read: unlike the other files it has no column that looks "
                            "like a patient id") for n in proposal.notes)
    ds = load_files({"clinique.xlsx": book})
    assert ds.assessments["value"].tolist() == [8.0, 4.0, 7.0]
    assert "clinique (Summary).csv was ignored: it matches no file of the mapping." in ds.report.notes


# --- Old Excel files (.xls, BIFF8), written by xlwt as Excel 97-2003 writes them ---------------------------

def _xls(sheets: dict[str, list[list]]) -> bytes:
    """A real .xls workbook: dates and times as Excel stores them (day numbers with a date or time format)."""
    import xlwt

    book = xlwt.Workbook()
    styles = {dt.date: xlwt.easyxf(num_format_str="DD.MM.YYYY"), dt.datetime: xlwt.easyxf(num_format_str="DD.MM.YYYY HH:MM"),
              dt.time: xlwt.easyxf(num_format_str="HH:MM")}
    for name, rows in sheets.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                style = styles.get(type(value))
                ws.write(r, c, value, style) if style is not None else ws.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("kind", list(SPREADSHEETS))
def test_an_old_excel_xls_workbook_gives_the_same_summary_as_the_canonical_files(cohort, kind):
    shape = ces.export_shape(kind, cohort)
    (csv_name, csv_bytes), = shape.files.items()
    book = {Path(csv_name).stem + ".xls": _xls({"Suivi": _sheet_rows(kind, csv_bytes)})}
    assert book[Path(csv_name).stem + ".xls"][:4] == b"\xd0\xcf\x11\xe0"  # a real BIFF8 compound file
    _loads_as_its_canonical_files(book, shape, kind)


def test_the_demo_cohort_as_an_xls_workbook_is_the_demo_cohort():
    frames = {n: pd.read_csv(DEMO / f"{n}.csv", dtype={"patient_id": str}) for n in ("assessments", "treatments", "patients")}
    sheets = {n: [list(f.columns)] + [[None if pd.isna(v) else v for v in row] for row in f.itertuples(index=False)]
              for n, f in frames.items()}
    book = load_files({"demo.xls": _xls(sheets)})
    demo = load_dataset(DEMO)
    assert summarize(book).to_dict() == summarize(demo).to_dict()
    pd.testing.assert_frame_equal(book.assessments, demo.assessments)
    pd.testing.assert_frame_equal(book.patients, demo.patients)


def _patient_sheet(first_day: int, scores: tuple) -> list[list]:
    """Baseline 2 days before the infusion (March ``first_day``), the infusion, a score 28 days after it."""
    day = lambda n: dt.datetime(2024, 3, 1) + dt.timedelta(days=n - 1)  # noqa: E731
    return [["Date", "Treatment", "NRS"], [day(first_day - 2), None, scores[0]], [day(first_day), "Ketamine", None],
            [day(first_day + 28), None, scores[1]]]


def test_a_workbook_with_one_sheet_per_patient_is_one_table_with_the_sheet_names_as_ids():
    """Sheets 'P01', 'P02' with the same columns and none for the patient (a small clinic's tab per patient):
    one table, each row's patient its sheet's name. Read sheet by sheet, no table had a patient id."""
    book = _xlsx({"P01": _patient_sheet(4, (8, 5)), "P02": _patient_sheet(11, (6, 6))})
    files, notes = expand_workbooks({"Ketamine patients.xlsx": book})
    assert list(files) == ["Ketamine patients.csv"]
    assert any("one sheet per patient" in n for n in notes)
    ds = load_files({"Ketamine patients.xlsx": book})
    a = ds.assessments.sort_values(["patient_id", "day"])
    assert a[["patient_id", "day", "value"]].values.tolist() == [
        ["P01", -2.0, 8.0], ["P01", 28.0, 5.0], ["P02", -2.0, 6.0], ["P02", 28.0, 6.0]]
    assert sorted(ds.treatments["patient_id"]) == ["P01", "P02"]
    assert ds.report.exclusions.empty


def test_sheets_named_for_visits_or_with_a_patient_column_are_not_read_as_patients():
    same = [["Patient", "Date", "NRS"], ["A", dt.datetime(2024, 3, 4), 8]]
    files, _ = expand_workbooks({"v.xlsx": _xlsx({"2023": same, "2024": same})})
    assert sorted(files) == ["v (2023).csv", "v (2024).csv"]
    visits = [["Date", "NRS"], [dt.datetime(2024, 3, 4), 8]]
    files, _ = expand_workbooks({"w.xlsx": _xlsx({"Baseline": visits, "Week 4": visits})})
    assert sorted(files) == ["w (Baseline).csv", "w (Week 4).csv"]


@pytest.mark.parametrize("names, id_header", [(("2023", "2024"), "Study number"), (("Site A", "Site B"), "Pt"),
                                              (("Sheet1", "Sheet2"), "Proband"), (("P01", "P02"), "Sujet")])
def test_sheets_split_by_year_site_or_default_names_or_with_an_id_column_are_no_patients(names, id_header):
    rows = [[id_header, "Infusion date", "Drug", "Pain before", "Pain after"],
            ["S01", dt.datetime(2024, 3, 4), "Ketamine", 8, 4], ["S02", dt.datetime(2024, 3, 5), "Ketamine", 6, 5]]
    files, notes = expand_workbooks({"Infusions.xlsx": _xlsx({n: rows for n in names})})
    assert len(files) == 2 and not any("one sheet per patient" in n for n in notes)
