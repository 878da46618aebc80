"""A questionnaire's questions answered one per row, each stamped with its own second (a diary app's export:
``phq9_q1`` at 09:14:55Z, ``phq9_q2`` at 09:15:03Z), are one questionnaire: the questions of one patient
charted within half an hour of the first of their sitting (analysis/io/observation_items.py, ``sittings``).
Grouped by their exact times, each answer was a questionnaire of one question and every PHQ-9 was lost. The
expected values are the files' own cells, summed by hand."""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.observation_items import SITTING_MINUTES, sittings
from analysis.io.propose import inspect

U1 = "24ca75ac-47c8-d5e3-4bcb-8afb05192ee3"
U2 = "6d99ef3c-e8aa-c0c3-dded-b76094ba9c68"
CALENDAR = ("user_id,appointment_start,appointment_type,status\n"
            f"{U1},2024-01-05T13:15:00Z,Ketamine IV,completed\n{U2},2024-01-06T13:15:00Z,Ketamine IV,completed\n")


def _sitting(user: str, day: str, start: tuple[int, int, int], answers: list[int], step: int = 7) -> list[str]:
    """The nine answers of one sitting, ``step`` seconds apart from ``start`` (h, m, s), some with milliseconds."""
    h, m, s = start
    rows = []
    for i, a in enumerate(answers):
        sec = h * 3600 + m * 60 + s + i * step
        stamp = f"{day}T{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}" + (".534Z" if i % 3 == 1 else "Z")
        rows.append(f"{user},{stamp},phq9_q{i + 1},{a},3.4.1")
    return rows


def _diary(*sittings_rows: list[str]) -> bytes:
    rows = ["user_id,recorded_at,entry_type,value,app_version"]
    for user, day in ((U1, "2024-01-04"), (U1, "2024-01-05"), (U1, "2024-02-02"), (U2, "2024-01-05"),
                      (U2, "2024-01-06"), (U2, "2024-02-03")):
        rows += [f"{user},{day}T08:00:12Z,pain,7,3.4.1", f"{user},{day}T18:30:03.825Z,pain,4,3.5.0"]
    for part in sittings_rows:
        rows += part
    return ("\n".join(rows) + "\n").encode()


A1 = [0, 1, 1, 1, 2, 1, 1, 1, 0]    # 8
A2 = [3, 1, 3, 1, 1, 0, 0, 3, 0]    # 12
A3 = [2, 2, 2, 2, 2, 2, 2, 2, 2]    # 18


def _phq(files) -> list:
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    return phq[["patient_id", "value"]].values.tolist(), ds


def test_questions_answered_seconds_apart_are_one_questionnaire_also_across_a_minute():
    """U1's sitting runs 09:14:55 -> 09:15:51 (across two minutes); U2's 00:02:00 -> 00:02:56."""
    files = {"painlog_export.csv": _diary(_sitting(U1, "2024-01-04", (9, 14, 55), A1),
                                          _sitting(U2, "2024-01-05", (0, 2, 0), A2)),
             "infusion_calendar.csv": CALENDAR.encode()}
    note = next(n for n in inspect(files).notes if "single questions of phq9" in n)
    assert f"within {SITTING_MINUTES} minutes of its first question" in note
    got, ds = _phq(files)
    assert sorted(got) == [[U1, 8.0], [U2, 12.0]]
    assert not ds.report.exclusions["reason"].str.contains("questions of phq9").any()
    counts = ds.report.files["painlog_export.csv"]
    assert counts.rows_used == 12 + 18 and counts.rows_excluded == 0


def test_the_questionnaire_is_dated_by_its_first_question():
    """U1 begins at 13:14:30 and ends at 13:15:26, the infusion is at 13:15: begun before the infusion, the
    questionnaire is its baseline (day < 0), never placed after the start by its last answer."""
    files = {"painlog_export.csv": _diary(_sitting(U1, "2024-01-05", (13, 14, 30), A1)),
             "infusion_calendar.csv": CALENDAR.encode()}
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    assert phq["value"].tolist() == [8.0]
    assert round(float(phq["day"].iloc[0]) * 86400) == -30


def test_two_sittings_of_one_day_stay_two_questionnaires():
    """Before the infusion (08:40) and after it (17:05): two PHQ-9s of one day, 8 and 18."""
    files = {"painlog_export.csv": _diary(_sitting(U1, "2024-01-05", (8, 40, 0), A1),
                                          _sitting(U1, "2024-01-05", (17, 5, 0), A3)),
             "infusion_calendar.csv": CALENDAR.encode()}
    got, _ = _phq(files)
    assert got == [[U1, 8.0], [U1, 18.0]]


def test_a_slow_sitting_is_one_and_a_sitting_is_cut_after_half_an_hour_of_its_first_question():
    """Answers two minutes apart (09:00 ... 09:16) are one sitting. Nine answers four minutes apart (09:00 ...
    09:32) are not: the answer after 09:30 opens another sitting, so neither part has every question and
    both are listed, never prorated."""
    slow = _sitting(U1, "2024-01-04", (9, 0, 0), A1, step=120)
    got, _ = _phq({"painlog_export.csv": _diary(slow), "infusion_calendar.csv": CALENDAR.encode()})
    assert got == [[U1, 8.0]]
    too_slow = _sitting(U1, "2024-01-04", (9, 0, 0), A1, step=240)
    got, ds = _phq({"painlog_export.csv": _diary(too_slow), "infusion_calendar.csv": CALENDAR.encode()})
    assert got == []
    reasons = ds.report.exclusions["reason"].value_counts()
    assert reasons["8 of 9 questions of phq9 charted for this patient at this time ('phq9_q9' is not): no score "
                   "without every item (a score is never prorated)"] == 8
    assert reasons["1 of 9 questions of phq9 charted for this patient at this time ('phq9_q1' is not): no score "
                   "without every item (a score is never prorated)"] == 1


def test_a_question_answered_twice_in_one_sitting_gives_no_score():
    """q4 answered again 20 seconds after the sitting's last answer: which answer counts is not known."""
    rows = _sitting(U1, "2024-01-04", (9, 14, 55), A1) + [f"{U1},2024-01-04T09:16:11Z,phq9_q4,3,3.4.1"]
    got, ds = _phq({"painlog_export.csv": _diary(rows), "infusion_calendar.csv": CALENDAR.encode()})
    assert got == []
    assert ds.report.exclusions["reason"].str.startswith("'phq9_q4' is charted twice for this patient").sum() == 10


def test_sittings_are_numbered_per_patient_and_questionnaire_and_carried_by_the_earliest_row():
    minute = 60 * 10**9
    t = np.array([5, 0, 2, 40, 41, 0, 1], dtype=np.int64) * minute
    pid = np.array(["A", "A", "A", "A", "A", "B", "B"], dtype=object)
    measure = np.array(["phq9"] * 5 + ["phq9", "gad7"], dtype=object)
    sitting, head = sittings(measure, pid, t)
    # A's rows at minutes 0, 2, 5 are one sitting carried by its row at minute 0; 40 and 41 another; B's PHQ-9
    # and GAD-7 are two questionnaires.
    assert len(set(sitting)) == 4
    assert sitting[0] == sitting[1] == sitting[2] and sitting[3] == sitting[4] and sitting[5] != sitting[6]
    assert head.tolist() == [1, 1, 1, 3, 3, 5, 6]
    # Days (a file of day numbers): the rows of one day are one sitting.
    s_days, _ = sittings(np.array(["phq9"] * 3, dtype=object), np.array(["A"] * 3, dtype=object),
                         np.array([0.0, 0.0, 28.0]))
    assert s_days[0] == s_days[1] != s_days[2]


def test_a_whole_questionnaire_answered_again_within_half_an_hour_is_a_second_questionnaire():
    """Every question at 09:00, then every question again at 09:20 (a re-administration): two PHQ-9s, 8 and 18.
    Before: one sitting with every question charted twice, both lost under "charted twice ... at this time" (the
    regression review's case16). A single answer given again stays "charted twice" (the test above)."""
    rows = _sitting(U1, "2024-01-04", (9, 0, 0), A1) + _sitting(U1, "2024-01-04", (9, 20, 0), A3)
    got, ds = _phq({"painlog_export.csv": _diary(rows), "infusion_calendar.csv": CALENDAR.encode()})
    assert got == [[U1, 8.0], [U1, 18.0]]
    assert not ds.report.exclusions["reason"].str.contains("charted twice").any()
