"""A diluent named in a medication's name is the vehicle of that drug, not a co-medication (docs/data-format.md,
"Plausibility warnings" and the medication-administration record).

Epic names a premixed bag with its diluent: ``ketamine 500 mg in sodium chloride 0.9% 100 mL``. Matched on
``sodium chloride``, the treatment studied was warned about as "looking like a co-medication" (reviewer's case 05)
and the proposal's note called it one, while it was read as the treatment.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.plausibility import co_medication, co_medications
from analysis.io.propose import inspect

FLOW = ("PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\n"
        "P1,2024-03-04 08:30,Pain Score (0-10),8\nP1,2024-03-04 14:00,Pain Score (0-10),5\n"
        "P2,2024-03-05 08:30,Pain Score (0-10),7\nP2,2024-03-05 14:00,Pain Score (0-10),4\n")


def export(drug: str) -> dict[str, bytes]:
    mar = ("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,DOSE_UNIT\n"
           f"P1,2024-03-04 09:30,{drug},New Bag,50,mg\nP1,2024-03-04 13:30,{drug},Stopped,,\n"
           f"P2,2024-03-05 09:30,{drug},New Bag,50,mg\n"
           "P2,2024-03-05 09:20,ondansetron 4 mg in sodium chloride 0.9% 50 mL,Given,4,mg\n")
    return {"flowsheet.csv": FLOW.encode(), "mar.csv": mar.encode()}


@pytest.mark.parametrize("drug", ["ketamine 500 mg in sodium chloride 0.9% 100 mL", "ketamine 200 mg in NS 250 mL",
                                  "KETAMINE 200 MG IN D5W 250 ML", "ketamine 100 mg in dextrose 5% 100 mL"])
def test_the_treatment_given_in_a_diluent_is_no_co_medication(drug):
    ds = load_files(export(drug))
    assert len(ds.treatments) == 2
    assert not [w for w in ds.report.warnings if "co-medication" in w]
    notes = inspect(export(drug)).notes
    said = [n for n in notes if "look like co-medications" in n]
    assert said == ["mar.csv: 'ondansetron 4 mg in sodium chloride 0.9% 50 mL' look like co-medications and are not "
                    "treatments."]


@pytest.mark.parametrize("name, co", [
    ("ketamine 500 mg in sodium chloride 0.9% 100 mL", False), ("ketamine (in 0.9% NaCl)", False),
    ("lidocaine 1 g in D5W 250 mL", False), ("ketamine 50 mg/mL", False),
    ("ondansetron 4 mg in NS 50 mL", True), ("heparin 5000 units in sodium chloride 0.9%", True),
    ("sodium chloride 0.9% 1000 mL", True), ("dextrose 5% in water", True), ("midazolam 2 mg", True),
    ("magnesium sulfate 2 g in dextrose 5% 50 mL", True)])
def test_a_co_medication_is_named_outside_the_vehicle_it_is_given_in(name, co):
    assert co_medication(name) is co
    assert co_medications([name]).tolist() == [co]
