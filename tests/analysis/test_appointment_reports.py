"""An appointment report of a pain clinic's practice-management system (ModMed): 'Appt Type' names each
appointment ('Ketamine Infusion 4hr', 'Ketamine Booster', 'Follow Up', 'New Patient Consult') and 'Appt
Status' whether it took place ('Checked Out', 'Cancelled', 'No Show'). The infusion rows are the
administrations (a duration, route or dose beside the session does not make it another thing:
analysis/io/session_rows.py), and the status is no medication-administration action: a cancelled or missed
appointment gives no administration and withdraws none (analysis/io/appointment_status.py;
docs/data-format.md, "Appointment and encounter reports").

Before: 'Ketamine Infusion 4hr' was no session, the file had no treatments, and the pre and post scores of
each row were excluded as conflicting with each other.

Relief by hand: baseline = the first infusion's pre score, immediate = its post score, week 4 = the follow-up
of day 27 (week 4: days 21-28); responder = relief >= 30%.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import check_rate, group, relief
from analysis import load_files
from analysis.io.appointment_status import is_appointment_status
from analysis.io.session_rows import SESSION_CELL, session_codes

# patient: (pre, post, week 4)
COHORT = {"PT0001": (8, 4, 5), "PT0002": (6, 4, 6), "PT0003": (10, 5, 6), "PT0004": (7, 3, 4),
          "PT0005": (9, 6, 8), "PT0006": (5, 2, 3)}


def _appointment_report(session: str = "Ketamine Infusion 4hr") -> bytes:
    """A consult 10 days before three infusions (days 0-2), a follow-up at day 27. PT0001's day-1 infusion was
    booked twice at the same minute and one booking cancelled; PT0002 did not show up for an infusion at day
    20 and PT0003 missed a follow-up (no scores on those rows)."""
    rows = ['"Encounters by Provider, 01/01/2024 - 09/30/2024"', "Run date: 10/02/2024 07:14 AM,,,Run by: frontdesk2",
            "", "Patient ID,Visit Date,Appt Type,Pain Scale,Pain Scale Post,Appt Status"]
    for i, (pid, (pre, post, w4)) in enumerate(COHORT.items()):
        start = np.datetime64("2024-03-04T08:30") + np.timedelta64(5 * i, "D")
        at = lambda d: (start + np.timedelta64(d, "D")).astype(object).strftime("%m/%d/%Y %I:%M %p")  # noqa: E731
        rows += [f"{pid},{at(-10)},New Patient Consult,{pre},,Checked Out",
                 f"{pid},{at(0)},{session},{pre},{post},Checked Out",
                 f"{pid},{at(1)},{session},{post + 1},{post},Checked Out",
                 f"{pid},{at(2)},{session},{post + 1},{post},Checked Out",
                 f"{pid},{at(27)},Follow Up,{w4},,Checked Out"]
        if pid == "PT0001":
            rows.append(f"{pid},{at(1)},{session},,,Cancelled")
        if pid == "PT0002":
            rows.append(f"{pid},{at(20)},{session},,,No Show")
        if pid == "PT0003":
            rows.append(f"{pid},{at(29)},Follow Up,,,No Show")
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("session", ["Ketamine Infusion 4hr", "Ketamine Infusion"])
def test_an_appointment_report_gives_one_course_per_series_and_a_cancelled_booking_none(session):
    """Three infusions per patient, one course each (the cancelled twin booking neither adds nor withdraws an
    administration; the no-show at day 20 is no course); week 4: 8 -> 5 37.5%, 6 -> 6 0%, 10 -> 6 40%,
    7 -> 4 42.9%, 9 -> 8 11.1%, 5 -> 3 40%: 4 of 6 responders."""
    ds = load_files({"Appointment_Report_20241002.csv": _appointment_report(session)})
    t = ds.treatments.sort_values("patient_id")
    assert t[["patient_id", "day", "treatment", "administrations"]].values.tolist() == [
        [pid, 0.0, "Ketamine", 3] for pid in COHORT]
    ex = ds.report.exclusions
    assert sorted(ex.loc[ex["reason"].str.contains("did not take place"), "value"]) == ["Cancelled", "No Show"]
    assert not ex["reason"].str.contains("conflicting|withdrawn").any()
    g = group(ds)
    assert g["episodes_used"] == 6
    check_rate(g["responder_rate_by_week"]["4"], 4, 6)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(pre, post) for pre, post, _ in COHORT.values()]))


@pytest.mark.parametrize("cell", ["Ketamine Infusion 4hr", "Ketamine Infusion 4 hr", "Ketamine infusion (2h)",
                                  "IV Ketamine infusion", "Ketamine IV", "Ketamine 0.5 mg/kg", "Infusion #3",
                                  "Ketamine Booster", "Ketamine infusion - Booster", "Ketamine infusion, 40 min"])
def test_a_duration_route_dose_or_number_beside_a_session_leaves_it_a_session(cell):
    assert SESSION_CELL.fullmatch(cell)


def test_a_booster_appointment_is_a_session_of_the_same_treatment():
    """As docs/data-format.md says of sessions: courses and boosters are told apart by the course rules."""
    cells = np.array(["Ketamine Infusion 4hr"] * 3 + ["Ketamine Booster", "Follow Up", "New Patient Consult"],
                     dtype=object)
    assert session_codes(cells) == {"Ketamine Infusion 4hr": "Ketamine", "Ketamine Booster": "Ketamine",
                                    "Follow Up": "", "New Patient Consult": ""}


@pytest.mark.parametrize("name,values,expected", [
    ("Appt Status", ["Checked Out", "Cancelled"], True),
    ("Appointment Status", ["Completed"], True),
    ("Visit Status", ["Arrived", "No Show"], True),
    ("Encounter Status", ["Checked Out"], True),
    ("State", ["Checked Out", "No Show", "Cancelled"], True),
    ("Admin Status", ["New Bag", "Rate Change", "Stopped"], False),
    ("MAR Action", ["Given", "Not Given", "Canceled Entry"], False),
    ("Action", ["Given", "Completed", "Missed"], False),
])
def test_an_appointment_status_is_told_by_its_name_or_by_values_only_appointments_write(name, values, expected):
    assert is_appointment_status(np.array(values, dtype=object), name) is expected


def test_a_medication_records_visit_status_of_given_and_held_stays_its_action():
    """Named like an appointment's status, its values say otherwise: every 'Given' infusion was listed as "the
    appointment did not take place" and the export refused for want of treatments (the regression review's case14).
    By hand: K01 8 -> 4 50%, K02 6 -> 3 50%, K03 (Held on the 6th, given on the 7th) 5 -> 3 40%: 46.67%."""
    log = (b"Patient ID,Admin Time,Medication,Dose (mg),Visit Status\nK01,2024-03-04 09:00,Ketamine,35,Given\n"
           b"K02,2024-03-05 09:00,Ketamine,40,Given\nK03,2024-03-06 09:00,Ketamine,40,Held\n"
           b"K03,2024-03-07 09:00,Ketamine,40,Given\n")
    scores = (b"Patient ID,Recorded,Pain score (0-10)\nK01,2024-03-04 08:30,8\nK01,2024-03-04 14:00,4\n"
              b"K02,2024-03-05 08:30,6\nK02,2024-03-05 14:00,3\nK03,2024-03-07 08:30,5\nK03,2024-03-07 14:00,3\n")
    ds = load_files({"infusion_log.csv": log, "pain_scores.csv": scores})
    assert sorted(ds.treatments["patient_id"]) == ["K01", "K02", "K03"]
    assert round(group(ds)["immediate_relief_pct"]["estimate"], 2) == 46.67
