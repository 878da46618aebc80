"""Time points counted from a date of the same row: the mapping option ``counted_from`` of a ``day`` column.

``{"role": "day", "counted_from": "Infusion date"}`` (analysis/io/spec.py; analysis/io/counted_from.py;
docs/data-format.md, "Time points counted from a date"): a score's time is the row's date plus its time point
('Baseline' = the date, before the treatment; 'Week 1' = 7 days; 'Month 3' = 91: months x 365.25/12 rounded;
a number: days, or the unit the column's name says). The proposal sets it only where it is certain (tests in
test_clinic_export_probe6.py, section 13). Expected days and rates are worked out by hand in each docstring
(definitions: test_clinic_export_probe6.py's module docstring); rates are checked against statsmodels' Wilson
interval (clinic_checks.check_rate). The infusion date given as the treatment (``"treatment"`` on the date
column) is written on each visit row: the administrations after a patient's first are listed as exact
duplicates (as for any date repeated so), which the checks of excluded rows below leave aside (``_excluded``).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import clinic_export_probe6 as probe
from clinic_checks import check_rate, columns, group, scores
from analysis import load_files
from analysis.errors import MappingError
from analysis.io import spec as export_spec
from analysis.io.counted_from import date_kind, read_time_points
from analysis.io.propose import inspect


def _doc(timepoint="counted", date: str = "Infusion date", **file_options) -> dict:
    cols = {"Patient": "patient_id", date: {"role": "date", "treatment": "Ketamine"},
            "Timepoint": {"role": "day", "counted_from": "Infusion date"} if timepoint == "counted" else timepoint,
            "NRS": {"role": "measure", "measure": "pain_nrs"}}
    return {"crps_outcomes_mapping": 1, "date_format": "DMY",
            "files": [{"match": "*.csv", "columns": cols, **file_options}]}


def _excluded(ds) -> list:
    """(line, column, reason) of the excluded rows but the repeated administrations of the infusion date (a
    visit row whose score is used is no such exclusion: it is counted in a note; one whose score is excluded
    also lists its repeated date)."""
    ex = ds.report.exclusions
    ex = ex[~ex["reason"].str.startswith("exact duplicate of line")]
    return ex[["line", "column", "reason"]].values.tolist()


# --- The option in the mapping file -----------------------------------------------------------------------

def test_counted_from_is_read_and_written_back_and_absent_by_default():
    spec = export_spec.from_json(_doc())
    assert spec.file_for("t.csv").columns["Timepoint"].counted_from == "Infusion date"
    written = json.loads(spec.dumps())
    assert written["files"][0]["columns"]["Timepoint"] == {"role": "day", "counted_from": "Infusion date"}
    assert export_spec.from_json(written) == spec
    plain = export_spec.from_json(_doc(timepoint="day"))
    assert plain.file_for("t.csv").columns["Timepoint"].counted_from is None
    assert json.loads(plain.dumps())["files"][0]["columns"]["Timepoint"] == "day"


def test_counted_from_in_a_toml_mapping_file():
    toml = b'crps_outcomes_mapping = 1\n[[files]]\nmatch = "*.csv"\n[files.columns]\nPatient = "patient_id"\n' \
           b'"Infusion date" = "date"\nTimepoint = { role = "day", counted_from = "Infusion date" }\n' \
           b'NRS = { role = "measure", measure = "pain_nrs" }\n'
    spec = export_spec.parse_bytes(toml, "m.toml")
    assert spec.file_for("t.csv").columns["Timepoint"] == export_spec.Column("day", counted_from="Infusion date")


@pytest.mark.parametrize("column", [
    {"role": "measure", "measure": "pain_nrs", "counted_from": "Infusion date"},
    {"role": "date", "counted_from": "Infusion date"},
    {"role": "day", "counted_from": ""},
    {"role": "day", "counted_from": 7},
])
def test_counted_from_names_a_date_for_a_day_column_only(column):
    with pytest.raises(MappingError, match="\"counted_from\" is for a day column only"):
        export_spec.from_json(_doc(timepoint=column))


def test_counted_from_naming_no_date_column_of_the_mapping_is_refused_saying_what_to_do():
    doc = _doc(timepoint={"role": "day", "counted_from": "Infusion dat"})
    with pytest.raises(MappingError, match="\"counted_from\" names 'Infusion dat', which is not a date column of this "
                                           "file's mapping: give the date"):
        export_spec.from_json(doc)
    doc = _doc()
    doc["files"][0]["columns"]["Infusion date"] = "ignore"
    with pytest.raises(MappingError, match="column 'Timepoint'.*not a date column"):
        export_spec.from_json(doc)


def test_a_date_column_named_by_the_mapping_but_missing_from_the_file_is_refused_at_loading():
    files = {"t.csv": b"Patient,Site,Timepoint,NRS\nA,North,Baseline,8\nA,North,Week 1,4\n"}
    with pytest.raises(MappingError, match="the time points of 'Timepoint' are counted from 'Infusion date', which is "
                                           "not a column of the file \\(its columns: 'Patient', 'Site'"):
        load_files(files, mapping=_doc())


def test_the_mapping_written_by_inspect_loads_the_same_numbers():
    files = probe.timepoints_beside_infusion_date()
    doc = json.loads(inspect(files).spec.dumps())
    ds = load_files(files, mapping=doc)
    assert scores(ds) == scores(load_files(files))
    check_rate(group(ds)["responder_rate_by_week"]["4"], 2, 3)


# --- The reading --------------------------------------------------------------------------------------------

def test_time_points_read_as_days_after_the_date():
    days, side = read_time_points(np.array(["Baseline", " pre-infusion ", "Week 1", "W4", "Month 3", "M12",
                                            "D-7", "Day 0", "Screening", "T1", "Week ?", ""], dtype=object))
    assert days[:8].tolist() == [0, 0, 7, 28, 91, 365, -7, 0]
    assert np.isnan(days[8:]).all()
    assert side.tolist() == [-1, -1] + [0] * 10


def test_a_post_word_is_day_0_after_the_treatment_and_spelled_time_points_read_beside_a_date():
    """'Post' is the visit right after the treatment (side 1); '4 weeks', '3 months', '1 wk' read as week 4,
    month 3 and week 1 where the time points count from a date (events=True), not in general."""
    cells = np.array(["Post", "post-infusion", "After", "Nachher", "4 weeks", "3 months", "1 wk", "na"], dtype=object)
    days, side = read_time_points(cells, events=True)
    assert days[:7].tolist() == [0, 0, 0, 0, 28, 91, 7] and np.isnan(days[7])
    assert side.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert np.isnan(read_time_points(cells[4:7])[0]).all()


def test_day_0_counted_from_the_date_has_no_side_and_counts_as_the_baseline_with_the_start_day_warning():
    """'D0' is the infusion day, before or after the infusion: at 00:00 of the date, the baseline, with the load's
    warning about date-only scores on a start day; 'Baseline' says before, and has no such warning."""
    def load(first: bytes):
        files = {"t.csv": b"Patient,Infusion date,Timepoint,NRS\nA,04/03/2024," + first + b",8\n"
                          b"A,04/03/2024,Week 1,4\nA,04/03/2024,Week 4,5\n"}
        return load_files(files, mapping=_doc())
    for first, warned in ((b"D0", True), (b"Baseline", False)):
        ds = load(first)
        assert scores(ds)["A"] == [(0.0, 8), (7.0, 4), (28.0, 5)]
        assert any("treatment start day without a time" in w for w in ds.report.warnings) == warned, first


def test_each_course_of_a_patient_counts_from_its_own_infusion_date():
    """C1's rows carry 04/03/2024 (Baseline, Week 1, Week 4), then 15/07/2024 (133 days later): days 0, 7, 28,
    133, 140, 161; two courses. Week 4: C1 course 1 8->5 37.5%, course 2 7->6 14.3%, C2 6->6 0%: 1 of 3."""
    files = probe.timepoints_of_two_courses()
    p = inspect(files)
    assert not p.review
    assert columns(files)[("courses.csv", "Timepoint")].counted_from == "Infusion date"
    ds = load_files(files)
    assert scores(ds)["C1"] == [(0.0, 8), (7.0, 4), (28.0, 5), (133.0, 7), (140.0, 3), (161.0, 6)]
    assert ds.treatments[["patient_id", "day"]].values.tolist() == [["C1", 0.0], ["C1", 133.0], ["C2", 0.0]]
    # Two episodes of C1: patients are clusters and the interval is cluster-robust (docs/methods.md), not Wilson's.
    rate = group(ds)["responder_rate_by_week"]["4"]
    assert (rate["n"], rate["estimate"]) == (3, pytest.approx(1 / 3))


def test_a_score_beside_an_empty_time_point_is_excluded_with_its_reason_not_put_on_the_date():
    """Line 3 has a score but no time point: counted from the date it would be a second baseline."""
    files = {"t.csv": b"Patient,Infusion date,Timepoint,NRS\nA,04/03/2024,Baseline,8\nA,04/03/2024,,5\n"
                      b"A,04/03/2024,Week 1,4\n"}
    ds = load_files(files, mapping=_doc())
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 4)]
    assert _excluded(ds) == [[3, "Timepoint", "no time point in Timepoint for this value (its day after Infusion date)"]]


def test_a_date_that_does_not_read_excludes_its_row_with_the_dates_reason():
    files = {"t.csv": b"Patient,Infusion date,Timepoint,NRS\nA,04/03/2024,Baseline,8\nA,31/02/2024,Week 1,4\n"
                      b"A,04/03/2024,Week 4,5\n"}
    ds = load_files(files, mapping=_doc())
    assert scores(ds)["A"] == [(0.0, 8), (28.0, 5)]
    # (listed once for the score and once for the administration the date also gives)
    assert {tuple(e) for e in _excluded(ds)} == {(3, "Infusion date", "Infusion date is not a date in the DMY format")}


def test_numbers_counted_from_a_date_are_read_in_the_unit_the_columns_name_says():
    """'Weeks after infusion' 0, 1, 4 beside the infusion date: days 0, 7, 28 after it (weeks x 7)."""
    files = {"t.csv": b"Patient,Infusion date,Weeks after infusion,NRS\nA,04/03/2024,0,8\nA,04/03/2024,1,4\n"
                      b"A,04/03/2024,4,5\n"}
    doc = _doc()
    cols = doc["files"][0]["columns"]
    cols["Weeks after infusion"] = cols.pop("Timepoint")
    assert scores(load_files(files, mapping=doc))["A"] == [(0.0, 8), (7.0, 4), (28.0, 5)]


def test_a_time_of_day_beside_the_date_moves_every_time_point_with_it():
    """The infusion at 10:00: the baseline is at 10:00 (the start itself, the baseline), week 1 at 10:00 a week
    later: days 0 and 7, and the start's day is day 0."""
    files = {"t.csv": b"Patient,Infusion date,Infusion time,Timepoint,NRS\nA,04/03/2024,10:00,Baseline,8\n"
                      b"A,04/03/2024,10:00,Week 1,4\n"}
    doc = _doc()
    doc["files"][0]["columns"]["Infusion time"] = {"role": "time", "date": "Infusion date"}
    ds = load_files(files, mapping=doc)
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 4)]
    assert ds.treatments["day"].tolist() == [0.0]


def test_a_treatment_column_beside_the_time_points_is_dated_by_the_date_not_by_a_time_point():
    """'Treatment' written on the baseline row: the administration is at the infusion date (day 0)."""
    files = {"t.csv": b"Patient,Infusion date,Timepoint,Treatment,NRS\nA,04/03/2024,Baseline,Ketamine,8\n"
                      b"A,04/03/2024,Week 1,,4\nA,04/03/2024,Week 4,,5\n"}
    doc = _doc()
    cols = doc["files"][0]["columns"]
    cols["Infusion date"] = "date"
    cols["Treatment"] = "treatment"
    ds = load_files(files, mapping=doc)
    assert ds.treatments[["day", "treatment"]].values.tolist() == [[0.0, "Ketamine"]]
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 4), (28.0, 5)]


def test_beside_a_second_date_constant_per_patient_the_time_points_count_from_the_infusion_date():
    """'Diagnosis date' and 'Infusion date' are both one date per patient: the time points count from the one
    named like a treatment, and the scores are dated by the time points, never by the diagnosis date."""
    files = {"t.csv": b"Patient,Diagnosis date,Infusion date,Timepoint,NRS\n"
                      b"A,01/01/2023,04/03/2024,Baseline,8\nA,01/01/2023,04/03/2024,Week 1,4\n"
                      b"A,01/01/2023,04/03/2024,Week 4,5\nB,15/06/2023,11/03/2024,Baseline,6\n"
                      b"B,15/06/2023,11/03/2024,Week 1,5\nB,15/06/2023,11/03/2024,Week 4,6\n"}
    cols = columns(files)
    assert cols[("t.csv", "Timepoint")].counted_from == "Infusion date"
    assert cols[("t.csv", "NRS")].time is None
    assert scores(load_files(files)) == {"A": [(0.0, 8), (7.0, 4), (28.0, 5)], "B": [(0.0, 6), (7.0, 5), (28.0, 6)]}


def test_beside_two_dates_neither_named_like_a_treatment_which_one_is_asked():
    files = {"t.csv": b"Patient,Consent date,Enrolment date,Timepoint,NRS\n"
                      b"A,01/01/2024,15/01/2024,Baseline,8\nA,01/01/2024,15/01/2024,Week 1,4\n"}
    review = inspect(files).review
    assert any("'Timepoint'" in r and "say which one they count from" in r for r in review), review


# --- What the dates are to the time points (the proposal's certainty) ---------------------------------------

@pytest.mark.parametrize("dates, points, kind", [
    (["d1"] * 4, ["Baseline", "Week 1", "Week 4", "Month 3"], "reference"),          # one date per patient
    (["d1", "d1", "d2", "d2"], ["Baseline", "Week 1", "Baseline", "Week 1"], "reference"),  # one per course
    (["d1", "d2", "d3", "d4"], ["Baseline", "Week 1", "Week 4", "Month 3"], "own"),  # each visit's own date
    (["d1", "d1", "d2", "d3"], ["Baseline", "Day 0", "Week 1", "Week 4"], "own"),    # two visits on the start day
    (["d1", "d1", "d2", "d1"], ["Baseline", "Week 1", "Week 4", "Month 3"], "mixed"),  # one row typed otherwise
    (["d1", "d1", "", "d1"], ["Baseline", "Week 1", "Week 4", "Month 3"], "mixed"),  # a date missing
])
def test_a_date_is_the_time_points_reference_only_where_it_is_certain(dates, points, kind):
    days, _ = read_time_points(np.array(points, dtype=object))
    assert date_kind(np.array(["A"] * 4, dtype=object), np.array(points, dtype=object), days,
                     np.array(dates, dtype=object)) == kind


def test_a_numeric_study_day_beside_each_visits_date_is_not_counted_from_it():
    """'Study day' repeats what 'Visit date' says: the dates place the scores, as before."""
    files = {"v.csv": b"Patient,Visit date,Study day,Treatment,NRS\nA,2024-03-03,-1,,8\nA,2024-03-04,0,Ketamine,\n"
                      b"A,2024-03-11,7,,5\nA,2024-04-01,28,,6\nB,2024-03-10,-1,,6\nB,2024-03-11,0,Ketamine,\n"
                      b"B,2024-03-18,7,,6\nB,2024-04-08,28,,6\n"}
    assert not any(c.counted_from for c in columns(files).values())
    assert scores(load_files(files))["A"] == [(-1.0, 8), (7.0, 5), (28.0, 6)]


# --- The documentation ------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def test_the_documented_example_sheet_and_mapping_load_as_the_docs_say():
    """docs/data-format.md, "Time points counted from a date": its sheet (without the '...' line) read with its
    mapping's columns gives T1 days 0, 7, 28, 91; the role table lists the option."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### Time points counted from a date", 1)[1].split("\n### ", 1)[0]
    sheet, mapping = re.findall(r"```(?:json)?\n(.*?)```", section, flags=re.S)[:2]
    csv = "\n".join(line for line in sheet.splitlines() if line != "...") + "\n"
    doc = {"crps_outcomes_mapping": 1, "date_format": "DMY",
           "files": [{"match": "*.csv", **json.loads("{" + mapping + "}")}]}
    ds = load_files({"sheet.csv": csv.encode()}, mapping=doc)
    assert [d for d, _ in scores(ds)["T1"]] == [0.0, 7.0, 28.0, 91.0]
    assert "| `day` | `counted_from` |" in text


def test_two_more_date_columns_beside_counted_time_points_raise_no_warning_about_which_date_times_the_scores():
    """The scores take their time from the time points (counted from the infusion date): a 'Visit date' and a
    'Charted' column that differ say nothing about it, so the warning about a charting date is not given."""
    sheet = ("Patient,Infusion date,Timepoint,Visit date,Charted,NRS\n"
             "A,04/03/2024,Baseline,04/03/2024,05/03/2024,8\nA,04/03/2024,Week 1,11/03/2024,12/03/2024,5\n"
             "B,06/03/2024,Baseline,06/03/2024,07/03/2024,7\nB,06/03/2024,Week 1,13/03/2024,14/03/2024,3\n").encode()
    doc = _doc()
    doc["files"][0]["columns"].update({"Visit date": "date", "Charted": "date"})
    ds = load_files({"s.csv": sheet}, mapping=doc)
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 5)]
    assert not any("differs from it" in w for w in ds.report.warnings), ds.report.warnings


def _audit(points: list[str]) -> dict[str, bytes]:
    """Patient, Infusion date (DD/MM/YYYY), Timepoint, NRS: T1-T3 with the NRS below at ``points``."""
    nrs = {"T1": [8, 4, 5, 6], "T2": [6, 6, 6, 6], "T3": [9, 3, 4, 5]}
    dates = {"T1": "04/03/2024", "T2": "11/03/2024", "T3": "18/03/2024"}
    rows = ["Patient,Infusion date,Timepoint,NRS"] + [f"{p},{dates[p]},{tp},{v}" for p in nrs
                                                      for tp, v in zip(points, nrs[p])]
    return {"audit.csv": ("\n".join(rows) + "\n").encode()}


def test_pre_post_and_spelled_time_points_place_each_score():
    """'Pre' is the baseline (the date, before the infusion), 'Post' the immediate score (right after it, as a
    post column's: +1 hour, days are kept to 6 decimals), '1 week' day 7, '4 weeks' day 28. By hand: immediate
    relief 50% (8->4), 0% (6->6), 66.7% (9->3); immediate responders (30% or more): two of three."""
    files = _audit(["Pre", "Post", "1 week", "4 weeks"])
    p = inspect(files)
    assert not p.review
    assert columns(files)[("audit.csv", "Timepoint")].counted_from == "Infusion date"
    ds = load_files(files)
    t1 = scores(ds)["T1"]
    assert [v for _, v in t1] == [8.0, 4.0, 5.0, 6.0]
    assert [d for d, _ in t1] == pytest.approx([0.0, 1 / 24, 7.0, 28.0], abs=1e-6)
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 0 + 100 * 6 / 9) / 3)
    check_rate(g["immediate_responder_rate"], 2, 3)


@pytest.mark.parametrize("points", [["Baseline", "Week 1", "Week ?", "Week 4"], ["Pre", "Infusion", "W1", "W4"]])
def test_time_points_that_do_not_all_read_are_a_point_to_review_not_left_out(points):
    """Left out, every score of a patient would fall on the infusion date (conflicts, or the equal ones
    merged into one baseline): a time point column that mostly reads is asked about instead."""
    review = " ".join(inspect(_audit(points)).review)
    assert "'Timepoint' holds the visits' time points" in review and "does not read" in review.replace("do(es)", "does")


def test_a_disease_duration_written_in_months_is_no_time_point():
    """'CRPS duration' (14 months, 15 months) changes between a patient's rows, but only a column named for
    the visits reads '4 weeks' spelled out: the Visit column places the scores (days 0, 28, 91)."""
    sheet = ("Patient,Infusion date,CRPS duration,Visit,NRS\nP01,2024-03-04,14 months,Baseline,8\n"
             "P01,2024-03-04,15 months,Week 4,5\nP01,2024-03-04,17 months,Month 3,4\n"
             "P02,2024-02-12,6 months,Baseline,7\nP02,2024-02-12,7 months,Week 4,6\nP02,2024-02-12,9 months,Month 3,6\n")
    a = load_files({"visits.csv": sheet.encode()}).assessments
    assert sorted(set(a["day"])) == [0.0, 28.0, 91.0]


@pytest.mark.parametrize("cell, day, side", [
    ("After 1 week", 7.0, 0), ("Post 4 weeks", 28.0, 0), ("Nach 4 Wochen", 28.0, 0), ("4 Wochen", 28.0, 0),
    ("Nach 3 Monaten", 91.0, 0), ("Après 1 semaine", 7.0, 0), ("3 mois", 91.0, 0), ("After", 0.0, 1),
    ("Before", 0.0, -1)])
def test_time_points_after_the_treatment_in_words_and_languages_read_beside_a_date(cell, day, side):
    days, sides = read_time_points(np.array([cell], dtype=object), events=True)
    assert days[0] == day and sides[0] == side


def test_before_after_and_after_n_weeks_place_each_score():
    """Visit = Before, After, After 1 week, After 4 weeks beside the infusion date: days 0 (before), 0 (after,
    +1 h), 7, 28; by hand immediate relief 50% and 0%."""
    rows = ["Patient,Infusion date,Visit,NRS"] + [f"{p},{d},{v},{n}" for p, d, scores in
                                                  (("A", "2024-03-04", (8, 4, 5, 6)), ("B", "2024-03-11", (6, 6, 6, 6)))
                                                  for v, n in zip(("Before", "After", "After 1 week", "After 4 weeks"),
                                                                  scores)]
    ds = load_files({"v.csv": ("\n".join(rows) + "\n").encode()})
    a = scores(ds)["A"]
    assert [d for d, _ in a] == pytest.approx([0.0, 1 / 24, 7.0, 28.0], abs=1e-6)
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx(25.0)
