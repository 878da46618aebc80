"""The scores before a later course's start without a time (analysis/io/untimed_starts.py ``place``; docs/data-format.md,
"Dates and times in clinic exports"): a date-only infusion log beside timed surveys, a second course months later
whose day has a declined survey at 08:40, the pre survey at 09:15 and the post at 14:00."""
from __future__ import annotations

from analysis import build_episodes, load_files


def _files(second: str) -> dict:
    log = f"Patient,Infusion date,Drug\nU1,2024-03-04,Ketamine\nU1,{second},Ketamine\n".encode()
    survey = ("Patient,Timestamp,Pain\n" + "\n".join(
        ["U1,2024-03-04 09:00,8", "U1,2024-03-04 14:00,4", f"U1,{second} 08:40,7", f"U1,{second} 09:15,8",
         f"U1,{second} 14:00,4"]) + "\n").encode()
    return {"infusions.csv": log, "survey.csv": survey}


def test_two_scores_before_a_start_164_days_after_the_first_stay_two_and_the_later_is_its_baseline():
    # Placed a nanosecond apart, the two became one day in the float days after day ~100: "conflicting values",
    # both left out, and the second course had no baseline (and before that, the first was moved to day 163).
    ds = load_files(_files("2024-08-15"))
    assert not len(ds.report.exclusions)
    days = ds.assessments.sort_values("day")["day"].tolist()
    assert 163.999 < days[2] < days[3] == 164.0
    table = build_episodes(ds).table
    assert table["included"].tolist() == [True, True] and table["baseline"].tolist() == [8.0, 8.0]


def test_the_score_placed_just_before_a_later_untimed_start_is_no_follow_up_of_the_course_before():
    # The declined survey of the second course's day (42) is placed just before its start; counted in whole days
    # after the first course it went to day 41, a follow-up of the first course.
    ds = load_files(_files("2024-04-15"))
    days = ds.assessments.sort_values("day")["day"].tolist()
    assert 41.999 < days[2] < days[3] == 42.0
