"""A load warning where a treatment's courses look like one weekly programme split by missed sessions
(analysis/io/course_gaps.py; docs/data-format.md, "Rules", Courses).

A clinician review: a physiotherapy appointment report (weekly sessions, 25 patients with one programme each) became
42 treatment episodes, because the course rule (administrations at most ``gap_days`` = 7 days apart are one course)
split a programme wherever one session was missed (14 days between two sessions). The rule stays (ketamine boosters
a few weeks apart are separate episodes by design); the load report warns, naming the treatment, how many courses
began so, an example patient and the fix (the course gap).
"""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.course_gaps import split_programme_warnings

WEEKLY = list(range(0, 49, 7))  # seven weekly sessions from day 0


def _sheet(schedule: dict, treatment: str) -> dict:
    """A session log: one row per session (its date, the treatment, a pain score), from Monday 4 March 2024."""
    rows = ["Patient ID,Visit Date,Treatment,Pain NRS"]
    for pid, days in schedule.items():
        for d in days:
            day = (np.datetime64("2024-03-04") + np.timedelta64(d, "D")).astype(object).strftime("%m/%d/%Y")
            rows.append(f"{pid},{day},{treatment},6")
    return {"sessions.csv": ("\n".join(rows) + "\n").encode()}


def _mapping(**courses) -> dict:
    return {"crps_outcomes_mapping": 1, "source": "spreadsheet", "files": [{"match": "sessions.csv", "columns": {
        "Patient ID": "patient_id", "Visit Date": "date", "Treatment": "treatment",
        "Pain NRS": {"role": "measure", "measure": "pain_nrs"}}}], "courses": courses}


def _split_warnings(ds) -> list[str]:
    return [w for w in ds.report.warnings if "look like one programme split" in w]


def _pt_with_missed_weeks() -> dict:
    # P0-P3 miss the session of day 21 (14 days between days 14 and 28); P4 and P5 miss none.
    return {f"P{i}": [d for d in WEEKLY if not (i < 4 and d == 21)] for i in range(6)}


def test_weekly_physical_therapy_with_a_missed_week_keeps_its_courses_and_warns_naming_the_fix():
    ds = load_files(_sheet(_pt_with_missed_weeks(), "Physical therapy"), mapping=_mapping())
    assert len(ds.treatments) == 10  # the default rule is kept: 6 programmes, 4 of them split in two
    [warning] = _split_warnings(ds)
    assert "Treatment 'Physical therapy': 4 of its 10 courses began more than 7 and at most 21 days after" in warning
    assert "median 7 days apart" in warning
    assert "e.g. patient P0: sessions on 2024-03-18 and 2024-04-01, 14 days apart, are two courses" in warning
    assert '"courses": {"gap_days": 14}' in warning
    assert "Administrations at most this many days apart are one course" in warning  # the dashboard's box


def test_weekly_physical_therapy_read_with_the_gap_the_warning_gives_is_one_course_per_patient_without_warning():
    ds = load_files(_sheet(_pt_with_missed_weeks(), "Physical therapy"), mapping=_mapping(gap_days=14))
    assert len(ds.treatments) == 6
    assert _split_warnings(ds) == []


def test_ketamine_infusions_on_five_consecutive_days_and_monthly_boosters_do_not_warn():
    # Cadence 1 day (median interval): no weekly programme; the boosters 4-5 weeks apart are courses by design.
    schedule = {f"K{i}": [0, 1, 2, 3, 4, 35, 70, 105] for i in range(6)}
    ds = load_files(_sheet(schedule, "Ketamine infusion"), mapping=_mapping())
    assert len(ds.treatments) == 24
    assert _split_warnings(ds) == []


def test_daily_infusions_with_a_ten_day_break_are_two_courses_without_warning():
    # At a daily cadence a 10-day pause is no missed session but a planned break (ten sessions not given): the
    # clinic's rule makes the second run a new course, and nothing suggests otherwise.
    schedule = {f"D{i}": [0, 1, 2, 3, 4, 14, 15, 16, 17, 18] for i in range(6)}
    ds = load_files(_sheet(schedule, "Lidocaine infusion"), mapping=_mapping())
    assert len(ds.treatments) == 12
    assert _split_warnings(ds) == []


def _days(schedule: dict) -> tuple:
    """Administrations counted in day numbers (an extract without dates), one course per run at most 7 days apart."""
    pid = np.array([p for p, days in schedule.items() for _ in days], dtype=object)
    t = np.array([d for days in schedule.values() for d in days], dtype=float)
    course = np.cumsum(np.r_[True, (pid[1:] != pid[:-1]) | (np.diff(t) > 7)]) - 1
    return pid, t, np.full(len(t), "Physiotherapy", dtype=object), course


def test_two_split_courses_are_too_few_to_warn_and_three_are_enough():
    two = {f"P{i}": [d for d in WEEKLY if not (i < 2 and d == 21)] for i in range(4)}
    assert split_programme_warnings(*_days(two), 7.0) == []
    three = {f"P{i}": [d for d in WEEKLY if not (i < 3 and d == 21)] for i in range(4)}
    [warning] = split_programme_warnings(*_days(three), 7.0)
    assert "3 of its 7 courses" in warning and "sessions on day 14 and day 28, 14 days apart" in warning


def test_split_courses_under_a_fifth_of_a_treatments_courses_do_not_warn():
    # 3 split of 16 courses (19%): a few patients who paused, not a rule that splits the programmes.
    schedule = {f"P{i:02d}": [d for d in WEEKLY if not (i < 3 and d == 21)] for i in range(13)}
    assert split_programme_warnings(*_days(schedule), 7.0) == []
    schedule = {f"P{i:02d}": [d for d in WEEKLY if not (i < 3 and d == 21)] for i in range(12)}  # 3 of 15: 20%
    assert len(split_programme_warnings(*_days(schedule), 7.0)) == 1


def test_a_course_beginning_more_than_three_cadences_after_the_last_session_is_a_new_programme():
    # Four weeks after the last session (28 days > 3 x 7): a second programme, not a missed session.
    schedule = {f"P{i}": [0, 7, 14, 42, 49, 56] for i in range(6)}
    assert split_programme_warnings(*_days(schedule), 7.0) == []


def test_weekly_then_fortnightly_ketamine_boosters_are_episodes_by_design_and_do_not_warn():
    # the third regression review: a 5-day induction, boosters on days 14, 21, 28, 42 and 56; a gap of 14 days
    # (the advice) would have merged each induction with its boosters
    schedule = {f"P{i}": [0, 1, 2, 3, 4, 14, 21, 28, 42, 56] for i in range(8)}
    pid, t, _, course = _days(schedule)
    assert split_programme_warnings(pid, t, np.full(len(t), "Ketamine infusion", dtype=object), course, 7.0) == []
    assert len(split_programme_warnings(pid, t, np.full(len(t), "Physiotherapy", dtype=object), course, 7.0)) == 1
