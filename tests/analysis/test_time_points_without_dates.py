"""A sheet whose visits are named by time points (Baseline, Week 1, Week 4) and that has no dates: the time
points are the days since the first treatment, Baseline its day before it. A sheet with no time at all is a
point to review before loading, not a refusal after the proposal said nothing."""
from __future__ import annotations

import pytest

from clinic_checks import check_rate, group, relief, scores
from analysis import load_files
from analysis.errors import MappingError
from analysis.io.propose import inspect

# (baseline, week 1, week 4) pain per patient; the treatment is given at the baseline visit.
PAIN = {"A": (8, 5, 4), "B": (7, 3, 6), "C": (9, 4, 5), "D": (6, 6, 6)}


def _sheet() -> dict:
    rows = []
    for p, (b, w1, w4) in PAIN.items():
        rows += [f"{p},Baseline,Ketamine,{b}", f"{p},Week 1,,{w1}", f"{p},Week 4,,{w4}"]
    return {"visits.csv": ("Patient,Visit,Treatment,NRS\n" + "\n".join(rows) + "\n").encode()}


def test_time_points_without_dates_are_days_since_the_treatment_and_baseline_is_before_it():
    files = _sheet()
    proposal = inspect(files)
    assert not proposal.review
    assert any("Baseline = the start day, before the treatment" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 5), (28.0, 4)]
    assert ds.treatments["day"].tolist() == [0.0] * 4
    # The baseline is taken before the treatment of its day: no warning about scores on a start day.
    assert not any("start day" in w for w in ds.report.warnings)
    responders = sum(relief(b, w4) >= 30 for b, _, w4 in PAIN.values())
    check_rate(group(ds)["responder_rate_by_week"]["4"], responders, 4)


def test_a_redcap_export_whose_events_have_no_dates_is_a_point_to_review_naming_the_events():
    files = {"export.csv": b"record_id,redcap_event_name,treatment,nrs_pain\n1,baseline_arm_1,ketamine,8\n"
                           b"1,week_1_arm_1,,5\n2,baseline_arm_1,ketamine,7\n2,week_1_arm_1,,3\n"}
    review = inspect(files).review
    assert any("no column gives the time of the scores" in r and "'redcap_event_name' names the visits" in r
               for r in review), review
    with pytest.raises(MappingError, match="no column gives the time"):
        load_files(files)


def test_scores_with_no_time_at_all_are_a_point_to_review():
    files = {"s.csv": b"Patient,Treatment,NRS\nA,Ketamine,8\nA,,5\nB,Ketamine,7\nB,,3\n"}
    assert any(r.startswith("s.csv: no column gives the time of the scores:") for r in inspect(files).review)


def test_a_patients_file_without_scores_needs_no_time():
    files = {"visits.csv": _sheet()["visits.csv"], "patients.csv": b"Patient,Sex,Age\nA,F,40\nB,M,51\nC,F,33\nD,F,60\n"}
    assert not inspect(files).review
