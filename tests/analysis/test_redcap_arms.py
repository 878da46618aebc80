"""A multi-arm REDCap project's arm (``week_4_arm_2``; labels export ``Week 4 (Arm 2: Lidocaine)``) is kept: the
treatment where no field names one and the events are the time points, else the covariate ``arm``; a record in
two arms without dates is a point to review (analysis/io/redcap_arms.py). Expected values by hand below."""
from __future__ import annotations

import pytest

from analysis import load_files, summarize
from analysis.errors import MappingError
from analysis.io.propose import inspect

DICT_HEADER = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, '
               'OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min",'
               '"Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?",'
               '"Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?",'
               '"Field Annotation"')
FIELDS = ["record_id,pain,,text,Record ID,,,,,,,,,,,,,", "nrs,pain,,text,Current pain (0-10),,,integer,0,10,,,,,,,,"]
DRUG = 'drug,pain,,radio,Infusion agent,"1, Ketamine | 2, Lidocaine",,,,,,,,,,,,'
#: Record 1 (arm 1): 8 at baseline, 4 on day 1 (50% relief), 6 at week 4 (25%). Record 2 (arm 1): 10, 7 (30%), 5
#: (50%). Record 3 (arm 2): 6, 6 (0%), 3 (50%).
SCORES = [("1", 1, [8, 4, 6]), ("2", 1, [10, 7, 5]), ("3", 2, [6, 6, 3])]


def _raw(drug: bool = False, arms=None) -> dict[str, bytes]:
    rows = ["record_id,redcap_event_name,nrs" + (",drug" if drug else "") + ",pain_complete"]
    for rec, arm, values in SCORES:
        for arm in (arms or {}).get(rec, [arm]):
            for event, v in zip(("baseline", "day_1", "week_4"), values):
                d = (",1" if arm == 1 else ",2") if drug and event == "baseline" else ("," if drug else "")
                rows.append(f"{rec},{event}_arm_{arm},{v}{d},2")
    return {"T_DATA_2024-06-01_1200.csv": ("\n".join(rows) + "\n").encode(),
            "T_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + FIELDS + ([DRUG] if drug else [])) + "\n").encode()}


def _labels() -> dict[str, bytes]:
    names = {1: "Ketamine", 2: "Lidocaine"}
    rows = ["Record ID,Event Name,Current pain (0-10),Complete?"]
    for rec, arm, values in SCORES:
        for event, v in zip(("Baseline", "Day 1", "Week 4"), values):
            rows.append(f"{rec},{event} (Arm {arm}: {names[arm]}),{v},Complete")
    return {"T_DATA_LABELS_2024-06-01_1200.csv": ("\n".join(rows) + "\n").encode(),
            "T_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + FIELDS) + "\n").encode()}


def _by_treatment(files) -> dict:
    table = summarize(load_files(files), models=False).to_frame()
    imm = table[table["statistic"] == "immediate_relief_pct"].set_index("treatment")
    return {t: (round(r["estimate"], 6), int(r["n"])) for t, r in imm.iterrows()}


def test_arms_are_the_treatments_of_a_project_without_a_treatment_field():
    """Before, the export was refused ('add a treatments.csv'). Each record's arm is its treatment on day 0 (its
    baseline event): arm 1's immediate relief (50 + 30) / 2 = 40% (n = 2), arm 2's 0% (n = 1). Arm 1 and Arm 2
    stay two treatments (not merged as one name with two doses)."""
    p = inspect(_raw())
    assert not p.review
    assert any("each record's arm is read as its treatment" in n for n in p.notes)
    assert _by_treatment(_raw()) == {"Arm 1": (40.0, 2), "Arm 2": (0.0, 1)}


def test_a_labels_export_names_the_arms():
    assert _by_treatment(_labels()) == {"Ketamine": (40.0, 2), "Lidocaine": (0.0, 1)}


def test_beside_a_treatment_field_the_arm_is_a_patient_characteristic():
    ds = load_files(_raw(drug=True))
    assert sorted(set(ds.treatments["treatment"])) == ["Ketamine", "Lidocaine"]
    assert ds.patients.set_index("patient_id")["arm"].to_dict() == {"1": "Arm 1", "2": "Arm 1", "3": "Arm 2"}
    table = summarize(ds, by=("arm",), models=False).to_frame()
    imm = table[table["statistic"] == "immediate_relief_pct"].set_index("arm")["estimate"]
    assert imm.round(6).to_dict() == {"Arm 1": 40.0, "Arm 2": 0.0}


def test_a_record_in_two_arms_without_dates_is_a_point_to_review():
    """Record 3 in both arms: both arms' baselines are day 0, so its scores cannot be told apart."""
    files = _raw(arms={"3": [1, 2]})
    assert any("are in more than one arm (a crossover)" in r for r in inspect(files).review)
    with pytest.raises(MappingError, match="crossover"):
        load_files(files)


def test_an_arms_name_may_hold_parentheses():
    """'Week 4 (Arm 1: Ketamine (high dose))' is arm 1, named 'Ketamine (high dose)'; an event without an arm has
    none."""
    import numpy as np

    from analysis.io.redcap_arms import record_arms
    events = np.array(["Week 4 (Arm 1: Ketamine (high dose))", "baseline_arm_2", "Week 4 (Arm 2)", "screening", ""],
                      dtype=object)
    assert record_arms(events).tolist() == ["Ketamine (high dose)", "Arm 2", "Arm 2", "", ""]
