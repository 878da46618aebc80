"""Which column a proposal takes as the patient id: the one whose name says so, not an id of something else.

Specification: analysis/io/id_column.py; docs/data-format.md, "What the proposal decides by itself".
"""
from __future__ import annotations

import pytest

from analysis.io.id_column import patient_id_rank
from analysis.io.propose import inspect


@pytest.mark.parametrize("name", ["entry_id", "Response ID", "Encounter ID", "visit_no", "order_number", "row id",
                                  "CSN_ID", "Observation id"])
def test_the_id_of_another_thing_a_row_may_be_is_no_patient_id(name):
    assert patient_id_rank(name, [name, "Patient"]) == 3


@pytest.mark.parametrize("name", ["Patient", "Patient ID", "participant_code", "Subject", "Pat.-Nr.", "record_id",
                                  "RecordID", "N° anonymat", "Teilnehmer-Nr", "PatientDurableKey"])
def test_names_that_say_patient_id(name):
    assert patient_id_rank(name, [name]) == 1


@pytest.mark.parametrize("name", ["ID", "Code", "Fall", "pid", "user_id",  # a diary app's user
                                  "Study ID", "Studien-ID", "Study code", "record", "Record No",  # (a study's or a record's)
                                  "Client", "ClientId",  # (practice software's client, after the patient words)
                                  "PatientKey"])  # (a warehouse's surrogate key: a new one per version of the record)
def test_names_with_only_an_id_word_come_after_those_that_say_patient(name):
    assert patient_id_rank(name, [name]) == 2


def test_a_sheets_case_column_before_its_study_id_is_not_the_patient():
    rows = [f"{3 * p + d + 1},KS-0{p + 1},2024-03-{1 + 7 * d:02d},{7 - d}" for p in range(6) for d in range(3)]
    sheet = ("Fall,Studien-ID,Datum,NRS\n" + "\n".join(rows) + "\n").encode()
    assert _patient_column({"s.csv": sheet})["s.csv"] == ["Studien-ID"]


@pytest.mark.parametrize("name", ["Record date", "Study", "Encounter ID"])
def test_names_that_are_no_patient_id(name):
    assert patient_id_rank(name, [name]) == 3


@pytest.mark.parametrize("name,rank", [("id", 3), ("code.coding.code", 3), ("subject.reference", 1),
                                       ("patient.reference", 1)])
def test_a_fhir_resources_patient_is_its_subject_reference(name, rank):
    assert patient_id_rank(name, ["resourceType", "id", "code.coding.code", "subject.reference"]) == rank


def _patient_column(files):
    proposal = inspect(files)
    return {f.name: [c.header for c in f.columns if c.column.role == "patient_id"] for f in proposal.files}


def test_a_diary_apps_entry_id_before_the_participant_code_is_not_the_patient():
    diary = (b"entry_id,participant_code,recorded_at,pain_intensity\n000001,CRPS-101,2024-02-25 19:16,8\n"
             b"000002,CRPS-101,2024-02-26 20:08,6\n000003,CRPS-102,2024-02-25 21:00,7\n")
    assert _patient_column({"diary_export.csv": diary})["diary_export.csv"] == ["participant_code"]


def test_a_redcap_api_files_record_column_is_the_patient():
    surveys = b"record,completed,pain_now\nKC-001,2024-06-10T10:00:00,6\nKC-001,2024-06-10T14:45:00,3\n"
    assert _patient_column({"pain_surveys.csv": surveys})["pain_surveys.csv"] == ["record"]


@pytest.mark.parametrize("name", ["Patient age", "PatientAge", "PatientSex", "PatientType", "ClientVisit",
                                  "surgeon_id", "SurgeonID", "consultant_id", "clinician_id", "anaesthetist_code",
                                  "TherapistId", "AssessmentID", "SessionID", "Patient Visit ID"])
def test_a_patients_characteristic_or_another_persons_or_things_id_is_no_patient_id(name):
    # The second regression review: split from camel case, 'PatientAge' before 'StudyID' merged 16 patients into 6,
    # and a wide REDCap report's 'surgeon_id' took the patients' place (3 patients for 16).
    assert patient_id_rank(name, [name]) == 3


def test_a_one_row_per_patient_report_keeps_its_record_id_beside_a_surgeon_id():
    rows = ["record_id,surgeon_id,infusion_date,treatment,nrs_pre,nrs_d1,nrs_w4"] + [
        f"{i},S{i % 2 + 1},2024-02-{i + 1:02d},Ketamine,{5 + i % 4},{2 + i % 3},{4 + i % 3}" for i in range(1, 9)]
    from analysis.io.propose import inspect
    cols = {c.header: c.column.role for f in inspect({"report.csv": ("\n".join(rows) + "\n").encode()}).files
            for c in f.columns}
    assert cols["record_id"] == "patient_id"


@pytest.mark.parametrize("name", ["PtID", "AnonID", "ResearchID", "PseudoID", "ScreeningID", "StudyPatientID"])
def test_an_id_of_the_patient_by_another_word_in_camel_case_stays_a_candidate(name):
    # The fourth review: read by its unsplit name, 'AnonID' lost to a study number the same on every row (1 patient).
    assert patient_id_rank(name, [name]) == 2


@pytest.mark.parametrize("name", ["CourseID", "AdmissionID", "CycleID", "TxID", "AnesthesiologistID",
                                  "AttendingPhysicianID", "PhysiotherapistID", "RaterID", "ReferralID"])
def test_a_course_or_a_persons_id_in_camel_case_is_no_patient_id(name):
    assert patient_id_rank(name, [name]) == 3


# --------------------------------------------------------------------------------------------------
# A row counter beside a patient number that repeats (one row per treatment course)
# --------------------------------------------------------------------------------------------------

def _courses(counter: str, patient: str, courses=(2, 1, 1, 2, 1, 1, 1, 1, 2, 1)) -> dict:
    """Ten patients, 13 treatment courses (three patients with a second one): fewer than two rows per patient."""
    rows, row = [], 0
    for p, n in enumerate(courses):
        for c in range(n):
            row += 1
            rows.append(f"{row},{1001 + p},2024-{1 + 4 * c:02d}-{10 + p:02d},Ketamine,{7 - c}")
    return {"courses.csv": (f"{counter},{patient},Start date,Treatment,NRS\n" + "\n".join(rows) + "\n").encode()}


@pytest.mark.parametrize("counter", ["ID", "No.", "#", "Row", "S.No", "Sr No", "Serial"])
@pytest.mark.parametrize("patient", ["Patient Number", "Patient No", "Pt #"])
def test_a_row_counter_beside_a_repeating_patient_number_is_not_the_patient(counter, patient):
    # Before: the counter 'ID' (1 ... 13) was taken, and each course was a patient of its own.
    assert _patient_column(_courses(counter, patient))["courses.csv"] == [patient]


def test_the_rows_of_one_patient_are_read_as_one_patients():
    from analysis import load_files
    sheet = _courses("ID", "Patient Number")["courses.csv"].decode().replace(",Treatment", "").replace(",Ketamine", "")
    ds = load_files({"courses.csv": sheet.encode()})
    assert ds.assessments["patient_id"].nunique() == 10 and len(ds.assessments) == 13


@pytest.mark.parametrize("counter", ["ID", "No."])
def test_a_row_counter_beside_a_repeating_case_number_is_asked_about_not_taken(counter):
    # 'Case number' is a record number the identifier guard refuses: the counter is still no patient id.
    proposal = inspect(_courses(counter, "Case number"))
    assert [c.header for f in proposal.files for c in f.columns if c.column.role == "patient_id"] == []
    assert any("no column looks like the patient id" in r for r in proposal.review)


def test_in_a_sheet_of_one_row_per_patient_the_id_column_is_the_patient():
    assert _patient_column(_courses("ID", "Treatment course", courses=(1,) * 10))["courses.csv"] == ["ID"]
    assert _patient_column(_courses("ID", "Patient Number", courses=(1,) * 10))["courses.csv"] == ["Patient Number"]


def test_a_unique_id_beside_a_patient_column_of_initials_that_repeat_stays_the_patient():
    # Initials (no digits) that two patients share are no proof of a second course.
    rows = [f"{i},{ini},2024-03-{i:02d},Ketamine,{5 + i % 3}" for i, ini in
            enumerate(["JD", "AB", "JD", "MK", "LT", "AB", "RS", "PW"], start=1)]
    files = {"s.csv": ("ID,Patient,Start date,Treatment,NRS\n" + "\n".join(rows) + "\n").encode()}
    assert _patient_column(files)["s.csv"] == ["ID"]


def test_an_id_repeating_in_step_with_the_patient_number_leaves_the_patient_number_by_its_name():
    rows = [f"{10 + p},{1001 + p},2024-{1 + c:02d}-{10 + p:02d},Ketamine,{7 - c}" for p in range(6) for c in range(3)]
    files = {"s.csv": ("ID,Patient Number,Start date,Treatment,NRS\n" + "\n".join(rows) + "\n").encode()}
    assert _patient_column(files)["s.csv"] == ["Patient Number"]


@pytest.mark.parametrize("name", ["Pt #", "Pt No", "Pt. No.", "Patient #"])
def test_a_patient_number_written_with_pt_or_a_hash_says_patient(name):
    assert patient_id_rank(name, [name]) == 1


@pytest.mark.parametrize("name", ["#", "No.", "S.No", "Sr No", "Serial", "Row"])
def test_a_row_number_by_its_name_is_no_candidate(name):
    assert patient_id_rank(name, [name]) == 3


def test_a_row_counter_beside_a_patient_number_written_on_each_blocks_first_row_only_is_not_the_patient():
    # Before: the blank cells below each written number hid its repeats, and the counter was the patient.
    rows = [f"{3 * p + c + 1},{1001 + p if c == 0 else ''},2024-0{c + 1}-1{p},{7 - c}" for p in range(6) for c in range(3)]
    proposal = inspect({"s.csv": ("ID,Patient Number,Visit date,NRS\n" + "\n".join(rows) + "\n").encode()})
    assert [c.header for f in proposal.files for c in f.columns if c.column.role == "patient_id"] == ["Patient Number"]
    assert proposal.files[0].spec.fill_down == ("Patient Number",)


# --------------------------------------------------------------------------------------------------
# A coded id unique to each row is no row counter beside places on each clinic's list
# --------------------------------------------------------------------------------------------------

def _two_clinics(ids, patient: str) -> dict:
    """One row per patient, 12 at each of two clinics, each clinic's list numbered 1 ... 12."""
    rows = [f"{ids(12 * c + p)},{clinic},{p + 1},2024-0{1 + c}-{10 + p},Ketamine,{7 - p % 3},{3 + p % 2}"
            for c, clinic in enumerate(["North", "South"]) for p in range(12)]
    return {"courses.csv": (f"ID,Clinic,{patient},Infusion date,Drug,Pain pre,Pain post\n" + "\n".join(rows)
                            + "\n").encode()}


@pytest.mark.parametrize("patient", ["Pt #", "Patient Number"])
@pytest.mark.parametrize("code", ["CRPS-{:03d}", "P{:04d}", "S{:02d}X"])
def test_a_coded_study_id_beside_a_number_counting_each_clinics_list_from_1_is_the_patient(code, patient):
    # Before: the 'ID' was taken for a row counter, and the two clinics' patients 1 ... 12 were read as one (24 as 12).
    assert _patient_column(_two_clinics(lambda i: code.format(i + 1), patient))["courses.csv"] == ["ID"]


def test_the_two_clinics_patients_are_read_as_24_patients():
    from analysis import load_files
    ds = load_files(_two_clinics(lambda i: f"CRPS-{i + 1:03d}", "Pt #"))
    assert ds.assessments["patient_id"].nunique() == 24 and ds.treatments["patient_id"].nunique() == 24


def test_a_row_counter_beside_a_number_counting_each_clinics_list_from_1_is_still_no_patient():
    # The ID 1 ... 24 counts the rows: the patient-named column keeps it (sites: tests/analysis/test_patient_sites.py).
    assert _patient_column(_two_clinics(lambda i: str(i + 1), "Pt #"))["courses.csv"] == ["Pt #"]


@pytest.mark.parametrize("code", ["C-{:03d}", "R{:04d}"])
def test_a_coded_row_id_beside_a_repeating_patient_number_is_still_not_the_patient(code):
    # Patient numbers 1001 ... with a second course are no list's places: the coded course id is a row's.
    files = _courses("ID", "Patient Number")
    text = files["courses.csv"].decode().splitlines()
    rows = [code.format(int(r.split(",", 1)[0])) + "," + r.split(",", 1)[1] for r in text[1:]]
    files = {"courses.csv": ("\n".join([text[0], *rows]) + "\n").encode()}
    assert _patient_column(files)["courses.csv"] == ["Patient Number"]


def test_a_coded_entry_id_beside_a_long_files_repeating_patient_id_is_not_the_patient():
    rows = [f"E-{3 * p + c + 1:03d},P{p + 1:02d},2024-0{c + 1}-1{p},{7 - c}" for p in range(6) for c in range(3)]
    files = {"s.csv": ("ID,Patient ID,Visit date,NRS\n" + "\n".join(rows) + "\n").encode()}
    assert _patient_column(files)["s.csv"] == ["Patient ID"]


@pytest.mark.parametrize("values, counts", [
    (["1", "2", "3", "4"], True), (["000001", "000002", "000003"], True), (["5000", "5001", "5002"], True),
    (["3", "1", "4", "2"], True), (["CRPS-001", "CRPS-002", "CRPS-003"], False), (["P0001", "P0002", "P0003"], False),
    (["17", "4", "230", "9"], False), (["1.5", "2.5", "3.5"], False)])
def test_a_row_counter_by_its_values_is_whole_numbers_counting_the_rows(values, counts):
    import numpy as np
    from analysis.io.id_column import _counts_rows
    assert _counts_rows(np.array(values, dtype=object)) is counts


def test_a_column_holding_infinity_counts_no_rows_and_raises_no_warning():
    import numpy as np
    # found by the random-CSV property test in CI: 'inf' made numpy warn inside the row-counter rule
    import warnings
    from analysis.io.id_column import _counts_rows
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not _counts_rows(np.array(["1", "inf", "3"], dtype=object))
        assert _counts_rows(np.array(["1", "2", "3"], dtype=object))
