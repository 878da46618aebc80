"""A score asked as a REDCap choice: the value of each choice is what the dictionary says it is
(analysis/io/choice_scores.py). The expected scores are read off the dictionaries below by hand."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.choice_scores import choice_values
from analysis.io.propose import inspect
from test_redcap_boxes_and_questions import DICT_HEADER

NRS_FROM_1 = ({"1": "No pain"} | {str(c): str(c - 1) for c in range(2, 11)} | {"11": "Worst pain imaginable"})


def test_labels_numbering_the_scale_one_below_the_codes_shift_every_code_the_word_ends_too():
    values, why = choice_values(NRS_FROM_1, "pain_nrs")
    assert values == {str(c): str(c - 1) for c in range(1, 12)}  # 'No pain' (1) is 0, 'Worst' (11) is 10
    assert "the code -1" in why


@pytest.mark.parametrize("choices", [
    {str(c): str(c) for c in range(11)},                                     # REDCap's own 0, 0 | 1, 1 | ...
    {"0": "No pain"} | {str(c): str(c) for c in range(1, 10)} | {"10": "Worst pain"},
    {"0": "No pain", "1": "Mild", "2": "Moderate", "3": "Severe"}])
def test_labels_that_agree_with_their_codes_or_say_no_number_leave_the_codes(choices):
    assert choice_values(choices, "pain_nrs")[0] is None


def test_a_pgic_coded_in_reverse_reads_by_its_words():
    """The registry's PGIC is 1 = very much improved ... 7 = very much worse; this project codes it the other way."""
    words = ["Very much worse", "Much worse", "Minimally worse", "No change", "Minimally improved", "Much improved",
             "Very much improved"]
    values, _ = choice_values({str(i + 1): w for i, w in enumerate(words)}, "pgic")
    assert values == {"1": "7", "2": "6", "3": "5", "4": "4", "5": "3", "6": "2", "7": "1"}


def _project(field: str, rows: list[str]) -> dict[str, bytes]:
    fields = ["record_id,visit,,text,Record ID,,,,,,,,,,,,,", "visit_date,visit,,text,Visit date,,,date_ymd,,,,,,,,,,",
              field, "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,"]
    head = "record_id,redcap_event_name,visit_date,score,visit_complete,inf_date,infusion_complete"
    return {"P_DATA_2024-06-01_1200.csv": ("\n".join([head] + rows) + "\n").encode(),
            "P_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}


ROWS = ["1,baseline_arm_1,2024-01-08,{b1},2,,", "1,infusion_arm_1,,,,2024-01-10,2", "1,week_4_arm_1,2024-02-07,{f1},2,,",
        "2,baseline_arm_1,2024-01-15,{b2},2,,", "2,infusion_arm_1,,,,2024-01-17,2", "2,week_4_arm_1,2024-02-14,{f2},2,,"]


def test_a_pain_choice_coded_from_1_reads_one_below_its_codes():
    """Codes 9, 4 (patient 1) and 8, 1 (patient 2: 1 = 'No pain') are the scores 8, 3 and 7, 0: relief 62.5% and
    100%, not 55.6% and 87.5%."""
    choices = " | ".join(f"{c}, {lab}" for c, lab in NRS_FROM_1.items())
    files = _project(f'score,visit,,radio,Current pain intensity (NRS),"{choices}",,,,,,,,,,,,',
                     [r.format(b1=9, f1=4, b2=8, f2=1) for r in ROWS])
    ds = load_files(files)
    a = ds.assessments[ds.assessments["measure"] == "pain_nrs"].sort_values(["patient_id", "day"])
    assert a["value"].tolist() == [8.0, 3.0, 7.0, 0.0]


def test_a_worded_pain_severity_choice_is_no_nrs():
    """None / Mild / Moderate / Severe coded 0-3: 'severe' read as an NRS of 3 would be a mild pain, and 3 -> 1 a
    67% relief on the NRS. It is read under its own name, with a note."""
    files = _project('score,visit,,radio,How severe is your pain today?,"0, None | 1, Mild | 2, Moderate | 3, Severe"'
                     ',,,,,,,,,,,,', [r.format(b1=3, f1=1, b2=3, f2=2) for r in ROWS])
    p = inspect(files)
    assert any("not the 0-10 pain scale" in n and "'score'" in n for n in p.notes)
    ds = load_files(files)
    assert "pain_nrs" not in set(ds.assessments["measure"].astype(str))
    assert sorted(ds.assessments.loc[ds.assessments["measure"] == "score", "value"]) == [1.0, 2.0, 3.0, 3.0]


def test_a_reversed_pgic_choice_reads_as_the_registry_codes_it():
    """Patient 1 answers 'Very much improved' (project code 7) and patient 2 'Much worse' (code 2): PGIC 1 and 6."""
    words = ["Very much worse", "Much worse", "Minimally worse", "No change", "Minimally improved", "Much improved",
             "Very much improved"]
    choices = " | ".join(f"{i + 1}, {w}" for i, w in enumerate(words))
    files = _project(f'score,visit,,radio,Patient Global Impression of Change (PGIC),"{choices}",,,,,,,,,,,,',
                     [r.format(b1="", f1=7, b2="", f2=2) for r in ROWS])
    ds = load_files(files)
    pgic = ds.assessments[ds.assessments["measure"] == "pgic"].sort_values("patient_id")
    assert pgic["value"].tolist() == [1.0, 6.0]


def test_a_dose_field_with_a_missing_data_code_stays_the_dose():
    """One 'UNK' among the doses made the dose column a patient characteristic ('ketamine_dose_mg = 200' for
    patient 2) and the courses had no dose. It stays the dose; the UNK is no amount."""
    fields = ["record_id,visit,,text,Record ID,,,,,,,,,,,,,", "visit_date,visit,,text,Visit date,,,date_ymd,,,,,,,,,,",
              "nrs,visit,,text,Pain score (0-10),,,integer,0,10,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
              "inf_dose,infusion,,text,Ketamine dose (mg),,,number,,,,,,,,,,"]
    rows = ["record_id,redcap_repeat_instrument,redcap_repeat_instance,visit_date,nrs,visit_complete,inf_date,inf_dose,"
            "infusion_complete",
            "1,visit,1,2024-01-08,8,2,,,", "1,infusion,1,,,,2024-01-10,200,2", "1,infusion,2,,,,2024-01-11,UNK,2",
            "1,visit,2,2024-02-07,3,2,,,", "2,visit,1,2024-01-15,7,2,,,", "2,infusion,1,,,,2024-01-17,200,2",
            "2,visit,2,2024-02-14,4,2,,,"]
    files = {"P_DATA_2024-06-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "P_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert roles["inf_dose"] == "dose"
    ds = load_files(files)
    assert "ketamine_dose_mg" not in ds.patients.columns and "inf_dose" not in ds.patients.columns
    # Patient 1's course had 200 mg and an unknown dose: its total is unknown (not 200); patient 2's is 200.
    doses = ds.treatments.sort_values("patient_id")["dose"].tolist()
    assert np.isnan(doses[0]) and doses[1] == 200.0
    assert any("not amounts (e.g. 'UNK'" in n and "have no dose" in n for n in ds.report.notes)
    # A -99 (a missing-data code) is no amount either: summed, 200 + -99 + 200 was a course of 301 mg.
    minus = {k: v.replace(b"2024-01-11,UNK", b"2024-01-11,-99") for k, v in files.items()}
    assert np.isnan(load_files(minus).treatments.sort_values("patient_id")["dose"].tolist()[0])
