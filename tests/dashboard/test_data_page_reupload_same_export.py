"""A new upload carries the clinician's mapping edits only onto the same export, and only the edits
(session 13 regression review of the re-upload).

1. Another clinic's file of the same name (its own patients, its own date order and questionnaire) starts
   afresh, and the page says so.
2. Next month's pull keeps a renamed treatment and the drug the new proposal found besides it.
3. A mapping file the clinic loaded survives the browser's re-upload (remove the data file, add the corrected one).
"""
from __future__ import annotations

import copy
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from analysis import load_files
from analysis.io.propose import inspect

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    return at


def _upload(at: AppTest, files: dict[str, bytes]) -> AppTest:
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in files.items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _said(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def _column(at: AppTest, header: str):
    return next(fd["columns"][header] for fd in at.session_state["mapping"]["files"]
                if header in fd.get("columns", {}))


def _clinic_log(seed: int, date_format: str) -> dict[str, bytes]:
    """One clinic's 'clinic_log.csv' (patients C-001...C-012, as every clinic numbers them), its visit dates
    written in ``date_format`` and a 'Questionnaire total' column."""
    shape = ces.export_shape("spreadsheet_en", ces.make_cohort(12, seed=seed))
    df = pd.read_csv(io.BytesIO(shape.files["clinic_log.csv"]), dtype=str, keep_default_na=False)
    df["Visit date"] = pd.to_datetime(df["Visit date"]).dt.strftime(date_format)
    rng = np.random.default_rng(seed)
    df["Questionnaire total"] = np.where(df["Pain (NRS)"] != "", rng.integers(3, 20, len(df)).astype(str), "")
    df = df.drop(columns=[c for c in df.columns if c.startswith("PHQ-9 item")])
    return {"clinic_log.csv": df.to_csv(index=False).encode()}


def test_another_clinics_file_of_the_same_name_does_not_inherit_the_first_clinics_edits():
    uk, us = _clinic_log(3, "%d/%m/%Y %H:%M"), _clinic_log(7, "%m/%d/%Y %H:%M")
    at = _upload(_page(), uk)
    doc = copy.deepcopy(at.session_state["mapping"])
    doc["date_format"] = "DMY"
    doc["files"][0]["columns"]["Questionnaire total"] = {"role": "measure", "measure": "phq9"}
    at.session_state["mapping"] = doc
    at.run()
    assert "phq9" in at.session_state["ctx"].dataset.measures

    _upload(at, us)
    assert "date_format" not in at.session_state["mapping"]
    assert _column(at, "Questionnaire total")["measure"] == "questionnaire_total"
    assert "These files are not the export you edited (other patients): your changes were not carried over." \
        in _said(at)
    assert "same export" not in _said(at)
    # The US clinic's file is read as its own proposal reads it: every visit, no PHQ-9.
    ds = at.session_state["ctx"].dataset
    truth = load_files(dict(us), mapping=inspect(dict(us)).spec)
    assert "phq9" not in ds.measures
    assert ds.report.rows_used == truth.report.rows_used
    assert len(ds.treatments) == len(truth.treatments)


def test_a_corrected_file_of_the_same_clinic_still_keeps_its_edits():
    uk = _clinic_log(3, "%d/%m/%Y %H:%M")
    at = _upload(_page(), uk)
    doc = copy.deepcopy(at.session_state["mapping"])
    doc["files"][0]["columns"]["Questionnaire total"] = {"role": "measure", "measure": "phq9"}
    at.session_state["mapping"] = doc
    at.run()
    frame = pd.read_csv(io.BytesIO(uk["clinic_log.csv"]), dtype=str, keep_default_na=False).iloc[:-3]
    _upload(at, {"clinic_log.csv": frame.to_csv(index=False).encode()})
    assert _column(at, "Questionnaire total")["measure"] == "phq9"
    assert "Your changes to 1 column were kept: 'Questionnaire total'" in _said(at)


def _month_two_with_lidocaine(files: dict[str, bytes]) -> dict[str, bytes]:
    """Next month's pull of the EHR export: the same rows, and lidocaine infusions for 6 patients 20 days
    after their last ketamine bag."""
    mar = pd.read_csv(io.BytesIO(files["mar_export.csv"]), dtype=str, keep_default_na=False)
    rows = []
    for pid in mar.PAT_ID.unique()[:6]:
        ketamine = mar[(mar.PAT_ID == pid) & mar.MEDICATION_NAME.str.startswith("KETAMINE")]
        t = pd.to_datetime(ketamine.TAKEN_TIME, format="%m/%d/%Y %H:%M").max() + pd.Timedelta(days=20)
        rows.append([pid, t.strftime("%m/%d/%Y %H:%M"), "LIDOCAINE 2 G/500 ML IV SOLUTION", "New Bag", "350", "mg",
                     "Intravenous"])
        rows.append([pid, (t + pd.Timedelta(hours=4)).strftime("%m/%d/%Y %H:%M"),
                     "LIDOCAINE 2 G/500 ML IV SOLUTION", "Stopped", "", "", "Intravenous"])
    mar2 = pd.concat([mar, pd.DataFrame(rows, columns=mar.columns)], ignore_index=True)
    return {**files, "mar_export.csv": mar2.to_csv(index=False).encode()}


def test_next_months_pull_keeps_the_renamed_treatment_and_the_drug_newly_proposed_beside_it():
    month1 = dict(ces.export_shape("flowsheet", ces.make_cohort(12, seed=3)).files)
    month2 = _month_two_with_lidocaine(month1)
    at = _upload(_page(), month1)
    doc = copy.deepcopy(at.session_state["mapping"])
    assert list(doc["courses"]["treatments"]) == ["ketamin"]
    doc["courses"]["treatments"] = {"ketamin": "ketamine_iv"}
    at.session_state["mapping"] = doc
    at.run()

    _upload(at, month2)
    treatments = at.session_state["mapping"]["courses"]["treatments"]
    assert treatments == {"ketamin": "ketamine_iv", "lidocain": "Lidocaine infusion"}
    courses = at.session_state["ctx"].dataset.treatments["treatment"].value_counts().to_dict()
    assert courses.get("Lidocaine infusion") == 6
    assert "treatments studied were kept" in _said(at)


def test_a_loaded_mapping_file_survives_removing_the_data_file_and_adding_the_corrected_one():
    files = dict(ces.export_shape("redcap_raw", ces.make_cohort(12, seed=3)).files)
    data = next(n for n in files if "DATA" in n)
    dictionary = next(n for n in files if "Dictionary" in n)
    frame = pd.read_csv(io.BytesIO(files[data]), dtype=str, keep_default_na=False).iloc[:-1]
    corrected = {**files, data: frame.to_csv(index=False).encode()}
    # The clinic's saved mapping (from last month): phq9_total ignored, 3 days between courses.
    saved = inspect(dict(files)).spec.to_json()
    next(f for f in saved["files"] if "phq9_total" in f.get("columns", {}))["columns"]["phq9_total"] = "ignore"
    saved["courses"]["gap_days"] = 3.0

    at = _upload(_page(), files)
    at.file_uploader(key="_w_saved_mapping").set_value(("mapping.json", json.dumps(saved).encode(),
                                                        "application/json")).run()
    _upload(at, {dictionary: files[dictionary]})
    assert "are kept for when that file is uploaded again" in _said(at)
    _upload(at, corrected)
    assert _column(at, "phq9_total") == "ignore"
    assert at.session_state["mapping"]["courses"]["gap_days"] == 3.0
    assert "phq9" not in at.session_state["ctx"].dataset.measures
    assert "Your changes to 1 column were kept: 'phq9_total'" in _said(at)
    assert "days between courses were kept" in _said(at)
