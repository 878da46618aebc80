"""Appointment exports of practice software: SimplePractice's ``Status`` (Show / Canceled / Late Canceled /
No Show / Clinician Canceled), Jane's ``State`` (Arrived / No Show / Cancelled), IntakeQ's ``Status``
(Confirmed / Canceled / Missed). Each row is an appointment; only those that took place are administrations
(analysis/io/appointment_status.py; docs/data-format.md, "Appointment and encounter reports").

Before: SimplePractice's ``Status`` was proposed as an entry's status, so only ``Canceled`` was left out (as
"charted in error") and each No Show or Late Canceled booster became an infusion (the reviewers' case02: 23
booster courses, truth 15); Jane's ``State`` was not read (case05b: 372 sessions, truth 321); IntakeQ's
``Status`` was not read, every Missed booster an infusion (case03: 16 booster courses, truth 12).

The export below, by hand (pain NRS 0-10; pre score 20 minutes before the first infusion, post 4.5 hours after):
P1 infusions Jan 8 and 10 (Show), Jan 12 Canceled; a booster Feb 19 No Show. P2 infusion Jan 8 (Show); a booster
Feb 26 Late Canceled, Feb 28 Clinician Canceled. P3 infusion Jan 15 (Show), booster Mar 1 (Show), Feb 20 No Show.
Courses: P1 1 (2 administrations), P2 1, P3 2. Immediate relief: P1 8 -> 4 50 %, P2 7 -> 3 57.1 %, P3 6 -> 3
50 % and, at its booster, 6 -> 5 16.7 %.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import groups, proposal_doc, relief, roles
from analysis import load_files
from analysis.io import entry_status
from analysis.io.appointment_status import held, is_appointment_status

# (patient, date, time, service, status) of each appointment
APPOINTMENTS = [("P1", "01/08/2024", "9:00 AM", "Ketamine Infusion", "{held}"),
                ("P1", "01/10/2024", "9:00 AM", "Ketamine Infusion", "{held}"),
                ("P1", "01/12/2024", "9:00 AM", "Ketamine Infusion", "{cancelled}"),
                ("P1", "02/19/2024", "9:00 AM", "Ketamine Booster Infusion", "{no_show}"),
                ("P2", "01/08/2024", "10:00 AM", "Ketamine Infusion", "{held}"),
                ("P2", "02/26/2024", "10:00 AM", "Ketamine Booster Infusion", "{late}"),
                ("P2", "02/28/2024", "10:00 AM", "Ketamine Booster Infusion", "{clinician}"),
                ("P3", "01/15/2024", "11:00 AM", "Ketamine Infusion", "{held}"),
                ("P3", "02/20/2024", "11:00 AM", "Ketamine Booster Infusion", "{no_show}"),
                ("P3", "03/01/2024", "11:00 AM", "Ketamine Booster Infusion", "{held}")]
SIMPLEPRACTICE = {"held": "Show", "cancelled": "Canceled", "no_show": "No Show", "late": "Late Canceled",
                  "clinician": "Clinician Canceled"}
JANE = {"held": "Arrived", "cancelled": "Cancelled", "no_show": "No Show", "late": "Cancelled",
        "clinician": "Cancelled"}
INTAKEQ = {"held": "Confirmed", "cancelled": "Canceled", "no_show": "Missed", "late": "Canceled",
           "clinician": "Canceled"}
PAIN = ("Patient ID,Date,Time,Pain NRS\nP1,01/08/2024,8:40 AM,8\nP1,01/08/2024,1:30 PM,4\nP2,01/08/2024,9:40 AM,7\n"
        "P2,01/08/2024,2:30 PM,3\nP3,01/15/2024,10:40 AM,6\nP3,01/15/2024,3:30 PM,3\nP3,03/01/2024,10:40 AM,6\n"
        "P3,03/01/2024,3:30 PM,5\n")
COURSES = [["P1", "Ketamine", 2], ["P2", "Ketamine", 1], ["P3", "Ketamine", 1], ["P3", "Ketamine", 1]]


def _export(words: dict, status: str = "Status") -> dict[str, bytes]:
    rows = [f"Date,Time,Patient ID,Service,{status}"] + [
        ",".join([d, t, p, s, st.format(**words)]) for p, d, t, s, st in APPOINTMENTS]
    return {"appointments_export.csv": ("\n".join(rows) + "\n").encode(), "pain.csv": PAIN.encode()}


def _courses(ds) -> list:
    t = ds.treatments.sort_values(["patient_id", "day"])
    return [[p, str(x).split()[0], n] for p, x, n in t[["patient_id", "treatment", "administrations"]].values]


def _left_out(ds) -> dict:
    ex = ds.report.exclusions
    gone = ex[ex["reason"].str.contains("did not take place")]
    return {int(line): value for line, value in zip(gone["line"], gone["value"])}


@pytest.mark.parametrize("words", [SIMPLEPRACTICE, JANE], ids=["SimplePractice", "Jane"])
def test_an_appointment_that_did_not_take_place_is_no_administration(words):
    """No Show, Canceled, Late Canceled, Clinician Canceled: each listed with its status as the reason (not as
    an entry charted in error); the No Show booster and the late-cancelled one give no course."""
    ds = load_files(_export(words))
    assert _courses(ds) == COURSES
    assert _left_out(ds) == {4: words["cancelled"], 5: words["no_show"], 7: words["late"], 8: words["clinician"],
                             10: words["no_show"]}
    ex = ds.report.exclusions
    assert not ex["reason"].str.contains("charted in error").any()
    assert "the appointment did not take place (status 'No Show')" in set(ex["reason"].str.split(":").str[0])


@pytest.mark.parametrize("status", ["State", "Appointment Status"])
def test_the_status_is_proposed_as_whether_each_appointment_took_place_and_the_scores_of_its_file_stay_read(status):
    """Jane writes the pain score on the appointment's row: the report is no medication record, its NRS column is
    still a score (an appointment report's columns are not 'describing the administration', as a MAR's are)."""
    rows = [f"Patient,Start Date,Start Time,Treatment,{status},Pain"] + [
        f"{p},{d},{t},{s},{st.format(**JANE)},{'6' if st == '{held}' else ''}" for p, d, t, s, st in APPOINTMENTS]
    files = {"Appointments Report.csv": ("\n".join(rows) + "\n").encode()}
    got = roles(files)
    assert got[("Appointments Report.csv", status)] == "action"
    assert got[("Appointments Report.csv", "Pain")] == "measure"


def test_a_mapping_giving_the_appointment_status_the_role_status_reads_it_as_the_appointments():
    """The role an earlier proposal gave SimplePractice's Status: read as entry statuses, only 'Canceled' was left
    out ("charted in error") and P1's No Show and P2's Late Canceled boosters were courses (6 instead of 4)."""
    files = _export(SIMPLEPRACTICE)
    mapping = proposal_doc(files)
    appointments = next(f for f in mapping["files"] if f["match"] == "appointments_export.csv")
    appointments["columns"]["Status"] = "status"
    ds = load_files(files, mapping=mapping)
    assert _courses(ds) == COURSES
    assert _left_out(ds) == {4: "Canceled", 5: "No Show", 7: "Late Canceled", 8: "Clinician Canceled",
                             10: "No Show"}
    assert any("holds appointment statuses" in n for n in ds.report.notes)


def test_confirmed_is_an_appointment_that_took_place_where_no_status_says_so_and_a_warning_says_it():
    """IntakeQ keeps an appointment that took place as 'Confirmed': read as booked only, every infusion was dropped;
    its Missed booster (not read before) is no course."""
    ds = load_files(_export(INTAKEQ))
    assert _courses(ds) == COURSES
    assert set(_left_out(ds).values()) == {"Canceled", "Missed"}
    assert any("'Confirmed' are read as having taken place" in w for w in ds.report.warnings)
    by = {g["group"]["treatment"]: g for g in groups(ds)}
    assert by["Ketamine Infusion"]["episodes_used"] == 3 and by["Ketamine Booster Infusion"]["episodes_used"] == 1
    assert by["Ketamine Infusion"]["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(8, 4), relief(7, 3), relief(6, 3)]))
    assert by["Ketamine Booster Infusion"]["immediate_relief_pct"]["estimate"] == pytest.approx(relief(6, 5))


def test_confirmed_beside_a_status_saying_an_appointment_took_place_is_only_booked():
    assert held(np.array(["Show", "Confirmed", "No Show"], dtype=object)).tolist() == [True, False, False]
    assert held(np.array(["Confirmed", "Missed"], dtype=object)).tolist() == [True, False]


@pytest.mark.parametrize("name,values,expected", [
    ("Status", ["Show", "Canceled", "Late Canceled", "No Show", "Clinician Canceled"], True),   # SimplePractice
    ("Status", ["Show", "Canceled"], True),
    ("State", ["Arrived", "No Show", "Cancelled"], True),                                        # Jane
    ("Status", ["Confirmed", "Canceled", "Missed"], True),                                       # IntakeQ
    ("Status", ["Confirmed", "Declined"], True),
    ("Status", ["Fulfilled", "Noshow", "Booked"], True),                                         # FHIR
    ("Status", ["Scheduled", "Checked In", "Checked Out", "Patient Canceled", "Clinic Canceled"], True),
    ("Status", ["Given", "Held", "Refused"], False),             # a MAR: its Held is a dose not given
    ("Status", ["Given", "Missed", "Canceled"], False),
    ("Status", ["Auth (Verified)", "In Error"], False),          # an entry's status
    ("Status", ["Canceled", "Deleted"], False),
    ("Status", ["Active", "Completed", "Withdrawn"], False),      # a patient's status
    ("State", ["CA", "NY"], False),
])
def test_an_appointment_status_is_told_by_values_only_an_appointment_or_a_booking_writes(name, values, expected):
    assert is_appointment_status(np.array(values, dtype=object), name) is expected


@pytest.mark.parametrize("values,entry", [(["Show", "Canceled", "No Show"], False),
                                          (["Confirmed", "Canceled", "Missed"], False),
                                          (["Auth (Verified)", "In Error", "Canceled"], True)])
def test_an_appointment_status_is_never_proposed_as_an_entrys_status(values, entry):
    cells = np.array(values, dtype=object)
    assert entry_status.looks_like_status("Status", cells) is entry


@pytest.mark.parametrize("name,values", [("Consent", ["Confirmed", "Declined"]),
                                         ("Insurance verified", ["Confirmed", "Declined"]),
                                         ("Prior auth", ["Confirmed", "Pending", "Declined"]),
                                         ("Transport", ["Booked", "Cancelled"]),
                                         ("Follow-up call", ["Scheduled", "Declined"])])
def test_a_booking_beside_a_cancellation_tells_an_appointment_status_only_under_a_status_name(name, values):
    # The regression review: each of these columns, read as the appointments' status, dropped the infusions of the
    # patients it said 'Declined' (or every infusion); they are a consent, an insurer's answer, a taxi.
    assert not is_appointment_status(np.array(values, dtype=object), name)
    assert is_appointment_status(np.array(values, dtype=object), "Status")


def test_an_insurance_column_before_the_status_leaves_the_status_the_appointments():
    files = _export(SIMPLEPRACTICE, status="Insurance,Status")
    rows = files["appointments_export.csv"].decode().splitlines()
    files["appointments_export.csv"] = ("\n".join([rows[0]] + [
        r.rsplit(",", 1)[0] + ("," + ("Declined" if ",P2," in r else "Confirmed")) + "," + r.rsplit(",", 1)[1]
        for r in rows[1:]]) + "\n").encode()
    ds = load_files(files)
    assert _courses(ds) == COURSES


def test_a_schedule_of_scheduled_and_cancelled_infusions_reads_scheduled_as_given_with_a_warning():
    ds = load_files(_export({"held": "Scheduled", "cancelled": "Cancelled", "no_show": "Cancelled",
                             "late": "Cancelled", "clinician": "Cancelled"}))
    assert _courses(ds) == COURSES
    assert any("'Scheduled'" in w and "read as having taken place" in w for w in ds.report.warnings)


def test_a_status_column_of_which_no_treatment_row_took_place_is_warned():
    files = _export({"held": "Cancelled", "cancelled": "Cancelled", "no_show": "No Show", "late": "Cancelled",
                     "clinician": "Cancelled"})
    try:
        ds = load_files(files)
    except Exception as err:  # no treatments at all: the dataset loads, relief is unavailable
        raise AssertionError(err)
    assert len(ds.treatments) == 0
    assert any("no appointment of 'Status' is said to have taken place" in w for w in ds.report.warnings)


def test_a_log_that_writes_only_what_went_wrong_reads_its_blank_statuses_as_given_with_a_warning():
    # The second review: '', 'No Show', 'Cancelled' (nothing says an appointment took place): the blank rows were
    # all left out and the log lost every infusion.
    ds = load_files(_export({"held": "", "cancelled": "Cancelled", "no_show": "No Show", "late": "Cancelled",
                             "clinician": "Cancelled"}))
    assert _courses(ds) == COURSES
    assert any("marked (blank) are read as having taken place" in w for w in ds.report.warnings)


def test_blank_statuses_beside_show_are_left_out_and_the_report_says_so():
    ds = load_files(_export({"held": "Show", "cancelled": "", "no_show": "No Show", "late": "Canceled",
                             "clinician": "Canceled"}))
    assert any("1 treatment row(s) have an empty 'Status'" in w for w in ds.report.warnings)
