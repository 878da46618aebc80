"""Clinic exports worded a little differently from the shapes of test_clinic_exports.py: the same reading,
or a refusal that says how to go on.

* A medication-administration record whose start rows say ``Infusion Started`` (not ``New Bag``) gives the
  same courses and the same summary as the shape as exported (spec.DEFAULT_START_ACTIONS).
* A patient-id column refused because its name says it holds medical record numbers (``Patient MRN Deid``)
  says how a column of pseudonymous study codes is read (renamed), and renamed it loads; refusals for other
  reasons (a name, an e-mail address) do not suggest renaming.
"""
from __future__ import annotations

import pytest

import clinic_export_shapes as ces
from analysis import load_files, summarize
from analysis.errors import IdentifierError


@pytest.fixture(scope="module")
def flowsheet():
    return ces.export_shape("flowsheet", ces.make_cohort(24, seed=5))


def reworded(files: dict, name: str, pairs: list[tuple[str, str]]) -> dict:
    out = dict(files)
    text = out[name].decode("utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    out[name] = text.encode("utf-8")
    return out


def test_infusion_started_rows_are_the_administrations_as_new_bag_rows_are(flowsheet):
    as_exported = load_files(flowsheet.files)
    worded = load_files(reworded(flowsheet.files, ces.MAR_FILE, [("New Bag", "Infusion Started")]))
    assert len(worded.treatments) == len(as_exported.treatments) > 0
    assert summarize(worded).to_dict() == summarize(as_exported).to_dict()


def test_a_patient_id_named_like_a_record_number_is_refused_with_how_to_read_study_codes(flowsheet):
    files = reworded(flowsheet.files, ces.FLOWSHEET_FILE, [("PAT_ID", "Patient MRN Deid")])
    with pytest.raises(IdentifierError) as refused:
        load_files(files)
    message = str(refused.value)
    assert "'Patient MRN Deid': its name says it holds a medical record number" in message
    assert "rename it (e.g. to 'study_id'): its content is still checked" in message


def test_the_same_codes_under_a_study_id_name_load(flowsheet):
    as_exported = load_files(flowsheet.files)
    renamed = load_files(reworded(flowsheet.files, ces.FLOWSHEET_FILE, [("PAT_ID", "study_id")]))
    assert summarize(renamed).to_dict() == summarize(as_exported).to_dict()


@pytest.mark.parametrize("header, cells", [
    ("Patient name", ["Anna Meier", "Jon Berg", "Eva Lund", "Ole Sand", "Ida Holm"]),
    ("contact", ["anna@example.org", "jon@example.org", "eva@example.org", "ole@example.org", "ida@example.org"]),
])
def test_refusals_for_other_reasons_do_not_suggest_renaming(header, cells):
    rows = "\n".join(f"P{i},{i},pain_nrs,{5 + i % 3},{c}" for i, c in enumerate(cells))
    files = {"assessments.csv": f"patient_id,day,measure,value,{header}\n{rows}\n".encode()}
    with pytest.raises(IdentifierError) as refused:
        load_files(files)
    assert "rename it" not in str(refused.value)


def test_our_own_format_with_an_mrn_column_mapped_as_the_patient_id_gives_the_same_advice():
    rows = "\n".join(f"S{i:03d},{i},pain_nrs,{5 + i % 3}" for i in range(6))
    with pytest.raises(IdentifierError) as refused:
        load_files({"assessments.csv": f"MRN,day,measure,value\n{rows}\n".encode()}, mapping={"MRN": "patient_id"})
    assert "its name says it holds a medical record number" in str(refused.value)
    assert "rename it (e.g. to 'study_id')" in str(refused.value)


def test_a_ward_column_named_unit_is_not_taken_for_the_doses_unit():
    """Epic MARs carry the nursing unit ('5 West', 'ICU') in a column 'Unit': the doses are summed as written,
    with no warning about different dose units (those are 'mg', 'mg/kg/hr', ... in a 'Dose Unit' column)."""
    mar = "Study ID,Administration Time,Medication,Action,Dose,Unit\n" + "\n".join(
        f"P{i},2024-03-0{i} 09:00,Ketamine infusion,New Bag,{20 + i},{'5 West' if i % 2 else 'ICU'}" for i in range(1, 7))
    flow = "Study ID,Taken Time,Flowsheet Row,Value\n" + "\n".join(
        f"P{i},2024-03-0{i} 08:30,Pain Score (0-10),8\nP{i},2024-03-0{i} 13:00,Pain Score (0-10),4" for i in range(1, 7))
    ds = load_files({"mar.csv": mar.encode(), "flow.csv": flow.encode()})
    assert ds.treatments["dose"].tolist() == [21.0, 22.0, 23.0, 24.0, 25.0, 26.0]
    assert not any("different units" in w for w in ds.report.warnings)
