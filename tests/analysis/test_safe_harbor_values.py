"""Covariates de-identified by HIPAA's Safe Harbor method (docs/data-format.md, "Covariate types": values written
by de-identification).

Ages over 89 are written ``90+``; ZIP codes keep three digits (``021``). Read as written, one ``90+`` made the
age column text (no median, no range filter) and ``021`` became the number 21 (reviewer's case 05).
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.errors import IdentifierError
from analysis.io.covariate_values import postal_code, top_coded

FLOW = ("PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\n"
        "P1,2135-03-04 08:30,Pain Score (0-10),8\nP1,2135-03-04 14:00,Pain Score (0-10),5\n"
        "P2,2098-03-05 08:30,Pain Score (0-10),7\nP2,2098-03-05 14:00,Pain Score (0-10),4\n"
        "P3,2117-03-05 08:30,Pain Score (0-10),6\nP3,2117-03-05 14:00,Pain Score (0-10),3\n")
MAR = ("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION\n"
       "P1,2135-03-04 09:30,ketamine,New Bag\nP2,2098-03-05 09:30,ketamine,New Bag\nP3,2117-03-05 09:30,ketamine,New Bag\n")


def export(demographics: str) -> dict[str, bytes]:
    return {"flowsheet.csv": FLOW.encode(), "mar.csv": MAR.encode(), "demographics.csv": demographics.encode()}


def test_a_safe_harbor_age_of_90_plus_is_read_as_90_and_the_column_stays_a_number():
    ds = load_files(export("PAT_ID,SEX,AGE_AT_FIRST_INFUSION\nP1,F,41\nP2,M,90+\nP3,F,55\n"))
    age = ds.patients.set_index("patient_id")["age_at_first_infusion"]
    assert str(age.dtype) == "Int64" and age.to_dict() == {"P1": 41, "P2": 90, "P3": 55}
    assert "demographics.csv: 1 value(s) of 'AGE_AT_FIRST_INFUSION' are top-coded ('90+' as 90; HIPAA's Safe " \
           "Harbor writes every age over 89 as 90+): each is read as the lowest value it allows, so a median or a " \
           "mean counts them at that value." in ds.report.notes


def test_a_zip3_keeps_its_leading_zero_as_text_and_the_identifier_guard_allows_it():
    ds = load_files(export("PAT_ID,SEX,ZIP3\nP1,F,021\nP2,M,606\nP3,F,100\n"))
    zips = ds.patients.set_index("patient_id")["zip3"]
    assert zips.to_dict() == {"P1": "021", "P2": "606", "P3": "100"}


def test_a_full_zip_code_is_still_refused_as_an_identifier():
    with pytest.raises(IdentifierError):
        load_files(export("PAT_ID,SEX,ZIP\nP1,F,02114\nP2,M,60601\nP3,F,10001\n"))


def test_a_postal_code_in_our_own_patients_file_is_text():
    files = {"assessments.csv": b"patient_id,day,measure,value\nP1,-1,pain_nrs,8\nP1,0.2,pain_nrs,4\n",
             "treatments.csv": b"patient_id,day,treatment\nP1,0,ketamine\n",
             "patients.csv": b"patient_id,zip3\nP1,021\n"}
    assert load_files(files).patients["zip3"].tolist() == ["021"]


@pytest.mark.parametrize("cells, read", [
    (["41", "90+", ">89", "89+", "≥90", ">=90", "90 or older", ""], ["41", "90", "90", "89", "90", "90", "90", ""]),
    (["41", "90+", "unknown"], ["41", "90+", "unknown"]),    # text among them: left as written
    (["41.5", ">40"], ["41.5", ">40"]),                        # not whole numbers: no top code
    (["41", "55"], ["41", "55"])])
def test_only_a_top_code_among_whole_numbers_is_read_as_its_lowest_value(cells, read):
    assert top_coded(np.array(cells, dtype=object), "d.csv", "AGE", []).tolist() == read


@pytest.mark.parametrize("name, is_zip", [("zip3", True), ("ZIP3", True), ("zip_code", True), ("Postal Code", True),
                                          ("PLZ", True), ("code_postal", True), ("postcode", True),
                                          ("zipper", False), ("cap", False), ("site", False), ("age", False)])
def test_a_postal_code_is_known_by_its_name(name, is_zip):
    assert postal_code(name) is is_zip
