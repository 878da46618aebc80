"""The names pain registries (ePPOC, CHOIR, PASTOR, UK PROMs) and practice software (WebPT, Jane, SimplePractice,
IntakeQ) give their columns: read by what they are, never as the 0-10 pain score when they are another scale.

Specification: analysis/io/column_words.py (measure_of, named_scale, split_camel), analysis/io/id_column.py,
analysis/io/score_columns.py; docs/data-format.md, "What the proposal decides by itself".
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.column_words import measure_of, named_scale, words
from analysis.io.id_column import patient_id_rank
from analysis.io.propose import inspect

_INFUSIONS = b"Patient ID,Date,Procedure\nA1,05/02/2024,Ketamine infusion\nA2,06/02/2024,Ketamine infusion\n"


def _proms(header: str, rows: list[str]) -> dict:
    return {"proms.csv": (header + "\n" + "\n".join(rows) + "\n").encode(), "ket.csv": _INFUSIONS}


def _roles(proposal) -> dict:
    return {c.header: (c.column.role, c.column.measure) for f in proposal.files for c in f.columns}


# 1. The EQ-5D: its pain dimension (levels 1-5) and its VAS (health today, 0-100) are no pain intensity.

@pytest.mark.parametrize("name", ["EQ-5D-5L Pain/Discomfort", "EQ5D Pain", "eq5d_pd", "Pain/Discomfort",
                                  "Pain / discomfort", "EQ-5D-3L Pain / Discomfort", "Dolor/Malestar"])
def test_the_eq5d_pain_discomfort_dimension_is_not_the_pain_score(name):
    assert measure_of(name) is None


@pytest.mark.parametrize("name", ["EQ VAS", "EQ-VAS", "eq_vas", "EQ-5D VAS"])
def test_the_eq_vas_is_health_today_and_never_the_pain_score(name):
    assert measure_of(name) == "eq_vas"  # the registry's own measure (higher is better), never pain_nrs
    assert "health today" in named_scale(name)


@pytest.mark.parametrize("name", ["EQ-5D-5L Mobility", "EQ-5D-5L Self-care", "EQ-5D-5L Usual activities",
                                  "EQ-5D-5L Anxiety/Depression", "EQ-5D-5L Index"])
def test_the_other_eq5d_dimensions_and_its_index_name_no_known_measure_but_say_what_they_are(name):
    assert measure_of(name) is None
    assert named_scale(name).startswith(("an EQ-5D dimension", "the EQ-5D index"))


def test_pain_discomfort_is_the_eq5d_dimension_unless_its_name_says_an_nrs():
    assert measure_of("Pain/Discomfort") is None
    assert measure_of("Pain/discomfort NRS") == "pain_nrs"


def test_a_uk_proms_file_of_eq5d_levels_and_the_eq_vas_gives_no_pain_score():
    """The reviewers' case: no pain score in the file at all; the Pain/Discomfort levels (4, 2) were read as the
    0-10 pain score and made "pain" responders, and the EQ VAS was proposed with the note "looks like pain_nrs".
    Now each is read under its own name, with a note saying what it is."""
    files = _proms("Patient ID,Questionnaire date,EQ-5D-5L Pain/Discomfort,EQ VAS",
                   ["A1,01/02/2024,4,40", "A1,01/03/2024,2,70", "A2,02/02/2024,5,35", "A2,02/03/2024,3,60"])
    proposal = inspect(files)
    roles = _roles(proposal)
    assert roles["EQ-5D-5L Pain/Discomfort"] == ("measure", "eq_5d_5l_pain_discomfort")
    assert roles["EQ VAS"] == ("measure", "eq_vas")
    assert not any("looks like pain_nrs" in n for n in proposal.notes)
    from analysis.measures import measure
    assert measure("eq_vas").known and not measure("eq_vas").lower_is_better  # the registry's EQ VAS: health today
    ds = load_files(files, date_format="DMY")
    assert "pain_nrs" not in set(ds.assessments["measure"])


def test_an_eq5d_pain_level_beside_a_bpi_pain_score_leaves_the_bpi_the_pain_score():
    """Both were read as pain_nrs and the proposal asked which one to keep; the EQ-5D level is no candidate."""
    files = _proms("Patient ID,Questionnaire date,BPI Average pain (0-10),EQ-5D-5L Pain/Discomfort",
                   ["A1,01/02/2024,8,4", "A1,01/03/2024,4,2", "A2,02/02/2024,7,5", "A2,02/03/2024,3,3"])
    proposal = inspect(files, date_format="DMY")
    assert proposal.review == []
    ds = load_files(files, date_format="DMY")
    assert sorted(ds.assessments.loc[ds.assessments["measure"] == "pain_nrs", "value"]) == [3, 4, 7, 8]


# 2. Camel case: 'BPIAveragePain', 'EpisodeID', 'PHQ9Total'.

@pytest.mark.parametrize("name,split", [("BPIAveragePain", "bpi average pain"), ("BPIPainNow", "bpi pain now"),
                                        ("BPIPain", "bpi pain"), ("PHQ9Total", "phq9 total"),
                                        ("EpisodeID", "episode id"), ("ClientId", "client id"),
                                        ("PatientID", "patient id"), ("NRSbaseline", "nrsbaseline"),
                                        ("BODYREGIONSUM", "bodyregionsum"), ("pain_score", "pain score")])
def test_camel_case_names_are_read_as_their_words_with_acronyms_kept_together(name, split):
    assert words(name) == split


@pytest.mark.parametrize("name", ["BPIAveragePain", "BPIPainNow", "BPIWorstPain", "PainScore"])
def test_camel_case_pain_names_name_the_pain_score(name):
    assert measure_of(name) == "pain_nrs"


def test_an_eppoc_extract_in_camel_case_reads_its_episode_id_as_an_identifier_and_the_pain_now():
    """ePPOC's 'EpisodeID' (an episode of care) was read as a measure 'episodeid', its BPI pain items as four
    measures of their own names; now the episode is no score and no patient, and of the BPI pain questions the
    pain now is read (as 'BPI Pain now' is: the others are worst, least and average pain)."""
    extract = ("EpisodeID,PatientID,CollectionOccasion,AssessmentDate,BPIWorstPain,BPILeastPain,BPIAveragePain,"
               "BPIPainNow\n"
               "41003,NSW26746,Referral,11/02/2024,8,5,6,8\n41003,NSW26746,Review,13/03/2024,8,4,6,6\n"
               "41005,NSW73660,Referral,05/01/2024,9,6,7,7\n41005,NSW73660,Review,20/02/2024,6,3,4,4\n")
    files = {"ePPOC_extract.csv": extract.encode(),
             "ketamine.csv": b"PatientID,Infusion date,Drug\nNSW26746,18/02/2024,Ketamine\nNSW73660,11/01/2024,Ketamine\n"}
    roles = _roles(inspect(files))
    assert roles["EpisodeID"][0] == "ignore"
    assert roles["PatientID"][0] == "patient_id"
    assert roles["BPIPainNow"] == ("measure", "pain_nrs")
    assert {roles[h][0] for h in ("BPIWorstPain", "BPILeastPain", "BPIAveragePain")} == {"ignore"}


# 3. NPRS, the physical therapists' numeric pain rating scale.

@pytest.mark.parametrize("name", ["NPRS", "NPRS Current", "NPRS Best", "NPRS Worst", "Pain (NPRS)", "nprs_now"])
def test_nprs_names_the_pain_score(name):
    assert measure_of(name) == "pain_nrs"


def test_a_webpt_visit_grid_reads_nprs_current_as_the_pain_now_as_it_reads_current_pain():
    grid = ("EMR Patient ID,Date of Service,Note Type,NPRS Current,NPRS Best,NPRS Worst\n"
            "40211,05/13/2024,Initial Evaluation,6,4,7\n40211,05/15/2024,Daily Note,5,3,7\n"
            "40212,05/14/2024,Initial Evaluation,8,6,9\n40212,05/16/2024,Daily Note,7,5,8\n")
    proposal = inspect({"Visits_Analysis_Grid.csv": grid.encode()})
    roles = _roles(proposal)
    assert roles["NPRS Current"] == ("measure", "pain_nrs")
    assert roles["NPRS Best"][0] == roles["NPRS Worst"][0] == "ignore"
    assert proposal.review == []


# 4. The patient of practice software: its client.

@pytest.mark.parametrize("name", ["Client", "ClientId", "Client ID", "client_id"])
def test_practice_softwares_client_is_a_candidate_after_the_patient_words(name):
    # Rank 2, as an id word: a payer's or an insurer's 'ClientId' before 'PatientId' merged 12 patients into 2.
    assert patient_id_rank(name, [name]) == 2
    assert patient_id_rank("PatientID", [name, "PatientID"]) == 1


def test_a_payers_client_id_before_the_patient_id_leaves_the_patient_id_the_patient():
    rows = [f"C{p % 2},P{p:03d},2024-01-{1 + p:02d},{'Ketamine' if d == 0 else ''},{6 - d}"
            for p in range(6) for d in (0, 1, 28 if p < 3 else 27)]
    data = ("ClientId,PatientId,Date,Treatment,Pain\n" + "\n".join(
        r.replace("2024-01-", "2024-02-") if r.endswith(",4") or r.endswith(",3") and False else r for r in rows)
        + "\n").encode()
    cols = {c.header: c.column.role for f in inspect({"visits.csv": data}).files for c in f.columns}
    assert cols["PatientId"] == "patient_id" and cols["ClientId"] != "patient_id"


@pytest.mark.parametrize("header,first", [("AssessmentID,StudyID", "A{v}")])
def test_a_row_or_assessment_counter_before_the_study_id_is_not_the_patient(header, first):
    rows = []
    n = 0
    for p in range(4):
        for v, d in enumerate((1, 2, 29)):
            n += 1
            rows.append(f"{first.format(n=n, v=p * 3 + v)},KET{p:03d},2024-03-{d:02d},{'Ketamine' if v == 0 else ''},"
                        f"{6 - v}")
    data = (f"{header},VisitDate,Treatment,Pain\n" + "\n".join(rows) + "\n").encode()
    cols = {c.header: c.column.role for f in inspect({"visits.csv": data}).files for c in f.columns}
    assert cols["StudyID"] == "patient_id"


@pytest.mark.parametrize("name", ["Pain/Discomfort (0-10)", "PROMIS-29 Pain Intensity (0-10)", "PROMIS Global07 Pain",
                                  "Pain Intensity (PROMIS, 0-10)", "PROMIS-29 Pain Intensity"])
def test_a_0_to_10_rating_named_with_discomfort_or_promis_is_the_pain_score(name):
    assert measure_of(name) == "pain_nrs"


@pytest.mark.parametrize("name", ["painDETECT", "PainDetectScore", "PainDETECT total"])
def test_the_paindetect_screen_is_not_the_pain_score(name):
    assert measure_of(name) != "pain_nrs"


@pytest.mark.parametrize("name", ["Client Name", "ClientName", "ClientEmail", "EpisodeID", "Episode ID"])
def test_a_clients_name_and_e_mail_and_an_episode_of_care_are_no_patient_id(name):
    assert patient_id_rank(name, [name, "Client"]) == 3


def test_an_intakeq_export_reads_its_client_id_as_the_patient_not_as_a_measure():
    """IntakeQ's 'ClientId' (10000, 10407) was read as a measure 'clientid' and the proposal found no patient."""
    responses = ("ClientName,ClientEmail,ClientId,Date Submitted,Rate your pain right now\n"
                 "Jane Doe,jane@example.com,10000,02/05/2024 08:45 AM,6\n"
                 "Jane Doe,jane@example.com,10000,02/12/2024 08:40 AM,4\n"
                 "John Roe,john@example.com,10407,02/05/2024 12:15 PM,8\n")
    proposal = inspect({"responses.csv": responses.encode()})
    assert [c.header for c in proposal.files[0].columns if c.column.role == "patient_id"] == ["ClientId"]


def test_a_simplepractice_export_reads_its_client_as_the_patient():
    measures = ('Client,Measure,Score,Completed On\nK1039,Pain NRS,7,"Feb 12, 2024 8:05 AM"\n'
                'K1039,Pain NRS,5,"Feb 19, 2024 8:05 AM"\nK1221,Pain NRS,6,"Feb 13, 2024 9:00 AM"\n')
    proposal = inspect({"measures_export.csv": measures.encode()})
    assert [c.header for c in proposal.files[0].columns if c.column.role == "patient_id"] == ["Client"]


# 5. A registry's count of painful body regions, beside the body map's flags.

@pytest.mark.parametrize("name", ["BODYREGIONSUM", "Body region sum", "Number of painful body regions",
                                  "Regions count", "Painful regions (n)", "BodyRegionSum"])
def test_a_count_of_body_regions_is_regions_affected(name):
    assert measure_of(name) == "regions_affected"


@pytest.mark.parametrize("name", ["Time Zone", "TimeZone", "time_zone"])
def test_a_time_zone_is_no_body_region(name):
    assert measure_of(name) is None


def test_a_choir_body_map_reads_its_region_sum_as_the_count_and_leaves_unread_the_flags_that_add_up_to_it():
    """CHOIR's body map: X101 ... (1 = painful region) and their sum BODYREGIONSUM. The sum was read as a measure
    'bodyregionsum' and each flag as a covariate, left empty (one excluded value per row) for every patient whose
    regions changed between surveys."""
    flags = [f"X{100 + i}" for i in range(1, 7)]
    rows = [("829921", "2024-04-09", [0, 1, 0, 0, 1, 1]), ("829921", "2024-05-15", [0, 1, 0, 0, 0, 1]),
            ("829921", "2024-07-06", [0, 0, 0, 0, 0, 1]), ("541129", "2024-04-10", [1, 1, 1, 0, 0, 0]),
            ("541129", "2024-05-20", [1, 0, 1, 0, 0, 0])]
    survey = "PATIENT_NUM,SURVEY_DATE," + ",".join(flags) + ",BODYREGIONSUM,PAIN_INTENSITY_AVERAGE\n" + "".join(
        f"{p},{d},{','.join(map(str, f))},{sum(f)},{6 - i}\n" for i, (p, d, f) in enumerate(rows))
    files = {"choir_bodymap_surveys.csv": survey.encode(),
             "ketamine_procedures.csv": b"PATIENT_NUM,PROC_DATE,PROC_NAME\n829921,2024-04-19,Ketamine infusion\n"
                                        b"541129,2024-04-20,Ketamine infusion\n"}
    proposal = inspect(files)
    roles = _roles(proposal)
    assert roles["BODYREGIONSUM"] == ("measure", "regions_affected")
    assert {roles[h][0] for h in flags} == {"ignore"}
    ds = load_files(files)
    regions = ds.assessments[ds.assessments["measure"] == "regions_affected"]
    assert sorted(regions["value"]) == [1, 2, 2, 3, 3]
    assert ds.report.exclusions.empty
    # Columns of 0 and 1 that do not add up to the count are something else (no flags of its regions).
    survey = ("Patient,Date,Smoker,Diabetes,Opioids,Body region sum\nP1,2024-01-01,1,0,1,3\nP1,2024-02-01,1,0,1,2\n"
              "P2,2024-01-02,0,1,0,4\nP2,2024-02-02,0,1,0,1\n")
    roles = _roles(inspect({"s.csv": survey.encode()}))
    assert roles["Body region sum"] == ("measure", "regions_affected")
    assert {roles[h][0] for h in ("Smoker", "Diabetes", "Opioids")} != {"ignore"}


# 6. PROMIS T-scores: 50 is the reference population's mean; neither the pain score nor a VAS.

@pytest.mark.parametrize("name", ["PROMIS Pain Intensity 3a T-score", "promis_pain_intensity_tscore",
                                  "PROMIS_PAIN_BEHAVIOR", "PROMIS Pain Intensity", "Pain intensity T-score"])
def test_a_promis_t_score_is_never_the_pain_score(name):
    assert measure_of(name) is None
    assert named_scale(name).startswith("a T-score")


def test_a_pastor_export_says_its_t_scores_are_t_scores_not_a_0_100_vas():
    export = ("Patient ID,Assessment Date,PROMIS Pain Intensity 3a T-score,PROMIS Depression T-score\n"
              "726521,4/4/2024,51.2,54.7\n726521,5/1/2024,55.3,54.6\n726522,4/5/2024,43.0,56.3\n"
              "726522,5/2/2024,60.1,50.2\n")
    proposal = inspect({"PASTOR_export.csv": export.encode()})
    roles = _roles(proposal)
    assert roles["PROMIS Pain Intensity 3a T-score"] == ("measure", "promis_pain_intensity_3a_t_score")
    note = next(n for n in proposal.notes if "PROMIS Pain Intensity 3a T-score" in n)
    assert "T-score" in note.split("is read as")[1] and "0-100 VAS" not in note and "looks like pain_nrs" not in note


def test_a_name_about_pain_that_is_no_pain_score_may_still_name_another_known_measure():
    """'PGIC pain improvement' was no measure at all: the pain word, not the intensity, ended the search; the
    measures named after the pain score (the PGIC, a registry's scale) are now looked for too."""
    assert measure_of("PGIC pain improvement") == "pgic"
    assert measure_of("Pain improvement") is None
