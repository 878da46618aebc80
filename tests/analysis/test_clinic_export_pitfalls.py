"""Clinic exports with the pitfalls that gave wrong numbers or refusals (found by a fresh-eyes probe):
small invented exports in shapes not covered elsewhere, each with its expected numbers worked out by
hand (tests/analysis/clinic_export_pitfalls.py).

Definitions used for the hand calculations (docs/methods.md): the baseline is the last score with
start - 14 <= day <= start; immediate relief is 100 x (baseline - s) / baseline for the first score
s with start < day <= start + 2; a responder has relief >= 30%; week k is start + 7(k-1) < day <=
start + 7k. Wilson intervals are checked against statsmodels' ``proportion_confint``.

Tests marked xfail(strict=True) are defects not fixed yet; the reason names where the fix belongs.
"""
from __future__ import annotations

import numpy as np
import pytest

import clinic_export_pitfalls as probe
from clinic_checks import group, check_rate, columns, proposal_doc, relief
from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.plausibility import unmatched_id_warning
from analysis.io.propose import inspect
from analysis.summary import summarize


# --- Epic flowsheet with a "Taken Time" and a later "Recorded Time", and its MAR -----------------

# (baseline, pre, post, week-4 score) per patient; see probe.epic_two_times.
EPIC = {"001": (8, 8, 4, 6), "002": (7, 7, 5, 7), "003": (6, 6, 3, 3), "004": (9, 9, 9, 8),
        "005": (5, 5, 2, 5), "006": (8, 8, 6, 4), "007": (7, 7, 3, 6), "008": (10, 10, 6, 9)}


def epic_by_taken_time():
    """The proposal, reviewed: the scores are dated by the time they were taken."""
    files = probe.epic_two_times()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Value"] = {"role": "value", "time": "Taken Time"}
    return files, doc


def test_an_epic_flowsheet_dated_by_its_taken_time_gives_the_hand_computed_relief():
    # The pre-infusion score (taken 08:45) is the baseline, the 13:00 score the immediate one; "8/10"
    # reads as 8; three spellings of ketamine are one treatment; "Not Given" and ondansetron are not courses.
    files, doc = epic_by_taken_time()
    ds = load_files(files, mapping=doc)
    assert not [w for w in ds.report.warnings if "charted" in w]
    g = group(ds)
    assert g["group"] == {"treatment": "Ketamine infusion"} and g["patients"] == 8
    expected = [relief(pre, post) for _, pre, post, _ in EPIC.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))     # 38.839...
    check_rate(g["immediate_responder_rate"], sum(r >= 30 for r in expected), 8)        # 5 of 8
    check_rate(g["responder_rate_by_week"]["4"], sum(relief(pre, w4) >= 30 for _, pre, _, w4 in EPIC.values()), 8)
    reasons = ds.report.exclusions["reason"].astype(str)
    assert reasons.str.contains("action 'Not Given'").sum() == 1
    assert reasons.str.contains("ONDANSETRON").sum() == 1


def test_a_flowsheet_with_a_taken_and_a_recorded_time_is_not_silently_dated_by_the_charting_time():
    # Both were proposed as dates and each score dated by the first (Recorded Time): three pre-infusion scores
    # charted after the 09:00 start became immediate scores (32.1% instead of 38.8%).
    files = probe.epic_two_times()
    proposal = inspect(files)
    assert columns(files)[("flowsheet.csv", "Recorded Time")].role == "ignore"
    assert any("'Recorded Time' say when the rows were charted" in n for n in proposal.notes)
    assert group(load_files(files))["immediate_relief_pct"]["estimate"] == pytest.approx(38.839285714)


def test_a_second_date_column_mapped_ignore_is_not_refused_as_an_identifier():
    files = probe.epic_two_times()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Recorded Time"] = "ignore"
    ds = load_files(files, mapping=doc)      # was refused: 'Recorded Time' looked like calendar dates to keep
    assert not ds.report.dropped_identifier_columns


def test_scores_dated_by_a_charting_time_that_differs_from_another_date_column_are_warned_about():
    # As proposed, the scores are dated by 'Recorded Time' (immediate relief 32.1%, not 38.8%): the load says
    # which column dated them, that the other differs, and how to choose it.
    files = probe.epic_two_times()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Recorded Time"] = {"role": "date"}    # a mapping that dates by the charting time
    ds = load_files(files, mapping=doc)
    warning = [w for w in ds.report.warnings if "charted" in w]
    assert len(warning) == 1
    assert "dated by 'Recorded Time'" in warning[0] and "'Taken Time' differs from it in 24 of 40 rows" in warning[0]
    assert '"time": "Taken Time"' in warning[0]


def test_a_mar_dose_column_with_units_is_the_dose_not_a_covariate():
    # '0.5 mg/kg', '4 mg' made it a covariate (one value per patient), emptied by the ondansetron dose.
    assert columns(probe.epic_two_times())[("mar.csv", "Dose")].role == "dose"


def test_a_brand_name_of_ketamine_is_the_ketamine_treatment():
    # 'KETALAR 50 MG/ML INJ' matched no pattern ('ketamin'): that patient's course was excluded as a co-medication.
    files = probe.epic_two_times()
    files["mar.csv"] = files["mar.csv"].replace(b"002,ketamine (KETALAR) 50 mg/mL injection", b"002,KETALAR 50 MG/ML INJ")
    assert inspect(files).spec.courses.treatments["ketalar"] == "Ketamine infusion"
    ds = load_files(files, mapping=proposal_doc(files))
    assert len(ds.treatments) == 8


# --- A long sheet whose time is days since the infusion; 7, 7/10 and 6,5 -------------------------

DAYS = {"D1": (8, 8, 4, 5, 6), "D2": (7, 7, 5, 4.5, 7), "D3": (6, 6, 3, 3, 3), "D4": (9, 9, 6.5, 7, 8),
        "D5": (5, 5, 2, 2, 5), "D6": (10, 10, 6, 5, 9)}     # baseline d-3, before, after, day 1, day 27


def test_day_numbers_since_the_infusion_with_fractions_and_decimal_commas_give_the_hand_computed_relief():
    files = probe.days_since_infusion()
    doc = proposal_doc(files)
    doc["values"]["decimal_comma"] = True
    ds = load_files(files, mapping=doc)
    assert ds.report.exclusions.empty
    g = group(ds)
    expected = [relief(pre, post) for _, pre, post, _, _ in DAYS.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))     # 42.725...
    check_rate(g["immediate_responder_rate"], 4, 6)
    check_rate(g["responder_rate_by_week"]["4"], sum(relief(pre, d27) >= 30 for _, pre, _, _, d27 in DAYS.values()), 6)


def test_quoted_6_5_scores_are_proposed_as_decimals_and_without_decimal_comma_excluded_not_read_as_65():
    # The scores write decimals only with a comma ("6,5", quoted): the proposal reads them as decimals, the
    # same relief as the mapping above; told otherwise (decimal_comma false), they are excluded with the reason.
    files = probe.days_since_infusion()
    doc = proposal_doc(files)
    assert doc["files"][0]["decimal_comma"] is True
    g = group(load_files(files))
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(pre, post) for _, pre, post, _, _ in DAYS.values()]))
    doc["files"][0]["decimal_comma"] = False
    ds = load_files(files, mapping=doc)
    ex = ds.report.exclusions
    assert sorted(ex["value"].astype(str)) == ["4,5", "6,5"]
    assert ex["reason"].astype(str).str.contains("decimal comma").all()


# --- One row per patient, visits as column groups without their own dates -----------------------

def test_visit_columns_named_by_their_day_or_week_are_placed_at_that_offset_from_the_infusion():
    # The review advised keeping one of 'NRS day 1', 'NRS week 4', 'NRS week 12' and ignoring the others.
    files = probe.wide_visit_columns()
    assert not any("keep one as the measure" in r for r in inspect(files).review)
    ds = load_files(files)
    days = sorted(ds.assessments.loc[ds.assessments["patient_id"] == "W01", "day"])
    assert days[1:] == pytest.approx([1, 28, 84])


def test_the_visit_offsets_are_written_in_the_mapping_and_read_back():
    from analysis.io import spec as export_spec
    doc = proposal_doc(probe.wide_visit_columns())
    cols = doc["files"][0]["columns"]
    assert cols["NRS week 4"] == {"role": "measure", "measure": "pain_nrs", "offset_days": 28.0}
    assert cols["NRS baseline"] == {"role": "measure", "measure": "pain_nrs", "timing": "before_start"}
    assert export_spec.from_json(doc).to_json() == doc


@pytest.mark.parametrize("column", [{"role": "covariate", "name": "sex", "offset_days": 3},
                                    {"role": "measure", "measure": "pain_nrs", "offset_days": "28"},
                                    {"role": "measure", "measure": "pain_nrs", "offset_days": float("nan")},
                                    {"role": "measure", "measure": "pain_nrs", "offset_days": 10 ** 6}])
def test_an_offset_is_a_number_of_days_for_a_score_column_only(column):
    from analysis.errors import MappingError
    from analysis.io import spec as export_spec
    doc = proposal_doc(probe.wide_visit_columns())
    doc["files"][0]["columns"]["NRS week 4"] = column
    with pytest.raises(MappingError, match="offset_days"):
        export_spec.from_json(doc)


def test_a_mean_row_under_a_table_is_excluded_with_its_line():
    files = probe.wide_visit_columns()
    doc = proposal_doc(files)
    cols = doc["files"][0]["columns"]
    cols["NRS day 1"] = {"role": "measure", "measure": "pain_nrs", "timing": "after_start"}
    cols["NRS week 4"] = cols["NRS week 12"] = "ignore"
    ds = load_files(files, mapping=doc)
    assert sorted(ds.assessments["patient_id"].unique()) == [f"W0{i}" for i in range(1, 7)]
    ex = ds.report.exclusions
    assert set(ex["line"]) == {8} and ex["reason"].astype(str).str.contains("patient_id is missing").all()
    # Dates DD/MM/YY: W06's infusion on 15/04/24; its day-1 score counts as immediate (+1 h).
    g = group(ds)
    rows = [(8, 4), (6, 3), (7, 7), (5, 2), (9, 5), (10, 6)]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(b, d1) for b, d1 in rows]))


# --- Ids with leading zeros in one file and not in the other --------------------------------------

def test_ids_that_lost_their_leading_zeros_in_one_file_are_warned_about():
    # Excel opened scores.csv and saved 007 as 7: three patients are silently two each (scores without a
    # course, a course without scores), and summarize used 3 of 6 episodes.
    ds = load_files(probe.leading_zero_ids())
    warning = [w for w in ds.report.warnings if "leading zeros" in w]
    assert len(warning) == 1
    assert "3 patient id(s)" in warning[0] and "'7' and '007'" in warning[0]


def test_ids_written_the_same_way_in_every_file_give_no_such_warning():
    files = probe.leading_zero_ids()
    files["scores.csv"] = files["scores.csv"].replace(b"\n7,", b"\n007,").replace(b"\n15,", b"\n015,") \
        .replace(b"\n33,", b"\n033,")
    ds = load_files(files)
    assert not [w for w in ds.report.warnings if "leading zeros" in w]
    g = group(ds)
    assert g["episodes_used"] == 6
    check_rate(g["immediate_responder_rate"], 6, 6)      # 8 -> 4 the day after each infusion: 50%


@pytest.mark.parametrize("scored, treated, pairs", [
    (["7", "12"], ["007", "12"], ["'7' and '007'"]),
    (["k001", "K002"], ["K001", "K002"], ["'k001' and 'K001'"]),
    (["0"], ["000"], ["'0' and '000'"]),
    (["7.0", "12.0"], ["7", "12"], ["'7.0' and '7'", "'12.0' and '12'"]),   # ids saved as decimals
    (["A7"], ["A07"], []),                      # not all digits: A7 and A07 may be two patients
    (["KP-007", "kp 012", "KP.3"], ["KP007", "KP_012", "KP/3"],   # separators of a hand-kept log
     ["'KP-007' and 'KP007'", "'kp 012' and 'KP_012'", "'KP.3' and 'KP/3'"]),
    (["12-3"], ["0123"], ["'12-3' and '0123'"]),  # digits once the separator is gone: leading zeros too
    (["7", "007"], ["007"], []),                # both ids have scores: nothing is unmatched
])
def test_unmatched_id_warning_pairs_ids_that_differ_only_by_leading_zeros_case_or_spaces(scored, treated, pairs):
    out = unmatched_id_warning(np.array(scored, dtype=object), np.array(treated, dtype=object))
    assert len(out) == (1 if pairs else 0)
    for p in pairs:
        assert p in out[0]


# --- A physical-therapy log: one row per session ---------------------------------------------------

def test_a_physical_therapy_log_is_one_course_per_patient_with_the_first_sessions_scores():
    # Sessions twice a week for three weeks are one course (gap <= 7 days); the baseline is the pain before
    # the first session (7) and the immediate score the pain after it (5): 28.6% for each of 3 patients.
    files = probe.pt_sessions()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Session no."] = "ignore"
    ds = load_files(files, mapping=doc)
    assert len(ds.treatments) == 3
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(relief(7, 5))
    check_rate(g["immediate_responder_rate"], 0, 3)
    assert not [w for w in ds.report.warnings if "without a time of day" in w]


def test_a_session_number_column_is_not_a_score():
    # It was the measure 'session_no' (numbers that change over time) and raised the start-day warning.
    assert columns(probe.pt_sessions())[("pt_log.csv", "Session no.")].role == "ignore"


# --- A classic REDCap project exported with month-first dates --------------------------------------

def test_a_classic_redcap_project_with_month_first_dates_and_seconds_gives_the_hand_computed_relief():
    # No events; repeating instruments infusion (pre/post) and pain_diary (datetime_seconds_ymd written as
    # MM/DD/YYYY HH:MM:SS because the export dialog asked for MM/DD/YYYY).
    ds = load_files(probe.redcap_classic_mdy())
    assert ds.report.exclusions.empty
    g = group(ds)
    pre_post = [(8, 4), (6, 5), (7, 3), (9, 6), (5, 5), (10, 7)]
    day25 = [6, 6, 4, 5, 5, 6]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(a, b) for a, b in pre_post]))
    check_rate(g["immediate_responder_rate"], 4, 6)       # 30.0% (10 -> 7) counts
    check_rate(g["responder_rate_by_week"]["4"], sum(relief(a, s) >= 30 for (a, _), s in zip(pre_post, day25)), 6)
    diary = ds.assessments[(ds.assessments["patient_id"] == "1")].sort_values("day")["day"].tolist()
    # Infusion 03/04/2024 09:00; diary 03/05/2024 14:30:15 and 03/29/2024 11:00:42: each the day's only score,
    # counted in whole days after the start (docs/data-format.md, "Dates and times in clinic exports").
    assert diary[-2:] == pytest.approx([1.0, 25.0])


# --- Dates with month names -----------------------------------------------------------------------

def test_dates_with_month_names_load_and_give_the_hand_computed_relief():
    # Before: 'Date' was "text, not a score" and the load refused ("no date or day column is mapped").
    files = probe.month_name_dates()
    cols = columns(files)
    assert cols[("scores.csv", "Date")].role == "date" and cols[("infusions.csv", "ADMIN_DTTM")].role == "date"
    ds = load_files(files)
    assert ds.report.exclusions.empty
    m2 = ds.assessments[ds.assessments["patient_id"] == "M2"].sort_values("day")["day"].tolist()
    # Infusion 14-MAR-2024 10:30; scores on 12 Mar, 15 Mar and 8 Apr (date only: 00:00).
    assert m2 == pytest.approx([-2 - 10.5 / 24, 1 - 10.5 / 24, 25 - 10.5 / 24])
    g = group(ds)
    # Baselines 8, 6, 9 (the last score before the start); immediate 4, 3, 8; week 4 (21, 28]: 6, 3, -.
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([50, 50, relief(9, 8)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 2)


@pytest.mark.parametrize("text, expected", [
    ("4-Mar-24", "2024-03-04T00:00"), ("04-MAR-2024 09:00", "2024-03-04T09:00"), ("4 Mar 2024", "2024-03-04T00:00"),
    ("4. März 2024", "2024-03-04T00:00"), ("04MAR2024", "2024-03-04T00:00"), ("Mar 4, 2024", "2024-03-04T00:00"),
    ("March 4 2024 2:30 PM", "2024-03-04T14:30"), ("4 mars 2024", "2024-03-04T00:00"),
    ("4-déc-23", "2023-12-04T00:00"), ("4 okt. 2024", "2024-10-04T00:00"), ("29-Feb-24", "2024-02-29T00:00"),
    ("4-Mar-69", "1969-03-04T00:00"),
])
def test_a_date_with_a_month_name_reads_the_same_under_every_order(text, expected):
    from analysis.io.dates import parse_datetimes
    for order in ("DMY", "MDY", "YMD"):
        ns, missing, bad, _ = parse_datetimes([text], order)
        assert not bad[0] and not missing[0]
        assert np.datetime64(int(ns[0]), "ns") == np.datetime64(expected)


@pytest.mark.parametrize("text", ["29-Feb-23", "4-Foo-24", "4-Mar/24", "4 Mar", "Mar 2024", "4-Mar-2024x"])
def test_an_impossible_or_incomplete_month_name_date_is_not_a_date(text):
    from analysis.io.dates import parse_datetimes
    assert parse_datetimes([text], "DMY")[2][0]


def test_month_name_dates_beside_numeric_ones_take_the_columns_order_and_never_decide_it():
    from analysis.io.dates import detect_date_format
    assert detect_date_format(["4-Mar-24", "13/03/2024"]).order == "DMY"
    assert detect_date_format(["4-Mar-24", "03/04/2024"]).candidates == ("DMY", "MDY")
    only_names = detect_date_format(["4-Mar-24", "05-MAR-2024 14:30"])
    assert only_names.order is not None and "month-name dates" in only_names.describe()


def test_a_date_of_birth_column_is_never_proposed_as_the_date_of_the_scores_or_treatments():
    files = {"s.csv": b"Patient,DOB,Date,Treatment,NRS\nM1,12/05/1960,03/01/2024,,8\nM1,12/05/1960,03/04/2024,Ketamine,\n"
                      b"M1,12/05/1960,03/05/2024,,4\nM2,13/07/1971,12/03/2024,,6\nM2,13/07/1971,14/03/2024,Ketamine,\n"}
    # It was proposed as a date and the treatment 'dated by' it; the guard then refused the load.
    cols = columns(files)
    assert cols[("s.csv", "DOB")].role == "ignore" and cols[("s.csv", "Treatment")].time != "DOB"


# --- Pain scores charted as words ---------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("7 of 10", 7), ("7 out of 10", 7), ("7 OUT OF 10", 7), ("6.5 of 10", 6.5),
                                         ("7 von 10", 7), ("7 sur 10", 7), ("7 de 10", 7), ("0 of 10", 0)])
def test_a_fraction_written_in_words_reads_like_7_slash_10(text, value):
    from analysis.io.values import ValueRules, parse_values
    r = parse_values(np.array([text], dtype=object), ValueRules(), scale_max=10)
    assert r.reason[0] == "" and r.value[0] == value


@pytest.mark.parametrize("text, reason", [("7 of 5", "denominator is not the scale maximum"),
                                          ("12 out of 10", "above its denominator"),
                                          ("7of10", "text answer"), ("7 of ten", "text answer")])
def test_a_fraction_in_words_follows_the_fraction_rules(text, reason):
    from analysis.io.values import ValueRules, parse_values
    r = parse_values(np.array([text], dtype=object), ValueRules(), scale_max=10)
    assert reason in r.reason[0]
    excluded = parse_values(np.array(["7 of 10"], dtype=object), ValueRules(fractions=False), scale_max=10)
    assert "the value rules exclude fractions" in excluded.reason[0]


# --- Excel's time-only cells on its day zero -------------------------------------------------------

def test_times_written_on_excels_day_zero_are_the_time_of_the_date_column():
    # Before: 'Time' (1899-12-30 09:00:00) was a second date column, every score was dated by 'Date' at
    # 00:00 and the load was refused for "conflicting values for the same patient, day and measure".
    files = probe.excel_day_zero_times()
    col = columns(files)[("sheet.csv", "Time")]
    assert col.role == "time" and col.date == "Date"
    ds = load_files(files)
    assert ds.report.exclusions.empty
    x2 = ds.assessments[ds.assessments["patient_id"] == "X2"].sort_values("day")["day"].tolist()
    assert x2 == pytest.approx([-1.5 / 24, 4.5 / 24])         # 08:00 and 14:00 around a 09:30 start
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([50, 50, relief(9, 7)]))
    check_rate(g["immediate_responder_rate"], 2, 3)


@pytest.mark.parametrize("text, hours", [("1899-12-30 09:30:00", 9.5), ("12/30/1899 2:30 PM", 14.5),
                                         ("30.12.1899 00:00", 0.0), ("1899-12-30T17:05", 17 + 5 / 60)])
def test_a_time_on_excels_day_zero_is_a_time_and_not_a_date(text, hours):
    from analysis.io.dates import detect_date_format, parse_times
    ns, missing, bad = parse_times([text])
    assert not bad[0] and ns[0] == pytest.approx(hours * 3600e9)
    assert detect_date_format([text]).n_unparsed == 1


def test_other_dates_of_1899_stay_dates():
    from analysis.io.dates import parse_datetimes
    assert not parse_datetimes(["1899-12-29 09:30:00"], "YMD")[2][0]
    assert parse_datetimes(["1899-12-30 09:30:00"], "YMD")[2][0]


def test_the_classic_redcap_project_as_a_labels_export_gives_the_same_summary_as_the_raw_export():
    raw = summarize(load_files(probe.redcap_classic_mdy()), Definitions(), models=False).to_dict()
    labels = summarize(load_files(probe.redcap_classic_mdy_labels()), Definitions(), models=False).to_dict()
    assert labels == raw


# --- Visits named by a time point instead of a date ----------------------------------------------

def test_a_timepoint_column_such_as_d0_d1_w4_gives_the_days():
    # It was proposed 'ignore' and the load refused: 'no date or day column is mapped'.
    files = {"sheet.csv": b"Patient,Timepoint,Treatment,NRS\nT1,D-7,,8\nT1,D0,Ketamine,\nT1,D1,,4\nT1,W4,,6\n"
                          b"T2,D-7,,6\nT2,D0,Ketamine,\nT2,D1,,3\nT2,W4,,5\n"}
    ds = load_files(files)
    assert sorted(ds.assessments.loc[ds.assessments["patient_id"] == "T1", "day"]) == [-7, 1, 28]


@pytest.mark.parametrize("text, day", [("D-7", -7), ("D0", 0), ("Day 1", 1), ("J7", 7), ("W4", 28), ("Wk 12", 84),
                                       ("Woche 4", 28), ("semaine 4", 28), ("M3", 91), ("M12", 365)])
def test_time_points_stand_for_their_days(text, day):
    from analysis.io.values import timepoint_days
    assert timepoint_days(np.array([text], dtype=object))[0] == day


@pytest.mark.parametrize("text", ["T1", "S4", "Visit 2", "baseline", "D", "4"])
def test_texts_that_are_not_time_points_stand_for_no_day(text):
    from analysis.io.values import timepoint_days
    assert np.isnan(timepoint_days(np.array([text], dtype=object))[0])


# --- Dates a spreadsheet program converted with day and month swapped ------------------------------

def test_dates_swapped_by_a_spreadsheet_program_are_warned_about():
    # Read as written, S1's baseline (2 March, written 2024-02-03) is 29 days before the infusion: 2 of 3
    # episodes had no baseline and the immediate relief was 50% of n = 1 instead of 33% of n = 3.
    ds = load_files(probe.excel_swapped_dates())
    warning = [w for w in ds.report.warnings if "swapped" in w]
    assert len(warning) == 1
    assert "'Date'" in warning[0] and "6 year-first dates" in warning[0] and "3 other dates" in warning[0]
    assert "2024-02-03" not in warning[0]          # dates are identifiers: counts only


@pytest.mark.parametrize("values", [
    ["2024-03-04 00:00:00", "2024-03-05 00:00:00"],                     # all year-first
    ["2024-03-04 00:00:00", "2024-03-05 00:00:00", "31/02/2024"],       # a typo left as text
    ["2024-03-14 00:00:00", "2024-03-05 00:00:00", "13/03/2024"],       # a year-first day above 12
    ["2024-03-04 00:00:00", "2024-03-05 00:00:00", "01/03/2024"],       # the other date reads both ways
    ["2024-03-04 00:00:00", "13/03/2024"],                              # one year-first date is no mark
])
def test_no_swap_warning_without_the_whole_mark(values):
    from analysis.io.dates import swapped_by_a_spreadsheet
    assert swapped_by_a_spreadsheet(values) is None


def test_the_mirror_case_month_first_text_opened_day_first_has_the_mark():
    from analysis.io.dates import swapped_by_a_spreadsheet
    assert swapped_by_a_spreadsheet(["2024-04-03", "2024-05-03", "03/13/2024", "03/14/2024"]) == (2, 2)


# --- A patient id written once per patient ---------------------------------------------------------

FILLED_ONCE = ("Patient;Datum;Behandlung;NRS\nK01;01.03.2024;;8\n;04.03.2024;Ketamin;\n;05.03.2024;;4\n"
               "K02;10.03.2024;;6\n;12.03.2024;Ketamin;\n;13.03.2024;;3\nK03;15.03.2024;;9\n;18.03.2024;Ketamin;\n"
               ";19.03.2024;;7\n")


def test_a_patient_id_written_once_per_patient_is_warned_about_with_how_to_fill_it_down():
    # A mapping without fill_down (written before the option, or with it unticked): the rows are excluded and
    # the load says why and how to fill the id down.
    doc = proposal_doc({"sheet.csv": FILLED_ONCE.encode()})
    del doc["files"][0]["fill_down"]
    ds = load_files({"sheet.csv": FILLED_ONCE.encode()}, mapping=doc)
    warning = [w for w in ds.report.warnings if "written once per patient" in w]
    assert len(warning) == 1 and "6 row(s)" in warning[0] and "3 ids" in warning[0]
    assert '"fill_down": ["Patient"]' in warning[0]
    assert (ds.report.exclusions["reason"].astype(str) == "patient_id is missing").sum() == 6


@pytest.mark.parametrize("text", [
    # one row per patient with summary rows at the bottom
    "Patient,Sex,Infusion date,Pre,Post\nW1,F,2024-03-04 09:00,8,4\nW2,M,2024-03-05 09:00,6,3\n,,Mean,7,3.5\n,,SD,1.4,0.7\n",
    # every row has its id
    FILLED_ONCE.replace("\n;", "\nK0x;"),
])
def test_no_fill_down_warning_for_summary_rows_or_complete_ids(text):
    from analysis.io.plausibility import ids_written_once_warnings
    from analysis.io.tables import read_table
    t = read_table("s.csv", text.encode())
    spec = inspect({"s.csv": text.encode()}).spec
    assert ids_written_once_warnings([(t, spec.files[0])]) == []


def test_a_patient_id_written_once_per_patient_is_filled_down():
    # Proposed: "fill_down": ["Patient"] (io/fill_down.py); every row of K01, K02, K03 is read.
    ds = load_files({"sheet.csv": FILLED_ONCE.encode()})
    assert len(ds.treatments) == 3
    assert len(ds.report.exclusions) == 0
    assert not [w for w in ds.report.warnings if "written once per patient" in w]
    assert "The patient id was filled down from the row above in 6 row(s) of sheet.csv" in "\n".join(ds.report.notes)
    # Baselines 8, 6, 9 (2-3 days before each infusion); immediate scores 4, 3, 7 (the day after).
    expected = [relief(8, 4), relief(6, 3), relief(9, 7)]                      # 50, 50, 22.2
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))  # 40.740...
    check_rate(g["immediate_responder_rate"], 2, 3)


# --- An administration charted in error -------------------------------------------------------------

def test_an_administration_cancelled_as_charted_in_error_is_not_a_course():
    # A 'Given' row withdrawn by a 'Canceled Entry' row (same patient, medication and time) counted as a course
    # that never happened, with its own baseline and relief.
    files = {"flowsheet.csv": b"Study ID,Flowsheet Row Name,Value,Taken Time\nC1,Pain Score (0-10),8,3/4/2024 8:45 AM\n"
                              b"C1,Pain Score (0-10),4,3/4/2024 1:00 PM\nC1,Pain Score (0-10),6,3/20/2024 10:00 AM\n"
                              b"C1,Pain Score (0-10),3,3/20/2024 2:00 PM\nC2,Pain Score (0-10),7,3/11/2024 8:45 AM\n"
                              b"C2,Pain Score (0-10),5,3/11/2024 1:00 PM\n",
             "mar.csv": b"Study ID,Medication,MAR Action,Taken Time\nC1,KETAMINE INFUSION,Given,3/4/2024 9:00 AM\n"
                        b"C1,KETAMINE INFUSION,Given,3/20/2024 11:00 AM\n"
                        b"C1,KETAMINE INFUSION,Canceled Entry,3/20/2024 11:00 AM\nC2,KETAMINE INFUSION,Given,3/11/2024 9:00 AM\n"}
    ds = load_files(files)
    assert len(ds.treatments) == 2
    ex = ds.report.exclusions
    gone = ex[ex["reason"].astype(str).str.startswith("administration withdrawn")]
    assert gone[["file", "line"]].values.tolist() == [["mar.csv", 3]]
    assert gone["reason"].tolist() == ["administration withdrawn by line 4 (Canceled Entry)"]
    assert not any("match no administration" in w for w in ds.report.warnings)


def test_a_cancel_at_another_time_withdraws_nothing_and_says_so():
    """'Canceled Entry' 12 minutes after the bag it may withdraw: not guessed (a real administration is not
    dropped on a guess), but a warning names its line."""
    files = {"flowsheet.csv": b"Study ID,Flowsheet Row Name,Value,Taken Time\nC1,Pain Score (0-10),8,3/4/2024 8:45 AM\n"
                              b"C1,Pain Score (0-10),4,3/4/2024 1:00 PM\n",
             "mar.csv": b"Study ID,Medication,MAR Action,Taken Time\nC1,KETAMINE INFUSION,Given,3/4/2024 9:00 AM\n"
                        b"C1,KETAMINE INFUSION,Given,3/20/2024 11:00 AM\n"
                        b"C1,KETAMINE INFUSION,Canceled Entry,3/20/2024 11:12 AM\n"}
    ds = load_files(files)
    assert len(ds.treatments) == 2
    assert any("'Canceled Entry' row(s) (line(s) 4) match no administration" in w for w in ds.report.warnings)


# --- Two drugs of one combined infusion ------------------------------------------------------------

def combined_infusion_files() -> dict:
    flow, mar = ["Study ID,Flowsheet Row Name,Value,Taken Time"], ["Study ID,Medication,MAR Action,Taken Time"]
    for i in range(1, 6):
        d = f"3/{i + 3}/2024"
        flow += [f"A{i},Pain Score (0-10),8,{d} 8:45 AM", f"A{i},Pain Score (0-10),4,{d} 1:00 PM"]
        mar += [f"A{i},KETAMINE INFUSION,Given,{d} 9:00 AM", f"A{i},LIDOCAINE INFUSION,Given,{d} 9:05 AM"]
    return {"flowsheet.csv": ("\n".join(flow) + "\n").encode(), "mar.csv": ("\n".join(mar) + "\n").encode()}


def test_two_drugs_of_one_combined_infusion_are_warned_about_and_load_as_one_treatment_when_labelled_so():
    # Read as two treatments, ketamine's episodes end 5 minutes after they start (no immediate relief) and
    # lidocaine gets every follow-up score (50%, n = 5): a comparison that looks right and is not.
    files = combined_infusion_files()
    ds = load_files(files, date_format="MDY")
    warning = [w for w in ds.report.warnings if "another treatment" in w]
    assert len(warning) == 1 and "5 course(s) of 5 patient(s)" in warning[0]
    assert "Ketamine infusion + Lidocaine infusion" in warning[0]
    doc = proposal_doc(files)
    doc["date_format"] = "MDY"
    doc["courses"]["treatments"] = {"ketamin": "Ketamine + lidocaine", "lidocain": "Ketamine + lidocaine"}
    one = load_files(files, mapping=doc)
    assert not [w for w in one.report.warnings if "another treatment" in w]
    g = group(one)
    assert g["group"] == {"treatment": "Ketamine + lidocaine"}
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(50) and g["immediate_relief_pct"]["n"] == 5


def test_courses_of_other_treatments_weeks_apart_are_not_warned_about():
    from analysis.io.plausibility import treatment_warnings
    import pandas as pd
    t = pd.DataFrame({"patient_id": ["p", "p", "q"], "day": [0.0, 30.0, 0.0], "treatment": ["ket", "pt", "ket"]})
    assert treatment_warnings(t) == []
    t.loc[1, "day"] = 2.0
    assert len(treatment_warnings(t)) == 1


# --- An infusion log that numbers its sessions -------------------------------------------------------

def test_a_log_numbering_its_infusion_sessions_reads_each_row_as_an_administration():
    """'Session' = Infusion #1, Infusion #2, Booster #1 beside Pre/Post NRS and a dose, one date column named
    only 'Date': each row is a session. N1: infusions on 04/03 and 05/03 (one course, 200 mg) and a booster
    on 15/04 (day 42, a second course); N2 one course of two. Immediate relief by hand, first session of each
    course: N1 8->5 37.5%, 7->3 57.1%; N2 6->6 0%."""
    log = ("Patient,Date,Time,Session,Pre NRS,Post NRS,Dose (mg)\n"
           "N1,04/03/2024,09:00,Infusion #1,8,5,100\nN1,05/03/2024,09:00,Infusion #2,6,4,100\n"
           "N1,15/04/2024,09:00,Booster #1,7,3,100\nN2,11/03/2024,09:00,Infusion #1,6,6,100\n"
           "N2,12/03/2024,09:00,Infusion #2,6,5,100\n")
    files = {"log.csv": log.encode()}
    p = inspect(files)
    assert not p.review and any("'Session' numbers the sessions" in n for n in p.notes)
    ds = load_files(files)
    t = ds.treatments.sort_values(["patient_id", "day"])
    assert t[["patient_id", "day", "treatment", "dose", "administrations"]].values.tolist() == [
        ["N1", 0.0, "Infusion", 200.0, 2], ["N1", 42.0, "Infusion", 100.0, 1], ["N2", 0.0, "Infusion", 200.0, 2]]


def test_a_session_column_without_scores_around_the_start_is_not_read_as_treatments():
    """Numbered sessions of something else (a questionnaire 'Session 1'), with no pre/post score and no dose:
    no treatment is guessed."""
    sheet = ("Patient,Date,Session,NRS\nA,04/03/2024,Session 1,8\nA,11/03/2024,Session 2,5\n"
             "B,05/03/2024,Session 1,6\nB,12/03/2024,Session 2,4\n")
    assert any("No column gives treatments" in n for n in inspect({"s.csv": sheet.encode()}).notes)


def test_visit_columns_without_a_date_ask_for_the_date_not_to_keep_one_column():
    """'Keep one and ignore the others' would lose the visits; the missing piece is the date they count from,
    and with it the same sheet loads (1 wk = day 7, 4 wk = 28, 3 mo = 91)."""
    sheet = "Patient,Baseline NRS,Post NRS,1 wk NRS,4 wk NRS,3 mo NRS\nK1,8,4,5,6,7\nK2,6,6,6,6,6\n"
    review = " ".join(inspect({"a.csv": sheet.encode()}).review)
    assert "no date to count them from" in review and "keep one" not in review
    dated = "Patient,Infusion date,Baseline NRS,Post NRS,1 wk NRS,4 wk NRS,3 mo NRS\nK1,2024-03-04,8,4,5,6,7\n" \
            "K2,2024-03-11,6,6,6,6,6\n"
    a = load_files({"a.csv": dated.encode()}).assessments
    assert sorted(set(a["day"].round(3))) == [0.0, 0.042, 7.0, 28.0, 91.0]


def test_the_load_report_does_not_repeat_or_contradict_itself_with_the_proposals_notes():
    """Dotted dates are said once (by the reader, with an example); with drop_identifiers the report does not
    say that loading refuses the identifier column it dropped; two cancels of one administration both match."""
    sheet = b"Patient,MRN,Infusion date,Drug,Pain before,Pain after\nP01,10023456,04.03.2024,Ketamine,8,4\n" \
            b"P02,10098765,11.03.2024,Ketamine,6,5\n"
    notes = load_files({"infusions.csv": sheet}, drop_identifiers=True).report.notes
    assert sum("dotted dates" in n for n in notes) == 1
    assert not any("loading refuses the export" in n for n in notes)
    mar = (b"Patient,Medication,MAR Action,Action Date/Time\nE1,KETAMINE INFUSION,New Bag,03/04/2024 0900\n"
           b"E1,KETAMINE INFUSION,New Bag,03/16/2024 0900\nE1,KETAMINE INFUSION,Canceled Entry,03/16/2024 0900\n"
           b"E1,KETAMINE INFUSION,Canceled Entry,03/16/2024 0900\n")
    flow = b"Patient,Taken Date/Time,Flowsheet Row,Value\nE1,03/04/2024 0830,Pain Score (0-10),8\n"
    ds = load_files({"mar.csv": mar, "flowsheet.csv": flow})
    assert len(ds.treatments) == 1 and not any("match no administration" in w for w in ds.report.warnings)
