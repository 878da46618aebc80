"""Scores with a time of day on the day of a treatment start that has none (a date only, or 00:00 as an ETL
writes a missing time) are placed by a rule and warned about (analysis/io/untimed_starts.py; docs/data-format.md,
"Dates and times in clinic exports"). The start reads as 00:00, so by the times a survey taken at 09:15 before the
infusion was after it: the immediate score, and the immediate relief ~0% (the reviews' Qualtrics, Google Forms and
OMOP exports: ~40% in truth). Per patient, start day and measure, the scores labelled before the treatment, or else
the earliest, are placed at the start (day 0, the baseline); the later ones, and those labelled after it, are after.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.spec import Column, FileSpec, MappingSpec
from analysis.io.untimed_starts import place
from clinic_checks import group, relief, scores
from test_redcap_boxes_and_questions import DICT_HEADER

DAY = 86_400 * 10 ** 9
HOUR = 3_600 * 10 ** 9
MILLISECOND = 10 ** 6


def test_the_earliest_timed_score_of_a_date_only_start_day_is_placed_at_the_start_on_its_own_date():
    # P1 starts on day 10 with a date only: its 08:05 score is placed at 00:00 of day 10 (never day 9), its 14:00
    # score stays after the start, its score of day 9 is not on the start day; P2 starts at 09:00: its 08:05 score
    # is placed by the times.
    pid = np.array(["P1", "P1", "P1", "P2"], dtype=object)
    ns = np.array([10 * DAY + 8 * HOUR, 10 * DAY + 14 * HOUR, 9 * DAY + 8 * HOUR, 10 * DAY + 8 * HOUR])
    t, on = place(pid, ns, [True] * 4, ["pain_nrs"] * 4, ["at"] * 4, np.array(["P1", "P2"], dtype=object),
                  np.array([10 * DAY, 10 * DAY + 9 * HOUR]))
    assert t.tolist() == [10 * DAY, 10 * DAY + 14 * HOUR, 9 * DAY + 8 * HOUR, 10 * DAY + 8 * HOUR]
    assert on.tolist() == [True, True, False, False]


def test_a_label_before_the_treatment_decides_and_a_label_after_it_is_never_the_baseline():
    # Day 10, date-only start. P1: a Pre at 09:15 and an unlabelled score at 08:00 (earlier): the Pre is the baseline,
    # the other stays after. P2: a Post at 08:00 and an unlabelled score at 09:00: the unlabelled one is the earliest
    # that can be before. P3: its only score, at 15:00, is the baseline (as a date-only score would be); P3's PHQ-9 of
    # that day is placed apart from its pain.
    pid = np.array(["P1", "P1", "P2", "P2", "P3", "P3"], dtype=object)
    ns = 10 * DAY + np.array([9.25, 8, 8, 9, 15, 16]) * HOUR
    timing = ["before_start", "at", "after_start", "at", "at", "at"]
    measure = ["pain_nrs"] * 5 + ["phq9"]
    t, on = place(pid, ns.astype(np.int64), [True] * 6, measure, timing, np.array(["P1", "P2", "P3"], dtype=object),
                  np.full(3, 10 * DAY))
    assert ((t - 10 * DAY) / HOUR).tolist() == [0, 8, 8, 0, 0, 0]
    assert on.all()


def test_scores_written_with_a_date_only_are_not_placed_by_the_rule():
    t, on = place(np.array(["P1"], dtype=object), np.array([10 * DAY]), [False], ["pain_nrs"], ["at"],
                  np.array(["P1"], dtype=object), np.array([10 * DAY]))
    assert t.tolist() == [10 * DAY] and not on.any()


# A survey (Qualtrics, Google Forms: each response timed) beside an infusion log with dates only.
SURVEY_MAPPING = MappingSpec(files=[
    FileSpec(match="survey.csv", columns={"Timestamp": Column("date"), "Participant": Column("patient_id"),
                                          "Visit": Column("event"),
                                          "Pain": Column("measure", measure="pain_nrs")}),
    FileSpec(match="log.csv", columns={"Participant": Column("patient_id"), "Infusion date": Column("date"),
                                       "Drug": Column("treatment")})])
COHORT = {"P1": (8, 8, 4), "P2": (6, 7, 3), "P3": (9, 10, 6)}   # baseline visit, before the infusion, after it


def _survey(pre: str = "Infusion day", post: str = "Infusion day", log_time: str = "") -> dict:
    survey, log = ["Timestamp,Participant,Visit,Pain"], ["Participant,Infusion date,Drug"]
    for i, (pid, (b, before, after)) in enumerate(COHORT.items()):
        survey += [f"3/{11 + i}/2024 10:00:12,{pid},Baseline,{b}", f"3/{14 + i}/2024 9:15:33,{pid},{pre},{before}",
                   f"3/{14 + i}/2024 14:40:05,{pid},{post},{after}"]
        log.append(f"{pid},3/{14 + i}/2024{log_time},Ketamine")
    return {"survey.csv": ("\n".join(survey) + "\n").encode(), "log.csv": ("\n".join(log) + "\n").encode()}


def _immediate(ds) -> float:
    return group(ds)["immediate_relief_pct"]["estimate"]


def test_a_survey_taken_before_a_date_only_infusion_is_its_baseline_and_the_later_one_its_immediate_score():
    """By hand: 8 -> 4 50%, 7 -> 3 57.1%, 10 -> 6 40% (before: the 09:15 survey was the immediate score, 0%, -16.7%,
    -11.1%)."""
    ds = load_files(_survey(), mapping=SURVEY_MAPPING)
    assert scores(ds)["P1"] == [(round(-3 + 10 / 24 + 12 / 86_400, 6), 8.0), (0.0, 8.0),
                              (round((14 * 60 + 40) / 1440 + 5 / 86_400, 6), 4.0)]
    assert _immediate(ds) == pytest.approx((relief(8, 4) + relief(7, 3) + relief(10, 6)) / 3)
    (warning,) = [w for w in ds.report.warnings if "treatment start that has no time" in w]
    assert warning.startswith("6 score(s) of 3 patient(s) have a time of day on the day of a treatment start")
    assert "before the day's first wait of an hour or more between two scores, count as its baseline" in warning
    assert "Give the treatment's time" in warning


def test_pre_and_post_visits_on_a_date_only_infusion_day_are_baseline_and_immediate():
    """The review's variant: 'Pre-infusion' / 'Post-infusion' visits, the role "event": the Pre row (timing before the
    start) kept its 09:15 and was after the 00:00 start, with no warning; now it is the baseline, and warned about."""
    ds = load_files(_survey(pre="Pre-infusion", post="Post-infusion"), mapping=SURVEY_MAPPING)
    assert scores(ds)["P1"][1] == (0.0, 8.0)
    assert _immediate(ds) == pytest.approx((relief(8, 4) + relief(7, 3) + relief(10, 6)) / 3)
    assert any(w.startswith("6 score(s) of 3 patient(s) have a time of day") for w in ds.report.warnings)


def test_an_etl_midnight_on_every_infusion_is_a_date_only_start():
    """An OMOP drug_exposure_start_datetime of '2024-03-04 00:00:00' (the date, with a time the source did not
    have) places the scores as a date only does."""
    assert _immediate(load_files(_survey(log_time=" 00:00:00"), mapping=SURVEY_MAPPING)) == pytest.approx(
        (relief(8, 4) + relief(7, 3) + relief(10, 6)) / 3)


def test_timed_starts_place_the_scores_by_their_times_as_before():
    """An infusion at 09:00: the 09:15 survey is after it (the immediate score) and nothing is warned about."""
    ds = load_files(_survey(log_time=" 9:00"), mapping=SURVEY_MAPPING)
    assert scores(ds)["P1"][1] == (round(15 / 1440 + 33 / 86_400, 6), 8.0)
    assert _immediate(ds) == pytest.approx((relief(8, 8) + relief(6, 7) + relief(9, 10)) / 3)
    assert not any("treatment start that has no time" in w for w in ds.report.warnings)


def test_a_redcap_survey_timestamp_before_a_date_only_infusion_is_warned_about():
    fields = ["record_id,demographics,,text,Record ID,,,,,,,,,,,,,",
              "nrs,pain_survey,,text,Pain now (0-10),,,integer,0,10,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
              'inf_drug,infusion,,radio,Drug,"1, Ketamine | 2, Lidocaine",,,,,,,,,,,,']
    rows = ["record_id,redcap_event_name,demographics_complete,pain_survey_timestamp,nrs,pain_survey_complete,"
            "inf_date,inf_drug,infusion_complete"]
    for i in (1, 2):
        rows += [f"{i},infusion_arm_1,,2024-01-1{i} 08:05:00,8,2,2024-01-1{i},1,2",
                 f"{i},post_infusion_arm_1,,2024-01-1{i} 14:30:00,3,2,,,", f"{i},week_4_arm_1,,2024-02-1{i} 10:00:00,5,2,,,"]
    files = {"K_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "K_DataDictionary_2024-05-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}
    warnings = load_files(files).report.warnings
    assert any(w.startswith("4 score(s) of 2 patient(s) have a time of day on the day of a treatment start") and
               "Give the treatment's time" in w for w in warnings), warnings


def test_out_of_range_values_that_are_all_missing_data_codes_are_warned_about_as_such():
    """An NRS of -99 (a project's missing-data code) is excluded as out of range; the warning says it is a code,
    not that a 0-100 VAS may have been read as the NRS."""
    sheet = ("Patient,Date,Treatment,NRS\nP1,2024-03-01,,8\nP1,2024-03-04,Ketamine,\nP1,2024-04-01,,-99\n"
             "P2,2024-03-02,,7\nP2,2024-03-05,Ketamine,\nP2,2024-04-02,,3\n")
    warnings = load_files({"sheet.csv": sheet.encode()}).report.warnings
    assert any("every one is a negative code (-99), as exports write missing data" in w for w in warnings), warnings
    assert not any("0-100 VAS" in w for w in warnings)


def test_the_follow_up_of_a_date_only_start_is_counted_in_whole_days():
    """A week-4 survey on day 28 at 09:15 after a date-only infusion was day 28.39: week 5 (week k is 7(k-1) < day
    <= 7k), so a date-only log lost every week-4 survey of day 28 (the Qualtrics review: 24 labelled 'week_4', 8
    counted). It is day 28, as a date-only score is. Several scores of a measure on one day (a pain diary's morning
    and evening) count on that day too, in their order; scores on an administration day and before the first one
    keep their times."""
    files = _survey()
    lines = files["survey.csv"].decode().splitlines()
    for i, pid in enumerate(COHORT):
        lines.append(f"4/{11 + i}/2024 9:15:00,{pid},Week 4,5")  # day 28 after 3/{14+i}
    lines += ["4/12/2024 8:00:00,P1,Diary,6", "4/12/2024 20:00:00,P1,Diary,4"]  # two scores on day 29
    ds = load_files({**files, "survey.csv": ("\n".join(lines) + "\n").encode()}, mapping=SURVEY_MAPPING)
    p1 = scores(ds)["P1"]
    assert (28.0, 5.0) in p1
    assert p1[-2:] == [(29.0, 6.0), (29.0, 4.0)]  # the morning's a millisecond before the evening's
    assert p1[0] == (round(-3 + 10 / 24 + 12 / 86_400, 6), 8.0)  # before the first infusion: as written
    assert group(ds)["responder_rate_by_week"]["4"]["n"] == 3
    assert any(n.startswith("5 follow-up score(s) with a time of day are counted in whole days after their course's "
                            "start") for n in ds.report.notes)


def test_the_day_is_split_at_its_first_wait_of_an_hour_so_an_unread_first_survey_does_not_move_the_pre_score_after():
    # Day 10, date-only start. P1: a declined survey at 08:40 (its value is excluded later, but it was taken), the
    # pre at 09:15, the post at 14:00: the infusion is in the 4 h 45 wait, so 08:40 and 09:15 are before. (Before:
    # the earliest only, and the 09:15 pre score became the immediate score: 0% relief.)
    pid = np.array(["P1"] * 3, dtype=object)
    ns = (10 * DAY + np.array([8 + 40 / 60, 9.25, 14]) * HOUR).astype(np.int64)
    t, _ = place(pid, ns, [True] * 3, ["pain_nrs"] * 3, ["at"] * 3, np.array(["P1"], dtype=object),
                 np.array([10 * DAY]))
    # The pre score is at the start; the declined survey a millisecond before it (together at 00:00 they were
    # "conflicting values" and both left out).
    assert (t - 10 * DAY).tolist() == [-MILLISECOND, 0, 14 * HOUR]


def test_a_days_only_score_is_after_the_start_when_the_patient_has_an_earlier_one():
    # An evening diary (21:00 every day), infusions with dates only: the infusion day's entry is its post score,
    # the evening before its baseline (the regression review's case07: it became the baseline, relief 13% vs 41%).
    # P2 has no earlier score: its one score of the start day is the baseline, as a date-only one is.
    pid = np.array(["P1", "P1", "P2"], dtype=object)
    ns = np.array([9 * DAY + 21 * HOUR, 10 * DAY + 21 * HOUR, 10 * DAY + 21 * HOUR])
    t, on = place(pid, ns, [True] * 3, ["pain_nrs"] * 3, ["at"] * 3, np.array(["P1", "P2"], dtype=object),
                  np.array([10 * DAY, 10 * DAY]))
    assert ((t - 10 * DAY) / HOUR).tolist() == [-3, 21, 0]
    assert on.tolist() == [False, True, True]


def test_scores_before_the_first_hours_wait_stay_apart_and_a_later_evening_score_is_after():
    """Pre 07:00, post 11:00, evening 22:00 on a date-only infusion day, intake 13 days before: the first wait of an
    hour or more is 07:00 -> 11:00, so only 07:00 is before (split at the longest wait, 11:00 -> 22:00, the post score
    became the baseline: the final regression review's case01). Two scores before the first such wait (a declined
    survey, then the pre) stay apart, a millisecond before the start and at it (together at 00:00 they were
    "conflicting values" and both left out)."""
    pid = np.array(["P1"] * 4, dtype=object)
    ns = np.array([-3 * DAY + 9 * HOUR, 10 * DAY + 7 * HOUR, 10 * DAY + 11 * HOUR, 10 * DAY + 22 * HOUR])
    t, _ = place(pid, ns, [True] * 4, ["pain_nrs"] * 4, ["at"] * 4, np.array(["P1"], dtype=object),
                 np.array([10 * DAY]))
    assert (t[1:] - 10 * DAY).tolist() == [0, 11 * HOUR, 22 * HOUR]
    ns = np.array([10 * DAY + 8 * HOUR, 10 * DAY + 8.5 * HOUR, 10 * DAY + 14 * HOUR]).astype(np.int64)
    t, _ = place(pid[:3], ns, [True] * 3, ["pain_nrs"] * 3, ["at"] * 3, np.array(["P1"], dtype=object),
                 np.array([10 * DAY]))
    assert (t - 10 * DAY).tolist() == [-MILLISECOND, 0, 14 * HOUR]


def test_a_lone_score_after_an_earlier_one_weeks_before_is_the_baseline():
    """An intake 21 days before and one score at 09:00 on the date-only infusion day: the lone score is the baseline
    (with a 90-day look-back it was an after-score and the episode had no baseline: the final regression review's
    case03)."""
    pid = np.array(["P1", "P1"], dtype=object)
    ns = np.array([-11 * DAY + 9 * HOUR, 10 * DAY + 9 * HOUR])
    t, _ = place(pid, ns, [True] * 2, ["pain_nrs"] * 2, ["at"] * 2, np.array(["P1"], dtype=object),
                 np.array([10 * DAY]))
    assert t[1] == 10 * DAY


def test_a_lone_pre_score_after_a_screening_visit_days_before_stays_the_baseline():
    """An EHR extract: a screening score 5 days before, the pre-infusion score at 08:30 on the date-only infusion
    day, its post score missing. The lone score is the baseline (read as after the start it was the immediate
    score against the screening, 3 more immediate scores than the truth: the final check of the OMOP review's
    case04). Only a score the day before (a daily diary) makes a lone score an after-score."""
    pid = np.array(["P1", "P1"], dtype=object)
    ns = np.array([5 * DAY + 9 * HOUR, 10 * DAY + 8.5 * HOUR]).astype(np.int64)
    t, _ = place(pid, ns, [True] * 2, ["pain_nrs"] * 2, ["at"] * 2, np.array(["P1"], dtype=object),
                 np.array([10 * DAY]))
    assert t[1] == 10 * DAY
