"""Administrations at most ``gap_days`` apart are one course, the gap counted in calendar days (analysis/io/courses.py
``build_courses``; docs/data-format.md, "Rules"; docs/methods.md, "Courses from administrations").

A review's weekly lidocaine series (four infusions a week apart, the chair's time drifting by up to two hours) fell
into a course per infusion where a week's infusion was later in the day than the week before (09:00, then 09:30:
7.02 days by the clock): 66 courses instead of 30, week 4 counted 12 visits of 20, week 12 three of 30. The same
happened across the end of daylight saving time, with the offsets written (09:00 -04:00, then 09:00 -05:00)."""
from __future__ import annotations

from clinic_checks import group
from analysis import load_files

MEDICATION = "lidocaine 2% (20 mg/mL) 5 mg/kg in NS 250 mL IVPB"


def _mar_export(infusions: dict, visits: dict) -> dict:
    """A MAR (a New Bag per infusion) and a flowsheet (a pre and a post score per infusion, and the visits)."""
    mar = ["Patient,Medication,Action,Action Time,Route"]
    flo = ["Patient,Taken,Measure,Value"]
    for pid, times in infusions.items():
        for when, pre, post in times:
            mar.append(f"{pid},{MEDICATION},New Bag,{when[0]},IV")
            flo += [f"{pid},{when[1]},Pain Score (0-10),{pre}", f"{pid},{when[2]},Pain Score (0-10),{post}"]
    for pid, rows in visits.items():
        flo += [f"{pid},{when},Pain Score (0-10),{value}" for when, value in rows]
    return {"mar.csv": ("\n".join(mar) + "\n").encode(), "flowsheet.csv": ("\n".join(flo) + "\n").encode()}


def _weekly(hours: list[str]) -> list:
    """Four weekly infusions from 01/08/2024 (a Monday) at the given times, a score 20 min before and 75 min after."""
    out = []
    for k, hhmm in enumerate(hours):
        day = f"01/{8 + 7 * k:02d}/2024"
        h, m = map(int, hhmm.split(":"))
        before = f"{h - 1 if m < 20 else h:02d}:{(m - 20) % 60:02d}"
        after = f"{h + 1 + (m + 15) // 60:02d}:{(m + 15) % 60:02d}"
        out.append(((f"{day} {hhmm}", f"{day} {before}", f"{day} {after}"), 8 if k == 0 else 6, 4))
    return out


def test_weekly_infusions_whose_time_of_day_drifts_are_one_course_and_dates_eight_days_apart_are_two():
    # E1: 14:00 on 8 January, 09:00 on 16 January: 7.79 days by the clock, but 8 calendar days.
    eight = [(("01/08/2024 14:00", "01/08/2024 13:40", "01/08/2024 15:15"), 8, 4),
             (("01/16/2024 09:00", "01/16/2024 08:40", "01/16/2024 10:15"), 7, 3)]
    files = _mar_export({"W1": _weekly(["09:00", "09:30", "11:00", "08:30"]),
                         "W2": _weekly(["08:00", "08:00", "10:30", "10:30"]), "E1": eight},
                        {"W1": [("04/01/2024 10:00", 5)], "W2": [("04/01/2024 14:00", 6)]})
    ds = load_files(files)
    courses = ds.treatments.sort_values(["patient_id", "day"])
    assert courses["patient_id"].tolist() == ["E1", "E1", "W1", "W2"]
    assert courses["administrations"].tolist() == [1, 1, 4, 4]
    # Each weekly patient's one episode reaches its week-12 visit (day 84 after the first infusion).
    assert group(ds)["responder_rate_by_week"]["12"]["n"] == 2
    assert any("merged into 4 course(s) (administrations of one treatment on dates at most 7 days apart, whatever "
               "their time of day, are one course" in w for w in ds.report.warnings)


def test_weekly_infusions_across_the_end_of_daylight_saving_time_are_one_course():
    # 09:00 EDT (13:00 UTC) and, a week later, 09:00 EST (14:00 UTC): 7.04 days by the clock.
    pre_post = [("2024-10-28T09:00:00-04:00", "2024-10-28T08:40:00-04:00", "2024-10-28T10:15:00-04:00"),
                ("2024-11-04T09:00:00-05:00", "2024-11-04T08:40:00-05:00", "2024-11-04T10:15:00-05:00")]
    ds = load_files(_mar_export({"R1": [(pre_post[0], 8, 4), (pre_post[1], 6, 3)],
                                 "R2": [(pre_post[0], 7, 3), (pre_post[1], 5, 2)]}, {}))
    assert ds.treatments["administrations"].tolist() == [2, 2]


def _days_export(admin_rows: list[str]) -> dict:
    """A de-identified extract counted in days from an index date, with a time-of-day column."""
    admins = "PERSON_ID,DAYS_FROM_INDEX,ADMIN_TIME,DRUG_NAME\n" + "\n".join(admin_rows) + "\n"
    obs = ("PERSON_ID,DAYS_FROM_INDEX,OBS_TIME,PAIN_NRS\n"
           + "\n".join(f"D{p},{d},08:00,{v}" for p in (1, 2) for d, v in ((0, 8), (7, 6), (15, 6), (40, 5))) + "\n")
    return {"administrations.csv": admins.encode(), "observations.csv": obs.encode()}


def test_an_extract_counted_in_days_compares_the_whole_days_of_its_administrations():
    # Day 0 at 09:00 and day 7 at 09:30 (7.02 days) are one course; day 15 at 09:00 is 8 whole days after day 7.
    ds = load_files(_days_export(["D1,0,09:00,KETAMINE 100 MG IV", "D1,7,09:30,KETAMINE 100 MG IV",
                                  "D1,15,09:00,KETAMINE 100 MG IV", "D2,0,09:00,KETAMINE 100 MG IV",
                                  "D2,7,09:00,KETAMINE 100 MG IV"]))
    courses = ds.treatments.sort_values(["patient_id", "day"])
    assert courses["patient_id"].tolist() == ["D1", "D1", "D2"]
    assert courses["administrations"].tolist() == [2, 1, 2]


def test_day_numbers_counted_from_an_afternoon_dose_compare_their_difference_not_their_floors():
    # A regression review: day 0.0 is a 14:00 infusion and the next is on the 8th morning after (day 7.83): 8 days,
    # two courses. Floors (0 and 7) made them one, and the second course's week 4 was lost.
    import numpy as np

    from analysis.io.courses import build_courses
    courses, _ = build_courses(np.array(["P", "P", "Q", "Q"], dtype=object), np.array([0.0, 7.8333, 0.0, 7.02]),
                               np.array(["K"] * 4, dtype=object), np.full(4, np.nan), 7.0, {})
    assert courses["patient_id"].tolist() == ["P", "P", "Q"]


def test_a_gap_in_parts_of_a_day_is_a_length_of_time():
    # gap_days 0.5: a bag every 12 hours over three days is one course (by calendar days, one per day).
    import numpy as np

    from analysis.io.courses import build_courses
    hour = 3_600 * 10 ** 9
    t = np.array([8, 20, 32, 44, 56], dtype=np.int64) * hour + 1_704_067_200 * 10 ** 9
    courses, _ = build_courses(np.array(["P"] * 5, dtype=object), t, np.array(["K"] * 5, dtype=object),
                               np.full(5, np.nan), 0.5 * 86_400 * 10 ** 9, {})
    assert courses["administrations"].tolist() == [5]
