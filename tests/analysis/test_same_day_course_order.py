"""Two treatment courses of one patient on the same day: the follow-up goes to the last one written (docs/methods.md,
"Two courses on the same day"), in a clinic export as in the canonical files. Before, a clinic export's courses of
one time were ordered by their labels, so lidocaine got the follow-up whatever the file said."""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.courses import build_courses, same_day_follow_up
from clinic_checks import groups


def _export(first: str, second: str) -> dict:
    """Four patients, each a `first` and a `second` row on day 0; baseline 8 on day -3, pain 4 the day after
    (50% relief, immediate), so the course that gets the follow-up has relief 50 and the other none."""
    rows = ["Patient ID,Day,Treatment"]
    pain = ["Patient ID,Day,Pain NRS"]
    for p in ("P1", "P2", "P3", "P4"):
        rows += [f"{p},0,{first}", f"{p},0,{second}"]
        pain += [f"{p},-3,8", f"{p},1,4"]
    return {"infusions.csv": ("\n".join(rows) + "\n").encode(), "pain_scores.csv": ("\n".join(pain) + "\n").encode()}


def _immediate(ds) -> dict:
    """{treatment: number of courses with immediate relief} (a group without any has no estimate at all)."""
    return {g["group"]["treatment"]: (g["immediate_relief_pct"] or {"n": 0})["n"] for g in groups(ds)}


def test_courses_that_start_at_one_time_keep_the_order_of_their_rows_not_of_their_labels():
    patient = np.array(["A", "A", "B", "B"], dtype=object)
    label = np.array(["lidocaine", "ketamine", "ketamine", "lidocaine"], dtype=object)
    courses, course_of = build_courses(patient, np.zeros(4), label, np.full(4, np.nan), 7.0, {})
    assert courses["treatment"].tolist() == ["lidocaine", "ketamine", "ketamine", "lidocaine"]
    assert course_of.tolist() == [0, 1, 2, 3]


def test_the_first_administration_of_a_course_gives_its_place_among_courses_of_the_same_start():
    # ketamine's course starts at row 1; lidocaine's at row 2 (its row 0 is a later administration).
    patient = np.array(["A", "A", "A"], dtype=object)
    label = np.array(["lidocaine", "ketamine", "lidocaine"], dtype=object)
    courses, _ = build_courses(patient, np.array([3.0, 0.0, 0.0]), label, np.full(3, np.nan), 7.0, {})
    assert courses["treatment"].tolist() == ["ketamine", "lidocaine"]


def test_a_clinic_export_gives_the_follow_up_to_the_course_written_last_that_day():
    ds = load_files(_export("lidocaine", "ketamine"))
    assert ds.treatments["treatment"].tolist() == ["lidocaine", "ketamine"] * 4
    assert _immediate(ds) == {"ketamine": 4, "lidocaine": 0}


def test_the_other_row_order_gives_the_follow_up_to_the_other_treatment():
    ds = load_files(_export("ketamine", "lidocaine"))
    assert _immediate(ds) == {"ketamine": 0, "lidocaine": 4}


def test_the_warning_names_the_course_that_got_the_follow_up():
    said = [w for w in load_files(_export("lidocaine", "ketamine")).report.warnings if "another treatment" in w]
    assert len(said) == 1
    assert "the follow-up went to the course written last that day: 'ketamine' after 'lidocaine' (4)" in said[0]


def test_courses_on_different_days_name_no_course_of_the_day():
    pid = np.array([0, 0]); day = np.array([0.0, 1.0]); label = np.array(["lidocaine", "ketamine"], dtype=object)
    assert same_day_follow_up(pid, day, label, np.array([True, False])) == ""
    assert "'ketamine' after 'lidocaine'" in same_day_follow_up(pid, np.zeros(2), label, np.array([True, False]))
