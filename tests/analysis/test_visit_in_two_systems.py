"""A visit's score typed into two systems (a survey with times, a nurse's sheet with dates only) is read once.

Specification: analysis/io/two_systems.py; docs/data-format.md, "The same visit in two systems".
"""
from __future__ import annotations

from analysis import load_files

INFUSIONS = b"Patient,Infusion start,Treatment\nP1,2024-03-04 09:00,Ketamine infusion\nP2,2024-03-05 09:00,Ketamine infusion\n"
SURVEY = (b"Patient,Survey time,NRS\nP1,2024-03-04 08:00,7\nP1,2024-03-04 13:00,3\nP1,2024-04-01 10:00,4\n"
          b"P2,2024-03-05 08:00,8\nP2,2024-03-05 13:00,4\nP2,2024-04-02 10:00,6\n")


def _load(nurse: bytes, survey: bytes = SURVEY):
    return load_files({"infusions.csv": INFUSIONS, "survey.csv": survey, "nurse.csv": nurse})


def _week4(ds, patient):
    """The scores of the visit on day 28 (its date; two scores of a day keep their times)."""
    a = ds.assessments
    return a[(a.patient_id == patient) & (a.day > 21) & (a.day < 29)]["value"].tolist()


def test_a_date_only_copy_of_a_timed_follow_up_score_is_excluded_naming_the_timed_one():
    ds = _load(b"Patient,Date,NRS\nP1,2024-04-01,4\nP2,2024-04-02,6\n")
    assert _week4(ds, "P1") == [4.0] and _week4(ds, "P2") == [6.0]
    ex = ds.report.exclusions
    assert list(ex["file"]) == ["nurse.csv", "nurse.csv"] and list(ex["line"]) == [2, 3]
    assert "the same score as survey.csv line 4" in ex["reason"].iloc[0]
    assert any("entered in two systems is read once" in w for w in ds.report.warnings)


def test_different_values_of_one_date_in_two_systems_are_both_read_with_a_warning():
    # Four visits typed twice agree; the fifth differs (a typo in one system): both of it are read, and said.
    survey = SURVEY + b"P1,2024-04-08 10:00,5\nP1,2024-04-15 10:00,6\nP1,2024-04-22 10:00,5\n"
    ds = _load(b"Patient,Date,NRS\nP1,2024-04-01,4\nP1,2024-04-08,5\nP1,2024-04-15,6\nP1,2024-04-22,5\n"
               b"P2,2024-04-02,5\n", survey)
    assert sorted(_week4(ds, "P2")) == [5.0, 6.0]
    assert len(ds.report.exclusions) == 4
    warning = next(w for w in ds.report.warnings if "another value" in w)
    assert "patient P2" in warning and "5 in nurse.csv, 6 in survey.csv" in warning


def test_on_a_treatment_day_a_date_only_score_and_a_timed_one_are_not_copies():
    # The nurse's pre-infusion 3 and the survey's post-infusion 3: both are scores of the infusion day.
    ds = _load(b"Patient,Date,NRS\nP1,2024-03-04,3\n")
    a = ds.assessments
    assert len(a[(a.patient_id == "P1") & (a.day <= 1)]) == 3 and len(ds.report.exclusions) == 0


def test_a_date_only_and_a_timed_score_of_one_file_are_left_to_that_files_rules():
    survey = SURVEY + b"P1,2024-04-01,4\n"
    ds = load_files({"infusions.csv": INFUSIONS, "survey.csv": survey})
    assert not any("two systems" in str(r) for r in ds.report.exclusions["reason"])
    assert not any("two systems" in w for w in ds.report.warnings)


def test_two_kinds_of_measurement_that_agree_only_by_chance_are_no_copies():
    # A clinic visit (timed) and an evening diary typed in with its date: equal on one date of three.
    survey = (b"Patient,Survey time,NRS\nP1,2024-03-04 08:00,7\nP1,2024-03-04 13:00,3\nP1,2024-04-01 10:00,4\n"
              b"P1,2024-04-08 10:00,5\nP1,2024-04-15 10:00,6\nP2,2024-03-05 08:00,8\nP2,2024-03-05 13:00,4\n")
    ds = _load(b"Patient,Date,NRS\nP1,2024-04-01,4\nP1,2024-04-08,3\nP1,2024-04-15,2\n", survey)
    assert len(ds.report.exclusions) == 0
    assert not any("two systems" in w or "another value" in w for w in ds.report.warnings)
