"""A score after the treatment is after it only on a day the treatment was given (analysis/io/post_scores.py;
docs/data-format.md, "Scores after the treatment").

* A 'Pain after' on a phone call's row (no treatment that day) is a plain score of its date: day 28 stays day 28
  (week 4), not day 28 + 1 hour.
* On a row holding the infusion, or on another row of the infusion's date, it is the immediate score.
* A visit column ('Visit' = Baseline / Infusion / Post / Week 1, each visit with its own date, the role
  "event") places a Post row of the infusion's date after the infusion: before, its score was the day's baseline.
"""
from __future__ import annotations

import pytest

from clinic_checks import check_rate, columns, group, relief, scores
from analysis import load_files
from analysis.io.spec import Column, CourseRules, FileSpec, MappingSpec

HOUR = 1 / 24
COHORT = {"A": (8, 4, 5), "B": (6, 5, 6), "C": (10, 5, 8)}   # baseline, post, week 4


def _log(call_same_day: bool = False) -> bytes:
    """An infusion row (before, after) and phone calls on days 7 and 28 with only 'Pain after'; with
    ``call_same_day`` the after score of the infusion is on a call's row of the infusion's date instead."""
    rows = ["Patient,Date,Type,Pain before,Pain after"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        rows.append(f"{pid},2024-03-{4 + i:02d},Infusion,{b},{'' if call_same_day else p}")
        if call_same_day:
            rows.append(f"{pid},2024-03-{4 + i:02d},Call,,{p}")
        rows += [f"{pid},2024-03-{11 + i:02d},Call,,{p}", f"{pid},2024-04-{1 + i:02d},Call,,{w4}"]
    return ("\n".join(rows) + "\n").encode()


MAPPING = MappingSpec(files=[FileSpec(match="log.csv", columns={
    "Patient": Column("patient_id"), "Date": Column("date"), "Type": Column("treatment"),
    "Pain before": Column("measure", measure="pain_nrs", timing="before_start"),
    "Pain after": Column("measure", measure="pain_nrs", timing="after_start")})],
    courses=CourseRules(treatments={"Infusion": "Ketamine"}))


def test_a_pain_after_on_a_row_without_a_treatment_keeps_its_date():
    """Week 4 by hand: A 8 -> 5 37.5%, B 6 -> 6 0%, C 10 -> 8 20%: 1 responder of 3 (before: no week-4 score,
    the calls at day 28 + 1 hour fell in week 5)."""
    ds = load_files({"log.csv": _log()}, mapping=MAPPING)
    assert scores(ds)["A"] == [(0.0, 8.0), (round(HOUR, 6), 4.0), (7.0, 4.0), (28.0, 5.0)]
    g = group(ds)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(
        (relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)


def test_a_pain_after_on_another_row_of_the_infusion_date_is_after_the_infusion():
    """The call of the infusion's date is an hour after the start, as the infusion row's own after score would
    be: the immediate relief is the same as in the log with the after score on the infusion's row."""
    ds = load_files({"log.csv": _log(call_same_day=True)}, mapping=MAPPING)
    assert scores(ds)["A"] == [(0.0, 8.0), (round(HOUR, 6), 4.0), (7.0, 4.0), (28.0, 5.0)]
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx(
        (relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)


def test_a_pre_and_post_score_on_one_row_without_any_treatment_stay_an_hour_apart():
    """No administration at all (no treatment column): a row with both scores keeps its post score after its
    pre score, as two readings of that day, not two conflicting values of one time."""
    sheet = "Patient,Date,Pain before,Pain after\nA,2024-03-04,8,4\nA,2024-03-11,,5\n"
    ds = load_files({"s.csv": sheet.encode()})
    assert scores(ds)["A"] == [(0.0, 8.0), (round(HOUR, 6), 4.0), (7.0, 5.0)]


def _visits(post_day: int = 0) -> bytes:
    rows = ["Patient,Visit,Date,Treatment,NRS"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        rows += [f"{pid},Baseline,2024-03-{1 + i:02d},,{b}", f"{pid},Infusion,2024-03-{4 + i:02d},Ketamine,",
                 f"{pid},Post,2024-03-{4 + i + post_day:02d},,{p}", f"{pid},Week 4,2024-04-{1 + i:02d},,{w4}"]
    return ("\n".join(rows) + "\n").encode()


def test_a_post_visit_on_the_infusion_date_is_the_immediate_score():
    """'Visit' is proposed as the role "event"; the Post row's score is an hour after the start: immediate
    relief A 50%, B 16.7%, C 50% (before: none, the Post score was the baseline of day 0)."""
    files = {"v.csv": _visits()}
    assert columns(files)[("v.csv", "Visit")].role == "event"
    ds = load_files(files)
    assert scores(ds)["A"] == [(-3.0, 8.0), (round(HOUR, 6), 4.0), (28.0, 5.0)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


def test_a_post_visit_on_another_day_than_the_infusion_keeps_its_date():
    ds = load_files({"v.csv": _visits(post_day=1)})
    assert scores(ds)["A"] == [(-3.0, 8.0), (1.0, 4.0), (28.0, 5.0)]


def test_a_pre_visit_on_the_infusion_date_is_before_it():
    """'Pre' on the start day stays at day 0, the baseline, and is no date-only score of unknown side."""
    sheet = ("Patient,Visit,Date,Treatment,NRS\nA,Pre,2024-03-04,,8\nA,Infusion,2024-03-04,Ketamine,\n"
             "A,Post,2024-03-04,,4\nA,Week 1,2024-03-11,,5\nB,Pre,2024-03-05,,6\nB,Infusion,2024-03-05,Ketamine,\n"
             "B,Post,2024-03-05,,3\nB,Week 1,2024-03-12,,4\n")
    ds = load_files({"v.csv": sheet.encode()})
    assert scores(ds)["A"] == [(0.0, 8.0), (round(HOUR, 6), 4.0), (7.0, 5.0)]
    assert not any("dated on a treatment start day" in w for w in ds.report.warnings)
