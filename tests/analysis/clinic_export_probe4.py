"""Small invented clinic exports of a fourth fresh-eyes probe (shapes not covered by
clinic_export_shapes.py, clinic_export_pitfalls.py or test_clinic_exports.py).

Each function returns ``{file name: bytes}`` for a handful of patients whose expected numbers are
worked out by hand in the test that uses it (tests/analysis/test_clinic_export_probe4.py).
"""
from __future__ import annotations

import datetime as dt


def _b(lines: list[str], eol: str = "\n", encoding: str = "utf-8") -> bytes:
    return (eol.join(lines) + eol).encode(encoding)


# --- A five-day ketamine infusion, one spreadsheet row per infusion day --------------------------

# pid: (first infusion day, baseline on day -7, [(pre, post) for infusion days 1..5], week-4 score on day +27)
FIVE_DAY = {
    "K1": ((2024, 3, 4), 8, [(8, 6), (6, 5), (5, 4), (5, 3), (4, 3)], 5),
    "K2": ((2024, 3, 11), 7, [(7, 6), (6, 6), (6, 5), (5, 5), (5, 4)], 7),
    "K3": ((2024, 3, 18), 9, [(9, 5), (6, 4), (4, 4), (4, 3), (3, 2)], 4),
    "K4": ((2024, 4, 8), 6, [(6, 5), (5, 5), (5, 5), (5, 5), (5, 5)], 6),
}


def five_day_infusion_sheet() -> dict[str, bytes]:
    """A five-day inpatient ketamine infusion charted by the nurses in a sheet, one row per infusion
    day (``Infusion`` = ``Ketamine``, ``Day of course`` 1..5, pain before and after that day's bag
    at 09:00), beside a baseline visit a week before and a follow-up visit on day 27 (no treatment)."""
    out = ["Patient,Date,Time,Infusion,Day of course,NRS before,NRS after,NRS"]
    for pid, (d0, base, days, w4) in FIVE_DAY.items():
        day0 = dt.date(*d0)
        out.append(f"{pid},{day0 - dt.timedelta(days=7):%d/%m/%Y},10:00,,,,,{base}")
        for k, (pre, post) in enumerate(days):
            out.append(f"{pid},{day0 + dt.timedelta(days=k):%d/%m/%Y},09:00,Ketamine,{k + 1},{pre},{post},")
        out.append(f"{pid},{day0 + dt.timedelta(days=27):%d/%m/%Y},11:00,,,,,{w4}")
    return {"ketamine_5day.csv": _b(out)}


# --- An MAR of a continuous multi-day infusion with rate changes, and its flowsheet --------------

# pid: (start date, baseline pre-infusion 08:30, score at 14:00 day 0, score day 1 08:00, week 4 (day 27))
MAR_RATES = {"101": ((2024, 5, 6), 8, 5, 4, 6), "102": ((2024, 5, 7), 6, 5, 5, 6), "103": ((2024, 5, 13), 9, 6, 5, 5),
             "104": ((2024, 5, 14), 7, 4, 4, 7), "105": ((2024, 5, 20), 5, 5, 4, 4)}


def mar_rate_changes() -> dict[str, bytes]:
    """A Cerner-like MAR of a 3-day continuous ketamine infusion: ``Begin Bag`` at 09:00, ``Rate Change``
    at 11:00 and 15:00, ``Infusion Stopped`` (pump alarm) and ``Restarted`` 40 minutes later, ``New Bag``
    the next morning and the day after, ``Stopped`` on day 3; an ondansetron push on day 1 for two
    patients and on day 14 for 103 (a co-medication); ISO 8601 times with seconds and a ``T``
    (``2024-05-06T09:00:00``). The flowsheet gives the pain scores (``Pain Score``) and a sedation score.
    One infusion, so one course per patient, starting at the Begin Bag."""
    mar = ["Person ID,Order Mnemonic,Admin Event,Admin Date/Time,Infused Volume (mL),Rate (mL/hr)"]
    flow = ["Person ID,Event,Result Val,Performed Date/Time"]
    for pid, (d0, base, p14, d1, w4) in MAR_RATES.items():
        t0 = dt.datetime(*d0, 9, 0)
        rows = [("Begin Bag", t0, 0, 5), ("Rate Change", t0 + dt.timedelta(hours=2), 10, 7.5),
                ("Infusion Stopped", t0 + dt.timedelta(hours=4), 25, 0),
                ("Restarted", t0 + dt.timedelta(hours=4, minutes=40), 25, 7.5),
                ("Rate Change", t0 + dt.timedelta(hours=6), 40, 10),
                ("New Bag", t0 + dt.timedelta(days=1), 180, 10), ("New Bag", t0 + dt.timedelta(days=2), 240, 10),
                ("Stopped", t0 + dt.timedelta(days=2, hours=8), 80, 0)]
        mar += [f"{pid},ketamine 200 mg in NS 50 mL,{ev},{t:%Y-%m-%dT%H:%M:%S},{vol},{rate}"
                for ev, t, vol, rate in rows]
        if pid in ("101", "103"):      # an antiemetic given on the ward round of day 1: a co-medication, not a course
            mar.append(f"{pid},ondansetron 4 mg IV push,Given,{t0 + dt.timedelta(days=1, hours=1):%Y-%m-%dT%H:%M:%S},"
                       "2,")
        if pid == "103":               # and again at the day-14 clinic visit (nausea): still not a course
            mar.append(f"{pid},ondansetron 4 mg IV push,Given,{t0 + dt.timedelta(days=14, hours=2):%Y-%m-%dT%H:%M:%S},"
                       "2,")
        for t, v in [(t0 - dt.timedelta(minutes=30), base), (t0 + dt.timedelta(hours=5), p14),
                     (t0 + dt.timedelta(hours=23), d1), (t0 + dt.timedelta(days=27, hours=2), w4)]:
            flow.append(f"{pid},Pain Score,{v},{t:%Y-%m-%dT%H:%M:%S}")
        flow.append(f"{pid},RASS,0,{t0 + dt.timedelta(hours=5):%Y-%m-%dT%H:%M:%S}")
    return {"mar.csv": _b(mar), "flowsheet.csv": _b(flow)}


# --- A flowsheet with two pain scales in the same export ------------------------------------------

def flowsheet_two_pain_scales() -> dict[str, bytes]:
    """An Epic flowsheet extract where most pain scores are the 0-10 NRS (``Pain Score (0-10)``) but the
    nurse used the Wong-Baker FACES scale (``Wong-Baker FACES Pain Rating``, 0-10 in steps of 2) when a
    patient was too drowsy after the infusion. Two scales, two measures: FACES is not the NRS.

    Per patient: NRS before (08:30), the 13:00 score (FACES for W2 and W4), NRS on day 27; infusion 09:00.
    """
    # pid: (infusion date, NRS pre, (scale, score) at 13:00, NRS day 27)
    data = {"W1": ((2024, 3, 4), 8, ("NRS", 4), 6), "W2": ((2024, 3, 5), 8, ("FACES", 2), 6),
            "W3": ((2024, 3, 11), 6, ("NRS", 3), 5), "W4": ((2024, 3, 12), 10, ("FACES", 8), 8),
            "W5": ((2024, 3, 18), 7, ("NRS", 6), 4)}
    flow = ["PAT_STUDY_ID,FLO_MEAS_NAME,MEAS_VALUE,RECORDED_TIME"]
    mar = ["PAT_STUDY_ID,MEDICATION,ACTION,TAKEN_TIME"]
    for pid, (d0, pre, (scale, post), w4) in data.items():
        t0 = dt.datetime(*d0, 9, 0)
        name = {"NRS": "Pain Score (0-10)", "FACES": "Wong-Baker FACES Pain Rating"}[scale]
        flow += [f"{pid},Pain Score (0-10),{pre},{t0 - dt.timedelta(minutes=30):%m/%d/%Y %H:%M}",
                 f"{pid},{name},{post},{t0 + dt.timedelta(hours=4):%m/%d/%Y %H:%M}",
                 f"{pid},Pain Score (0-10),{w4},{t0 + dt.timedelta(days=27):%m/%d/%Y %H:%M}"]
        mar.append(f"{pid},KETAMINE 500 MG/50 ML IV INFUSION,Given,{t0:%m/%d/%Y %H:%M}")
    return {"flowsheet.csv": _b(flow), "mar.csv": _b(mar)}


# --- A flowsheet whose pain values carry the scale or a word --------------------------------------

# pid: (infusion date, pre as charted, post as charted, week-4 as charted); what a clinician reads:
ANNOTATED = {"A1": ((2024, 3, 4), "8 - severe", "4 - moderate", "6 - moderate"),
             "A2": ((2024, 3, 5), "0-10: 7", "0-10: 3", "0-10: 5"),
             "A3": ((2024, 3, 11), "9 - severe", "0-10: 6", "6"),
             "A4": ((2024, 3, 12), "6", "2 - mild", "3 - mild")}
ANNOTATED_READ = {"A1": (8, 4, 6), "A2": (7, 3, 5), "A3": (9, 6, 6), "A4": (6, 2, 3)}


def flowsheet_annotated_pain() -> dict[str, bytes]:
    """A flowsheet whose pain row is a dropdown list: the values are charted as ``8 - severe`` (the
    number with its category) or, from another unit's template, ``0-10: 7`` (the scale, then the score).
    A clinician reads 8 and 7; ``0-10: 7`` is not the range 0-10 (5) and ``8 - severe`` not a range."""
    return _pain_row_and_mar(ANNOTATED, "Pain Intensity")


def _pain_row_and_mar(charted: dict, row_name: str) -> dict[str, bytes]:
    """A flowsheet charting ``row_name`` 20 minutes before a 09:00 ketamine bag, 3 hours after it and on day
    27, as ``charted`` gives them (pid: (date, pre, post, week 4)), and the MAR giving the bags."""
    flow = ["Study ID,Flowsheet Row,Value,Taken Time"]
    mar = ["Study ID,Medication,MAR Action,Taken Time"]
    for pid, (d0, pre, post, w4) in charted.items():
        t0 = dt.datetime(*d0, 9, 0)
        for t, v in [(t0 - dt.timedelta(minutes=20), pre), (t0 + dt.timedelta(hours=3), post),
                     (t0 + dt.timedelta(days=27), w4)]:
            flow.append(f"{pid},{row_name},{v},{t:%Y-%m-%d %H:%M}")
        mar.append(f"{pid},Ketamine infusion,Given,{t0:%Y-%m-%d %H:%M}")
    return {"flowsheet.csv": _b(flow), "mar.csv": _b(mar)}


# --- A spreadsheet with a units row under its header ----------------------------------------------

UNITS = {"U1": (8, 4, 5), "U2": (6, 3, 6), "U3": (9, 7, 5), "U4": (7, 4, 4), "U5": (5, 4, 5)}


def units_row_sheet() -> dict[str, bytes]:
    """A research sheet whose second row gives each column's unit or scale (``,yyyy-mm-dd,,mg,0-10``),
    as statisticians lay out data sheets; the data start on line 3. Per patient: infusion day with
    pre/post scores, then a visit on day 28 (week 4)."""
    out = ["Patient,Date,Treatment,Dose,NRS pre,NRS post,NRS", ",yyyy-mm-dd,,mg,0-10,0-10,0-10"]
    for i, (pid, (pre, post, w4)) in enumerate(UNITS.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out.append(f"{pid},{d0.isoformat()},Ketamine,50,{pre},{post},")
        out.append(f"{pid},{(d0 + dt.timedelta(days=28)).isoformat()},,,,,{w4}")
    return {"ketamine_sheet.csv": _b(out)}


# --- A spreadsheet with a notes block under the table ---------------------------------------------

NOTES = {"N1": (8, 4, 6), "N2": (7, 6, 7), "N3": (9, 5, 4), "N4": (6, 3, 6)}


def notes_block_sheet() -> dict[str, bytes]:
    """A sheet saved from Excel (``;``, day-first dates) with a legend under the table: an empty row,
    ``Notes:``, then lines whose first cell is text (``NRS = numeric rating scale 0-10``) and a line
    with the export date and, in the last column, the number of patients screened
    (``Export;01.07.2024;;;;10``). Nothing below ``Notes:`` is a patient."""
    out = ["Patient;Datum;Behandlung;NRS vor;NRS nach;NRS"]
    for i, (pid, (pre, post, w4)) in enumerate(NOTES.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out.append(f"{pid};{d0:%d.%m.%Y};Ketamin;{pre};{post};")
        out.append(f"{pid};{d0 + dt.timedelta(days=28):%d.%m.%Y};;;;{w4}")
    out += [";;;;;", "Notes:;;;;;", "NRS = numeric rating scale 0-10;;;;;", "N3 refused the week-4 call;;;;;",
            "Export;01.07.2024;;;;10"]
    return {"ketamin.csv": _b(out, eol="\r\n", encoding="cp1252")}


# --- A wide sheet whose repeated column names were suffixed by pandas -----------------------------

# pid: (infusion date, baseline on the infusion day, visit 1 on day 1, visit 2 on day 14, visit 3 on day 28)
REPEATED = {"R1": ((2024, 3, 4), 8, 4, 5, 6), "R2": ((2024, 3, 11), 6, 5, 5, 6), "R3": ((2024, 3, 18), 9, 4, 6, 5),
            "R4": ((2024, 3, 25), 7, 3, 3, 7), "R5": ((2024, 4, 1), 5, 5, 4, 4)}


def repeated_column_names() -> dict[str, bytes]:
    """A sheet with one row per patient and one (date, NRS) pair per follow-up visit, written by a
    script that read an Excel sheet with repeated headers (pandas names them ``Visit date``,
    ``Visit date.1``, ``Visit date.2`` and ``NRS``, ``NRS.1``, ``NRS.2``). The baseline NRS is on the
    infusion date. Each visit's score must get its own visit's date."""
    out = ["Patient,Infusion date,NRS baseline,Visit date,NRS,Visit date.1,NRS.1,Visit date.2,NRS.2"]
    for pid, (d0, base, v1, v2, v3) in REPEATED.items():
        day0 = dt.date(*d0)
        dates = [day0 + dt.timedelta(days=k) for k in (1, 14, 28)]
        out.append(f"{pid},{day0.isoformat()},{base},{dates[0].isoformat()},{v1},{dates[1].isoformat()},{v2},"
                   f"{dates[2].isoformat()},{v3}")
    return {"followup_wide.csv": _b(out)}


def duplicate_header_names() -> dict[str, bytes]:
    """:func:`repeated_column_names` as Excel itself saves it: the repeated headers as typed
    (``Visit date``, ``NRS`` three times), not suffixed."""
    text = repeated_column_names()["followup_wide.csv"].decode()
    head, rest = text.split("\n", 1)
    head = head.replace("Visit date.1", "Visit date").replace("Visit date.2", "Visit date")
    head = head.replace("NRS.1", "NRS").replace("NRS.2", "NRS")
    return {"followup_wide.csv": (head + "\n" + rest).encode()}


# --- A sheet whose header spans two rows (merged cells) -------------------------------------------

def two_row_header() -> dict[str, bytes]:
    """A sheet whose header has two rows, as a merged ``Pain (NRS)`` cell above ``pre`` and ``post``
    saves to CSV: ``Patient,Date,Treatment,Pain (NRS),`` then ``,,,pre,post``."""
    out = ["Patient,Date,Treatment,Pain (NRS),", ",,,pre,post"]
    for i, (pid, pre, post) in enumerate([("H1", 8, 4), ("H2", 6, 5), ("H3", 9, 6), ("H4", 7, 3)]):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out.append(f"{pid},{d0.isoformat()},Ketamine,{pre},{post}")
    return {"sheet.csv": _b(out)}


# --- German times written with "Uhr" --------------------------------------------------------------

UHR = {"G1": (8, 8, 4), "G2": (7, 6, 3), "G3": (9, 9, 9), "G4": (6, 6, 4)}


def german_uhr_times() -> dict[str, bytes]:
    """A German ward sheet (``;``, Windows-1252) with the time written as ``9:00 Uhr`` / ``14.30 Uhr``
    in its own column ``Uhrzeit``: the score on the infusion day before the 9:00 start is the baseline
    (08:00 Uhr), the 13.30 Uhr score the immediate one."""
    out = ["Patient;Datum;Uhrzeit;Behandlung;NRS"]
    for i, (pid, (base, pre, post)) in enumerate(UHR.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out += [f"{pid};{d0 - dt.timedelta(days=3):%d.%m.%Y};10:00 Uhr;;{base}",
                f"{pid};{d0:%d.%m.%Y};8.00 Uhr;;{pre}",
                f"{pid};{d0:%d.%m.%Y};9:00 Uhr;Ketamin-Infusion;",
                f"{pid};{d0:%d.%m.%Y};13.30 Uhr;;{post}"]
    return {"station.csv": _b(out, encoding="cp1252")}


# --- REDCap checkbox regions with a "none" choice -------------------------------------------------

REDCAP_DICT_HEAD = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
    '"Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)",'
    '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
    '"Matrix Ranking?","Field Annotation"')


def redcap_regions_with_none() -> dict[str, bytes]:
    """A longitudinal REDCap project whose body-region checkbox has a choice ``0, None of these``
    besides the four limbs: a visit with only that box ticked has 0 regions, not 1.

    Events ``baseline_arm_1`` (visit form) and ``infusion_arm_1`` (infusion form) and
    ``week_4_arm_1`` (visit form). Region counts (baseline, week 4): R1 (2, 3), R2 (1, 0 = None),
    R3 (0 = None, 0 = None), R4 (3, 3).
    """
    dictionary = [REDCAP_DICT_HEAD,
                  'study_id,visit,,text,"Study ID",,,,,,,,,,,,,',
                  'visit_date,visit,,text,"Visit date",,,date_ymd,,,,,,,,,,',
                  'nrs,visit,,text,"Pain now (0-10)",,,integer,0,10,,,,,,,,',
                  'region,visit,,checkbox,"Affected body regions",'
                  '"1, Left arm | 2, Right arm | 3, Left leg | 4, Right leg | 0, None of these",,,,,,,,,,,,',
                  'inf_date,infusion,,text,"Infusion date",,,date_ymd,,,,,,,,,,',
                  'inf_nrs_post,infusion,,text,"Pain after infusion (0-10)",,,integer,0,10,,,,,,,,']
    head = ("study_id,redcap_event_name,visit_date,nrs,region___1,region___2,region___3,region___4,region___0,"
            "visit_complete,inf_date,inf_nrs_post,infusion_complete")
    out = [head]
    # pid: (infusion date, baseline nrs, baseline boxes, post nrs, week-4 nrs, week-4 boxes)
    data = {"R1": ((2024, 3, 4), 8, "1,1,0,0,0", 4, 6, "1,1,1,0,0"),
            "R2": ((2024, 3, 11), 6, "0,0,1,0,0", 3, 5, "0,0,0,0,1"),
            "R3": ((2024, 3, 18), 7, "0,0,0,0,1", 6, 7, "0,0,0,0,1"),
            "R4": ((2024, 3, 25), 9, "1,0,1,1,0", 5, 6, "1,1,1,0,0")}
    for pid, (d0, b, boxes_b, post, w4, boxes_w4) in data.items():
        day0 = dt.date(*d0)
        out.append(f"{pid},baseline_arm_1,{day0 - dt.timedelta(days=7)},{b},{boxes_b},2,,,")
        out.append(f"{pid},infusion_arm_1,,,,,,,,,{day0},{post},2")
        out.append(f"{pid},week_4_arm_1,{day0 + dt.timedelta(days=27)},{w4},{boxes_w4},2,,,")
    return {"CRPS_DataDictionary_2024-06-03.csv": _b(dictionary),
            "CRPS_DATA_2024-06-03_0930.csv": _b(out)}


# --- PHQ-9 written with its severity ---------------------------------------------------------------

PHQ = {"Q1": ("12 (moderate)", "6 (mild)"), "Q2": ("20 (severe)", "9 (mild)"),
       "Q3": ("16 (moderately severe)", "14 (moderate)"),
       "Q4": ("4 (minimal)", "3 (minimal)")}


def phq9_with_severity() -> dict[str, bytes]:
    """A psychology clinic's sheet where the PHQ-9 total is written with its severity band
    (``12 (moderate)``), beside the NRS: baseline visit 7 days before the infusion, follow-up on day 27."""
    out = ["Patient,Visit date,Treatment,NRS,PHQ-9"]
    for i, (pid, (b, w4)) in enumerate(PHQ.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out += [f"{pid},{(d0 - dt.timedelta(days=7)).isoformat()},,7,{b}", f"{pid},{d0.isoformat()},Ketamine,,",
                f"{pid},{(d0 + dt.timedelta(days=27)).isoformat()},,5,{w4}"]
    return {"psych.csv": _b(out)}


# --- A REDCap project with a repeating event (the whole infusion event repeats) --------------------

def redcap_repeating_event() -> dict[str, bytes]:
    """A longitudinal REDCap project whose ``infusion_arm_1`` event is a *repeating event*: its rows have
    ``redcap_repeat_instance`` 1, 2 but an empty ``redcap_repeat_instrument`` (that is how REDCap writes
    repeating events, as opposed to repeating instruments). Each instance is a course (a booster 6 weeks
    after the first), with the pain before and after it on the infusion form."""
    dictionary = [REDCAP_DICT_HEAD,
                  'record_id,infusion,,text,"Record ID",,,,,,,,,,,,,',
                  'inf_datetime,infusion,,text,"Start of infusion",,,datetime_ymd,,,,,,,,,,',
                  'nrs_pre,infusion,,text,"Pain before (0-10)",,,integer,0,10,,,,,,,,',
                  'nrs_post,infusion,,text,"Pain after (0-10)",,,integer,0,10,,,,,,,,',
                  'fu_date,followup,,text,"Follow-up date",,,date_ymd,,,,,,,,,,',
                  'fu_nrs,followup,,text,"Pain at follow-up (0-10)",,,integer,0,10,,,,,,,,']
    out = ["record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,inf_datetime,nrs_pre,"
           "nrs_post,infusion_complete,fu_date,fu_nrs,followup_complete"]
    # record: (first infusion, [(pre, post) per instance], week-4 follow-up after the first)
    data = {1: ((2024, 3, 4), [(8, 4), (7, 3)], 6), 2: ((2024, 3, 11), [(6, 5), (6, 4)], 6),
            3: ((2024, 3, 18), [(9, 5), (8, 6)], 5)}
    for rec, (d0, courses, w4) in data.items():
        t0 = dt.datetime(*d0, 9, 0)
        for k, (pre, post) in enumerate(courses, 1):
            t = t0 + dt.timedelta(days=42 * (k - 1))
            out.append(f"{rec},infusion_arm_1,,{k},{t:%Y-%m-%d %H:%M},{pre},{post},2,,,")
        out.append(f"{rec},week_4_arm_1,,,,,,,{(t0 + dt.timedelta(days=27)).date()},{w4},2")
    return {"KetBoost_DataDictionary_2024-07-01.csv": _b(dictionary),
            "KetBoost_DATA_2024-07-01_1000.csv": _b(out)}


# --- A flowsheet with the patient's pain goal beside the pain score -------------------------------

# pid: (infusion date, pain before, pain goal charted at admission, pain 3 h after, pain on day 27)
GOAL = {"P1": ((2024, 3, 4), 8, 3, 4, 6), "P2": ((2024, 3, 5), 7, 4, 6, 7), "P3": ((2024, 3, 11), 9, 2, 5, 4),
        "P4": ((2024, 3, 12), 6, 3, 3, 5), "P5": ((2024, 3, 18), 10, 5, 7, 9)}


def flowsheet_pain_goal() -> dict[str, bytes]:
    """An Epic pain assessment flowsheet group exported whole: ``Pain Score (0-10)``, the patient's
    ``Patient's Stated Pain Goal (0-10)`` (the pain level the patient would accept, charted at admission,
    08:00 on the infusion day) and ``Pain Location`` (text). The goal is not a pain score: read as one,
    it would be the baseline of a patient whose pre-infusion score was charted earlier."""
    flow = ["Study ID,Flowsheet Row,Value,Taken Time"]
    mar = ["Study ID,Medication,MAR Action,Taken Time"]
    for pid, (d0, pre, goal, post, w4) in GOAL.items():
        t0 = dt.datetime(*d0, 9, 0)
        flow += [f"{pid},Pain Score (0-10),{pre},{t0 - dt.timedelta(hours=1, minutes=30):%m/%d/%Y %H:%M}",
                 f"{pid},Pain Location,Left hand,{t0 - dt.timedelta(hours=1, minutes=30):%m/%d/%Y %H:%M}",
                 f"{pid},Patient's Stated Pain Goal (0-10),{goal},{t0 - dt.timedelta(hours=1):%m/%d/%Y %H:%M}",
                 f"{pid},Pain Score (0-10),{post},{t0 + dt.timedelta(hours=3):%m/%d/%Y %H:%M}",
                 f"{pid},Pain Score (0-10),{w4},{t0 + dt.timedelta(days=27):%m/%d/%Y %H:%M}"]
        mar.append(f"{pid},KETAMINE IN NS INFUSION,Given,{t0:%m/%d/%Y %H:%M}")
    return {"flowsheet.csv": _b(flow), "mar.csv": _b(mar)}


# --- Post-infusion scores in hours after the start, one row per infusion ------------------------

# pid: (infusion date, NRS pre, NRS 2 h, NRS 24 h, NRS 1 week)
HOURS = {"H1": ((2024, 3, 4), 8, 6, 4, 5), "H2": ((2024, 3, 11), 7, 7, 5, 6), "H3": ((2024, 3, 18), 9, 5, 6, 6),
         "H4": ((2024, 3, 25), 6, 5, 5, 6), "H5": ((2024, 4, 2), 10, 8, 6, 7)}


def hours_after_columns() -> dict[str, bytes]:
    """An infusion register with one row per infusion and the pain before the infusion and 2 hours,
    24 hours and 1 week after it (``NRS pre``, ``NRS 2h``, ``NRS 24h``, ``NRS 1 week``). The immediate
    score is the 2-hour one (the first after the start); the 24-hour score is day 1, not the infusion day."""
    out = ["Patient,Infusion date,Infusion start,NRS pre,NRS 2h,NRS 24h,NRS 1 week"]
    for pid, (d0, pre, h2, h24, w1) in HOURS.items():
        out.append(f"{pid},{dt.date(*d0):%d/%m/%Y},09:00,{pre},{h2},{h24},{w1}")
    return {"infusion_register.csv": _b(out)}


# --- Ids written with and without a hyphen in two files -------------------------------------------------

def hyphenated_ids() -> dict[str, bytes]:
    """Scores from the EHR's research extract (``KP-007``) beside the infusion log a nurse keeps by hand
    (``KP007``; one patient typed with the hyphen). Per patient: a score 2 days before the infusion and one
    the day after: KP-007 8 -> 4, KP-012 6 -> 3, KP-015 9 -> 7."""
    scores = ["Patient ID,Date,NRS", "KP-007,2024-03-02,8", "KP-007,2024-03-05,4", "KP-012,2024-03-09,6",
              "KP-012,2024-03-12,3", "KP-015,2024-03-16,9", "KP-015,2024-03-19,7"]
    log = ["Patient ID,Infusion date,Drug", "KP007,2024-03-04,Ketamine", "KP012,2024-03-11,Ketamine",
           "KP-015,2024-03-18,Ketamine"]
    return {"scores.csv": _b(scores), "infusions.csv": _b(log)}


# --- Times with UTC offsets: the MAR in UTC, the flowsheet in local time with its offset ----------------

# pid: (infusion in UTC, [(local time with offset, score)]); the hand-placed day of each score is in the test.
ZONED = {"Z1": ("2024-03-04T08:00:00Z", [("2024-03-04T08:30:00+01:00", 8), ("2024-03-04T09:30:00+01:00", 4),
                                         ("2024-03-31T10:00:00+02:00", 6)]),
         "Z2": ("2024-04-02T07:00:00Z", [("2024-04-02T08:45:00+02:00", 7), ("2024-04-02T10:30:00+02:00", 6),
                                         ("2024-04-29T09:00:00+02:00", 5)]),
         "Z3": ("2024-03-11T09:15:00Z", [("2024-03-11T10:00:00+01:00", 9), ("2024-03-11T11:00:00+01:00", 5),
                                         ("2024-04-07T12:00:00+02:00", 5)])}


def utc_offsets() -> dict[str, bytes]:
    """An MAR whose times are ISO 8601 in UTC (``2024-03-04T08:00:00Z``) and a flowsheet in local time
    with its offset (``+01:00`` in winter, ``+02:00`` after the change to summer time on 31 March 2024).
    Z1's score written ``08:30+01:00`` is 07:30 UTC, half an hour *before* the 08:00 UTC start: the
    baseline; read as written (08:30) it would be after the start."""
    mar = ["Study ID,Medication,MAR Action,Taken Time"]
    flow = ["Study ID,Flowsheet Row,Value,Taken Time"]
    for pid, (start, rows) in ZONED.items():
        mar.append(f"{pid},Ketamine infusion,Given,{start}")
        flow += [f"{pid},Pain Score (0-10),{v},{t}" for t, v in rows]
    return {"mar.csv": _b(mar), "flowsheet.csv": _b(flow)}


# --- A pain dropdown whose anchors carry their words -----------------------------------------------------

# pid: (infusion date, pre, post 3 h, day 27) as charted; the anchors 0 and 10 are charted with their words.
ANCHORS = {"E1": ((2024, 3, 4), "10 = Worst pain imaginable", "0 = No pain", "4"),
           "E2": ((2024, 3, 5), "7", "5", "6"), "E3": ((2024, 3, 11), "8", "0 = No pain", "3"),
           "E4": ((2024, 3, 12), "6", "5", "6"), "E5": ((2024, 3, 18), "9", "7", "8"),
           "E6": ((2024, 3, 19), "5", "4", "5"), "E7": ((2024, 3, 25), "8", "6", "7")}
ANCHORS_READ = {"E1": (10, 0, 4), "E2": (7, 5, 6), "E3": (8, 0, 3), "E4": (6, 5, 6), "E5": (9, 7, 8),
                "E6": (5, 4, 5), "E7": (8, 6, 7)}


def flowsheet_anchor_words() -> dict[str, bytes]:
    """An Epic 0-10 pain row built as a dropdown list whose two anchors carry their words: ``0 = No pain``
    and ``10 = Worst pain imaginable``; every other choice is the bare number. Few values are anchors (3 of
    21), and they are the patients with the most relief: leaving them out biases the relief downwards."""
    return _pain_row_and_mar(ANCHORS, "Pain Score (0-10)")
