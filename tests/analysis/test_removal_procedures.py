"""A procedure that ends or removes a treatment (an SCS trial's lead removal, a pump explant, a trial's end, a
discontinuation) is no treatment start: its row is a visit, its score kept, and the load says so in a note
(analysis/io/session_rows.py; docs/data-format.md, "Appointment and encounter reports").

Before: a procedure report's ``SCS Trial Lead Removal``, 7 days after each ``SCS Trial Lead Placement``, was a
fifth treatment of 12 courses, and it cut each trial's follow-up at day 7: the trial's relief duration read "not
reached" and its week 4 was empty.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.session_rows import ends_a_treatment, names_a_visit


@pytest.mark.parametrize("cell", [
    "SCS Trial Lead Removal", "Trial lead removal", "Pump explant", "Spinal cord stimulator explant",
    "SCS explanted", "Lead pull", "End of trial", "SCS trial ended", "Discontinue ketamine",
    "Elektrodenentfernung", "Entfernung der Testelektrode", "SCS-Explantation", "Retrait des électrodes",
    "Explantation SCS", "Fin de l'essai", "Retirada de electrodos", "Rimozione elettrodi",
    "Verwijdering proefelektrode", "Trial leads D/C", "SCS trial - leads out", "Pull trial leads", "D/C lidocaine",
])
def test_a_procedure_ending_or_removing_a_treatment_is_a_visit(cell):
    cells = np.array([cell], dtype=object)
    assert ends_a_treatment(cells)[0] and names_a_visit(cells)[0]


@pytest.mark.parametrize("cell", [
    "SCS Trial Lead Placement", "SCS Permanent Implant", "Ketamine Infusion", "PT Treatment", "Lidocaine infusion",
    "Stellate ganglion block", "Radiofrequency ablation", "Intrathecal pump refill", "Botox injection",
    "Ketamine 0.5 mg/kg/h IV - discontinued",      # a medication order's status: the order, not a removal
    # An Epic MAR's order status beside a real infusion; an infusion given and stopped; a new device (a regression
    # review: 18 of 24 courses of a MAR lost, and every DRG implant after an SCS explant).
    "[DISCONTINUED] ketamine (KETALAR) infusion", "ketamine (KETALAR) infusion [Discontinued]",
    "KETAMINE INFUSION (DISCONTINUED)", "Ketamine Infusion - discontinued early (nausea)",
    "Lidocaine infusion - pump removed", "Perfusion de kétamine - retrait du cathéter", "Ketamin-Perfusor abgesetzt",
    "Stellate ganglion block - needle removed", "Botox injection (prior dose discontinued)",
    "SCS explant and DRG stimulator implant", "Removal of SCS, placement of DRG stimulator",
    "Intrathecal pump replacement (old pump removed)",
    "Remove and replace SCS battery (IPG)",
])
def test_ordinary_treatments_and_medication_orders_are_untouched(cell):
    cells = np.array([cell], dtype=object)
    assert not ends_a_treatment(cells)[0] and not names_a_visit(cells)[0]


def _procedure_report() -> bytes:
    """Three patients: an office visit, an SCS trial lead placement (pain 8 before, 3 the day after), its lead
    removal 7 days later (pain 3), a post-op visit at day 21 (pain 4) and an office visit at day 27 (pain 5)."""
    rows = ["Patient ID,Appt Date,Appt Time,Procedure,Department,Pain Score"]
    for i, pid in enumerate(("E1", "E2", "E3")):
        start = np.datetime64("2024-02-05") + np.timedelta64(3 * i, "D")
        at = lambda d: (start + np.timedelta64(d, "D")).astype(object).strftime("%m/%d/%Y")  # noqa: E731
        rows += [f"{pid},{at(-5)},10:00 AM,Office Visit - Est,PAIN MGMT,8",
                 f"{pid},{at(0)},08:00 AM,SCS Trial Lead Placement,PAIN MGMT,",
                 f"{pid},{at(1)},09:00 AM,Office Visit - Est,PAIN MGMT,3",
                 f"{pid},{at(7)},08:00 AM,SCS Trial Lead Removal,PAIN MGMT,3",
                 f"{pid},{at(21)},10:00 AM,Post-Op Visit,PAIN MGMT,4",
                 f"{pid},{at(27)},10:00 AM,Office Visit - Est,PAIN MGMT,5"]
    return ("\n".join(rows) + "\n").encode()


def test_an_scs_trials_lead_removal_starts_no_course_and_its_score_is_a_visits():
    ds = load_files({"Procedure_Report.csv": _procedure_report()})
    assert ds.treatments.groupby("treatment", observed=True).size().to_dict() == {"SCS Trial Lead Placement": 3}
    pain = ds.assessments[ds.assessments["measure"] == "pain_nrs"]
    assert len(pain) == 15                                   # the removal's score (day 7) is kept
    assert sorted(pain[pain["patient_id"] == "E1"]["value"].tolist()) == [3.0, 3.0, 4.0, 5.0, 8.0]


def test_the_load_says_which_rows_end_or_remove_a_treatment():
    ds = load_files({"Procedure_Report.csv": _procedure_report()})
    note = [n for n in ds.report.notes if "end or remove a treatment" in n]
    assert note == ["Procedure_Report.csv, column 'Procedure': 3 row(s) end or remove a treatment "
                    "('SCS Trial Lead Removal'): read as visits (their scores kept), not as treatment starts "
                    "(docs/data-format.md, \"Appointment and encounter reports\")."]


def test_a_report_without_removals_gets_no_note():
    report = b"\n".join(r for r in _procedure_report().split(b"\n") if b"Removal" not in r)
    assert not any("end or remove a treatment" in n for n in load_files({"r.csv": report}).report.notes)


def test_a_mar_whose_medication_names_carry_the_orders_status_keeps_every_course():
    mar = (b"Patient,Medication,Action,Action Time,Dose,Dose Unit,Route\n"
           + b"".join(f"P{i},{name},New Bag,03/1{i}/2024 09:00,0.5,mg/kg/hr,Intravenous\n".encode()
                      for i, name in enumerate(["[DISCONTINUED] ketamine (KETALAR) infusion",
                                                "ketamine (KETALAR) infusion [Discontinued]",
                                                "ketamine (KETALAR) infusion"], start=1)))
    scores = b"Patient,Time,NRS\n" + b"".join(f"P{i},03/1{i}/2024 08:00,7\nP{i},03/1{i}/2024 13:00,3\n".encode()
                                               for i in (1, 2, 3))
    ds = load_files({"mar.csv": mar, "flowsheet.csv": scores})
    assert len(ds.treatments) == 3
