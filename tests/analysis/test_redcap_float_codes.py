"""A REDCap raw export whose choice codes went through a spreadsheet or a pandas/R round trip (``1.0`` for ``1``)
reads as the same export written by REDCap (analysis/io/choice_codes.py); a code the data dictionary does not have
is a load warning."""
from __future__ import annotations

from analysis import load_files
from test_choice_scores import NRS_FROM_1, ROWS, _project
from test_redcap_boxes_and_questions import DICT_HEADER

FIELDS = ["record_id,demographics,,text,Record ID,,,,,,,,,,,,,",
          'sex,demographics,,radio,Sex,"1, Female | 2, Male",,,,,,,,,,,,',
          "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
          'inf_drug,infusion,,radio,Drug,"1, Ketamine | 2, Lidocaine",,,,,,,,,,,,',
          "nrs_pre,infusion,,text,Pain before the infusion (NRS),,,integer,0,10,,,,,,,,",
          "nrs_post,infusion,,text,Pain after the infusion (NRS),,,integer,0,10,,,,,,,,"]
HEAD = "record_id,redcap_event_name,sex,demographics_complete,inf_date,inf_drug,nrs_pre,nrs_post,infusion_complete"


def _export(codes: list[tuple[str, str]]) -> dict[str, bytes]:
    """Six patients; patient i has sex and drug ``codes[i]`` (as written), pre 8 and post 4."""
    rows = []
    for i, (sex, drug) in enumerate(codes, start=1):
        rows += [f"{i},baseline_arm_1,{sex},2,,,,,", f"{i},infusion_1_arm_1,,,2024-03-{i + 1:02d},{drug},8,4,2"]
    return {"P_DATA_2024-06-01_1200.csv": ("\n".join([HEAD] + rows) + "\n").encode(),
            "P_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + FIELDS) + "\n").encode()}


AS_REDCAP = [("1", "1"), ("2", "1"), ("1", "2"), ("2", "2"), ("1", "1"), ("2", "2")]


def _decoded(ds) -> tuple[list, list]:
    sex = ds.patients.sort_values("patient_id", key=lambda s: s.astype(int))["sex"].astype(str).tolist()
    drugs = ds.treatments.sort_values("patient_id", key=lambda s: s.astype(int))["treatment"].astype(str).tolist()
    return sex, drugs


def test_codes_written_as_decimals_decode_to_the_same_labels_as_the_codes_redcap_writes():
    plain = load_files(_export(AS_REDCAP))
    floats = load_files(_export([(f"{s}.0", f"{d}.0") for s, d in AS_REDCAP]))
    assert _decoded(plain)[0] == ["Female", "Male", "Female", "Male", "Female", "Male"]
    assert _decoded(floats) == _decoded(plain)
    assert set(floats.treatments["treatment"]) == {"Ketamine", "Lidocaine"}


def test_codes_read_by_their_number_are_said_in_the_load_report_and_codes_as_written_are_not():
    floats = load_files(_export([(f"{s}.0", f"{d}.0") for s, d in AS_REDCAP]))
    note = [n for n in floats.report.notes if "choice codes" in n]
    assert len(note) == 1 and "'sex' (1.0 as 1, 'Female'" in note[0] and "'inf_drug'" in note[0]
    assert not [n for n in load_files(_export(AS_REDCAP)).report.notes if "choice codes" in n]
    assert not floats.report.warnings


def test_a_code_with_a_leading_zero_is_the_code_of_its_number():
    ds = load_files(_export([("01", "01"), ("02", "01")] + AS_REDCAP[2:]))
    assert _decoded(ds) == _decoded(load_files(_export(AS_REDCAP)))


def test_a_code_the_dictionary_does_not_have_is_a_load_warning_naming_the_field_and_the_code():
    ds = load_files(_export([("1", "3")] + AS_REDCAP[1:]))
    warned = [w for w in ds.report.warnings if "'inf_drug' holds '3' (1 row(s))" in w]
    assert len(warned) == 1 and "1, Ketamine | 2, Lidocaine" in warned[0]
    assert not [w for w in ds.report.warnings if "'sex' holds" in w]


def test_a_pain_score_asked_as_a_choice_and_written_as_decimals_reads_by_its_labels():
    """NRS coded from 1 ('No pain' = 1): codes 9.0 and 4.0 are the scores 8 and 3, as 9 and 4 are."""
    choices = " | ".join(f"{c}, {lab}" for c, lab in NRS_FROM_1.items())
    files = _project(f'score,visit,,radio,Current pain intensity (NRS),"{choices}",,,,,,,,,,,,',
                     [r.format(b1="9.0", f1="4.0", b2="8.0", f2="1.0") for r in ROWS])
    a = load_files(files).assessments
    a = a[a["measure"] == "pain_nrs"].sort_values(["patient_id", "day"])
    assert a["value"].tolist() == [8.0, 3.0, 7.0, 0.0]
