"""A sheet whose visits are named by time points (Baseline, Week 1, Week 4) and that has no dates: the time
points are the days since the first treatment, Baseline its day before it. A sheet with no time at all is a
point to review before loading, not a refusal after the proposal said nothing."""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import check_rate, group, relief, scores
from analysis import load_files
from analysis.errors import MappingError
from analysis.io.propose import auto_spec, inspect

# (baseline, week 1, week 4) pain per patient; the treatment is given at the baseline visit.
PAIN = {"A": (8, 5, 4), "B": (7, 3, 6), "C": (9, 4, 5), "D": (6, 6, 6)}


def _sheet() -> dict:
    rows = []
    for p, (b, w1, w4) in PAIN.items():
        rows += [f"{p},Baseline,Ketamine,{b}", f"{p},Week 1,,{w1}", f"{p},Week 4,,{w4}"]
    return {"visits.csv": ("Patient,Visit,Treatment,NRS\n" + "\n".join(rows) + "\n").encode()}


def test_time_points_without_dates_are_days_since_the_treatment_and_baseline_is_before_it():
    files = _sheet()
    proposal = inspect(files)
    assert not proposal.review
    assert any("Baseline = the start day, before the treatment" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 5), (28.0, 4)]
    assert ds.treatments["day"].tolist() == [0.0] * 4
    # The baseline is taken before the treatment of its day: no warning about scores on a start day.
    assert not any("start day" in w for w in ds.report.warnings)
    responders = sum(relief(b, w4) >= 30 for b, _, w4 in PAIN.values())
    check_rate(group(ds)["responder_rate_by_week"]["4"], responders, 4)


def test_a_redcap_export_whose_events_name_no_time_points_is_a_point_to_review_naming_the_events():
    files = {"export.csv": b"record_id,redcap_event_name,treatment,nrs_pain\n1,visit_1_arm_1,ketamine,8\n"
                           b"1,visit_2_arm_1,,5\n2,visit_1_arm_1,ketamine,7\n2,visit_2_arm_1,,3\n"}
    review = inspect(files).review
    assert any("no column gives the time of the scores" in r and "'redcap_event_name' names the visits" in r
               for r in review), review
    with pytest.raises(MappingError, match="no column gives the time"):
        load_files(files)


def _redcap(events: list[str], labels: bool = False) -> dict:
    """A longitudinal REDCap export without a date field: the treatment (a yes/no field) at the first
    event, the pain at every event; with its data dictionary."""
    rows = []
    for p, pain in PAIN.items():
        for i, (e, v) in enumerate(zip(events, pain)):
            given = ("Yes" if labels else "1") if i == 0 else ""
            rows.append(f"{p},{e},{given},{v},{'Complete' if labels else 2}")
    header = ("Record ID,Event Name,Ketamine infusion given,Pain NRS (0-10),Complete?" if labels else
              "record_id,redcap_event_name,ketamine_given,nrs_pain,visit_complete")
    data = "KetStudy_DATA_LABELS_2024-05-01_1200.csv" if labels else "KetStudy_DATA_2024-05-01_1200.csv"
    dictionary = ("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
                  "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number\n"
                  "record_id,visit,,text,Record ID,,,\nketamine_given,visit,,yesno,Ketamine infusion given,,,\n"
                  "nrs_pain,visit,,text,Pain NRS (0-10),,,integer\n")
    return {data: (header + "\n" + "\n".join(rows) + "\n").encode(),
            "KetStudy_DataDictionary_2024-05-01.csv": dictionary.encode()}


@pytest.mark.parametrize("events, labels", [
    (["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"], False),                       # raw export: unique names
    (["Baseline (Arm 1: Ketamine)", "Week 1 (Arm 1: Ketamine)", "Week 4 (Arm 1: Ketamine)"], True),  # labels
])
def test_redcap_events_named_for_time_points_are_the_days_since_the_treatment(events, labels):
    """REDCap's events without dates (``week_4_arm_1``): the arm taken off, they read as the time points of
    a research sheet; the baseline event is the treatment's day, before it."""
    files = _redcap(events, labels)
    proposal = inspect(files)
    assert not proposal.review
    assert any("its events name time points" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 5), (28.0, 4)]
    assert ds.treatments["day"].tolist() == [0.0] * 4
    assert not any("start day" in w for w in ds.report.warnings)
    assert ds.report.exclusions.empty
    responders = sum(relief(b, w4) >= 30 for b, _, w4 in PAIN.values())
    check_rate(group(ds)["responder_rate_by_week"]["4"], responders, 4)


def test_an_event_without_a_time_point_holding_only_covariates_is_fine_but_one_holding_scores_is_a_point_to_review():
    files = _redcap(["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"])
    name = next(f for f in files if "DATA" in f)
    head, *rows = files[name].decode().splitlines()
    # A screening event with the patient's sex only: no time needed, the covariate kept.
    sex = {"A": "F", "B": "M", "C": "F", "D": "M"}
    screening = ("record_id,redcap_event_name,sex,ketamine_given,nrs_pain,visit_complete\n" + "\n".join(
        [f"{p},screening_arm_1,{sex[p]},,,2" for p in PAIN] +
        [",".join(r.split(",")[:2] + [""] + r.split(",")[2:]) for r in rows]) + "\n").encode()
    dictionary = files["KetStudy_DataDictionary_2024-05-01.csv"].decode().replace(
        "record_id,visit,,text,Record ID,,,\n", "record_id,visit,,text,Record ID,,,\nsex,visit,,text,Sex,,,\n").encode()
    ok = {name: screening, "KetStudy_DataDictionary_2024-05-01.csv": dictionary}
    assert not inspect(ok).review
    ds = load_files(ok)
    assert ds.patients.set_index("patient_id")["sex"].to_dict() == sex
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 5), (28.0, 4)] and ds.report.exclusions.empty
    # A second infusion at an event that names no time: it would be left out, so the proposal asks first.
    more = {**ok, name: screening + b"A,infusion_2_arm_1,,1,5,2\n"}
    review = inspect(more).review
    assert any("the events 'infusion_2_arm_1' hold scores or treatments but name no time point" in r for r in review)
    with pytest.raises(MappingError, match="infusion_2_arm_1"):
        load_files(more)


def test_scores_with_no_time_at_all_are_a_point_to_review():
    files = {"s.csv": b"Patient,Treatment,NRS\nA,Ketamine,8\nA,,5\nB,Ketamine,7\nB,,3\n"}
    assert any(r.startswith("s.csv: no column gives the time of the scores:") for r in inspect(files).review)


def test_a_patients_file_without_scores_needs_no_time():
    files = {"visits.csv": _sheet()["visits.csv"], "patients.csv": b"Patient,Sex,Age\nA,F,40\nB,M,51\nC,F,33\nD,F,60\n"}
    assert not inspect(files).review


def test_redcap_event_names_read_as_time_points_without_their_arm():
    from analysis.io.counted_from import read_time_points
    days, side = read_time_points(np.array(["baseline_arm_1", "week_4_arm_2", "month_3_arm_1", "day_14_arm_1",
                                                "Week 4 (Arm 1: Ketamine)", "Baseline (Arm 2)", "screening_arm_1",
                                                "visit_2_arm_1"], dtype=object), events=True)
    assert days[:6].tolist() == [0.0, 28.0, 91.0, 14.0, 28.0, 0.0] and np.isnan(days[6:]).all()
    assert side.tolist() == [-1, 0, 0, 0, 0, -1, 0, 0]


def test_a_mapped_event_that_is_no_time_point_is_listed_with_its_reason():
    """Read with a reviewed mapping anyway: the row of that event is listed, saying it is no time point."""
    files = _redcap(["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"])
    name = next(f for f in files if "DATA" in f)
    spec = auto_spec(files)
    more = {**files, name: files[name] + b"A,infusion_2_arm_1,,5,2\n"}
    ds = load_files(more, mapping=spec)
    ex = ds.report.exclusions
    assert ex[["line", "value", "reason"]].values.tolist() == [
        [14, "infusion_2_arm_1", "redcap_event_name is not a time point (Baseline, Day 7, Week 4, Month 3) or a "
                                 "number of days"]]


def test_a_yes_no_treatment_answered_no_at_an_event_without_a_time_point_needs_no_review():
    """The visit form on every event: at screening its 'ketamine given' is answered 0 (no): no treatment, so
    the event needs no time; the export loads with the infusions at the baseline event only."""
    files = _redcap(["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"])
    name = next(f for f in files if "DATA" in f)
    files[name] += "".join(f"{p},screening_arm_1,0,,2\n" for p in PAIN).encode()
    assert not inspect(files).review
    ds = load_files(files)
    assert ds.treatments["day"].tolist() == [0.0] * 4
    # The screening rows hold nothing to read (a No is no treatment): listed as such, as any empty row.
    assert set(ds.report.exclusions["reason"]) == {"nothing to read in this row (no score, treatment or covariate)"}
    assert len(ds.report.exclusions) == 4


@pytest.mark.parametrize("event, day", [
    ("6_months_arm_1", 183.0), ("12_week_arm_1", 84.0), ("3_month_followup_arm_1", 91.0),
    ("week_4_followup_arm_1", 28.0), ("weeks_2_arm_1", 14.0), ("Week 4 (Arm 1: Ketamine (IV))", 28.0),
    ("day_0_arm_1", 0.0), ("follow_up_1_arm_1", None), ("visit_2_arm_1", None),
])
def test_redcap_event_names_written_other_ways_read_as_the_same_time_points(event, day):
    """Number first, a plural unit, a word naming the visit after it, an arm label with parentheses."""
    from analysis.io.counted_from import read_time_points
    got = read_time_points(np.array([event], dtype=object), events=True)[0][0]
    assert (np.isnan(got) if day is None else got == day)
    # Only event names are read so: the same text in another column is read as written.
    if "arm" in event and day is not None and not event[0].isalpha():
        assert np.isnan(read_time_points(np.array([event], dtype=object))[0][0])


def test_a_consent_date_on_the_screening_event_only_does_not_hide_the_events_time_points():
    """The only date field is the consent date, filled at screening (a row without scores): the scores' rows
    have no date, so their events time them and the consent date, which times nothing, is ignored."""
    files = _redcap(["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"])
    name = next(f for f in files if "DATA" in f)
    head, *rows = files[name].decode().splitlines()
    data = ["record_id,redcap_event_name,consent_date,ketamine_given,nrs_pain,visit_complete"]
    data += [f"{p},screening_arm_1,2024-01-0{i + 1},,,2" for i, p in enumerate(PAIN)]
    data += [",".join(r.split(",")[:2] + [""] + r.split(",")[2:]) for r in rows]
    dictionary = files["KetStudy_DataDictionary_2024-05-01.csv"].decode().replace(
        "record_id,visit,,text,Record ID,,,\n",
        "record_id,visit,,text,Record ID,,,\nconsent_date,visit,,text,Date of consent,,,date_ymd\n")
    files = {name: ("\n".join(data) + "\n").encode(), "KetStudy_DataDictionary_2024-05-01.csv": dictionary.encode()}
    proposal = inspect(files)
    assert not proposal.review
    assert any("'consent_date' is filled only on other rows" in n for n in proposal.notes)
    ds = load_files(files)
    assert scores(ds)["A"] == [(0.0, 8), (7.0, 5), (28.0, 4)]
    assert ds.treatments["day"].tolist() == [0.0] * 4
    # With a visit date on the scores' rows the dates time them, as before: the events stay bookkeeping.
    dated = [r if ",screening_arm_1," in r else r.replace(",,", ",2024-02-01,", 1) for r in data]
    roles = {c.header: c.column.role for f in inspect({name: ("\n".join(dated) + "\n").encode(),
                                                        "KetStudy_DataDictionary_2024-05-01.csv": dictionary.encode()}
                                                       ).files for c in f.columns}
    assert roles["redcap_event_name"] == "ignore" and roles["consent_date"] == "date"


def test_an_infusion_date_on_its_own_event_beside_undated_visits_is_a_point_to_review_not_dropped():
    """The infusions dated on their own event, the visits' scores undated at events named for time points:
    dates and time points cannot be combined in one file, so the proposal asks (the infusion dates are
    never ignored as if they were a consent date)."""
    rows = ["record_id,redcap_event_name,infusion_date,infusion_complete,nrs_pain,visit_complete"]
    for p, (b, w1, w4) in PAIN.items():
        rows += [f"{p},baseline_arm_1,,,{b},2", f"{p},infusion_1_arm_1,2024-01-02,2,,", f"{p},week_1_arm_1,,,{w1},2",
                 f"{p},week_4_arm_1,,,{w4},2"]
    dictionary = ("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
                  "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number\n"
                  "record_id,visit,,text,Record ID,,,\ninfusion_date,infusion,,text,Date of ketamine infusion,,,date_ymd\n"
                  "nrs_pain,visit,,text,Pain NRS (0-10),,,integer\n")
    files = {"KetStudy_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "KetStudy_DataDictionary_2024-05-01.csv": dictionary.encode()}
    review = inspect(files).review
    assert any("'infusion_date' dates the treatments: dates and time points cannot be combined" in r for r in review)
    with pytest.raises(MappingError, match="cannot be combined"):
        load_files(files)


def test_a_duration_written_like_6_months_stays_a_covariate_beside_the_time_points():
    """REDCap's event rules ('6_months' is month 6) read event names only: a patient's disease duration
    written '6 months' is no time point, and the visit column keeps the time."""
    files = {"s.csv": b"Patient,Disease duration,Timepoint,NRS\nP1,6 months,Baseline,7\nP1,6 months,Week 4,5\n"
                      b"P2,12 months,Baseline,8\nP2,12 months,Week 4,6\nP3,3 months,Baseline,6\nP3,3 months,Week 4,4\n"}
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert roles["Timepoint"] == "day" and roles["Disease duration"] != "day"


def test_a_dose_on_a_dated_event_keeps_its_date():
    """Doses recorded on their own dated events are of a visit: their date is no consent date, so it is not
    ignored (the events do not replace it)."""
    rows = ["record_id,redcap_event_name,visit_date,ketamine_dose_mg,ketamine_given,nrs_pain,visit_complete"]
    for p, (b, w1, w4) in PAIN.items():
        rows += [f"{p},baseline_arm_1,,,1,{b},2", f"{p},day_1_arm_1,2024-01-02,50,,,2", f"{p},week_4_arm_1,,,,{w4},2"]
    dictionary = ("Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
                  "\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number\n"
                  "record_id,visit,,text,Record ID,,,\nvisit_date,dosing,,text,Visit date,,,date_ymd\n"
                  "ketamine_dose_mg,dosing,,text,Ketamine dose (mg),,,number\n"
                  "ketamine_given,visit,,yesno,Ketamine infusion given,,,\nnrs_pain,visit,,text,Pain NRS (0-10),,,integer\n")
    files = {"KetStudy_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "KetStudy_DataDictionary_2024-05-01.csv": dictionary.encode()}
    proposal = inspect(files)
    roles = {c.header: c.column.role for f in proposal.files for c in f.columns}
    assert roles["visit_date"] == "date" and roles["redcap_event_name"] != "day"
    # The scores' rows have no date at all: said before loading, not 'No scores were read' after.
    assert any("no row with a score has a date ('visit_date' is filled only on other rows" in r
               for r in proposal.review), proposal.review


def test_repeating_instances_on_one_event_without_dates_are_a_point_to_review():
    """A diary form repeated seven times at week 4, no dates: the instances would fall on one day and
    conflict; the proposal asks for a date field on the repeating form."""
    rows = ["record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,ketamine_given,nrs_pain"]
    for p, (b, w1, w4) in PAIN.items():
        rows += [f"{p},baseline_arm_1,,,1,{b}", f"{p},week_1_arm_1,,,,{w1}"]
        rows += [f"{p},week_4_arm_1,diary,{i},,{max(0, w4 - i % 2)}" for i in range(1, 8)]
    files = _redcap(["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"])
    name = next(f for f in files if "DATA" in f)
    files[name] = ("\n".join(rows) + "\n").encode()
    review = inspect(files).review
    assert any("several instances of a repeating form hold scores or treatments on one event ('week_4_arm_1')" in r
               for r in review), review


@pytest.mark.parametrize("event, day, side", [
    ("day_0_infusion_arm_1", 0.0, 0), ("24_hours_arm_1", 1.0, 0), ("48_hour_arm_1", 2.0, 0),
    ("follow_up_1_month_arm_1", 30.0, 0), ("fu_3_months_arm_1", 91.0, 0), ("month_6_fu_arm_1", 183.0, 0),
    ("1_week_post_arm_1", 7.0, 0), ("Follow-up 3 months (Arm 1: Ketamine)", 91.0, 0),
    ("post_infusion_arm_1", 0.0, 1), ("pre_infusion_arm_1", 0.0, -1),
    ("infusion_1_arm_1", np.nan, 0), ("visit_2_arm_1", np.nan, 0), ("follow_up_arm_1", np.nan, 0)])
def test_event_names_with_words_around_their_time_point_read_as_it(event, day, side):
    """Words naming the visit before or after the time point (follow_up_, _fu, _infusion, _post) are left out;
    hours read as days (24 hours = 1); an event that numbers visits or infusions names no time."""
    from analysis.io.counted_from import read_time_points
    days, sides = read_time_points(np.array([event], dtype=object), events=True)
    assert days[0] == pytest.approx(day, nan_ok=True) and sides[0] == side
