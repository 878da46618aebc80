"""Dates of later sessions (boosters) beside the column naming the treatment, dates named for a treatment in a
file without a treatment column of its own, and numbers named as a covariate given once per patient
(analysis/io/session_dates.py, analysis/io/visits.py dated_treatment, analysis/io/post_scores.py
without_treatment; docs/data-format.md, "Dates of later sessions" and "Covariates").

Before: a booster's date was a plain date when any column of the export named a treatment, so no course
started there and the booster's before/after scores became follow-up of the first course (reviewers' cases:
65 courses read as 40, the median relief duration 84 days read as 28); one site's infusion log was dropped
beside another site's log with a treatment column; an age given on the baseline row only was ignored.
"""
from __future__ import annotations

import pytest

from clinic_checks import columns, scores
from analysis import load_files
from analysis.io.propose import inspect

TRACKER = ("Patient,Drug,Infusion date,Pain before,Pain after,Booster 1 date,Booster 1 pain before,Booster 1 pain after\n"
           "A1,Ketamine,2024-01-10,8,3,2024-03-01,8,3\n"
           "A2,Lidocaine,2024-01-12,7,3,2024-02-20,7,2\n"
           "A3,Ketamine,2024-01-15,6,2,,,\n").encode()

DICTIONARY = (
    "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\","
    "Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max\n"
    "record_id,demographics,,text,Record ID,,,,,\n"
    "age,demographics,,text,Age at enrolment (years),,,integer,,\n"
    "visit_date,visit,,text,Date of visit,,,date_ymd,,\n"
    "nrs_pain,visit,,text,Average pain today (0-10 NRS),,,integer,0,10\n"
    "inf_date,infusion,,text,Infusion date,,,date_ymd,,\n"
    "inf_drug,infusion,,radio,Infusion agent,\"1, Ketamine | 2, Lidocaine\",,,,\n"
    "nrs_pre,infusion,,text,Pain NRS pre-infusion,,,integer,0,10\n"
    "nrs_post,infusion,,text,Pain NRS post-infusion,,,integer,0,10\n"
    "booster_date,booster,,text,Booster infusion date,,,date_ymd,,\n"
    "booster_nrs_pre,booster,,text,Pain NRS pre-booster,,,integer,0,10\n"
    "booster_nrs_post,booster,,text,Pain NRS post-booster,,,integer,0,10\n").encode()
_HEADER = ("record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,age,demographics_complete,"
           "visit_date,nrs_pain,visit_complete,inf_date,inf_drug,nrs_pre,nrs_post,infusion_complete,booster_date,"
           "booster_nrs_pre,booster_nrs_post,booster_complete")


def _redcap_rows(pid: str, age: int, drug: str, start: str, boosters: list[str]) -> list[str]:
    """Baseline visit (with the age), the infusion (drug, pre 8, post 4), boosters (pre 8, post 3) as instances
    of the repeating instrument 'booster' on the infusion event, a week-1 visit."""
    rows = [f"{pid},baseline_arm_1,,,{age},2,{start},8,2,,,,,,,,,",
            f"{pid},infusion_day_arm_1,,,,,,,,{start},{drug},8,4,2,,,,"]
    rows += [f"{pid},infusion_day_arm_1,booster,{i + 1},,,,,,,,,,,{b},8,3,2" for i, b in enumerate(boosters)]
    return rows


def _redcap() -> dict:
    rows = [_HEADER] + _redcap_rows("1", 53, "1", "2023-04-18", ["2023-07-14", "2023-10-02"]) \
        + _redcap_rows("2", 66, "2", "2023-05-02", ["2023-08-30"]) + _redcap_rows("3", 41, "1", "2023-06-01", [])
    return {"Registry_DATA_2024-11-04_1532.csv": ("\n".join(rows) + "\n").encode(),
            "Registry_DataDictionary_2024-11-04.csv": DICTIONARY}


def _sessions(files: dict, column: str, drug: str) -> dict:
    """The proposed mapping with ``column`` read as sessions of the treatment column ``drug``."""
    spec = inspect(files).spec.to_json()
    for f in spec["files"]:
        if column in f.get("columns", {}):
            f["columns"][column] = {"role": "date", "treatment": drug}
    return spec


def _courses(ds) -> list:
    t = ds.treatments.sort_values(["patient_id", "day"])
    return t[["patient_id", "day", "treatment"]].values.tolist()


def test_a_booster_date_beside_the_drug_column_is_a_session_of_the_drug_of_its_row():
    """The wide tracker, its 'Booster 1 date' mapped with "treatment": "Drug": A1 and A2 have a second course on
    their booster's date, of their own drug (A2's booster is Lidocaine), A3 none."""
    ds = load_files({"tracker.csv": TRACKER}, mapping=_sessions({"tracker.csv": TRACKER}, "Booster 1 date", "Drug"))
    assert _courses(ds) == [["A1", 0.0, "Ketamine"], ["A1", 51.0, "Ketamine"], ["A2", 0.0, "Lidocaine"],
                            ["A2", 39.0, "Lidocaine"], ["A3", 0.0, "Ketamine"]]
    # The booster's before score is its course's baseline, its after score right after its start.
    assert scores(ds)["A2"] == [(0.0, 7.0), (0.041667, 3.0), (39.0, 7.0), (39.041667, 2.0)]
    assert not [w for w in ds.report.warnings if "no treatment that day" in w]


def test_a_redcap_booster_instrument_without_the_drug_is_a_session_of_the_patients_infusion_drug():
    """The REDCap infusion form names the drug (inf_drug), the repeating 'booster' instrument only its date: each
    booster is a course of the drug of the patient's infusion before it (record 2: Lidocaine)."""
    files = _redcap()
    ds = load_files(files, mapping=_sessions(files, "booster_date", "inf_drug"))
    assert _courses(ds) == [["1", 0.0, "Ketamine"], ["1", 87.0, "Ketamine"], ["1", 167.0, "Ketamine"],
                            ["2", 0.0, "Lidocaine"], ["2", 120.0, "Lidocaine"], ["3", 0.0, "Ketamine"]]


def test_a_booster_date_before_any_drug_of_the_patient_is_excluded_with_its_reason():
    rows = [_HEADER] + _redcap_rows("1", 53, "1", "2023-04-18", ["2023-01-14"])
    files = {**_redcap(), "Registry_DATA_2024-11-04_1532.csv": ("\n".join(rows) + "\n").encode()}
    ds = load_files(files, mapping=_sessions(files, "booster_date", "inf_drug"))
    assert _courses(ds) == [["1", 0.0, "Ketamine"]]
    ex = ds.report.exclusions
    gone = ex[ex["column"] == "booster_date"]
    assert len(gone) == 1 and "names the treatment in 'inf_drug'" in gone["reason"].iloc[0]


@pytest.mark.parametrize("header", ["Booster 1 date", "Session cancelled date", "Date ketamine first prescribed",
                                    "Next infusion due date"])
def test_a_date_named_for_a_session_beside_the_drug_column_is_not_proposed_as_one(header):
    # A review of a rule that proposed them: more such dates are no session than are (a cancelled session, a
    # prescription, a plan): the mapping says which are, and the load warns of their scores (below).
    data = TRACKER.replace(b"Booster 1 date", header.encode())
    assert not columns({"tracker.csv": data})[("tracker.csv", header)].treatment


def test_before_and_after_scores_on_a_day_without_any_treatment_are_warned_about():
    """The safety net: the booster's date read as a plain date (as proposed): its scores fall on a day without a
    course. The load says so, naming the file, the column and the number of scores."""
    ds = load_files({"tracker.csv": TRACKER})
    assert len(ds.treatments) == 3
    warned = [w for w in ds.report.warnings if "no treatment that day" in w]
    assert any(w.startswith("tracker.csv: 2 score(s) in 'Booster 1 pain before'") for w in warned), warned
    assert any("'Booster 1 pain after'" in w for w in warned)


def test_a_last_infusion_date_on_a_follow_up_form_beside_a_drug_log_is_no_administration():
    # A review: a follow-up file's 'Last infusion date' became a treatment 'Last infusion' on day 0 of every patient.
    files = {"tracker.csv": TRACKER,
             "followup.csv": b"Patient,Visit date,Pain NRS,Last infusion date\nA1,2024-02-10,5,2024-01-10\n"
                             b"A3,2024-02-15,4,2024-01-15\n"}
    assert not columns(files)[("followup.csv", "Last infusion date")].treatment
    assert set(load_files(files).treatments["treatment"]) == {"Ketamine", "Lidocaine"}


def test_a_log_of_each_infusion_of_a_trackers_courses_is_not_a_second_treatment():
    # A review: a tracker (drug, start date) and a log of each infusion's date, without the drug, of the same
    # patients: the log's dates became a treatment 'Infusion' beside every real course (36 courses for 18).
    files = {"tracker.csv": b"Patient,Drug,Treatment start date,Pain before,Pain after\nS01,Lidocaine,2024-02-11,7,2\n"
                            b"S02,Ketamine,2024-02-12,8,3\n",
             "infusions.csv": b"Patient,Infusion date\nS01,2024-02-11\nS01,2024-02-12\nS02,2024-02-12\nS02,2024-02-13\n"}
    assert set(load_files(files).treatments["treatment"]) == {"Lidocaine", "Ketamine"}


def test_one_sites_visit_sheet_with_an_infusion_date_is_read_beside_another_sites_drug_log():
    # A review: site A's visits (scores and a 'Ketamine infusion date') beside site B's log with a treatment
    # column: site A's infusions were dropped, silently.
    files = {"SiteA_visits.csv": b"Patient,Visit date,Pain NRS,Ketamine infusion date\nA1,2024-01-12,8,2024-01-12\n"
                                 b"A1,2024-01-19,4,\n",
             "SiteB_log.csv": b"Patient,Date,Treatment,Pain NRS\nB1,2024-01-12,Ketamine infusion,8\n"
                              b"B1,2024-01-19,,5\n"}
    ds = load_files(files)
    assert sorted(ds.treatments["patient_id"]) == ["A1", "B1"]


def test_an_infusion_log_without_a_drug_column_is_read_beside_another_sites_log_with_one():
    """Site A: scores and an infusion log (dates only); site B: a log with a Treatment column. Each site's
    patient has a course (before: B1 only)."""
    files = {"siteA_scores.csv": b"Patient,Visit date,NRS\nA1,2024-01-02,8\nA1,2024-01-09,4\n",
             "siteA_infusions.csv": b"Patient,Infusion date\nA1,2024-01-02\n",
             "siteB_log.csv": b"Patient,Date,Treatment,NRS\nB1,2024-02-01,Ketamine,9\nB1,2024-02-08,,5\n"}
    assert columns(files)[("siteA_infusions.csv", "Infusion date")].treatment == "Infusion"
    ds = load_files(files)
    assert _courses(ds) == [["A1", 0.0, "Infusion"], ["B1", 0.0, "Ketamine"]]


def test_an_age_given_on_the_baseline_row_only_is_a_covariate():
    """REDCap's integer field 'age' on the baseline event's row, 15 different ages (more than a coded answer
    has): a covariate (before: ignored, "text, not a score or covariate")."""
    rows = [_HEADER] + [r for i in range(15) for r in _redcap_rows(str(i + 1), 30 + i, "1", f"2023-04-{i + 1:02d}", [])]
    files = {**_redcap(), "Registry_DATA_2024-11-04_1532.csv": ("\n".join(rows) + "\n").encode()}
    assert columns(files)[("Registry_DATA_2024-11-04_1532.csv", "age")].role == "covariate"
    p = load_files(files).patients.set_index("patient_id")
    assert p.filter(like="age").iloc[:, 0].sort_values().tolist() == list(range(30, 45))


def test_an_age_in_a_file_with_one_row_per_patient_is_a_covariate():
    rows = ["Patient,Age,Infusion date,Pain before,Pain after"] + [
        f"P{i:02d},{20 + i},2024-01-{i + 1:02d},8,4" for i in range(20)]
    files = {"patients.csv": ("\n".join(rows) + "\n").encode()}
    assert columns(files)[("patients.csv", "Age")].role == "covariate"


def test_the_dose_of_the_drug_column_is_still_read_beside_booster_dates():
    """The dose written beside the drug is its infusion's (the boosters' dates, read as sessions, take none)."""
    data = TRACKER.replace(b"Patient,Drug,", b"Patient,Drug,Dose (mg),").replace(b"Ketamine,", b"Ketamine,50,") \
        .replace(b"Lidocaine,", b"Lidocaine,100,")
    t = load_files({"tracker.csv": data}, mapping=_sessions({"tracker.csv": data}, "Booster 1 date", "Drug")) \
        .treatments.sort_values(["patient_id", "day"])
    assert t["dose"].tolist()[::2][:2] == [50.0, 100.0] and t["dose"].isna().tolist() == [False, True, False, True, False]


def test_a_visit_rows_pain_in_a_before_column_without_an_after_score_is_not_warned_about():
    # A review: a clinic sheet whose 'NRS pre' is also each visit's pain (NRS post empty on visit rows) drew 167
    # warnings of booster scores without a booster. A before score alone on its day is a visit's.
    data = (b"Patient;Date;Treatment;NRS pre;NRS post\nP01;11/06/2023;Ketamine infusion;7;3\n"
            b"P01;18/06/2023;;2;\nP01;09/07/2023;;7;\nP02;12/06/2023;Ketamine infusion;8;4\nP02;19/06/2023;;5;\n")
    ds = load_files({"visits.csv": data})
    assert not [w for w in ds.report.warnings if "no treatment that day" in w]
