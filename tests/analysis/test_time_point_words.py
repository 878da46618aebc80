"""Time points as clinics write them: a visit word before the time point (REDCap's ``followup_week_4_arm_1``),
Spanish and Dutch words (``4 semanas``, ``3 maanden``, ``Basal``, ``Voor``), and a classic REDCap project whose
repeating follow-up form gives the time point while the infusion date is on the record's own row.

docs/data-format.md, "Clinic exports" and "Time points counted from a date"; analysis/io/counted_from.py,
analysis/io/visits.py, analysis/io/redcap.py. Days by hand: week n = 7n, month n = round(n x 365.25 / 12)
(month 1 = round(30.44) = 30, month 3 = round(91.31) = 91), a year = 12 months = round(365.25) = 365; a
baseline word is the date itself (day 0), before the treatment.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import scores
from analysis import load_files
from analysis.errors import MappingError
from analysis.io import redcap, visits
from analysis.io.counted_from import read_time_points
from analysis.io.propose import inspect
from analysis.io.tables import read_table

# The REDCap data dictionary as the project's "Download the Data Dictionary" writes it: all 18 columns.
DICT_HEADER = ("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
               "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number,"
               "Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),"
               "Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,"
               "Field Annotation\n")
DICTIONARY = "CRPSKet_DataDictionary_2024-05-01.csv"
RAW = "CRPSKet_DATA_2024-05-01_1200.csv"


def _field(name, form, ftype, label, choices="", validation="") -> str:
    return f"{name},{form},,{ftype},{label},\"{choices}\",,{validation},,,,,,,,,,\n"


# --- 1. A visit word before the time point -------------------------------------------------------------------

@pytest.mark.parametrize("event, day", [
    ("followup_week_1_arm_1", 7.0), ("followup_week_4_arm_1", 28.0), ("followup_month_3_arm_1", 91.0),
    ("fu_week_4_arm_1", 28.0), ("visit_week_2_arm_1", 14.0), ("post_infusion_week_1_arm_1", 7.0),
    ("fu_w4_arm_1", 28.0),
    # read before, and still:
    ("follow_up_1_month_arm_1", 30.0), ("week_4_followup_arm_1", 28.0), ("fu_3_months_arm_1", 91.0),
])
def test_a_visit_word_before_the_time_point_is_left_out(event, day):
    days, side = read_time_points(np.array([event], dtype=object), events=True)
    assert days.tolist() == [day] and side.tolist() == [0]


@pytest.mark.parametrize("event", ["followup_1_arm_1", "visit_1_arm_1", "infusion_2_arm_1", "fu_arm_1"])
def test_a_visit_number_without_a_unit_is_no_time_point(event):
    """``followup_1`` is the first follow-up, not day 1: it stays unread (and an event holding scores that
    names no time point is a point to review, test_time_points_without_dates.py)."""
    assert np.isnan(read_time_points(np.array([event], dtype=object), events=True)[0]).all()


PAIN = {"1": (8, 4, 5, 6), "2": (7, 3, 4, 5)}   # baseline, week 1, week 4, month 3
EVENTS = ["baseline_arm_1", "followup_week_1_arm_1", "followup_week_4_arm_1", "followup_month_3_arm_1"]


def _longitudinal() -> dict:
    """No date field; the infusion (yes/no) on the baseline event, the pain at every event."""
    dictionary = (DICT_HEADER + _field("record_id", "visit", "text", "Record ID")
                  + _field("ket_given", "visit", "yesno", "Ketamine infusion given")
                  + _field("nrs", "visit", "text", "Pain NRS (0-10)", validation="integer"))
    rows = ["record_id,redcap_event_name,ket_given,nrs,visit_complete"]
    for p, pain in PAIN.items():
        rows += [f"{p},{e},{'1' if i == 0 else ''},{v},2" for i, (e, v) in enumerate(zip(EVENTS, pain))]
    return {RAW: ("\n".join(rows) + "\n").encode(), DICTIONARY: dictionary.encode()}


def test_redcap_events_with_a_visit_word_before_the_time_point_are_the_days_since_the_treatment():
    """Before: refused with "'redcap_event_name' names the visits, but not when they were"."""
    files = _longitudinal()
    proposal = inspect(files)
    assert not proposal.review
    assert any("its events name time points" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds) == {"1": [(0.0, 8), (7.0, 4), (28.0, 5), (91.0, 6)],
                          "2": [(0.0, 7), (7.0, 3), (28.0, 4), (91.0, 5)]}
    assert ds.treatments["day"].tolist() == [0.0, 0.0]
    assert ds.report.exclusions.empty


def test_the_event_column_mapped_as_day_reads_every_follow_up():
    """Before: every follow-up excluded as "not a time point"."""
    files = _longitudinal()
    doc = inspect(files).spec.to_json()
    data = next(f for f in doc["files"] if f.get("kind", "data") == "data")
    assert data["columns"]["redcap_event_name"] == "day"
    ds = load_files(files, mapping=doc)
    assert len(ds.assessments) == 8 and ds.report.exclusions.empty


# --- 2. Spanish and Dutch ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, day, side", [
    ("Basal", 0.0, -1), ("1 semana", 7.0, 0), ("4 semanas", 28.0, 0), ("3 meses", 91.0, 0), ("14 días", 14.0, 0),
    ("1 año", 365.0, 0), ("Semana 4", 28.0, 0), ("Tras 4 semanas", 28.0, 0),
    ("Voor", 0.0, -1), ("1 week", 7.0, 0), ("4 weken", 28.0, 0), ("3 maanden", 91.0, 0), ("2 dagen", 2.0, 0),
    ("1 jaar", 365.0, 0), ("Maand 3", 91.0, 0), ("Dag 7", 7.0, 0), ("Na 4 weken", 28.0, 0), ("24 uur", 1.0, 0),
    ("12 months", 365.0, 0), ("1 year", 365.0, 0),
])
def test_spanish_and_dutch_time_points_read_as_days(cell, day, side):
    days, sides = read_time_points(np.array([cell], dtype=object), events=True)
    assert days.tolist() == [day] and sides.tolist() == [side]


@pytest.mark.parametrize("cell", ["3 meses", "4 weken", "1 año"])
def test_a_duration_in_a_column_not_named_for_the_visits_is_no_time_point(cell):
    """Outside the visits' column (events=False) only the research spellings read: a 'Duración' is no visit."""
    assert np.isnan(read_time_points(np.array([cell], dtype=object))[0]).all()


def _sheet(header: str, points: list) -> dict:
    rows = [header]
    for (p, pain), date in zip({"T1": (8, 4, 5, 6), "T2": (7, 3, 4, 5)}.items(), ("14/03/2024", "21/03/2024")):
        rows += [f"{p},{date},{tp},{v}" for tp, v in zip(points, pain)]
    return {"visitas.csv": ("\n".join(rows) + "\n").encode()}


@pytest.mark.parametrize("header, points, label", [
    ("Patient,Fecha infusión,Momento,NRS", ["Basal", "1 semana", "4 semanas", "3 meses"], "Infusión"),
    ("Patient,Fecha de perfusión,Momento,NRS", ["Basal", "1 semana", "4 semanas", "3 meses"], "Perfusión"),
    ("Patient,Datum infuus,Moment,NRS", ["Voor", "1 week", "4 weken", "3 maanden"], "Infuus"),
    ("Patient,Datum infuus,Meetmoment,NRS", ["Voor", "1 week", "4 weken", "3 maanden"], "Infuus"),
])
def test_a_spanish_or_dutch_sheet_counts_its_time_points_from_the_infusion_date(header, points, label):
    """Before: the time points ignored, every visit on the infusion date, and the load failed on "conflicting
    values"; the date was not taken as the treatment's either."""
    files = _sheet(header, points)
    proposal = inspect(files)
    assert not proposal.review
    date, column = header.split(",")[1:3]
    assert any(f"{column!r} counted from {date!r}" in n for n in proposal.notes)
    assert any(f"each date in {date!r} is read as an administration of {label!r}" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds) == {"T1": [(0.0, 8), (7.0, 4), (28.0, 5), (91.0, 6)],
                          "T2": [(0.0, 7), (7.0, 3), (28.0, 4), (91.0, 5)]}
    assert ds.treatments[["patient_id", "day", "treatment"]].values.tolist() == [["T1", 0.0, label], ["T2", 0.0, label]]
    # The baseline is before the infusion of its date: no warning about scores on a start day.
    assert not any("start day" in w for w in ds.report.warnings)


def test_a_visits_column_that_does_not_read_beside_one_date_per_patient_is_a_point_to_review_not_a_conflict():
    files = _sheet("Patient,Fecha infusión,Momento,NRS", ["Inicio", "Control uno", "Control dos", "Control tres"])
    review = inspect(files).review
    assert any("'Momento' names the visits ('Inicio', 'Control uno'" in r and "do not read as time points" in r
               and '"counted_from": "Fecha infusión"' in r for r in review), review
    with pytest.raises(MappingError, match="'Momento' names the visits"):
        load_files(files)


def test_visit_labels_beside_each_visits_own_date_are_not_asked_about():
    rows = ["Patient,Fecha,Visita,NRS", "T1,14/03/2024,Inicio,8", "T1,21/03/2024,Control,4",
            "T2,15/03/2024,Inicio,7", "T2,22/03/2024,Control,3"]
    files = {"v.csv": ("\n".join(rows) + "\n").encode()}
    assert not inspect(files).review
    assert scores(load_files(files))["T1"][1] == (7.0, 4)


# --- 3. A classic REDCap project: the date on the record's row, the time points on the instances' ----------

FOLLOWUP = """record_id,redcap_repeat_instrument,redcap_repeat_instance,inf_date,enrolment_complete,fu_timepoint,nrs,followup_complete
1,,,2024-01-10,2,,,
1,followup,1,,,1,8,2
1,followup,2,,,2,3,2
1,followup,3,,,3,5,2
2,,,2024-01-17,2,,,
2,followup,1,,,1,7,2
2,followup,2,,,3,4,2
"""
# fu_timepoint codes: 1 Baseline (day 0), 2 Week 1 (7), 3 Week 4 (28), 4 Month 3 (91).
EXPECTED = {"1": [(0.0, 8), (7.0, 3), (28.0, 5)], "2": [(0.0, 7), (28.0, 4)]}


def _classic(data: str = FOLLOWUP, labels: bool = False) -> dict:
    dictionary = (DICT_HEADER + _field("record_id", "enrolment", "text", "Record ID")
                  + _field("inf_date", "enrolment", "text", "Infusion date", validation="date_ymd")
                  + _field("fu_timepoint", "followup", "dropdown", "Timepoint",
                           "1, Baseline | 2, Week 1 | 3, Week 4 | 4, Month 3")
                  + _field("nrs", "followup", "text", "Pain NRS (0-10)", validation="integer"))
    name = "CRPSKet_DATA_LABELS_2024-05-01_1200.csv" if labels else RAW
    return {name: data.encode(), DICTIONARY: dictionary.encode()}


def _mapping(timepoint) -> dict:
    return {"crps_outcomes_mapping": 1, "source": "redcap", "files": [
        {"match": "*_DataDictionary_*.csv", "kind": "redcap_dictionary"},
        {"match": "*_DATA_*.csv", "redcap": "raw", "columns": {
            "record_id": "patient_id", "inf_date": {"role": "date", "treatment": "Infusion"},
            "fu_timepoint": timepoint, "nrs": {"role": "measure", "measure": "pain_nrs"}}}]}


def test_scores_of_a_repeating_form_without_a_date_are_a_point_to_review_naming_the_cause():
    """Before: nothing to review, fu_timepoint a covariate, then "No scores were read ... no column is mapped as a
    measure" although nrs was. The raw export's codes (1, 2, 3) say nothing by themselves: asked, not guessed."""
    files = _classic()
    review = inspect(files).review
    assert any("no row with a score has a date ('inf_date' is filled only on other rows" in r
               and "If 'fu_timepoint' gives their time points" in r and '"counted_from"' in r for r in review), review
    with pytest.raises(MappingError, match="no row with a score has a date"):
        load_files(files)


def test_the_reviewed_mapping_counts_each_instance_from_its_records_infusion_date():
    ds = load_files(_classic(), mapping=_mapping({"role": "day", "counted_from": "inf_date"}))
    assert scores(ds) == EXPECTED
    assert ds.treatments[["patient_id", "day"]].values.tolist() == [["1", 0.0], ["2", 0.0]]
    assert ds.report.exclusions.empty
    assert any("'inf_date' (5 row(s)), is written on each record's own row only" in n for n in ds.report.notes)


def test_a_choice_field_mapped_as_day_is_read_by_its_labels_never_its_codes():
    """Code 2 is 'Week 1' (day 7), code 3 'Week 4' (day 28): read as numbers they were days 2 and 3."""
    # Each follow-up row carries its record's date itself: nothing is taken from another row.
    data = FOLLOWUP.replace("1,followup,", "1,followup,@").replace("2,followup,", "2,followup,#")
    for mark, date in (("@", "2024-01-10"), ("#", "2024-01-17")):
        data = "\n".join(r.replace(mark, "").replace(",,,", f",{date},,", 1) if mark in r else r
                         for r in data.splitlines()) + "\n"
    ds = load_files(_classic(data), mapping=_mapping({"role": "day", "counted_from": "inf_date"}))
    assert scores(ds) == EXPECTED


def test_a_record_with_two_dates_on_its_own_rows_gives_its_instances_none():
    """Which date the instances count from is not certain: they keep none and are excluded, with the reason."""
    data = FOLLOWUP + "1,,,2024-02-01,2,,,\n"
    ds = load_files(_classic(data), mapping=_mapping({"role": "day", "counted_from": "inf_date"}))
    assert scores(ds) == {"2": EXPECTED["2"]}
    ex = ds.report.exclusions
    assert ex[["line", "column", "reason"]].values.tolist() == [
        [line, "nrs", "no date (or day) in this row for this value"] for line in (3, 4, 5)]


def test_a_labels_export_is_counted_from_the_records_date_by_itself():
    """The labels export writes the time points as words: the proposal is certain and says so."""
    data = ("Record ID,Repeat Instrument,Repeat Instance,Infusion date,Complete?,Timepoint,Pain NRS (0-10),Complete?\n"
            "1,,,2024-01-10,Complete,,,\n1,Followup,1,,,Baseline,8,Complete\n1,Followup,2,,,Week 1,3,Complete\n"
            "1,Followup,3,,,Week 4,5,Complete\n2,,,2024-01-17,Complete,,,\n2,Followup,1,,,Baseline,7,Complete\n"
            "2,Followup,2,,,Week 4,4,Complete\n")
    files = _classic(data, labels=True)
    proposal = inspect(files)
    assert not proposal.review
    assert any("the time points count from the record's 'inf_date'" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds) == EXPECTED and ds.report.exclusions.empty


def test_with_the_dictionary_the_raw_exports_time_point_field_is_proposed_counted_from_the_records_date():
    """visits.events_for_undated_scores given the dictionary's fields (propose.py does not pass them yet)."""
    files = _classic()
    fields = redcap.read_dictionary(read_table(DICTIONARY, files[DICTIONARY]))
    table = read_table(RAW, files[RAW])
    proposed = next(f for f in inspect(files).files if f.name == RAW)
    cols = dict(enumerate(proposed.columns))
    notes, review = [], []
    visits.events_for_undated_scores(cols, table, notes, review, fields)
    assert not review
    assert cols[5].column.role == "day" and cols[5].column.counted_from == "inf_date"
    assert any("the time points count from the record's 'inf_date'" in n for n in notes)
