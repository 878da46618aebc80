"""SPSS (.sav, .zsav, .por), Stata (.dta) and SAS (.xpt) files are read as the CSV file a careful export would
give (docs/data-format.md, "Statistical software files"): value labels written where every value has a word
for a label, user-missing values empty, dates ISO, numbers as a spreadsheet writes them. The fixtures are
written at test time with pandas and pyreadstat."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from analysis import cli
from analysis.errors import DatasetError, IdentifierError, ResourceLimitError, UnreadableFileError
from analysis.io.sources import collect_files
from analysis.io.stat_files import expand_stat_files, stat_file_table
from analysis.io.tables import read_table
from analysis.load import load_dataset, load_files
from analysis.summary import summarize

import clinic_export_probe5 as probe

TREATMENTS = {1: "Ketamine", 2: "Physical therapy"}
# pid: (treatment code, NRS before, NRS after the infusion, NRS at week 4)
COHORT = {"K01": (1, 8, 4, 5), "K02": (1, 7, 6, 6), "K03": (1, 9, 3, 4), "K04": (1, 6, 3, 3), "K05": (1, 8, 5, 7),
          "K06": (2, 7, 7, 6), "K07": (2, 9, 8, 8), "K08": (2, 6, 5, 6)}


def _cohort() -> pd.DataFrame:
    """One row per patient: the infusion's date, the NRS before and after it, the NRS four weeks later."""
    rows = []
    for i, (pid, (trt, pre, post, w4)) in enumerate(COHORT.items()):
        start = dt.date(2024, 1, 8) + dt.timedelta(days=7 * i)
        rows.append((pid, trt, start, float(pre), float(post), start + dt.timedelta(days=28), float(w4)))
    return pd.DataFrame(rows, columns=["pid", "treatment", "infusion_date", "nrs_pre", "nrs_post", "w4_date", "w4_nrs"])


def _as_csv(df: pd.DataFrame) -> bytes:
    c = df.copy()
    c["treatment"] = c.treatment.map(TREATMENTS)
    for k in ("nrs_pre", "nrs_post", "w4_nrs"):
        c[k] = c[k].astype(int)
    return c.to_csv(index=False).encode()


def _dta(df: pd.DataFrame, path, **kw) -> bytes:
    d = df.copy()
    for c in d.columns:
        if c.endswith("date"):
            d[c] = pd.to_datetime(d[c])
    d.to_stata(path, write_index=False, convert_dates={c: "td" for c in d.columns if c.endswith("date")}, **kw)
    return path.read_bytes()


def _sav(df: pd.DataFrame, path, compress: bool = False, **kw) -> bytes:
    pyreadstat.write_sav(df, str(path), compress=compress, **kw)
    return path.read_bytes()


def _cohort_dta(tmp_path) -> bytes:
    return _dta(_cohort(), tmp_path / "study.dta", value_labels={"treatment": TREATMENTS},
                variable_labels={"nrs_pre": "Pain intensity (NRS 0-10) before the infusion"})


def _cohort_sav(tmp_path, compress: bool = False) -> bytes:
    df = _cohort().astype({"treatment": float})
    return _sav(df, tmp_path / ("study.zsav" if compress else "study.sav"), compress=compress,
                variable_value_labels={"treatment": TREATMENTS},
                variable_format={"infusion_date": "EDATE10", "w4_date": "ADATE10"},
                column_labels={"nrs_pre": "Pain intensity (NRS 0-10) before the infusion"})


def _relief(pre, post) -> float:
    return 100 * (pre - post) / pre


# --- The same cohort as CSV, .dta, .sav and .zsav ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["dta", "sav", "zsav"])
def test_a_stata_or_spss_file_gives_the_same_summary_as_the_same_data_saved_as_csv(tmp_path, kind):
    """Ketamine: 8->4 50%, 7->6 14.3%, 9->3 66.7%, 6->3 50%, 8->5 37.5%: mean 43.69%, 4 of 5 responders (>= 30%).
    Physical therapy: 7->7 0%, 9->8 11.1%, 6->5 16.7%: 0 of 3."""
    data = {"dta": _cohort_dta, "sav": _cohort_sav, "zsav": lambda p: _cohort_sav(p, compress=True)}[kind](tmp_path)
    from_stat = load_files({f"study.{kind}": data})
    from_csv = load_files({"study.csv": _as_csv(_cohort())})
    assert summarize(from_stat).to_dict() == summarize(from_csv).to_dict()
    groups = {g["group"]["treatment"]: g for g in summarize(from_stat).to_dict()["groups"]}
    ket = groups["Ketamine"]
    expected = np.mean([_relief(p, q) for t, p, q, _ in COHORT.values() if t == 1])
    assert ket["immediate_relief_pct"]["estimate"] == pytest.approx(expected)
    assert ket["immediate_relief_pct"]["n"] == 5
    assert ket["immediate_responder_rate"]["estimate"] == pytest.approx(4 / 5)
    assert groups["Physical therapy"]["immediate_responder_rate"]["estimate"] == 0
    assert groups["Physical therapy"]["patients"] == 3
    assert f"study.{kind}: the values of treatment were written as their value labels (treatment: 1 = 'Ketamine', " \
           "2 = 'Physical therapy'): every value of these variables has a label that is a word." in from_stat.report.notes


def test_a_folder_with_a_stata_file_loads_and_inspect_reads_it(tmp_path, capsys):
    _cohort_dta(tmp_path)  # tmp_path/study.dta
    ds = load_dataset(tmp_path)
    assert summarize(ds).to_dict() == summarize(load_files({"study.csv": _as_csv(_cohort())})).to_dict()
    assert cli.main(["inspect", str(tmp_path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["name"] for f in doc["files"]] == ["study.csv"]
    assert doc["workbook_sheets"][0] == "study.dta (a Stata data file) was read as study.csv (8 rows, 7 variables)."


def test_a_zip_holding_a_stata_file_is_read_as_the_file_given_alone(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export/study.dta", _cohort_dta(tmp_path))
    ds = load_files({"export.zip": buf.getvalue()})
    assert summarize(ds).to_dict() == summarize(load_files({"study.csv": _as_csv(_cohort())})).to_dict()


# --- Cells ------------------------------------------------------------------------------------------------

def _csv_of(name: str, data: bytes) -> str:
    (_, csv_bytes), _ = stat_file_table(name, data)
    return csv_bytes.decode()


def test_dates_and_times_are_written_as_iso_text_and_whole_numbers_without_decimals(tmp_path):
    df = pd.DataFrame({"pid": ["P1", "P2"], "visit": [dt.date(2024, 3, 4), dt.date(2024, 12, 31)],
                       "us": [dt.date(2024, 3, 4), None],
                       "taken": [dt.datetime(2024, 3, 4, 9, 15), dt.datetime(2024, 3, 5, 14, 0, 30)],
                       "score": [7.0, 6.5], "dose": [0.1 + 0.2, 35.0]})
    sav = _sav(df, tmp_path / "a.sav", variable_format={"visit": "EDATE10", "us": "ADATE10", "taken": "DATETIME20"})
    assert _csv_of("a.sav", sav) == ("pid,visit,us,taken,score,dose\n"
                                     "P1,2024-03-04,2024-03-04,2024-03-04 09:15:00,7,0.3\n"
                                     "P2,2024-12-31,,2024-03-05 14:00:30,6.5,35\n")
    stata = df.assign(visit=pd.to_datetime(df.visit), us=pd.to_datetime(df.us))
    stata.to_stata(tmp_path / "a.dta", write_index=False, convert_dates={"visit": "td", "us": "td", "taken": "tc"})
    assert _csv_of("a.dta", (tmp_path / "a.dta").read_bytes()) == _csv_of("a.sav", sav)
    pyreadstat.write_xport(df, str(tmp_path / "a.xpt"), table_name="VISITS",
                           variable_format={"visit": "DATE9", "us": "MMDDYY10", "taken": "DATETIME20"})
    assert _csv_of("a.xpt", (tmp_path / "a.xpt").read_bytes()) == _csv_of("a.sav", sav)


def test_sixteen_digit_numeric_patient_ids_stay_themselves(tmp_path):
    # A review: ids 2024031500010001 ... 006 stored as doubles were written with 15 significant digits
    # (2.02403150001e+15): six patients became two, silently.
    df = pd.DataFrame({"pid": [2024031500010001.0 + k for k in range(6)], "nrs": [7.0] * 6})
    text = _csv_of("a.sav", _sav(df, tmp_path / "a.sav", variable_format={"pid": "F16.0"}))
    assert text.splitlines()[1:] == [f"{2024031500010001 + k},7" for k in range(6)]


def test_ids_beyond_what_a_double_holds_exactly_are_written_as_held_and_named_in_a_note(tmp_path):
    # 17 digits: the double holds 20240315000100000 + 4k exactly (multiples of 4 there); 15 significant digits
    # made them one patient. Beyond 2**53 the saving program may have rounded ids already: said so.
    df = pd.DataFrame({"pid": [20240315000100000.0 + 4 * k for k in range(6)], "nrs": [7.0] * 6})
    sav = _sav(df, tmp_path / "a.sav", variable_format={"pid": "F17.0"})
    assert _csv_of("a.sav", sav).splitlines()[1:] == [f"{20240315000100000 + 4 * k},7" for k in range(6)]
    _, notes = expand_stat_files({"a.sav": sav})
    assert any("pid hold(s) whole numbers above 9,007,199,254,740,992" in n for n in notes)


def test_a_fully_labelled_rating_scale_is_named_in_a_note_saying_its_numbers_are_words_now(tmp_path):
    # A review: Wong-Baker FACES 0/2/4/6/8/10, each labelled, became words; the load said only that no column
    # is a measure.
    faces = {0: "No hurt", 2: "Hurts little bit", 4: "Hurts little more", 6: "Hurts even more", 8: "Hurts whole lot",
             10: "Hurts worst"}
    df = pd.DataFrame({"pid": ["P1", "P2", "P3"], "faces": [8.0, 4.0, 6.0], "trt": [1.0, 1.0, 2.0]})
    sav = _sav(df, tmp_path / "a.sav", variable_value_labels={"faces": faces, "trt": {1: "Ketamine", 2: "PT"}})
    _, notes = expand_stat_files({"a.sav": sav})
    said = [n for n in notes if "numbered values" in n]
    assert len(said) == 1 and said[0].startswith("a.sav: faces give(s) a word") and "trt" not in said[0]


def test_an_spss_portable_file_is_read_as_a_sav_is(tmp_path):
    df = pd.DataFrame({"PID": ["P1", "P2"], "VDATE": [dt.date(2024, 3, 4), dt.date(2024, 3, 5)], "NRS": [7.0, 6.5]})
    pyreadstat.write_por(df, str(tmp_path / "a.por"), variable_format={"VDATE": "DATE11"})
    (name, csv_bytes), notes = stat_file_table("a.por", (tmp_path / "a.por").read_bytes())
    assert (name, csv_bytes.decode()) == ("a.csv", "PID,VDATE,NRS\nP1,2024-03-04,7\nP2,2024-03-05,6.5\n")
    assert notes[0] == "a.por (an SPSS portable file) was read as a.csv (2 rows, 3 variables)."


def test_a_variable_with_only_some_values_labelled_keeps_its_numbers(tmp_path):
    """An NRS with 0 = "No pain" and 10 = "Worst pain": the labels name the scale's ends, not the values. Even
    where the data hold only 0 and 10 the numbers stay (two labels at least 4 apart are a scale's anchors)."""
    df = pd.DataFrame({"pid": ["P1", "P2", "P3"], "nrs": [0.0, 7.0, 10.0], "ends": [0.0, 10.0, 10.0]})
    anchors = {0: "No pain", 10: "Worst pain imaginable"}
    sav = _sav(df, tmp_path / "a.sav", variable_value_labels={"nrs": anchors, "ends": anchors})
    (_, csv_bytes), notes = stat_file_table("a.sav", sav)
    assert csv_bytes.decode() == "pid,nrs,ends\nP1,0,0\nP2,7,10\nP3,10,10\n"
    assert "a.sav: nrs, ends kept their numbers: only some of their values have labels, or the labels are the ends " \
           "of a scale (nrs: 0 = 'No pain', 10 = 'Worst pain imaginable'; ends: 0 = 'No pain', 10 = 'Worst pain " \
           "imaginable')." in notes


def test_labels_that_are_numbers_leave_the_numbers(tmp_path):
    df = pd.DataFrame({"pid": ["P1", "P2"], "grade": [1.0, 2.0]})
    sav = _sav(df, tmp_path / "a.sav", variable_value_labels={"grade": {1: "1", 2: "2"}})
    assert _csv_of("a.sav", sav) == "pid,grade\nP1,1\nP2,2\n"


def test_spss_user_missing_values_and_stata_extended_missing_values_are_empty_cells_and_counted(tmp_path):
    df = pd.DataFrame({"pid": ["P1", "P2", "P3", "P4"], "nrs": [7.0, 99.0, 5.0, 98.0], "phq": [3.0, -9.0, -1.0, 4.0],
                       "sex": [1.0, 2.0, 9.0, 1.0]})
    sav = _sav(df, tmp_path / "a.sav", missing_ranges={"nrs": [98, 99], "phq": [{"lo": -9, "hi": -1}], "sex": [9]},
               variable_value_labels={"sex": {1: "Female", 2: "Male", 9: "Not asked"}})
    (_, csv_bytes), notes = stat_file_table("a.sav", sav)
    assert csv_bytes.decode() == "pid,nrs,phq,sex\nP1,7,3,Female\nP2,,,Male\nP3,5,,\nP4,,4,Female\n"
    assert "a.sav: 5 cell(s) hold a user-missing or extended missing value, read as empty (nrs: 2 (99, 98); " \
           "phq: 2 (-9, -1); sex: 1 (9))." in notes
    stata = pd.DataFrame({"pid": ["P1", "P2", "P3"], "nrs": [7.0, "a", "b"]})
    pyreadstat.write_dta(stata, str(tmp_path / "a.dta"), missing_user_values={"nrs": ["a", "b"]})
    (_, csv_bytes), notes = stat_file_table("a.dta", (tmp_path / "a.dta").read_bytes())
    assert csv_bytes.decode() == "pid,nrs\nP1,7\nP2,\nP3,\n"
    assert "a.dta: 2 cell(s) hold a user-missing or extended missing value, read as empty (nrs: 2 (.a, .b))." in notes


def test_phq9_items_written_with_their_word_labels_give_the_right_totals(tmp_path):
    """probe 5's survey (Q1 11, Q2 12, Q3 2) as an SPSS file whose items are codes 0-3 labelled Not at all ...
    Nearly every day: the items are written as the words, which the item readers score 0-3."""
    rows = []
    for i, (pid, (pre, post, codes)) in enumerate(probe.PHQ.items()):
        d0 = probe._start(i)
        rows += [[pid, d0 - dt.timedelta(days=1), "", float(pre)] + [float(c) for c in codes],
                 [pid, d0, "Ketamine", np.nan] + [np.nan] * 9,
                 [pid, d0 + dt.timedelta(days=1), "", float(post)] + [np.nan] * 9]
    items = [f"PHQ9_{k}" for k in range(1, 10)]
    df = pd.DataFrame(rows, columns=["Patient", "Date", "Treatment", "NRS"] + items)
    words = dict(enumerate(probe.PHQ_LABELS))
    sav = _sav(df, tmp_path / "survey.sav", variable_value_labels={k: words for k in items},
               variable_format={"Date": "DATE11"})
    ds = load_files({"survey.sav": sav})
    phq = ds.assessments[ds.assessments.measure == "phq9"]
    assert dict(zip(phq.patient_id, phq.value)) == {pid: sum(codes) for pid, (_, _, codes) in probe.PHQ.items()}
    assert summarize(ds).to_dict() == summarize(load_files(probe.phq9_item_labels())).to_dict()


# --- Variable labels and identifiers ------------------------------------------------------------------------

def test_variable_labels_are_read_as_the_columns_descriptions(tmp_path):
    (name, csv_bytes), _ = stat_file_table("study.sav", _cohort_sav(tmp_path))
    table = read_table(name, csv_bytes)
    assert table.header[3] == "nrs_pre"
    assert table.labels == {3: "Pain intensity (NRS 0-10) before the infusion"}


def test_a_variable_named_by_a_code_whose_label_is_date_of_birth_is_refused_as_an_identifier(tmp_path):
    df = _cohort().assign(v3=[dt.date(1970 + i, 5, 17) for i in range(len(COHORT))])
    sav = _sav(df.astype({"treatment": float}), tmp_path / "study.sav", variable_value_labels={"treatment": TREATMENTS},
               variable_format={"infusion_date": "EDATE10", "w4_date": "EDATE10", "v3": "EDATE10"},
               column_labels={"v3": "Date of birth"})
    with pytest.raises(IdentifierError, match=r"v3 \(Date of birth\)"):
        load_files({"study.sav": sav})


def test_a_patient_name_variable_is_refused_as_in_any_csv(tmp_path):
    df = _cohort().assign(patient_name=[f"Anna Muster{i}" for i in range(len(COHORT))])
    with pytest.raises(IdentifierError, match="patient_name"):
        load_files({"study.dta": _dta(df, tmp_path / "study.dta", value_labels={"treatment": TREATMENTS})})


# --- Refusals -------------------------------------------------------------------------------------------------

def test_a_damaged_file_is_refused_naming_the_file_and_what_to_do(tmp_path, capsys):
    with pytest.raises(UnreadableFileError, match=r"^study\.sav is not a readable file of its kind \(an SPSS data "
                                                  r"file; .*\)\..*Open it in SPSS and save it again"):
        load_files({"study.sav": b"$FL2 this is no SPSS file" + bytes(200)})
    with pytest.raises(UnreadableFileError, match=r"^study\.dta is not a readable file of its kind \(a Stata"):
        load_files({"study.dta": _cohort_dta(tmp_path)[:300]})
    (tmp_path / "study.xpt").write_bytes(b"not a transport file\n" * 10)
    (tmp_path / "study.dta").unlink()
    assert cli.main(["inspect", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "study.xpt is not a readable file of its kind (a SAS transport file" in err
    assert "Traceback" not in err


def test_a_compressed_spss_file_of_more_rows_than_the_memory_limit_allows_is_refused_before_they_are_read(
        tmp_path, monkeypatch):
    """20,000 rows of a .zsav pack into a few KB; at 2 MB (200 bytes a cell) 1,497 rows of 7 variables are allowed."""
    df = pd.concat([_cohort()] * 2500, ignore_index=True).astype({"treatment": float})
    zsav = _sav(df, tmp_path / "big.zsav", compress=True)
    assert len(zsav) < 100_000
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", "2")
    with pytest.raises(ResourceLimitError, match=r"^big\.zsav: reading this file needs more memory than the limit of "
                                                 r"2\.0 MB \(CRPS_MAX_MEMORY_MB\)\. Its header declares 20,000 rows x 7 "
                                                 r"variables\. Keep only the variables"):
        load_files({"big.zsav": zsav})


def test_a_header_whose_row_count_is_wrong_reads_no_more_rows_than_the_limit_allows(tmp_path, monkeypatch):
    """A header that claims two billion rows: ReadStat then counts the rows itself, and no more than the limit are
    read before the file is refused."""
    df = pd.concat([_cohort()] * 500, ignore_index=True).astype({"treatment": float})
    sav = bytearray(_sav(df, tmp_path / "big.sav"))
    assert int.from_bytes(sav[80:84], "little") == 4000  # the header's case count
    sav[80:84] = (2_000_000_000).to_bytes(4, "little")
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", "2")
    with pytest.raises(ResourceLimitError, match=r"big\.sav: .* It holds more than 1,497 rows x 7 variables\."):
        load_files({"big.sav": bytes(sav)})


def test_a_file_over_the_limits_is_refused_with_the_limit_to_change(tmp_path, monkeypatch):
    data = _cohort_dta(tmp_path)
    monkeypatch.setenv("CRPS_MAX_COLUMNS", "5")
    with pytest.raises(ResourceLimitError, match=r"study\.dta: 7 variables; the limit is 5 \(CRPS_MAX_COLUMNS\)"):
        load_files({"study.dta": data})
    monkeypatch.delenv("CRPS_MAX_COLUMNS")
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", "0.001")  # 1 KB: the file itself is over half of it
    with pytest.raises(ResourceLimitError, match=r"study\.dta: this file \(.*\) would need more than .* of memory "
                                                 r"to read; the limit is 1\.0 KB \(CRPS_MAX_MEMORY_MB\)"):
        load_files({"study.dta": data})


def test_beside_files_of_our_format_a_statistical_file_is_not_read(tmp_path):
    files = {"assessments.csv": b"patient_id,day,pain_nrs\nP1,-1,8\nP1,1,3\n", "study.dta": _cohort_dta(tmp_path)}
    assert expand_stat_files(files) == (files, [])


def test_a_statistical_file_and_a_csv_that_would_share_a_name_are_refused(tmp_path):
    with pytest.raises(DatasetError, match=r"Two files would both be read as study\.csv"):
        load_files({"study.dta": _cohort_dta(tmp_path), "study.csv": _as_csv(_cohort())})


def test_the_canonical_loader_names_a_statistical_file_it_is_given_unread():
    with pytest.raises(UnreadableFileError, match=r"^study\.sav is an SPSS data file, not a CSV or Parquet file\."):
        collect_files({"study.sav": b"$FL2"})
