"""Row rules of clinic exports the review of the first row fixes found wrong (docs/data-format.md).

* A score after the treatment written with its date only, beside a timed MAR in another file, is after that
  day's administration (not at midnight + the offset, before a 09:00 infusion, as the day's baseline).
* A bare 'Status' beside a treatment column: a patient's or a visit's status is no action; a yes/no of the
  treatment given (Yes / No, Done / Postponed, Given / Cancelled) is the action of the treatment rows; any other
  is the action, and the proposal asks which values start an administration.
* A dash score cell ('-', '--', '—') writes no score, as 'N/A': its row is listed once, "no score written".
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import check_rate, columns, group, relief
from analysis import load_files
from analysis.io.courses import looks_like_actions, status_kind

COHORT = {"A": (8, 4, 5), "B": (6, 5, 6), "C": (10, 5, 8)}   # baseline, post, week 4
HOUR = 1 / 24


def _csv(rows: list) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def _mar() -> bytes:
    rows = ["Patient,Medication,Dose,Admin Time,Action"]
    for i, pid in enumerate(COHORT):
        day = f"2024-03-{4 + i:02d}"
        rows += [f"{pid},ketamine 500 mg in NS 500 mL,500,{day} 09:00,New Bag",
                 f"{pid},ketamine 500 mg in NS 500 mL,0,{day} 10:00,Rate Change",
                 f"{pid},ondansetron 4 mg,4,{day} 09:05,Given"]
    return _csv(rows)


def _scores(same_row: bool) -> bytes:
    """Date-only scores: 'Pain before' and 'Pain after' of the infusion's date on one row (``same_row``) or
    on two rows, then week 1 and week 4 in 'Pain before'."""
    rows = ["Patient,Date,Pain before,Pain after"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        day = f"04/03/2024".replace("04/", f"{4 + i:02d}/", 1)
        rows += [f"{pid},{day},{b},{p}"] if same_row else [f"{pid},{day},{b},", f"{pid},{day},,{p}"]
        rows += [f"{pid},{11 + i:02d}/03/2024,{p},", f"{pid},{1 + i:02d}/04/2024,{w4},"]
    return _csv(rows)


@pytest.mark.parametrize("same_row", [False, True])
def test_a_date_only_post_score_is_after_the_timed_administration_of_its_day(same_row):
    """Immediate relief by hand: A 8 -> 4 50%, B 6 -> 5 16.7%, C 10 -> 5 50%; week 4: A 37.5% (responder), B 0%,
    C 20%: 1 of 3. Before, the post score fell at 01:00, before the 09:00 New Bag: the baseline, and no
    immediate relief."""
    ds = load_files({"MAR_export.csv": _mar(), "Scores.csv": _scores(same_row)})
    g = group(ds)
    assert g["immediate_relief_pct"]["n"] == 3
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)
    a = ds.assessments[(ds.assessments["patient_id"] == "A")].sort_values("day")
    infusion = ds.treatments[ds.treatments["patient_id"] == "A"]["day"].min()
    before, after = a["day"].to_numpy()[:2]
    assert before < infusion < after   # pre at the day's midnight, post after the 09:00 start


# A bare 'Status' beside a treatment column (analysis/io/courses.py status_kind, analysis/io/visits.py
# status_action; docs/data-format.md, the role `action`).

def _sheet(status: dict) -> bytes:
    """A visit sheet: baseline, the infusion (Ketamine, its Status), post on day 1, a planned infusion on day 14
    (Ketamine, its Status), week 4; ``status``: {"given": cell, "planned": cell, "visit": cell of the score rows}."""
    rows = ["Patient,Date,Treatment,NRS,Status"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        v = status.get("visit", "")
        rows += [f"{pid},2024-03-{1 + i:02d},,{b},{v}", f"{pid},2024-03-{4 + i:02d},Ketamine,,{status['given']}",
                 f"{pid},2024-03-{5 + i:02d},,{p},{v}", f"{pid},2024-03-{18 + i:02d},{status['planned_treatment']},,"
                 f"{status['planned']}", f"{pid},2024-04-{1 + i:02d},,{w4},{v}"]
    return _csv(rows)


def _check_one_course_each(files):
    ds = load_files(files)
    assert ds.treatments.groupby("patient_id").size().to_dict() == {"A": 1, "B": 1, "C": 1}
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)   # A 37.5%, B 0%, C 20%
    return ds


@pytest.mark.parametrize("given, not_given", [("Yes", "No"), ("Done", "Postponed"), ("Given", "Cancelled"),
                                              ("Given", "Not given"), ("Ja", "Verschoben")])
def test_a_status_saying_whether_the_treatment_was_given_is_its_action(given, not_given):
    """The day-14 Ketamine row marked No / Postponed / Cancelled is no infusion: one course per patient and week-4
    relief counted from the day-4 infusion (read as an infusion, it made a second course, and the week-4 scores
    fell before its week 4: n = 0). The proposal says so in a note."""
    from analysis.io.propose import inspect
    files = {"v.csv": _sheet({"given": given, "planned": not_given, "planned_treatment": "Ketamine"})}
    col = columns(files)[("v.csv", "Status")]
    assert col.role == "action" and col.codes == {given: "Given", not_given: "Not given"}
    assert any("'Status' on the treatment rows says whether the treatment was given" in n
               for n in inspect(files).notes)
    _check_one_course_each(files)


def test_a_status_of_other_values_beside_a_treatment_is_the_action_and_asked_about():
    """'Pending' / 'Booked' starts nothing known: the proposal asks for courses.start_actions, as before
    the patient-status fix (never read as nothing, with the planned row as an infusion)."""
    from analysis.io.propose import inspect
    files = {"v.csv": _sheet({"given": "Infused", "planned": "Pending", "planned_treatment": "Ketamine"})}
    assert columns(files)[("v.csv", "Status")].role == "action"
    assert any("courses.start_actions" in r for r in inspect(files).review)


def test_a_visit_attendance_status_is_no_action():
    """Attended / Completed / Missed / Cancelled: the visit's attendance, not the MAR's action (read as one, the
    sheet was refused: "none of the actions ('Completed') is known to start an administration")."""
    files = {"v.csv": _sheet({"given": "Completed", "planned": "Missed", "planned_treatment": "",
                              "visit": "Attended"})}
    assert columns(files)[("v.csv", "Status")].role != "action"
    _check_one_course_each(files)


@pytest.mark.parametrize("cells, kind", [
    (["Yes", "No"], "given"), (["Done", "Postponed"], "given"), (["Given", "Not given", "Cancelled"], "given"),
    (["Active", "Completed", "Withdrawn"], "patient"), (["Attended", "Missed", "Cancelled", "Completed"], "patient"),
    (["Aktiv", "Abgeschlossen", "Ausgeschieden"], "patient"), (["Actif", "Perdu de vue"], "patient"),
    (["New Bag", "Rate Change", "Stopped"], "other"), (["Pending", "Infused"], "other")])
def test_what_a_bare_status_says(cells, kind):
    assert status_kind(np.array(cells, dtype=object)) == kind


def test_a_mar_writing_given_on_every_row_is_still_read_by_its_cells():
    assert looks_like_actions(np.array(["Given", "Not Given", "Given"], dtype=object), name="Status")
    assert not looks_like_actions(np.array(["Given", "", "", "Cancelled", ""], dtype=object), name="Status")
    assert not looks_like_actions(np.array(["Attended", "Missed", "Cancelled", "Completed"], dtype=object),
                                  name="Status")


@pytest.mark.parametrize("dash", ["-", "--", "—"])
def test_a_dash_score_cell_writes_no_score_and_its_row_is_listed_once(dash):
    """A row whose NRS and PHQ-9 are both '-': one entry, 'no score written', as for 'N/A' (before: one 'not a
    number' entry per cell, and the report's count of excluded rows disagreed with its list)."""
    rows = ["Patient,Date,Treatment,NRS,PHQ-9"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        rows += [f"{pid},2024-03-{1 + i:02d},,{b},12", f"{pid},2024-03-{4 + i:02d},Ketamine,,",
                 f"{pid},2024-03-{5 + i:02d},,{p},", f"{pid},2024-04-{1 + i:02d},,{w4},9"]
    rows.append(f"A,2024-05-01,,{dash},{dash}")
    ds = load_files({"v.csv": _csv(rows)})
    ex = ds.report.exclusions
    assert len(ex) == ds.report.rows_excluded == 1
    assert ex.iloc[0]["column"] == "NRS" and ex.iloc[0]["value"] == dash
    assert ex.iloc[0]["reason"].startswith("no score written")
    check_rate(group(ds)["responder_rate_by_week"]["4"], 1, 3)
