"""An encounter report of a pain or ketamine clinic (Nextech, ModMed): its 'Procedure' column, read as the
treatment by its name, names the visit type of every row: 'Ketamine Infusion' on some, 'Office Visit - Est'
and 'New Patient Visit' on others. A visit type is no treatment: its row is a plain visit whose scores are
read and which starts no course (analysis/io/session_rows.py names_a_visit, analysis/io/courses.py
treatment_labels; docs/data-format.md, "A column saying which rows are sessions").

Read as treatments, each office visit started an episode of its own and ended the infusion's follow-up: the
week-4 responder rate came out empty and the visit types appeared as treatment groups.

Relief by hand: baseline = the first infusion's pre score, immediate = its post score, week 4 = the office
visit of day 27 (week 4: days 21-28); responder = relief >= 30%.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import check_rate, group, relief
from analysis import load_files
from analysis.io.courses import treatment_labels
from analysis.io.session_rows import names_a_visit

# patient: (pre, post, day 14, week 4)
COHORT = {"NX-001": (8, 4, 5, 5), "NX-002": (6, 4, 5, 6), "NX-003": (10, 5, 6, 6), "NX-004": (7, 3, 4, 4),
          "NX-005": (9, 6, 7, 8), "NX-006": (5, 2, 3, 3)}


def _encounter_report() -> bytes:
    """A new-patient visit 10 days before two ketamine infusions (days 0 and 1), office visits at days 14 and
    27; the report's title lines above the header, as the practice-management system writes them."""
    rows = ["Nextech Practice Management - Encounter Detail Report,,,,,",
            "Location: Main Clinic   Dates: 1/1/2024 - 9/30/2024,,,,,", ",,,,,",
            "Patient ID,Encounter Date,Appt Time,Procedure,Pain Score (0-10),Post Pain Score"]
    for i, (pid, (pre, post, d14, w4)) in enumerate(COHORT.items()):
        start = np.datetime64("2024-03-04") + np.timedelta64(5 * i, "D")
        day = lambda d: (start + np.timedelta64(d, "D")).astype(object).strftime("%m/%d/%Y")  # noqa: E731
        rows += [f"{pid},{day(-10)},9:00 AM,New Patient Visit,{pre},",
                 f"{pid},{day(0)},8:00 AM,Ketamine Infusion,{pre},{post}",
                 f"{pid},{day(1)},8:00 AM,Ketamine Infusion,{post + 1},{post}",
                 f"{pid},{day(14)},10:00 AM,Office Visit - Est,{d14},",
                 f"{pid},{day(27)},10:00 AM,Office Visit - Est,{w4},"]
    return ("\n".join(rows) + "\n").encode()


def test_office_visits_in_a_procedure_column_are_visits_and_the_infusions_keep_their_follow_up():
    """One course per patient (2 infusions), no course of 'Office Visit - Est' or 'New Patient Visit'; week 4
    is the office visit of day 27: 8 -> 5 37.5%, 6 -> 6 0%, 10 -> 6 40%, 7 -> 4 42.9%, 9 -> 8 11.1%, 5 -> 3 40%:
    4 of 6 responders."""
    ds = load_files({"EncounterDetail.csv": _encounter_report()})
    t = ds.treatments.sort_values("patient_id")
    assert t[["patient_id", "day", "treatment", "administrations"]].values.tolist() == [
        [pid, 0.0, "Ketamine Infusion", 2] for pid in COHORT]
    assert len(ds.assessments[ds.assessments["measure"] == "pain_nrs"]) == 7 * len(COHORT)  # every visit's score
    g = group(ds)
    assert g["episodes_used"] == 6
    check_rate(g["responder_rate_by_week"]["4"], 4, 6)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(pre, post) for pre, post, _, _ in COHORT.values()]))
    # A visit's row is no treatment row left out: never listed as "not a chosen treatment", which sent users to
    # add 'Office Visit - Est' to courses.treatments.
    assert not ds.report.exclusions["reason"].str.contains("not a chosen treatment").any()


@pytest.mark.parametrize("cell", ["Office Visit - Est", "New Patient Visit", "Established Patient Visit",
                                  "New Patient Consult", "Consultation", "Follow Up", "Follow-up visit",
                                  "Telehealth Visit", "Telemedicine", "Phone Call", "Post-op", "Intake",
                                  "Evaluation", "Re-evaluation", "Check-in", "Ketamine consult"])
def test_a_visit_type_names_a_visit(cell):
    assert names_a_visit(np.array([cell], dtype=object)).tolist() == [True]
    assert treatment_labels(np.array([cell], dtype=object), {}).tolist() == [""]


@pytest.mark.parametrize("cell", ["Ketamine Infusion", "Lidocaine Infusion", "Ketamine Infusion 4hr",
                                  "Ketamine Booster", "Infusion #3", "ketamine 50 mg IV push",
                                  "Ketamine for pain control", "KETAMINE 200 MG IN NS 50 ML",
                                  # a medication record's names of infusions with a service or a visit word: they
                                  # were blanked as visits and the record lost its courses (the regression review)
                                  "KETAMINE INFUSION - PAIN CONSULT SERVICE", "Ketamine infusion - follow-up dose",
                                  "KETAMINE INFUSION (POST-OP)", "Lidocaine Infusion Clinic Visit", "Infusion Intake",
                                  "Ketamine Infusion New Pt", "Nerve block follow-up injection"])
def test_a_treatment_or_an_order_names_no_visit(cell):
    assert names_a_visit(np.array([cell], dtype=object)).tolist() == [False]
    assert treatment_labels(np.array([cell], dtype=object), {}).tolist() == [cell]


def test_a_pattern_of_courses_treatments_gives_no_visit_a_treatment():
    """'ketamine' would find 'Ketamine follow-up' too: it is a visit, whatever the patterns say."""
    cells = np.array(["Ketamine infusion", "Ketamine follow-up", "Office visit"], dtype=object)
    assert treatment_labels(cells, {"ketamine": "Ketamine"}).tolist() == ["Ketamine", "", ""]
