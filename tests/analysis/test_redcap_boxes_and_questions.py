"""REDCap exports as projects write them: checkboxes that are no score, boxes that are no item, the question
asked after a questionnaire's items, a record id of any name, answers numbered from 1, five delimiters, two
surveys' timestamps, a raw and a labels export side by side (analysis/io/redcap.py, analysis/io/column_words.py).
The expected values are worked out by hand from the rows below."""
from __future__ import annotations

import pytest

from analysis import load_files, summarize
from analysis.io.propose import inspect

DICT_HEADER = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, '
               'OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min",'
               '"Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?",'
               '"Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?",'
               '"Field Annotation"')
BASE_FIELDS = ["record_id,visit,,text,Record ID,,,,,,,,,,,,,",
               "visit_date,visit,,text,Visit date,,,date_ymd,,,,,,,,,,",
               "nrs,visit,,text,Pain score (0-10),,,integer,0,10,,,,,,,,"]
INFUSION = ["inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,"]


def _export(fields: list[str], rows: list[str]) -> dict[str, bytes]:
    return {"P_DATA_2024-06-01_1200.csv": ("\n".join(rows) + "\n").encode(),
            "P_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}


def _region_rows(box_99: str) -> list[str]:
    return [f"record_id,redcap_event_name,visit_date,nrs,regions___1,regions___2,regions___3,regions___4,{box_99},"
            "visit_complete,inf_date,infusion_complete",
            "1,baseline_arm_1,2024-03-01,8,1,1,0,0,0,2,,", "1,infusion_arm_1,,,0,0,0,0,0,,2024-03-04,2",
            "1,week_4_arm_1,2024-04-01,4,1,0,0,0,0,2,,",
            "2,baseline_arm_1,2024-03-10,6,0,0,1,1,0,2,,", "2,infusion_arm_1,,,0,0,0,0,0,,2024-03-11,2",
            "2,week_4_arm_1,2024-04-08,6,0,0,0,0,1,2,,"]


def _regions(ds) -> list:
    a = ds.assessments
    return a.loc[a["measure"] == "regions_affected", ["patient_id", "day", "value"]].values.tolist()


def test_a_checkbox_of_pain_qualities_is_no_pain_score():
    """'Pain quality' (Burning, Stabbing, ...) on the infusion form: its boxes ticked (2, 1) were read as the
    pain score on the infusion day, i.e. as each patient's baseline. Baselines are 8 and 6; at week 4, 4 and 3:
    both 50% relief, two responders of two."""
    fields = BASE_FIELDS + INFUSION + [
        'pain_quality,infusion,,checkbox,Pain quality today,"1, Burning | 2, Stabbing | 3, Throbbing | 4, Aching"'
        ",,,,,,,,,,,,"]
    rows = ["record_id,redcap_event_name,visit_date,nrs,visit_complete,inf_date,pain_quality___1,pain_quality___2,"
            "pain_quality___3,pain_quality___4,infusion_complete",
            "1,baseline_arm_1,2024-02-26,8,2,,0,0,0,0,", "1,infusion_arm_1,,,,2024-03-04,1,1,0,0,2",
            "1,week_4_arm_1,2024-04-01,4,2,,0,0,0,0,",
            "2,baseline_arm_1,2024-03-04,6,2,,0,0,0,0,", "2,infusion_arm_1,,,,2024-03-11,1,0,0,0,2",
            "2,week_4_arm_1,2024-04-08,3,2,,0,0,0,0,"]
    files = _export(fields, rows)
    p = inspect(files)
    # A quality of pain is no pain intensity (column_words.NOT_PAIN_INTENSITY): counted under its own name.
    boxes = {c.header: c.column for f in p.files for c in f.columns if c.header.startswith("pain_quality")}
    assert {(c.role, c.measure) for c in boxes.values()} == {("checkbox", "pain_quality")}
    ds = load_files(files)
    nrs = ds.assessments[ds.assessments["measure"] == "pain_nrs"].sort_values(["patient_id", "day"])
    assert nrs["value"].tolist() == [8.0, 4.0, 6.0, 3.0]
    assert sorted(ds.assessments.loc[ds.assessments["measure"] == "pain_quality", "value"]) == [1.0, 2.0]


def test_a_checkbox_whose_choices_are_body_parts_counts_the_regions():
    fields = BASE_FIELDS + INFUSION + [
        'pain_location,visit,,checkbox,Location of pain,"1, Left arm | 2, Right arm | 3, Left leg | 4, Right leg"'
        ",,,,,,,,,,,,"]
    rows = [r.replace("regions___", "pain_location___") for r in _region_rows("regions___5")]
    rows = [",".join(c for i, c in enumerate(r.split(",")) if i != 8) for r in rows]  # no fifth box here
    p = inspect(_export(fields, rows))
    assert any("names body parts" in n for n in p.notes)
    assert _regions(load_files(_export(fields, rows))) == [["1", -3.0, 2.0], ["1", 28.0, 1.0], ["2", -1.0, 2.0]]


def test_an_other_choice_beside_the_body_parts_is_one_region_more():
    """'Location of CRPS pain' with an 'Other' choice was counted under its own name (only a note said so).
    Ticked, 'Other' is one more region: record 2 at baseline ticks Left leg, Right leg and Other: 3; at week 4
    (2024-04-08, 28 days after the infusion) only Other: 1."""
    fields = BASE_FIELDS + INFUSION + [
        'pain_location,visit,,checkbox,Location of CRPS pain,"1, Left arm | 2, Right arm | 3, Left leg | 4, Right leg '
        '| 5, Other"' ",,,,,,,,,,,,"]
    rows = [r.replace("regions___", "pain_location___") for r in _region_rows("regions___5")]
    rows[4] = rows[4].replace("2024-03-10,6,0,0,1,1,0", "2024-03-10,6,0,0,1,1,1")
    assert _regions(load_files(_export(fields, rows))) == [["1", -3.0, 2.0], ["1", 28.0, 1.0], ["2", -1.0, 3.0],
                                                            ["2", 28.0, 1.0]]


def test_a_not_assessed_box_is_no_region_also_with_a_negative_code():
    """Record 2 at week 4 ticks only 'Not assessed': no count (was 1). REDCap writes the code -99 as
    ``regions____99``."""
    for code, column in (("99", "regions___99"), ("-99", "regions____99")):
        fields = BASE_FIELDS + [f'regions,visit,,checkbox,Regions affected,"1, Left arm | 2, Right arm | 3, Left leg | '
                                f'4, Right leg | {code}, Not assessed",,,,,,,,,,,,'] + INFUSION
        ds = load_files(_export(fields, _region_rows(column)))
        assert _regions(ds) == [["1", -3.0, 2.0], ["1", 28.0, 1.0], ["2", -1.0, 2.0]], code
        assert ds.report.exclusions.empty


def test_the_box_of_a_missing_data_code_is_no_region():
    fields = BASE_FIELDS + ['regions,visit,,checkbox,Regions affected,"1, Left arm | 2, Right arm | 3, Left leg | '
                            '4, Right leg",,,,,,,,,,,,'] + INFUSION
    assert _regions(load_files(_export(fields, _region_rows("regions___unk")))) == [
        ["1", -3.0, 2.0], ["1", 28.0, 1.0], ["2", -1.0, 2.0]]


def test_the_question_asked_after_the_phq9_items_is_not_part_of_the_score():
    """phq9_10 ('how difficult ...', 0-3) beside the nine items: the score is the sum of the nine (13 and 4;
    9 and 9); the difficulty answer is neither a PHQ-9 value nor a covariate."""
    answers = '"0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"'
    fields = BASE_FIELDS + [f"phq9_{i},visit,,radio,PHQ-9 item {i},{answers},,,,,,,,,,,," for i in range(1, 10)] + [
        'phq9_10,visit,,radio,"If you checked off any problems, how difficult have these problems made it for you...",'
        '"0, Not difficult at all | 1, Somewhat difficult | 2, Very difficult | 3, Extremely difficult",,,,,,,,,,,,'
    ] + INFUSION
    items = ",".join(f"phq9_{i}" for i in range(1, 11))
    rows = [f"record_id,redcap_event_name,visit_date,nrs,{items},visit_complete,inf_date,infusion_complete",
            "1,baseline_arm_1,2024-03-01,8,2,2,1,3,2,1,1,0,1,2,2,,", "1,week_4_arm_1,2024-04-01,4,1,1,0,1,1,0,0,0,0,1,2,,",
            "1,infusion_arm_1,,,,,,,,,,,,,,2024-03-04,2",
            "2,baseline_arm_1,2024-03-10,6,1,1,1,1,1,1,1,1,1,3,2,,", "2,week_4_arm_1,2024-04-08,6,1,1,1,1,1,1,1,1,1,0,2,,",
            "2,infusion_arm_1,,,,,,,,,,,,,,2024-03-11,2"]
    files = _export(fields, rows)
    p = inspect(files)
    assert not p.review
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"].sort_values(["patient_id", "day"])
    assert phq["value"].tolist() == [13.0, 4.0, 9.0, 9.0]
    assert ds.report.exclusions.empty and "phq9_10" not in ds.patients.columns
    assert summarize(ds) is not None


def test_a_classic_project_whose_record_id_has_another_name_is_read_as_redcap():
    """The dictionary's first field is the record id, whatever its name: 'participant_id' here. Read as a
    plain sheet, the infusion form's date gave no treatments."""
    fields = ["participant_id,baseline,,text,Participant ID,,,,,,,,,,,,,",
              "base_date,baseline,,text,Date of baseline visit,,,date_ymd,,,,,,,,,,",
              "base_nrs,baseline,,text,Pain score (0-10),,,integer,0,10,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
              "w4_date,week_4,,text,Date of week 4 visit,,,date_ymd,,,,,,,,,,",
              "w4_nrs,week_4,,text,Pain score (0-10),,,integer,0,10,,,,,,,,"]
    rows = ["participant_id,base_date,base_nrs,baseline_complete,inf_date,infusion_complete,w4_date,w4_nrs,"
            "week_4_complete",
            "P1,2024-03-01,8,2,2024-03-04,2,2024-04-01,4,2", "P2,2024-03-10,6,2,2024-03-11,2,2024-04-08,6,2"]
    files = _export(fields, rows)
    assert inspect(files).source == "redcap"
    ds = load_files(files)
    assert len(ds.treatments) == 2
    nrs = ds.assessments[ds.assessments["measure"] == "pain_nrs"].sort_values(["patient_id", "day"])
    assert nrs[["patient_id", "day", "value"]].values.tolist() == [["P1", -3.0, 8.0], ["P1", 28.0, 4.0],
                                                                   ["P2", -1.0, 6.0], ["P2", 28.0, 6.0]]


def test_phq9_items_whose_choices_redcap_numbered_from_1_are_read_as_their_answers():
    """'1, Not at all | 2, Several days | 3, More than half the days | 4, Nearly every day': the raw export
    writes 1-4, the items are 0-3 (the answers). Row 1: codes 3,3,2,4,3,2,2,1,2 = answers 2,2,1,3,2,1,1,0,1
    = 13; row 2: all 2 = answers all 1 = 9. phq9_10, the difficulty question coded 1-4 (4 = Extremely difficult),
    is no item."""
    answers = '"1, Not at all | 2, Several days | 3, More than half the days | 4, Nearly every day"'
    fields = BASE_FIELDS + [f"phq9_{i},visit,,radio,PHQ-9 item {i},{answers},,,,,,,,,,,," for i in range(1, 10)] + [
        'phq9_10,visit,,radio,"How difficult have these problems made it ...","1, Not difficult at all | 2, Somewhat '
        'difficult | 3, Very difficult | 4, Extremely difficult",,,,,,,,,,,,'] + INFUSION
    items = ",".join(f"phq9_{i}" for i in range(1, 11))
    rows = [f"record_id,redcap_event_name,visit_date,nrs,{items},visit_complete,inf_date,infusion_complete",
            "1,baseline_arm_1,2024-03-01,8,3,3,2,4,3,2,2,1,2,4,2,,", "1,infusion_arm_1,,,,,,,,,,,,,,2024-03-04,2",
            "2,baseline_arm_1,2024-03-10,6,2,2,2,2,2,2,2,2,2,1,2,,", "2,infusion_arm_1,,,,,,,,,,,,,,2024-03-11,2"]
    files = _export(fields, rows)
    assert not inspect(files).review
    phq = load_files(files).assessments
    assert phq.loc[phq["measure"] == "phq9"].sort_values("patient_id")["value"].tolist() == [13.0, 9.0]


def test_a_caret_separated_export_reads_as_the_comma_separated_one():
    """REDCap offers comma, tab, semicolon, pipe and caret as the export's delimiter."""
    fields = BASE_FIELDS + INFUSION
    rows = ["record_id,redcap_event_name,visit_date,nrs,visit_complete,inf_date,infusion_complete",
            "1,baseline_arm_1,2024-03-01,8,2,,", "1,infusion_arm_1,,,,2024-03-04,2", "1,week_4_arm_1,2024-04-01,4,2,,"]
    comma = load_files(_export(fields, rows)).assessments
    caret = load_files(_export(fields, [r.replace(",", "^") for r in rows])).assessments
    assert caret.values.tolist() == comma.values.tolist() and len(comma) == 2


def test_the_headerless_data_file_of_the_statistics_package_export_is_refused_saying_which_export_to_use():
    from analysis.errors import DatasetError
    files = {"CRPS_DATA_NOHDRS_2024-06-01_1200.csv": b"1,baseline_arm_1,2024-03-01,8,2,,\n1,week_4_arm_1,2024-04-01,4,2,,\n",
             "CRPS_STATA_2024-06-01_1200.do": b"insheet record_id redcap_event_name ..."}
    with pytest.raises(DatasetError, match="no header row.*CSV / Microsoft Excel \\(raw data\\)"):
        load_files(files)


def test_a_labels_export_with_two_surveys_names_each_timestamp_after_its_form():
    """Both surveys' timestamps are headed 'Survey Timestamp' in a labels export: named as the raw export
    names them (pain_baseline_timestamp, pain_week4_timestamp), each dates its own survey's score. By
    hand: record 1 at 2024-03-02 18:05 and 2024-04-01 09:12, infusion 2024-03-04."""
    fields = ["record_id,enrolment,,text,Record ID,,,,,,,,,,,,,",
              "nrs_base,pain_baseline,,text,Pain now (0-10),,,integer,0,10,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
              "nrs_w4,pain_week4,,text,Pain now (0-10),,,integer,0,10,,,,,,,,"]
    rows = ["Record ID,Complete?,Survey Timestamp,Pain now (0-10),Complete?,Infusion date,Complete?,Survey Timestamp,"
            "Pain now (0-10),Complete?",
            "1,Complete,2024-03-02 18:05:00,8,Complete,2024-03-04,Complete,2024-04-01 09:12:00,4,Complete",
            "2,Complete,2024-03-10 20:00:00,6,Complete,2024-03-11,Complete,2024-04-09 07:30:00,6,Complete"]
    files = {"S_DATA_LABELS_2024-06-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "S_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}
    ds = load_files(files)
    nrs = ds.assessments.sort_values(["patient_id", "day"])
    day = lambda d, h, m: d + (h * 60 + m) / 1440  # noqa: E731
    assert nrs["value"].tolist() == [8.0, 4.0, 6.0, 6.0]
    # The infusion has a date only: its follow-up counts in whole days (a survey on day 28 at 09:12 is day 28,
    # week 4: untimed_starts.whole_days_after); the baseline surveys keep their times.
    assert nrs["day"].tolist() == pytest.approx([day(-2, 18, 5), 28.0, day(-1, 20, 0), 29.0], abs=1e-6)


def test_a_raw_and_a_labels_export_of_one_project_together_are_a_point_to_review():
    fields = BASE_FIELDS + INFUSION
    raw = ["record_id,redcap_event_name,visit_date,nrs,visit_complete,inf_date,infusion_complete",
           "1,baseline_arm_1,2024-03-01,8,2,,", "1,infusion_arm_1,,,,2024-03-04,2"]
    labels = ["Record ID,Event Name,Visit date,Pain score (0-10),Complete?,Infusion date,Complete?",
              "1,Baseline (Arm 1: Arm 1),2024-03-01,8,Complete,,", "1,Infusion (Arm 1: Arm 1),,,,2024-03-04,Complete"]
    files = {**_export(fields, raw), "P_DATA_LABELS_2024-06-01_1201.csv": ("\n".join(labels) + "\n").encode()}
    assert any("look like two exports of the same data" in r for r in inspect(files).review)


def test_a_treatment_given_only_on_undated_rows_is_a_point_to_review():
    """The infusion form has the agent but no date field, on an event of its own: no administration could be
    placed in time (each would be excluded, and the load would only say 'add a treatments.csv')."""
    fields = BASE_FIELDS + ['inf_agent,infusion,,radio,Infusion agent,"1, Ketamine | 2, Lidocaine",,,,,,,,,,,,']
    rows = ["record_id,redcap_event_name,visit_date,nrs,visit_complete,inf_agent,infusion_complete",
            "1,baseline_arm_1,2024-03-03,8,2,,", "1,day_0_arm_1,,,,1,2", "1,week_4_arm_1,2024-04-01,5,2,,"]
    review = " ".join(inspect(_export(fields, rows)).review)
    assert "'inf_agent' (the treatment) is filled only on rows without a date" in review


# --- What the rules above must leave alone (found by a review of them) -------------------------------------

def test_phq_items_named_phq_1_to_9_are_still_summed_and_phq9_at_visits_still_read():
    """phq_1..phq_9 (no '9' after PHQ) are the PHQ-9's items: 2+1+3+2+1+2+1+2+1 = 15 and 6. PHQ9_0/3/12 beside
    dates of visits 0, 3 and 12 months are the score at each visit: PHQ9_12 (10, 13) is no 'question after
    the items'."""
    items = ("Patient,Visit date,Infusion date,NRS,phq_1,phq_2,phq_3,phq_4,phq_5,phq_6,phq_7,phq_8,phq_9\n"
             "A,2024-03-01,2024-03-04,8,2,1,3,2,1,2,1,2,1\nA,2024-04-01,,4,1,1,1,1,0,1,0,1,0\n")
    a = load_files({"s.csv": items.encode()}).assessments
    assert a.loc[a["measure"] == "phq9"].sort_values("day")["value"].tolist() == [15.0, 6.0]
    visits = ("Patient,Infusion date,Date_0,NRS_0,PHQ9_0,Date_3,NRS_3,PHQ9_3,Date_12,NRS_12,PHQ9_12\n"
              "W1,2024-01-08,2024-01-08,8,18,2024-04-08,4,12,2025-01-06,5,10\n"
              "W2,2024-01-15,2024-01-15,7,15,2024-04-15,6,14,2025-01-13,6,13\n")
    a = load_files({"reg.csv": visits.encode()}).assessments
    assert sorted(a.loc[a["measure"] == "phq9", "value"]) == [10.0, 12.0, 13.0, 14.0, 15.0, 18.0]


def _short_dictionary(rows: list[str]) -> bytes:
    head = ('Variable / Field Name,Form Name,Field Type,Field Label,"Choices, Calculations, OR Slider Labels",'
            'Text Validation Type OR Show Slider Number')
    return ("\n".join([head] + rows) + "\n").encode()


def test_a_finding_on_exam_by_body_part_is_not_added_to_the_regions():
    """'Allodynia on exam' (Left hand ... Right foot) says no where: counted under its own name, the regions
    stay those of the regions checkbox (patient 1: 2 then 1)."""
    parts = '"1, Left hand | 2, Right hand | 3, Left foot | 4, Right foot"'
    dictionary = _short_dictionary(["record_id,visit,text,Record ID,,", "visit_date,visit,text,Visit date,,date_ymd",
                                    "nrs,visit,text,Pain score (0-10),,integer",
                                    f"regions,visit,checkbox,Regions affected,{parts},",
                                    f"allodynia,visit,checkbox,Allodynia on exam,{parts},",
                                    "inf_date,visit,text,Infusion date,,date_ymd"])
    data = ("record_id,visit_date,nrs,regions___1,regions___2,regions___3,regions___4,allodynia___1,allodynia___2,"
            "allodynia___3,allodynia___4,inf_date,visit_complete\n1,2024-03-01,8,1,1,0,0,1,0,0,0,2024-03-04,2\n"
            "1,2024-04-01,4,1,0,0,0,0,0,0,0,,2\n")
    ds = load_files({"R_DATA_2024-06-01_1200.csv": data.encode(), "R_DataDictionary.csv": dictionary})
    assert _regions(ds) == [["1", -3.0, 2.0], ["1", 28.0, 1.0]]
    assert ds.assessments.loc[ds.assessments["measure"] == "allodynia", "value"].tolist() == [1.0]


def test_a_checkbox_of_the_crps_severity_score_counts_the_score():
    """The CSS is the number of its signs and symptoms present: 3 then 1."""
    dictionary = _short_dictionary([
        "record_id,visit,text,Record ID,,", "visit_date,visit,text,Visit date,,date_ymd",
        "nrs,visit,text,Pain score (0-10),,integer",
        'css_items,visit,checkbox,CRPS Severity Score (signs and symptoms present),"1, Allodynia | 2, Edema | '
        '3, Sweating | 4, Decreased range of motion",', "inf_date,visit,text,Infusion date,,date_ymd"])
    data = ("record_id,visit_date,nrs,css_items___1,css_items___2,css_items___3,css_items___4,inf_date,visit_complete\n"
            "1,2024-03-01,8,1,1,1,0,2024-03-04,2\n1,2024-04-01,4,1,0,0,0,,2\n")
    a = load_files({"C_DATA_2024-06-01_1200.csv": data.encode(), "C_DataDictionary.csv": dictionary}).assessments
    assert a.loc[a["measure"] == "css"].sort_values("day")["value"].tolist() == [3.0, 1.0]


def test_redcap_doses_are_never_read_with_thousands_separators():
    """A ';'-separated REDCap export of a number_3dp dose: 1.500 is 1.5 mg/kg, as 0.750 is 0.75."""
    dictionary = _short_dictionary(["record_id,infusion,text,Record ID,,", "inf_date,infusion,text,Infusion date,,date_ymd",
                                    "ket_dose,infusion,text,Ketamine dose (mg/kg),,number_3dp",
                                    "nrs_pre,infusion,text,Pain before infusion (0-10),,integer",
                                    "nrs_post,infusion,text,Pain after infusion (0-10),,integer"])
    data = ("record_id;inf_date;ket_dose;nrs_pre;nrs_post;infusion_complete\n1;2024-03-04;1.500;8;4;2\n"
            "2;2024-03-05;0.750;6;5;2\n")
    t = load_files({"K_DATA_2024-06-01_1200.csv": data.encode(), "K_DataDictionary.csv": dictionary}).treatments
    assert t.sort_values("patient_id")["dose"].tolist() == [1.5, 0.75]


def test_a_checkbox_of_treatments_given_reads_each_tick_as_an_administration_and_medications_do_not():
    """'Treatment given at this visit' (Ketamine infusion | Lidocaine infusion | Stellate ganglion block): a tick
    is an administration of its choice at the visit's date. 'Current medications' (Gabapentin, ...) is no
    treatment studied: counted under its own name, as before."""
    fields = BASE_FIELDS + [
        'tx_given,visit,,checkbox,Treatment given at this visit,"1, Ketamine infusion | 2, Lidocaine infusion | 3, '
        'Stellate ganglion block",,,,,,,,,,,,',
        'meds,visit,,checkbox,Current medications,"1, Gabapentin | 2, Pregabalin",,,,,,,,,,,,']
    rows = ["record_id,visit_date,nrs,tx_given___1,tx_given___2,tx_given___3,meds___1,meds___2,visit_complete",
            "1,2024-03-02,8,0,0,0,1,0,2", "1,2024-03-04,,1,0,0,1,0,2", "1,2024-04-01,4,0,0,0,1,1,2",
            "2,2024-03-09,6,0,0,0,0,0,2", "2,2024-03-11,,0,1,0,0,0,2", "2,2024-04-08,6,0,0,0,0,0,2"]
    ds = load_files(_export(fields, rows))
    t = ds.treatments.sort_values("patient_id")
    assert t[["patient_id", "day", "treatment"]].values.tolist() == [["1", 0.0, "Ketamine infusion"],
                                                                     ["2", 0.0, "Lidocaine infusion"]]
    assert set(ds.assessments["measure"].astype(str)) == {"pain_nrs", "meds"}


# --- Found by a second review: what the rules above must leave alone -------------------------------------------

def test_a_checkbox_of_treatments_tried_before_is_no_administration():
    """'Previous treatments tried' (Physiotherapy, Stellate ganglion block, Ketamine infusion) ticked at baseline:
    history, not treatments given: counted under its own name; the infusion form's date gives the course."""
    fields = BASE_FIELDS + [
        'prior_tx,visit,,checkbox,Previous treatments tried,"1, Physiotherapy | 2, Stellate ganglion block | 3, '
        'Ketamine infusion",,,,,,,,,,,,'] + INFUSION
    rows = ["record_id,redcap_event_name,visit_date,nrs,prior_tx___1,prior_tx___2,prior_tx___3,visit_complete,inf_date,"
            "infusion_complete", "1,baseline_arm_1,2024-03-01,8,1,1,0,2,,", "1,infusion_arm_1,,,,,,,2024-03-04,2",
            "1,week_4_arm_1,2024-04-01,4,0,0,0,2,,"]
    ds = load_files(_export(fields, rows))
    assert ds.treatments[["day", "treatment"]].values.tolist() == [[0.0, "Infusion"]]
    assert ds.assessments.loc[ds.assessments["measure"] == "prior_tx", "value"].tolist() == [2.0]


def test_an_iv_site_checkbox_is_not_added_to_the_regions():
    """'IV site' names where a cannula went (Left hand ...), no region with CRPS signs: regions stay 2."""
    parts = '"1, Left hand | 2, Right hand | 3, Left arm | 4, Right arm"'
    dictionary = _short_dictionary(["record_id,visit,text,Record ID,,", "visit_date,visit,text,Visit date,,date_ymd",
                                    "nrs,visit,text,Pain score (0-10),,integer",
                                    f"regions,visit,checkbox,Body regions with CRPS signs,{parts},",
                                    f"iv_site,visit,checkbox,IV site,{parts},",
                                    "inf_date,visit,text,Infusion date,,date_ymd"])
    data = ("record_id,visit_date,nrs,regions___1,regions___2,regions___3,regions___4,iv_site___1,iv_site___2,"
            "iv_site___3,iv_site___4,inf_date,visit_complete\n1,2024-03-04,8,1,1,0,0,0,1,0,0,2024-03-04,2\n")
    ds = load_files({"R_DATA_2024-06-01_1200.csv": data.encode(), "R_DataDictionary.csv": dictionary})
    assert _regions(ds) == [["1", 0.0, 2.0]]


def test_an_event_at_day_0_named_post_is_the_immediate_score():
    """day_0_post_arm_1: day 0, after the treatment (was: the baseline's twin, both excluded as conflicting)."""
    fields = BASE_FIELDS[:1] + BASE_FIELDS[2:] + ['ketamine_given,visit,,yesno,Ketamine infusion given,,,,,,,,,,,,,']
    rows = ["record_id,redcap_event_name,nrs,ketamine_given,visit_complete",
            "1,baseline_arm_1,8,,2", "1,day_0_arm_1,,1,2", "1,day_0_post_arm_1,3,,2", "1,month_3_arm_1,6,,2"]
    a = load_files(_export(fields, rows)).assessments.sort_values("day")
    assert a["value"].tolist() == [8.0, 3.0, 6.0]
    assert a["day"].tolist() == pytest.approx([0.0, 1 / 24, 91.0], abs=1e-6)
