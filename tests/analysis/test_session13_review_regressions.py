"""Regressions of this session's fixes that its reviews found, each stated as the rule that now holds.

The patient id is chosen by the values too (a protocol's constant 'Study code', a row counter, initials after the
right 'ID'); of two treatment-named columns the one naming the drugs is read; a value-named column is the
observation's value only beside an item column; an export writing two zones' offsets on one date is compared in
UTC, with a warning. Specification: docs/data-format.md ("What the proposal decides by itself", "Time").
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.propose import inspect


def _roles(files):
    return {c.header: c.column.role for f in inspect(files).files for c in f.columns}


def _sheet(header: str, rows: list[str]) -> dict:
    return {"sheet.csv": (header + "\n" + "\n".join(rows) + "\n").encode()}


@pytest.mark.parametrize("header,row", [
    ("Code,Study code", "K{p:03d},KET-CRPS-2024"),          # the protocol's code, the same on every row
    ("ID,Study ID", "{p},S0{s}"),                          # two values: a study arm, not the patients
    ("Code,Subject", "C{p:02d},{visit}"),                  # visit kinds
    ("Record No,Patient code", "{row},P{p}"),              # a database's row counter
])
def test_the_patient_id_is_the_column_whose_values_are_patients(header, row):
    rows = []
    for p in range(1, 9):
        for j, (day, treat, nrs) in enumerate(((10, "Ketamine", 8), (11, "", 4), (38, "", 5))):
            cells = row.format(p=p, s=1 + p % 2, visit="Infusion" if treat else "Follow-up", row=len(rows) + 1)
            rows.append(f"{cells},2024-02-{day % 28 + 1:02d},{treat},{nrs}")
    roles = _roles(_sheet(header + ",Date,Treatment,NRS", rows))
    right = "Patient code" if header.startswith("Record") else header.split(",")[0]
    assert roles[right] == "patient_id"
    assert [h for h, r in roles.items() if r == "patient_id"] == [right]


def test_of_two_treatment_columns_the_one_naming_the_drugs_is_read():
    rows = [f"P{p},2024-03-{d:02d},{kind},{drug},{nrs}" for p, drug in ((1, "Ketamine"), (2, "Lidocaine"))
            for d, kind, nrs in ((4, "Infusion", 8), (5, "", 4), (20, "Booster", 6))]
    roles = _roles(_sheet("Patient ID,Date,Treatment,Medication,NRS", rows))
    assert roles["Medication"] == "treatment" and roles["Treatment"] == "ignore"


def test_two_treatment_columns_neither_naming_a_drug_are_a_point_to_review():
    rows = [f"P{p},2024-03-{d:02d},{kind},{klass},{nrs}" for p, klass in ((1, "NMDA"), (2, "Na channel"))
            for d, kind, nrs in ((4, "Infusion", 8), (5, "", 4))]
    proposal = inspect(_sheet("Patient ID,Date,Treatment,Drug class,NRS", rows))
    assert any("two columns name the treatment" in r for r in proposal.review)


def test_a_result_column_beside_a_score_column_is_no_observation_list():
    rows = [f"P{p};0{d}.03.2024;{'Ketamin' if d == 1 else ''};{nrs};{res}" for p in (1, 2, 3)
            for d, nrs, res in ((1, 8, ""), (2, 5, "gebessert"), (9, 6, "unverändert"))]
    files = {"s.csv": ("Pat.-Nr.;Datum;Therapie;NRS;Ergebnis\n" + "\n".join(rows) + "\n").encode()}
    assert _roles(files)["Ergebnis"] != "value"
    ds = load_files(files)
    assert sorted(set(ds.assessments["measure"])) == ["pain_nrs"]


def test_two_zones_offsets_on_one_date_are_compared_in_utc_with_a_warning():
    # The hospital's MAR at -05:00 (Chicago), 09:00 = 14:00 UTC; a patient's phone at -04:00 (Eastern): the pre
    # score at 09:50-04:00 is 13:50 UTC, before the start. Read as written (09:50 against 09:00) it was after it,
    # and the infusion lost its baseline.
    mar = b"Patient ID,Administration time,Medication\nP1,2024-04-30T09:00:00-05:00,Ketamine\n"
    diary = (b"Patient ID,Recorded,NRS\nP1,2024-04-30T09:50:00-04:00,8\nP1,2024-04-30T12:30:00-04:00,3\n"
             b"P1,2024-05-28T12:00:00-04:00,5\n")
    ds = load_files({"mar.csv": mar, "diary.csv": diary})
    a = ds.assessments.sort_values("day")
    assert a["day"].iloc[0] <= 0 < a["day"].iloc[1]  # the 8 is the baseline, the 3 after the start
    assert any("two time zones on one date (-04:00 and -05:00 on 2024-04-30" in w for w in ds.report.warnings)


def test_a_previous_treatment_column_is_never_the_rows_treatment():
    # A regression review: 'Previous treatment' (Ketamine, Gabapentin) beside 'Treatment' (a nerve block, graded
    # motor imagery) was read for naming drugs: groups of the patients' history instead of their treatments.
    rows = [f"P{p},2024-01-{8 + p:02d},{treat},{prev}" for p, treat, prev in
            ((1, "Stellate ganglion block", "Ketamine"), (2, "Graded motor imagery", "Gabapentin"),
             (3, "Stellate ganglion block", "none"), (4, "Graded motor imagery", "Lidocaine"))]
    roles = _roles(_sheet("Patient ID,Treatment Date,Treatment,Previous treatment", rows))
    assert roles["Treatment"] == "treatment" and roles["Previous treatment"] == "ignore"


@pytest.mark.parametrize("rows,header,right", [
    # One row per patient beside a site: the patient id, not the three sites (24 patients were read as 3).
    ([f"{p},{101 + p % 3},2024-01-{1 + p:02d},8,4" for p in range(1, 25)], "record_id,site_id,infusion_date,nrs_baseline,nrs_week4", "record_id"),
    # One patient's own file beside the provider who treated each visit.
    ([f"P001,2024-01-{d:02d},Ketamine,{7 - d % 3},PR0{1 + d % 3}" for d in range(1, 8)], "Patient ID,Date,Drug,NRS,Provider ID", "Patient ID"),
])
def test_a_sites_or_providers_id_is_never_the_patient_id(rows, header, right):
    roles = _roles(_sheet(header, rows))
    assert [h for h, r in roles.items() if r == "patient_id"] == [right]



@pytest.mark.parametrize("header,rows,right", [
    # A sheet of one row per patient beside a surgeon who treated several: the patient id, never the surgeon's.
    ("Patient ID,Surgeon ID,infusion_date,drug,nrs_baseline,nrs_week4",
     [f"P{p:02d},S{1 + p % 5},2024-01-{p:02d},Ketamine,8,{3 + p % 3}" for p in range(1, 11)], "Patient ID"),
    # One patient's chart over two sessions: one patient, not two.
    ("Patient ID,Session ID,Date,Treatment,NRS",
     [f"P07,{s},2024-0{2 + s}-{d:02d},{'Ketamine' if d == 1 else ''},{n}" for s in (1, 2)
      for d, n in ((1, 8), (2, 4), (29, 5))], "Patient ID"),
    # A row counter before the patient id of a long file of three patients.
    ("Record No,Patient ID,Date,Treatment,NRS",
     [f"{3 * p + j + 1},P{p + 1},2024-03-{d:02d},{'Ketamine' if j == 0 else ''},{n}" for p in range(3)
      for j, (d, n) in enumerate(((1, 8), (2, 4), (29, 5)))], "Patient ID"),
])
def test_the_values_never_overrule_a_better_name(header, rows, right):
    roles = _roles(_sheet(header, rows))
    assert [h for h, r in roles.items() if r == "patient_id"] == [right]
