"""Research data-warehouse extracts (OMOP CDM, PCORnet CDM, i2b2) read without a mapping.

Each extract is generated here, shaped like the real tables (their standard columns, codes and a few
co-medications): ketamine infusions with a pain score before and one after each, pulse and weight charted
beside the scores, ondansetron given 15 minutes after each ketamine, an oral ketamine between infusions.
"""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.propose import inspect

N = 12


def _infusions():
    """Patient, day and the two pain scores of each infusion (before 7, after 7 - k % 4)."""
    pts = [f"P{i:03d}" for i in range(N)]
    days = [f"2022-{1 + i % 9:02d}-{10 + i % 15:02d}" for i in range(N)]
    return pts, days, [7] * N, [7 - i % 4 for i in range(N)]


def _pcornet(sep: str = "|") -> dict:
    pts, days, pre, post = _infusions()
    med = [sep.join(["MEDADMINID", "PATID", "ENCOUNTERID", "MEDADMIN_START_DATE", "MEDADMIN_START_TIME",
                     "MEDADMIN_STOP_DATE", "MEDADMIN_STOP_TIME", "MEDADMIN_TYPE", "MEDADMIN_CODE",
                     "MEDADMIN_DOSE_ADMIN", "MEDADMIN_DOSE_ADMIN_UNIT", "MEDADMIN_ROUTE", "RAW_MEDADMIN_MED_NAME",
                     "RAW_MEDADMIN_ROUTE"])]
    obs = [sep.join(["PATID", "OBSCLINID", "OBSCLIN_START_DATE", "OBSCLIN_START_TIME", "OBSCLIN_TYPE", "OBSCLIN_CODE",
                     "OBSCLIN_RESULT_TEXT", "OBSCLIN_RESULT_NUM", "OBSCLIN_RESULT_UNIT", "RAW_OBSCLIN_NAME"])]
    n = 0
    for i, (p, d) in enumerate(zip(pts, days)):
        rows = [(f"E{i}", d, "10:00", d, "11:00", "1010600", "100", "47625008", "KETAMINE 50 MG/ML INJ SOLN",
                 "Intravenous"),
                (f"E{i}", d, "10:15", "", "", "312086", "4", "47625008", "ONDANSETRON HCL 4 MG/2ML IJ SOLN",
                 "Intravenous")]
        if i % 3 == 0:  # an oral dose a week later: no infusion course
            rows.append(("", d[:8] + f"{int(d[8:]) + 7:02d}", "09:00", "", "", "1010601", "20", "26643006",
                         "KETAMINE 10 MG/ML ORAL SOLN", "Oral"))
        for r in rows:
            n += 1
            med.append(sep.join([str(n), p, r[0], r[1], r[2], r[3], r[4], "RX", r[5], r[6], "mg", r[7], r[8], r[9]]))
        text_only = i % 4 == 1  # a few pain scores charted as text results (no number)
        obs += [sep.join([p, str(4 * i), d, "09:30", "LC", "72514-3", "", str(pre[i]), "{score}", "PAIN SCORE (0-10)"]),
                sep.join([p, str(4 * i + 1), d, "11:30", "LC", "72514-3", "", str(post[i]), "{score}",
                          "PAIN SCORE (0-10)"]),
                sep.join([p, str(4 * i + 2), d, "09:00", "LC", "8867-4", "", str(60 + i), "/min", "PULSE"]),
                sep.join([p, str(4 * i + 3), d, "09:00", "LC", "29463-7", "", f"{70 + i}.5", "kg", "WEIGHT"])]
        if text_only:
            obs.append(sep.join([p, str(1000 + i), d, "08:00", "LC", "8867-4", "regular", "", "", "PULSE"]))
    ext = "txt" if sep == "|" else "csv"
    return {f"med_admin.{ext}": "\n".join(med).encode(), f"obs_clin.{ext}": "\n".join(obs).encode()}


def _omop() -> dict:
    pts, days, pre, post = _infusions()
    person = ["person_id,gender_concept_id,year_of_birth,gender_source_value"]
    drug = ["drug_exposure_id,person_id,drug_concept_id,drug_concept_name,drug_exposure_start_date,"
            "drug_exposure_start_datetime,drug_type_concept_id,quantity,route_concept_id,visit_occurrence_id,"
            "drug_source_value,route_source_value"]
    meas = ["measurement_id,person_id,measurement_concept_id,measurement_concept_name,measurement_date,"
            "measurement_datetime,measurement_type_concept_id,value_as_number,unit_concept_id,visit_occurrence_id,"
            "measurement_source_value,unit_source_value"]
    n = m = 0
    for i, (p, d) in enumerate(zip(pts, days)):
        pid = str(1000 + 7 * i)
        person.append(f"{pid},{8532 if i % 2 else 8507},{1960 + i},{'F' if i % 2 else 'M'}")
        n += 1
        drug.append(f"{n},{pid},19080985,ketamine 50 MG/ML Injectable Solution,{d},{d} 10:00:00,32818,1.0,4171047,"
                    f"{i},ketamine 50 mg/mL injection,IV")
        n += 1
        drug.append(f"{n},{pid},797399,gabapentin 300 MG Oral Capsule,{d},{d} 10:30:00,38000177,300,4132161,{i},"
                    "gabapentin 300 mg capsule,PO")
        for when, value, code, name, unit in (("09:30", pre[i], "72514-3", "Pain severity - 0-10 verbal numeric "
                                               "rating [Score] - Reported", "{score}"),
                                              ("11:30", post[i], "72514-3", "Pain severity - 0-10 verbal numeric "
                                               "rating [Score] - Reported", "{score}"),
                                              ("09:00", 120 + i, "8480-6", "Systolic blood pressure", "mm[Hg]"),
                                              ("09:00", f"4.{i % 10}", "2823-3", "Potassium [Moles/volume] in Serum",
                                               "mmol/L")):
            m += 1
            meas.append(f"{5000 + 13 * m},{pid},3000{m % 7},{name},{d},{d} {when}:00,32817,{value},8876,{i},{code},{unit}")
    visits = ["visit_occurrence_id,person_id,visit_concept_id,visit_start_date,visit_end_date"] + \
        [f"{i},{1000 + 7 * i},9202,{d},{d}" for i, d in enumerate(days)]
    return {"person.csv": "\n".join(person).encode(), "drug_exposure.csv": "\n".join(drug).encode(),
            "measurement.csv": "\n".join(meas).encode(), "visit_occurrence.csv": "\n".join(visits).encode()}


def _relief(ds) -> float:
    from analysis import summarize
    s = summarize(ds, models=False).to_frame()
    q = s[(s.statistic == "immediate_relief_pct") & s.week.isna()]
    return float(q.estimate.iloc[0])


# PCORnet MED_ADMIN (no action column) --------------------------------------------------------------------------

def test_a_pcornet_med_admin_reads_ketamine_as_the_treatment_and_ondansetron_given_beside_it_as_a_co_medication():
    ds = load_files(_pcornet())
    assert ds.treatments.treatment.unique().tolist() == ["Ketamine infusion"]
    assert len(ds.treatments) == N


def test_oral_ketamine_in_a_pcornet_med_admin_is_no_infusion_course_by_its_route_and_form():
    ds = load_files(_pcornet())
    assert len(ds.treatments) == N
    ex = ds.report.exclusions
    ex = ex if hasattr(ex, "columns") else __import__("pandas").DataFrame(ex)
    assert (ex.value.astype(str) == "KETAMINE 10 MG/ML ORAL SOLN").sum() == len(range(0, N, 3))


def test_a_medication_table_under_other_names_reads_its_drugs_and_route_as_a_medication_record_does():
    # Not recognised as PCORnet (no PATID, renamed columns): read as a clinic's own log of drugs with strengths,
    # each drug studied by its name before the strength (a clinic's Neridronate beside its Ketamine stays a
    # treatment), a co-medication none, and the route read: oral ketamine is no infusion.
    files = {k: v.replace(b"PATID", b"Patient ID").replace(b"MEDADMIN_START", b"Given").replace(b"OBSCLIN_CODE", b"Code")
             for k, v in _pcornet(",").items()}
    p = inspect(files)
    med = next(f for f in p.files if f.name == "med_admin.csv")
    roles = {c.header: c.column.role for c in med.columns}
    assert roles["RAW_MEDADMIN_ROUTE"] == "route" and roles["MEDADMIN_ROUTE"] == "ignore"
    assert roles["MEDADMINID"] == "ignore"  # the row's own id, no measure
    assert list(p.spec.courses.treatments.values()) == ["KETAMINE"]
    ds = load_files(files, drop_identifiers=True)
    assert ds.treatments.treatment.value_counts().to_dict() == {"KETAMINE": N}
    reasons = ds.report.exclusions.reason
    assert (reasons == "route 'Oral' is not intravenous: not an infusion of 'KETAMINE'").sum() == len(range(0, N, 3))


def test_a_clinics_drug_log_with_strengths_keeps_every_drug_studied_and_no_co_medication():
    """Not a warehouse table: 'Ketamine 50 mg/mL' and 'Neridronate 100 mg IV' are two treatments (the regression
    review's case03: the MAR reading kept only ketamine/lidocaine spellings and dropped the neridronate arm)."""
    rows = ["Patient,Date,Drug,NRS pre,NRS post"]
    for i in range(8):
        drug = "Ketamine 50 mg/mL" if i < 4 else "Neridronate 100 mg IV"
        rows += [f"P{i},2024-03-{10 + i},{drug},8,4", f"P{i},2024-03-{10 + i},Ondansetron 4 mg IV,,"]
    ds = load_files({"log.csv": ("\n".join(rows) + "\n").encode()})
    assert ds.treatments.treatment.value_counts().to_dict() == {"Ketamine": 4, "Neridronate": 4}


# PCORnet OBS_CLIN -----------------------------------------------------------------------------------------------

def test_a_pcornet_obs_clin_reads_the_numeric_result_by_its_loinc_code_and_keeps_pulse_and_weight_apart():
    p = inspect(_pcornet())
    obs = next(f for f in p.files if f.name == "obs_clin.txt")
    roles = {c.header: c.column.role for c in obs.columns}
    assert roles["OBSCLIN_RESULT_NUM"] == "value" and roles["OBSCLIN_CODE"] == "item"
    assert roles["OBSCLIN_RESULT_TEXT"] == "ignore" and roles["OBSCLINID"] == "ignore"
    assert obs.items["72514-3"][1] == "pain_nrs" and obs.items["8867-4"][1] is None
    ds = load_files(_pcornet())
    assert set(ds.assessments.measure.astype(str)) == {"pain_nrs"}
    assert len(ds.assessments) == 2 * N


def test_a_pipe_separated_extract_with_decimal_points_is_not_described_as_decimal_comma():
    p = inspect(_pcornet())
    obs = next(f for f in p.files if f.name == "obs_clin.txt")
    assert "decimal comma" not in obs.reading and obs.spec.decimal_comma is False


def test_the_pcornet_extract_gives_the_hand_computed_relief():
    pts, days, pre, post = _infusions()
    ds = load_files(_pcornet())
    assert np.isclose(_relief(ds), np.mean([100 * (a - b) / a for a, b in zip(pre, post)]))


# OMOP CDM -------------------------------------------------------------------------------------------------------

def test_omop_tables_read_person_id_as_the_patient_value_as_number_as_the_value_and_the_loinc_code_as_the_item():
    p = inspect(_omop())
    meas = next(f for f in p.files if f.name == "measurement.csv")
    roles = {c.header: c.column.role for c in meas.columns}
    assert roles["person_id"] == "patient_id" and roles["measurement_id"] == "ignore"
    assert roles["value_as_number"] == "value" and roles["measurement_source_value"] == "item"
    assert roles["measurement_datetime"] == "date" and roles["measurement_date"] == "ignore"
    assert meas.items["72514-3"][1] == "pain_nrs" and meas.items["8480-6"][1] is None
    drug = next(f for f in p.files if f.name == "drug_exposure.csv")
    droles = {c.header: c.column.role for c in drug.columns}
    assert droles["drug_concept_name"] == "treatment" and droles["drug_exposure_start_datetime"] == "date"
    assert droles["route_source_value"] == "route" and droles["drug_exposure_id"] == "ignore"
    assert next(f for f in p.files if f.name == "visit_occurrence.csv").spec.kind == "ignore"
    assert not p.review


def test_an_omop_extract_gives_ketamine_courses_and_the_hand_computed_relief_without_gabapentin():
    pts, days, pre, post = _infusions()
    ds = load_files(_omop(), drop_identifiers=True)
    assert ds.treatments.treatment.unique().tolist() == ["Ketamine infusion"] and len(ds.treatments) == N
    assert set(ds.assessments.measure.astype(str)) == {"pain_nrs"}
    assert ds.assessments.patient_id.nunique() == N
    assert np.isclose(_relief(ds), np.mean([100 * (a - b) / a for a, b in zip(pre, post)]))


# i2b2 -----------------------------------------------------------------------------------------------------------

def test_an_i2b2_observation_fact_reads_nval_num_by_concept_cd_and_says_its_medication_facts_are_not_read():
    pts, days, pre, post = _infusions()
    facts = ["encounter_num,patient_num,concept_cd,provider_id,start_date,modifier_cd,instance_num,valtype_cd,"
             "tval_char,nval_num,units_cd"]
    for i, (p, d) in enumerate(zip(pts, days)):
        pn = 1000000 + i
        facts += [f"{500000 + 3 * i},{pn},LOINC:72514-3,PROV01,{d} 09:30:00.000,@,1,N,E,{pre[i]},{{score}}",
                  f"{500000 + 3 * i},{pn},LOINC:72514-3,PROV01,{d} 11:30:00.000,@,1,N,E,{post[i]},{{score}}",
                  f"{500001 + 3 * i},{pn},LOINC:8867-4,PROV01,{d} 09:00:00.000,@,1,N,E,{60 + i},/min",
                  f"{500002 + 3 * i},{pn},RXNORM:6130,PROV01,{d} 10:00:00.000,@,1,,,,"]
    patients = ["patient_num,vital_status_cd,birth_date,sex_cd,age_in_years_num"] + \
        [f"{1000000 + i},N,,{'F' if i % 2 else 'M'},{40 + i}" for i in range(N)]
    files = {"observation_fact.csv": "\n".join(facts).encode(), "patient_dimension.csv": "\n".join(patients).encode()}
    p = inspect(files)
    fact = next(f for f in p.files if f.name == "observation_fact.csv")
    roles = {c.header: c.column.role for c in fact.columns}
    assert roles["nval_num"] == "value" and roles["concept_cd"] == "item" and roles["encounter_num"] == "ignore"
    dim = next(f for f in p.files if f.name == "patient_dimension.csv")
    assert {c.header: c.column.role for c in dim.columns}["vital_status_cd"] == "ignore"
    assert any("medication facts" in n and "RXNORM:6130" in n for n in p.notes)
    ds = load_files(files, drop_identifiers=True)
    assert set(ds.assessments.measure.astype(str)) == {"pain_nrs"} and len(ds.assessments) == 2 * N
