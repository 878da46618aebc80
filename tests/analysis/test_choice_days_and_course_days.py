"""What a time point is, where two readings are possible: a REDCap choice field's codes or its labels, an event
named within a treatment course, and a visits column beside a date of each visit.

Each case here loaded (or was asked about) one way before the time point words of 412bb9d/600a872/5304f09 and
another after them; the expected values are the earlier, right ones. docs/data-format.md, "Time points counted
from a date"; analysis/io/redcap.py (decode_time_points), analysis/io/counted_from.py (event_time_points),
analysis/io/visits.py (_unread_visits). Days by hand: week n = 7n, month n = round(n x 365.25 / 12) (month 3 =
91), a year = 12 months = 365.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import scores
from analysis import load_files
from analysis.errors import MappingError
from analysis.io.counted_from import read_time_points
from analysis.io.propose import inspect

DICT_HEADER = ("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
               "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number,"
               "Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),"
               "Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,"
               "Field Annotation\n")


def _field(name, form, ftype, label, choices="", validation="") -> str:
    return f"{name},{form},,{ftype},{label},\"{choices}\",,{validation},,,,,,,,,,\n"


# --- 1. A choice field mapped as the day: its labels, or its codes ---------------------------------------------

def _project(choices: str, codes: list, field: str = "fu_day", label: str = "Days since infusion",
             timepoint=None) -> tuple[dict, dict]:
    """Two records, the infusion date on every row, ``field`` a dropdown of ``choices``; the scores 8, 3, 5 (record
    1) and 7, 4 (record 2) in that order, at the codes ``codes``."""
    dictionary = (DICT_HEADER + _field("record_id", "visit", "text", "Record ID")
                  + _field("inf_date", "visit", "text", "Infusion date", validation="date_ymd")
                  + _field(field, "visit", "dropdown", label, choices)
                  + _field("nrs", "visit", "text", "Pain NRS (0-10)", validation="integer"))
    dates = ["2024-01-10"] * 3 + ["2024-01-17"] * 2
    rows = [f"record_id,inf_date,{field},nrs,visit_complete"] + [
        f"{p},{d},{c},{v},2" for p, d, c, v in zip("11122", dates, codes, (8, 3, 5, 7, 4))]
    files = {"P_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "P_DataDictionary_2024-05-01.csv": dictionary.encode()}
    mapping = {"crps_outcomes_mapping": 1, "source": "redcap", "files": [
        {"match": "*_DataDictionary_*.csv", "kind": "redcap_dictionary"},
        {"match": "*_DATA_*.csv", "redcap": "raw", "columns": {
            "record_id": "patient_id", "inf_date": {"role": "date", "treatment": "Infusion"},
            field: timepoint or {"role": "day", "counted_from": "inf_date"},
            "nrs": {"role": "measure", "measure": "pain_nrs"}}}]}
    return files, mapping


DAYS = {"1": [(0.0, 8), (7.0, 3), (28.0, 5)], "2": [(0.0, 7), (91.0, 4)]}


@pytest.mark.parametrize("choices", [
    # No label reads but 'Pre-infusion' (day 0, as its code): the codes 0, 7, 28, 91 are the days.
    "0, Pre-infusion | 7, One week | 28, One month | 91, Three months",
    # 'Day 0 (infusion)' does not read; the labels that do say the day of their code.
    "0, Day 0 (infusion) | 7, Day 7 | 28, Day 28 | 91, Day 91",
])
def test_codes_that_are_the_days_are_kept_when_the_labels_do_not_all_read(choices):
    """After 600a872 the codes were replaced by their labels: 'One week' (and 'Day 0 (infusion)') are no time
    point, so 3 of the 5 scores (the 2 baselines) were excluded. Before it, and again: the 5 scores on the days
    of their codes. ('One month' is kept as day 28, its code, not read as month 1 = day 30.)"""
    files, mapping = _project(choices, ["0", "7", "28", "0", "91"])
    ds = load_files(files, mapping=mapping)
    assert scores(ds) == DAYS
    assert ds.report.exclusions.empty


def test_labels_that_all_read_decide_over_the_codes():
    """Codes 1-4 number the choices: code 3 is 'Week 4', day 28 (read as its code it was day 3)."""
    files, mapping = _project("1, Baseline | 2, Week 1 | 3, Week 4 | 4, Month 3", ["1", "2", "3", "1", "4"],
                              field="fu_timepoint", label="Timepoint")
    assert scores(load_files(files, mapping=mapping)) == DAYS


def test_a_choice_label_that_is_never_written_does_not_keep_the_labels_from_deciding():
    """'Unscheduled' (code 99) is a choice no row holds: the time points written all read."""
    files, mapping = _project("1, Baseline | 2, Week 1 | 3, Week 4 | 4, Month 3 | 99, Unscheduled",
                              ["1", "2", "3", "1", "4"], field="fu_timepoint", label="Timepoint")
    assert scores(load_files(files, mapping=mapping)) == DAYS


@pytest.mark.parametrize("choices", [
    # Codes 1-4 number the choices; 'Pre-infusion' reads as day 0, not its code 1.
    "1, Pre-infusion | 2, One week | 3, One month | 4, Three months",
    # Codes 0-3 number the choices; nothing says they are days (the field is named 'Timepoint').
    "0, Pre-infusion | 1, One week | 2, One month | 3, Three months",
])
def test_codes_that_number_the_choices_beside_labels_that_do_not_read_are_a_point_to_review(choices):
    """Read by its codes, 'One week' would be day 1 (or 2): a wrong day that looks right; read by its labels the
    rows would be excluded. Refused, naming the field and how to say what each code is."""
    c = [x.split(",")[0].strip() for x in choices.split("|")]
    files, mapping = _project(choices, [c[0], c[1], c[2], c[0], c[3]], field="fu_timepoint", label="Timepoint")
    with pytest.raises(MappingError, match=r"'fu_timepoint' is mapped as the day, but its choices neither read as "
                                           r"time points \(not .*One week.*\) nor are the days themselves") as e:
        load_files(files, mapping=mapping)
    assert '"codes": {' in str(e.value) and e.value.column == "fu_timepoint"


def test_the_reviewed_codes_on_the_day_column_say_each_codes_time_point():
    """The way out the review names: "codes" on the day column, as the user reads them (code 3 'One month'
    written as 'Week 4': day 28; code 4 as 'Month 3': day 91)."""
    codes = {"1": "Baseline", "2": "Week 1", "3": "Week 4", "4": "Month 3"}
    files, mapping = _project("1, Pre-infusion | 2, One week | 3, One month | 4, Three months",
                              ["1", "2", "3", "1", "4"], field="fu_timepoint", label="Timepoint",
                              timepoint={"role": "day", "counted_from": "inf_date", "codes": codes})
    ds = load_files(files, mapping=mapping)
    assert scores(ds) == DAYS and ds.report.exclusions.empty


def test_a_field_named_for_days_keeps_codes_that_could_be_a_numbering():
    """Codes 0-3 of 'Days since infusion' ('Infusion day', 'Day after', ...): the name says they are days."""
    files, mapping = _project("0, Infusion day | 1, Day after | 2, Two days after | 3, Three days after",
                              ["0", "1", "2", "0", "3"])
    assert scores(load_files(files, mapping=mapping)) == {"1": [(0.0, 8), (1.0, 3), (2.0, 5)],
                                                          "2": [(0.0, 7), (3.0, 4)]}


# --- 2. Visit names beside a date of each visit ----------------------------------------------------------------

def test_visit_names_beside_each_visits_own_date_do_not_refuse_the_file():
    """'Date of first infusion' is the same on each patient's rows, but 'Visit date' dates each row: the visit
    names are labels. After 5304f09 this was refused ("every visit of a patient would fall on one day"). Days:
    P1 2024-01-10 -> 02-10 = 31, -> 03-10 = 31 + 29 (2024 is a leap year) = 60; P2 01-11 -> 02-12 = 20 + 12 = 32."""
    text = ("Patient ID,Date of first infusion,Visit date,Visit type,NRS\n"
            "P1,2024-01-10,2024-01-10,Infusion,7\nP1,2024-01-10,2024-02-10,Clinic follow-up,5\n"
            "P1,2024-01-10,2024-03-10,Phone call,4\nP2,2024-01-11,2024-01-11,Infusion,8\n"
            "P2,2024-01-11,2024-02-12,Clinic follow-up,6\n")
    files = {"a.csv": text.encode()}
    assert not any("names the visits" in r for r in inspect(files).review)
    ds = load_files(files)
    assert scores(ds) == {"P1": [(0.0, 7), (31.0, 5), (60.0, 4)], "P2": [(0.0, 8), (32.0, 6)]}


# --- 3. Events named within a treatment course; French 'an' ----------------------------------------------------

@pytest.mark.parametrize("event", [
    "infusion_day_1_arm_1", "infusion_day_5_arm_1", "treatment_day_3_arm_1", "infusion_week_1_arm_1",
    "session_2_day_1_arm_1", "booster_day_1_arm_1", "dose_1_day_2_arm_1", "cycle_2_day_1_arm_1",
    "Infusion Tag 2", "Behandlung Tag 3", "perfusion_jour_1", "tratamiento_dia_2", "behandeling_dag_1",
    # 'an' (French: year) is a unit after its number only:
    "an_1", "visit_an_1",
])
def test_no_time_point_is_read_within_a_treatment_course_or_before_an(event):
    """Day 1 of an infusion course is most often its first day, day 0: read as day 1 it is one day late. After
    412bb9d these read as days 1-5 (and 'an_1' as day 365); before it, and again, not read: an event holding
    scores that names no time point is a point to review."""
    assert np.isnan(read_time_points(np.array([event], dtype=object), events=True)[0]).all()


@pytest.mark.parametrize("event, day", [
    ("post_infusion_week_1_arm_1", 7.0), ("after_treatment_day_3_arm_1", 3.0), ("week_4_infusion_arm_1", 28.0),
    ("followup_week_4_arm_1", 28.0), ("1_an", 365.0), ("2_ans", 730.0), ("1 año", 365.0), ("año 1", 365.0),
])
def test_a_time_point_after_a_post_word_or_a_unit_after_its_number_still_reads(event, day):
    assert read_time_points(np.array([event], dtype=object), events=True)[0].tolist() == [day]


def test_redcap_events_named_for_the_days_of_an_infusion_course_are_asked_about():
    dictionary = (DICT_HEADER + _field("record_id", "visit", "text", "Record ID")
                  + _field("ket_given", "visit", "yesno", "Ketamine infusion given")
                  + _field("nrs", "visit", "text", "Pain NRS (0-10)", validation="integer"))
    rows = ["record_id,redcap_event_name,ket_given,nrs,visit_complete"] + [
        f"{p},infusion_day_{i}_arm_1,1,{8 - i},2" for p in "12" for i in range(1, 6)]
    files = {"P_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "P_DataDictionary_2024-05-01.csv": dictionary.encode()}
    assert any("'redcap_event_name' names the visits, but not when they were" in r for r in inspect(files).review)
    with pytest.raises(MappingError, match="names the visits, but not when they were"):
        load_files(files)


@pytest.mark.parametrize("choices, codes, field, label", [
    # visit numbers are no days, whatever the codes' steps
    ("1, Visit 1 | 2, Visit 2 | 5, Visit 5", ["1", "2", "5", "1", "5"], "fu_timepoint", "Timepoint"),
    ("2, T1 | 3, T2 | 5, T3", ["2", "3", "5", "2", "5"], "fu_timepoint", "Timepoint"),
    # a field named for days does not make a numbering from 1 days
    ("1, Screening | 2, Infusion | 3, Follow-up", ["1", "2", "3", "1", "3"], "study_day", "Study day")])
def test_codes_of_visit_numbers_or_of_a_numbering_from_1_are_no_days(choices, codes, field, label):
    files, mapping = _project(choices, codes, field=field, label=label)
    with pytest.raises(MappingError, match="is mapped as the day, but its choices neither read as time points"):
        load_files(files, mapping=mapping)


def test_an_unscheduled_choice_beside_time_points_is_excluded_not_day_99():
    """'99, Unscheduled' was read as day 99. The labels decide where they read (0, 7, 14); the unscheduled row is
    excluded with its reason."""
    files, mapping = _project("0, Baseline | 7, Week 1 | 14, Week 2 | 99, Unscheduled", ["0", "7", "99", "0", "14"])
    ds = load_files(files, mapping=mapping)
    assert scores(ds) == {"1": [(0.0, 8), (7.0, 3)], "2": [(0.0, 7), (14.0, 4)]}
    ex = ds.report.exclusions
    ex = ex[ex["column"] == "fu_day"]  # (the row's infusion date, written on every row, is listed as a repeat)
    assert ex["value"].tolist() == ["Unscheduled"] and ex["line"].tolist() == [4]


@pytest.mark.parametrize("choices, codes, days", [
    # labels that say their day beside a visit number: the codes agree, they are the days
    ("0, Visit 1 (baseline) | 7, Visit 2 (day 7) | 28, Visit 3 (day 28)", ["0", "7", "28", "0", "7"],
     {"1": [(0.0, 8), (7.0, 3), (28.0, 5)], "2": [(0.0, 7), (7.0, 4)]}),
    # codes that number nothing, with no day 0 either: days as written
    ("7, One week | 28, One month | 91, Three months", ["7", "28", "91", "7", "91"],
     {"1": [(7.0, 8), (28.0, 3), (91.0, 5)], "2": [(7.0, 7), (91.0, 4)]})])
def test_codes_that_are_days_are_read_as_days(choices, codes, days):
    files, mapping = _project(choices, codes, field="fu_timepoint", label="Timepoint")
    assert scores(load_files(files, mapping=mapping)) == days


def test_a_visit_numbered_choice_among_time_points_is_asked_not_dropped():
    """'3, Visit 3' beside 'Baseline' and 'Week 1' codes 1-3: the codes number the choices, the label says no day:
    refused (asked), not the Visit 3 rows dropped."""
    files, mapping = _project("1, Baseline | 2, Week 1 | 3, Visit 3", ["1", "2", "3", "1", "3"], field="fu_timepoint",
                              label="Timepoint")
    with pytest.raises(MappingError, match="is mapped as the day"):
        load_files(files, mapping=mapping)
