"""A patient id written on each patient's first row only (merged cells, a report layout) is filled
down: the file option ``fill_down`` (analysis/io/spec.py), applied by analysis/io/fill_down.py when
the rows are read, proposed by ``inspect`` when the id column has the mark of it.

The rule (docs/data-format.md, "A patient id written once per patient"): an empty id cell takes the
id written nearest above it in the same file, on a row with a date that reads; a row without one (a
total or summary row) and a row above the first id stay excluded, each with its reason.

Numbers by hand (definitions of tests/analysis/test_clinic_export_pitfalls.py): K01 8 -> 4, K02 6 -> 3,
K03 9 -> 7 (baseline the score 2-3 days before the infusion, immediate the score the day after):
immediate relief 50%, 50%, 22.2%, mean 40.74%; responders 2 of 3.
"""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from analysis import load_files
from analysis.errors import MappingError
from analysis.io import fill_down
from analysis.io import spec as export_spec
from analysis.io.propose import inspect
from test_clinic_export_pitfalls import FILLED_ONCE, check_rate, group, relief

HEAD = "Patient;Datum;Behandlung;NRS\n"
RELIEF = [relief(8, 4), relief(6, 3), relief(9, 7)]


def proposed(files: dict) -> dict:
    return copy.deepcopy(inspect(files).spec.to_json())


def ledger(ds) -> list[tuple]:
    ex = ds.report.exclusions
    return list(zip(ex["file"], ex["line"], ex["column"], ex["value"].astype(str), ex["reason"].astype(str)))


def check_three_patients(ds) -> None:
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(RELIEF))     # 40.740...
    check_rate(g["immediate_responder_rate"], 2, 3)
    assert sorted(ds.treatments["patient_id"]) == ["K01", "K02", "K03"]


# --- The rule, on one column ---------------------------------------------------------------------

def test_an_empty_id_takes_the_id_above_on_dated_rows_only():
    pid = np.array(["", "A", "", "", "B", "", ""], dtype=object)
    dated = np.array([True, True, True, False, True, True, False])
    filled, was_filled, reason = fill_down.fill_ids(pid, dated)
    assert filled.tolist() == ["", "A", "A", "", "B", "B", ""]
    assert was_filled.tolist() == [False, False, True, False, False, True, False]
    assert reason.tolist() == [fill_down.R_NOTHING_ABOVE, "", "", fill_down.R_UNDATED, "", "", fill_down.R_UNDATED]


# --- Proposed, read, reported ---------------------------------------------------------------------

def test_the_proposal_fills_the_id_down_and_inspect_shows_it():
    p = inspect({"sheet.csv": FILLED_ONCE.encode()})
    assert p.spec.files[0].fill_down == ("Patient",)
    assert p.to_dict()["files"][0]["fill_down"] == ["Patient"]
    assert p.to_dict()["mapping"]["files"][0]["fill_down"] == ["Patient"]
    assert "'Patient' written on each patient's first row only: filled down (fill_down)" in p.to_text()
    assert any("filled down" in n for n in p.notes)
    assert not p.review


def test_the_cli_inspect_json_and_written_mapping_carry_the_option(tmp_path, capsys):
    from analysis.cli import main
    (tmp_path / "sheet.csv").write_text(FILLED_ONCE)
    out = tmp_path / "mapping.json"
    assert main(["inspect", str(tmp_path / "sheet.csv"), "--json", "--write-mapping", str(out)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["files"][0]["fill_down"] == ["Patient"]
    assert json.loads(out.read_text())["files"][0]["fill_down"] == ["Patient"]
    ds = load_files({"sheet.csv": FILLED_ONCE.encode()}, mapping=json.loads(out.read_text()))
    check_three_patients(ds)


def test_summary_rows_at_the_bottom_do_not_take_the_last_patients_id():
    # A report's last rows: a mean without a date and without an id, a mean in the id column, a total.
    text = FILLED_ONCE + ";;;6,1\nMittelwert;;;5,3\nTotal;;;\n"
    ds = load_files({"sheet.csv": text.encode()})
    assert ds.assessments["value"].tolist().count(6.1) == 0 and 5.3 not in ds.assessments["value"].tolist()
    assert sorted(ds.patients["patient_id"]) == ["K01", "K02", "K03"]
    check_three_patients(ds)
    assert ledger(ds) == [
        ("sheet.csv", 11, "Patient", "", fill_down.R_UNDATED),
        # 'Mittelwert' is a word no id is: it and the 'Total' under it are below the table (tables._summary_rows)
        ("sheet.csv", 12, "(row)", "", "below the table: a summary row ('Mittelwert', 'Total') under the patients' "
                                       "rows is not a patient"),
        ("sheet.csv", 13, "(row)", "", "below the table: a summary row ('Mittelwert', 'Total') under the patients' "
                                       "rows is not a patient")]
    assert "; 1 row(s) without an id were not filled" in "\n".join(ds.report.notes)
    assert ds.report.files["sheet.csv"].rows_used == 9
    assert ds.report.files["sheet.csv"].rows_excluded == 3


def test_a_row_above_the_first_id_stays_excluded():
    # Nothing above it to fill from. (The mark of an id written once needs an id on the first row, so the
    # option is taken from the mapping here, as a clinic reusing its mapping would.)
    doc = proposed({"sheet.csv": FILLED_ONCE.encode()})
    text = HEAD + ";28.02.2024;;7\n" + FILLED_ONCE[len(HEAD):]
    ds = load_files({"sheet.csv": text.encode()}, mapping=doc)
    assert ledger(ds) == [("sheet.csv", 2, "Patient", "", fill_down.R_NOTHING_ABOVE)]
    check_three_patients(ds)


def test_a_file_with_every_id_written_gets_no_fill_down_and_reads_the_same_with_it():
    full = FILLED_ONCE
    for pid in ("K01", "K02", "K03"):
        block = full[full.index(pid):]
        end = block.find("\nK0", 1)
        part = block if end < 0 else block[:end]
        full = full.replace(part, part.replace("\n;", f"\n{pid};"))
    assert "\n;" not in full
    doc = proposed({"sheet.csv": full.encode()})
    assert "fill_down" not in doc["files"][0]
    plain = load_files({"sheet.csv": full.encode()})
    check_three_patients(plain)
    doc["files"][0]["fill_down"] = ["Patient"]
    filled = load_files({"sheet.csv": full.encode()}, mapping=doc)
    assert filled.assessments.equals(plain.assessments) and filled.treatments.equals(plain.treatments)
    assert filled.report.notes == plain.report.notes          # nothing filled: no note
    assert not any("filled down" in n for n in filled.report.notes)


def test_the_fill_is_per_file_and_the_ledger_keeps_each_files_lines():
    # Two sheets read with one mapping entry: the second starts with a title line and a row without an id,
    # which must not take K03 from the end of the first sheet.
    doc = proposed({"sheet_a.csv": FILLED_ONCE.encode()})
    doc["files"][0]["match"] = "sheet_*.csv"
    second = ("Ketamin-Auswertung 2024\n" + HEAD + ";20.03.2024;;5\nK04;21.03.2024;;10\n;24.03.2024;Ketamin;\n"
              ";25.03.2024;;5\n")
    ds = load_files({"sheet_a.csv": FILLED_ONCE.encode(), "sheet_b.csv": second.encode()}, mapping=doc)
    assert ledger(ds) == [("sheet_b.csv", 3, "Patient", "", fill_down.R_NOTHING_ABOVE)]
    assert sorted(ds.treatments["patient_id"]) == ["K01", "K02", "K03", "K04"]
    k04 = ds.assessments[ds.assessments["patient_id"] == "K04"]
    assert k04["day"].tolist() == [-3.0, 1.0] and k04["value"].tolist() == [10.0, 5.0]
    g = group(ds)
    expected = RELIEF + [relief(10, 5)]                                     # + 50
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))   # 43.055...
    check_rate(g["immediate_responder_rate"], 3, 4)
    notes = "\n".join(ds.report.notes)
    assert "in 6 row(s) of sheet_a.csv" in notes and "in 2 row(s) of sheet_b.csv" in notes
    assert (ds.report.files["sheet_b.csv"].rows_used, ds.report.files["sheet_b.csv"].rows_excluded) == (3, 1)


# --- The mapping file ------------------------------------------------------------------------------

def test_fill_down_round_trips_through_the_mapping_file():
    doc = proposed({"sheet.csv": FILLED_ONCE.encode()})
    spec = export_spec.parse_bytes(export_spec.from_json(doc).dumps().encode(), "m.json")
    assert spec.files[0].fill_down == ("Patient",)
    assert spec.to_json() == doc
    toml = b'crps_outcomes_mapping = 1\n[[files]]\nmatch = "s.csv"\nfill_down = ["Patient"]\n' \
           b'columns = {Patient = "patient_id", Datum = "date", NRS = {role = "measure", measure = "pain_nrs"}}\n'
    assert export_spec.parse_bytes(toml, "m.toml").files[0].fill_down == ("Patient",)


@pytest.mark.parametrize("value, message", [
    ("Patient", "must be a list of column names"),
    ([""], "must be a list of column names"),
    (["NRS"], "'NRS', which is not the file's patient id column"),
    (["Patient ID"], "'Patient ID', which is not the file's patient id column"),
])
def test_a_wrong_fill_down_is_refused_with_what_to_do(value, message):
    doc = proposed({"sheet.csv": FILLED_ONCE.encode()})
    doc["files"][0]["fill_down"] = value
    with pytest.raises(MappingError, match=message):
        export_spec.from_json(doc)


def test_a_workbook_with_the_id_in_merged_cells_is_filled_down():
    # As a clinic's Excel report keeps it: the id cell merged over each patient's rows (only its top cell
    # holds the id), real dates; read through the workbook reader like any sheet.
    import datetime as dt
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Auswertung"
    ws.append(["Patient", "Datum", "Behandlung", "NRS"])
    for line in FILLED_ONCE.splitlines()[1:]:
        pid, day, treat, nrs = line.split(";")
        d, m, y = map(int, day.split("."))
        ws.append([pid or None, dt.datetime(y, m, d), treat or None, int(nrs) if nrs else None])
    for first in (2, 5, 8):
        ws.merge_cells(f"A{first}:A{first + 2}")
    buf = io.BytesIO()
    wb.save(buf)
    ds = load_files({"Ketamin.xlsx": buf.getvalue()})
    check_three_patients(ds)
    assert len(ds.report.exclusions) == 0
    assert any("filled down from the row above in 6 row(s)" in n for n in ds.report.notes)
