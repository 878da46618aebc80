"""Follow-up counted in whole days after a course's start, in an export with times (analysis/io/untimed_starts.py
``whole_days_after``; docs/data-format.md, "Dates and times in clinic exports").

Week k of an episode is 7(k-1) < day - start <= 7k: a week-4 visit on day 28 at 14:00 after an 08:45 start was
day 28.22, week 5. The cases below are a review's of the rule's first version."""
from __future__ import annotations

from clinic_checks import scores
from analysis import load_files
from analysis import build_episodes


def _files(score_rows: list[str], infusion_rows: list[str]) -> dict:
    return {"infusions.csv": ("Study ID,Infusion start,Medication\n" + "\n".join(infusion_rows) + "\n").encode(),
            "scores.csv": ("Study ID,Visit date/time,Pain score (0-10)\n" + "\n".join(score_rows) + "\n").encode()}


def test_a_week_4_visit_later_in_the_day_than_the_infusion_is_day_28():
    ds = load_files(_files(["F1,2024-03-04 08:00,8", "F1,2024-03-04 12:00,4", "F1,2024-04-01 14:00,5"],
                           ["F1,2024-03-04 08:45,Ketamine"]))
    assert [d for d, _ in scores(ds)["F1"]][-1] == 28.0


def test_a_visit_in_the_14_days_before_a_booster_stays_the_boosters_baseline():
    """The visit of 17 April at 14:00 is 13.96 days before the 13:00 booster of 1 May: its baseline. Counted in whole
    days after the first course (08:30) it was 14.19 days before the booster, outside the window, and the booster
    had no baseline; it is counted in whole days before the booster instead (14 days: day 54.1875)."""
    ds = load_files(_files(["B1,2024-02-23 08:00,8", "B1,2024-02-23 12:30,4", "B1,2024-04-17 14:00,7",
                            "B1,2024-05-01 16:00,3"],
                           ["B1,2024-02-23 08:30,Ketamine", "B1,2024-05-01 13:00,Ketamine"]))
    days = [d for d, _ in scores(ds)["B1"]]
    booster = ds.treatments["day"].max()
    assert booster - days[2] == 14.0
    table = build_episodes(ds).table
    assert table["included"].all() and table["baseline"].tolist() == [8.0, 7.0]


def test_a_row_charted_twice_does_not_keep_a_lone_visit_at_its_time():
    # The exact duplicate is excluded later; it is the day's only score all the same.
    ds = load_files(_files(["F1,2024-03-04 08:00,8", "F1,2024-03-04 12:00,4", "F1,2024-04-01 14:00,5",
                            "F1,2024-04-01 14:00,5"],
                           ["F1,2024-03-04 08:45,Ketamine"]))
    assert [d for d, _ in scores(ds)["F1"]][-1] == 28.0


def test_an_answer_that_is_no_score_does_not_keep_a_lone_visit_at_its_time():
    ds = load_files(_files(["F1,2024-03-04 08:00,8", "F1,2024-03-04 12:00,4", "F1,2024-04-01 14:00,5",
                            "F1,2024-04-01 16:00,Patient asleep"],
                           ["F1,2024-03-04 08:45,Ketamine"]))
    assert [d for d, _ in scores(ds)["F1"]][-1] == 28.0


def test_two_scores_of_a_day_both_count_on_that_day_in_their_order():
    # A diary's morning and evening entries of day 28 (09:00 and 20:00 after an 08:45 start): both day 28 (week 4),
    # the morning's just before the evening's. They kept their times before (28.01 and 28.47, week 5).
    ds = load_files(_files(["F1,2024-03-04 08:00,8", "F1,2024-03-04 12:00,4", "F1,2024-04-01 09:00,5",
                            "F1,2024-04-01 20:00,6"],
                           ["F1,2024-03-04 08:45,Ketamine"]))
    a = ds.assessments.sort_values("day")
    assert a["value"].tolist()[-2:] == [5, 6]
    assert 27.999 < a["day"].iloc[-2] < a["day"].iloc[-1] == 28.0


def test_a_week_12_visit_ten_days_before_an_afternoon_booster_stays_in_week_12():
    # A review of a first version that gave every score 1-14 days before a course that course's time of day: the
    # 08:00 visit of day 84 after an 08:30 start went to 13:00 (day 84.19, week 13).
    ds = load_files(_files(["W1,2024-01-08 08:00,8", "W1,2024-01-08 11:30,4", "W1,2024-04-01 08:00,5",
                            "W1,2024-04-11 12:40,8", "W1,2024-04-11 16:00,4"],
                           ["W1,2024-01-08 08:30,Ketamine", "W1,2024-04-11 13:00,Ketamine"]))
    assert [d for d, _ in scores(ds)["W1"]][2] == 84.0


def test_a_day_2_score_ten_days_before_a_booster_stays_the_immediate_score():
    # ... and the 07:30 score two days after an 08:30 start went to 14:00 (day 2.23, outside the immediate window).
    ds = load_files(_files(["C1,2024-03-04 08:00,8", "C1,2024-03-06 07:30,4", "C1,2024-03-16 13:40,8",
                            "C1,2024-03-16 17:00,4"],
                           ["C1,2024-03-04 08:30,Ketamine", "C1,2024-03-16 14:00,Ketamine"]))
    table = build_episodes(ds).table
    assert table["immediate_t"].tolist()[0] == 2.0 and table["immediate_relief_pct"].tolist()[0] == 50.0


def test_a_value_out_of_its_range_does_not_keep_a_lone_visit_at_its_time():
    # A flowsheet's 12 on a 0-10 item is excluded (out of range) after the placing; it was counted as the day's
    # second score, and the week-4 visit stayed at day 28.26 (week 5).
    rows = ["F2,2024-03-04 08:00,Pain Score (0-10),8", "F2,2024-03-04 12:00,Pain Score (0-10),4",
            "F2,2024-04-01 15:00,Pain Score (0-10),4", "F2,2024-04-01 15:05,Pain Score (0-10),12"]
    rows += [f"G{k},2024-03-0{k} 09:00,Pain Score (0-10),{k}" for k in range(1, 8)]
    files = {"flowsheet.csv": ("PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\n" + "\n".join(rows) + "\n").encode(),
             "mar.csv": b"PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION\nF2,2024-03-04 08:45,KETAMINE 100 MG IV,New Bag\n"}
    ds = load_files(files)
    assert ds.report.exclusions["reason"].tolist() == ["out of range for pain_nrs (valid 0-10)"]
    assert [d for d, _ in scores(ds)["F2"]][-1] == 28.0
