"""Practice software's survey exports: one row per questionnaire filled in, a column naming the questionnaire
beside its score (Osmind's ``Patient ID, Survey, Score, Date Completed``; SimplePractice's ``Client, Measure,
Score, Completed On``), and IntakeQ's responses, whose ``Questionnaire`` column names the form
(``Ketamine Progress Check``). The scores are read as the questionnaires the rows name, never as one measure
``score`` mixing them (analysis/io/item_columns.py); the form's name is never a treatment given
(analysis/io/form_names.py; a treatment cell naming a form is a plain visit: analysis/io/session_rows.py). The
expected values are the files' own cells, read by hand."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.errors import DatasetError
from analysis.io import spec as export_spec
from analysis.io.propose import inspect
from analysis.io.session_rows import names_a_visit

EVENTS = ("Patient ID,Event Date,Start Time,Appointment Type\n"
          'K1,"Feb 5, 2024",9:00 AM,IV Ketamine Infusion\n'
          'K2,"Feb 5, 2024",10:00 AM,IV Ketamine Infusion\n')

#: K1: PHQ-9 20 before the infusion, 8 four weeks later; GAD-7 10, then 9. K2: PHQ-9 15, GAD-7 12.
SURVEYS = ("Patient ID,Survey,Score,Date Completed\n"
           'K1,PHQ-9,20,"Feb 5, 2024 8:40 AM"\n'
           'K1,GAD-7,10,"Feb 5, 2024 8:42 AM"\n'
           'K1,PHQ-9,8,"Mar 4, 2024 2:00 PM"\n'
           'K1,GAD-7,9,"Mar 4, 2024 2:02 PM"\n'
           'K2,PHQ-9,15,"Feb 5, 2024 9:40 AM"\n'
           'K2,GAD-7,12,"Feb 5, 2024 9:42 AM"\n')


def roles(proposal, file: str) -> dict:
    fp = next(f for f in proposal.files if f.name == file)
    return {c.header: c.column.role for c in fp.columns}


def test_a_survey_column_beside_a_score_column_reads_each_score_as_the_questionnaire_its_row_names():
    ds = load_files({"Event Details.csv": EVENTS.encode(), "Questionnaire Responses.csv": SURVEYS.encode()})
    a = ds.assessments.sort_values(["patient_id", "measure", "day"])
    assert sorted(set(a["measure"].astype(str))) == ["gad7", "phq9"]
    got = {(p, str(m)): v.tolist() for (p, m), v in a.groupby(["patient_id", "measure"], observed=True)["value"]}
    assert got == {("K1", "gad7"): [10.0, 9.0], ("K1", "phq9"): [20.0, 8.0],
                   ("K2", "gad7"): [12.0], ("K2", "phq9"): [15.0]}


def test_the_proposal_reads_survey_and_score_as_the_item_and_its_value_and_maps_the_questionnaires():
    p = inspect({"Questionnaire Responses.csv": SURVEYS.encode()})
    assert roles(p, "Questionnaire Responses.csv") == {"Patient ID": "patient_id", "Survey": "item", "Score": "value",
                                                       "Date Completed": "date"}
    assert dict(p.spec.items) == {"PHQ-9": "phq9", "GAD-7": "gad7"}
    assert p.review == []


def test_a_measure_column_naming_pain_and_phq9_beside_a_score_column_is_the_item_and_its_value():
    text = ("Client ID,Measure,Score,Completed On\n"
            'K1039,PHQ-9,15,"Feb 12, 2024 8:00 AM"\n'
            'K1039,Pain NRS,7,"Feb 12, 2024 8:05 AM"\n'
            'K1039,Pain NRS,3,"Feb 12, 2024 12:40 PM"\n')
    p = inspect({"measures_export.csv": text.encode()})
    r = roles(p, "measures_export.csv")
    assert (r["Measure"], r["Score"]) == ("item", "value")
    assert dict(p.spec.items) == {"PHQ-9": "phq9", "Pain NRS": "pain_nrs"}


def test_numbers_beside_a_column_naming_several_questionnaires_are_never_read_as_one_measure():
    # 'Raw' is no score's name: the pair is not recognised, and the numbers of the PHQ-9 and the GAD-7 are not one
    # measure 'raw': a point to review, and nothing is loaded without a decision.
    text = SURVEYS.replace("Survey,Score,", "Survey,Raw,")
    p = inspect({"Questionnaire Responses.csv": text.encode()})
    assert roles(p, "Questionnaire Responses.csv")["Raw"] == "ignore"
    assert len(p.review) == 1 and "'Survey'" in p.review[0] and "'Raw'" in p.review[0] and "PHQ" not in p.review[0]
    assert "phq9, gad7" in p.review[0] and 'role "value"' in p.review[0]
    with pytest.raises(DatasetError, match="'Raw' is not read"):
        load_files({"Event Details.csv": EVENTS.encode(), "Questionnaire Responses.csv": text.encode()})


RESPONSES = ("Patient ID,Questionnaire,Date Submitted,Pain now (0-10)\n"
             "P1001,Ketamine Progress Check,02/05/2024 08:40 AM,8\n"
             "P1001,Ketamine Progress Check,02/19/2024 02:00 PM,5\n"
             "P1001,Ketamine Progress Check,03/04/2024 02:00 PM,4\n"
             "P1002,Ketamine Progress Check,02/05/2024 09:40 AM,7\n")
INFUSIONS = ("Patient ID,Date,Time,Treatment\n"
             "P1001,02/05/2024,9:00 AM,IV Ketamine Infusion\n"
             "P1001,02/07/2024,9:00 AM,IV Ketamine Infusion\n"
             "P1002,02/05/2024,10:00 AM,IV Ketamine Infusion\n")


def test_a_questionnaire_column_naming_ketamine_is_not_the_treatment_and_its_submissions_are_no_courses():
    p = inspect({"responses.csv": RESPONSES.encode()})
    assert roles(p, "responses.csv")["Questionnaire"] != "treatment"
    ds = load_files({"infusions.csv": INFUSIONS.encode(), "responses.csv": RESPONSES.encode()})
    assert set(ds.treatments["treatment"].astype(str)) == {"IV Ketamine Infusion"}
    assert len(ds.treatments) == 2  # P1001's course (5 and 7 Feb) and P1002's


@pytest.mark.parametrize("header, value", [("Form", "Ketamine Infusion"), ("Survey Name", "Ketamine"),
                                           ("Type", "Pre-Ketamine Questionnaire"), ("Entry", "Ketamine Intake Form"),
                                           ("Kind", "Ketamine Check-in")])
def test_a_column_named_as_a_form_or_whose_values_name_forms_is_never_the_treatment(header, value):
    text = RESPONSES.replace("Questionnaire", header, 1).replace("Ketamine Progress Check", value)
    assert roles(inspect({"responses.csv": text.encode()}), "responses.csv")[header] != "treatment"


def test_a_column_naming_the_infusion_given_is_still_the_treatment():
    text = RESPONSES.replace("Questionnaire", "Infusion", 1).replace("Ketamine Progress Check", "Ketamine infusion")
    assert roles(inspect({"responses.csv": text.encode()}), "responses.csv")["Infusion"] == "treatment"


def test_the_proposal_says_at_once_that_a_patient_column_of_person_names_will_be_refused():
    text = ("Patient,Start Date,NPRS\n"
            'Barbara Smith,"Feb 6, 2024",7\nJennifer Taylor,"Feb 6, 2024",8\nMichael Taylor,"Feb 8, 2024",6\n'
            'Barbara Smith,"Feb 8, 2024",5\n')
    p = inspect({"Appointments Report.csv": text.encode()})
    assert roles(p, "Appointments Report.csv")["Patient"] == "patient_id"
    said = [n for n in p.notes if "'Patient' holds person names" in n]
    assert len(said) == 1 and "--drop-identifiers drops the column, leaving no patient id" in said[0]


def test_a_mapping_that_reads_the_questionnaire_column_as_the_treatment_starts_no_course_at_a_form_submitted():
    # A mapping saved before (the proposal took 'Questionnaire' for the medication given): each cell names a form
    # filled in, a plain visit whose scores are read, not an administration.
    mapping = export_spec.from_json(inspect({"infusions.csv": INFUSIONS.encode(),
                                             "responses.csv": RESPONSES.encode()}).spec.to_json())
    mapping.files[1].columns["Questionnaire"] = export_spec.Column("treatment")
    ds = load_files({"infusions.csv": INFUSIONS.encode(), "responses.csv": RESPONSES.encode()}, mapping=mapping)
    assert set(ds.treatments["treatment"].astype(str)) == {"IV Ketamine Infusion"} and len(ds.treatments) == 2
    assert len(ds.assessments) == 4


def test_a_treatment_cell_naming_a_form_is_a_visit_but_an_assessment_session_or_an_infusion_stays_a_treatment():
    cells = ["Ketamine Progress Check", "Pre-Ketamine Questionnaire", "Ketamine Intake Form",
             "Physiotherapy Initial Assessment", "Ketamine infusion assessment", "IV Ketamine Infusion"]
    assert names_a_visit(np.asarray(cells, dtype=object)).tolist() == [True, True, True, False, False, False]
