"""Small invented clinic exports of a third fresh-eyes probe (shapes not covered before).

Each function returns ``{file name: bytes}`` for a handful of patients whose expected numbers are
worked out by hand in the test that uses it (tests/analysis/test_clinic_export_pitfalls.py).
"""
from __future__ import annotations


def _b(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def epic_two_times() -> dict[str, bytes]:
    """Epic flowsheet with a clinical "Taken Time" and a later charting "Recorded Time", and its MAR.

    The pre-infusion score of patients 002, 004 and 006 was taken at 08:45 but charted at 09:30,
    after the 09:00 start: read by its recorded time it would be an immediate score (no relief).
    MAR: ketamine under three spellings, one "Not Given", an ondansetron given, doses "0.5 mg/kg".
    """
    # pid: (baseline d-7, pre 08:45, post 13:00, week-4 d+28); infusion day = day 0 at 09:00.
    scores = {"001": (8, 8, 4, 6), "002": (7, 7, 5, 7), "003": (6, 6, 3, 3), "004": (9, 9, 9, 8),
              "005": (5, 5, 2, 5), "006": (8, "8/10", 6, 4), "007": (7, 7, 3, 6), "008": (10, 10, 6, 9)}
    # infusion dates (month/day/2024), staggered so some days are above 12
    start = {"001": (3, 4), "002": (3, 11), "003": (3, 18), "004": (3, 25), "005": (4, 1), "006": (4, 8),
             "007": (4, 15), "008": (4, 22)}
    import datetime as dt
    late = {"002", "004", "006"}
    flow = ["Study ID,Flowsheet Row Name,Value,Units,Recorded Time,Taken Time"]
    mar = ["Study ID,Medication,MAR Action,Dose,Taken Time"]
    brands = ["KETAMINE 500 MG/50 ML IN NS INFUSION", "ketamine (KETALAR) 50 mg/mL injection", "Ketamine HCl"]

    def fmt(d: dt.datetime) -> str:
        return f"{d.month}/{d.day}/{d.year} {d.strftime('%I:%M %p').lstrip('0')}"
    for k, (pid, (b, pre, post, w4)) in enumerate(scores.items()):
        day0 = dt.datetime(2024, *start[pid])
        t_base = day0 - dt.timedelta(days=7) + dt.timedelta(hours=10)
        t_pre = day0 + dt.timedelta(hours=8, minutes=45)
        t_pre_rec = day0 + dt.timedelta(hours=9, minutes=30) if pid in late else t_pre + dt.timedelta(minutes=2)
        t_post = day0 + dt.timedelta(hours=13)
        t_w4 = day0 + dt.timedelta(days=27, hours=11)
        for taken, rec, v in [(t_base, t_base, b), (t_pre, t_pre_rec, pre), (t_post, t_post + dt.timedelta(minutes=5), post),
                              (t_w4, t_w4, w4)]:
            flow.append(f"{pid},Pain Score (0-10),{v},,{fmt(rec)},{fmt(taken)}")
        flow.append(f"{pid},BP,120/80,mmHg,{fmt(t_pre_rec)},{fmt(t_pre)}")
        mar.append(f"{pid},{brands[k % 3]},Given,0.5 mg/kg,{fmt(day0 + dt.timedelta(hours=9))}")
        if pid == "004":
            mar.append(f"{pid},{brands[0]},Not Given,0.5 mg/kg,{fmt(day0 + dt.timedelta(days=1, hours=9))}")
        if pid == "005":
            mar.append(f"{pid},ONDANSETRON 4 MG/2 ML IV,Given,4 mg,{fmt(day0 + dt.timedelta(hours=9, minutes=5))}")
    return {"flowsheet.csv": _b("\n".join(flow) + "\n"), "mar.csv": _b("\n".join(mar) + "\n")}


def wide_visit_columns() -> dict[str, bytes]:
    """One row per patient, visits as column groups without their own dates (``NRS day 1``, ...).

    Dates DD/MM/YY (two-digit years), trailing empty columns and a "Mean" row as Excel leaves them.
    """
    rows = [("W01", "F", "04/03/24", 8, 4, 6, 7), ("W02", "M", "11/03/24", 6, 3, 3, 5),
            ("W03", "F", "18/03/24", 7, 7, 6, 7), ("W04", "F", "25/03/24", 5, 2, 4, 5),
            ("W05", "M", "02/04/24", 9, 5, 5, 8), ("W06", "F", "15/04/24", 10, 6, 8, 9)]
    out = ["Patient,Sex,Infusion date,NRS baseline,NRS day 1,NRS week 4,NRS week 12,,"]
    out += [",".join(map(str, r)) + ",," for r in rows]
    out.append(",,Mean,7.5,4.5,5.33,6.83,,")
    return {"ketamine_followup.csv": _b("\r\n".join(out) + "\r\n")}


def days_since_infusion() -> dict[str, bytes]:
    """A long sheet whose time is already "days since infusion" (negative before), with the pain
    score typed as ``7``, ``7/10`` or ``6,5`` (a decimal comma in a comma-separated file, quoted).

    Per patient: baseline on day -3, the infusion on day 0 with "NRS before"/"NRS after", day 1,
    day 27 (week 4).
    """
    # pid: baseline(d-3), before, after, day1, day27
    data = {"D1": ("8", "8", "4", "5", "6"), "D2": ("7/10", "7", "5", "\"4,5\"", "7"),
            "D3": ("6", "6", "3", "3", "3"), "D4": ("9", "9/10", "\"6,5\"", "7", "8"),
            "D5": ("5", "5", "2", "2", "5"), "D6": ("10", "10", "6", "5", "9")}
    out = ["Patient,Days since infusion,Treatment,NRS before,NRS after,NRS"]
    for pid, (b, pre, post, d1, d27) in data.items():
        out += [f"{pid},-3,,,,{b}", f"{pid},0,Ketamine,{pre},{post},", f"{pid},1,,,,{d1}", f"{pid},27,,,,{d27}"]
    return {"pain_by_day.csv": _b("\n".join(out) + "\n")}


def leading_zero_ids() -> dict[str, bytes]:
    """Scores from a sheet Excel re-saved (ids 7, 12) beside an infusion log keeping them ("007").

    Also a "Total" row at the end of the infusion log and trailing empty columns.
    """
    scores = ["Patient ID,Date,NRS"]
    log = ["Patient ID,Infusion date,Drug,Dose (mg),,"]
    for i, (pid, day) in enumerate([("007", 4), ("012", 11), ("015", 18), ("021", 25), ("033", 27), ("040", 28)]):
        short = str(int(pid)) if i % 2 == 0 else pid
        scores += [f"{short},2024-03-{day - 2:02d},8", f"{short},2024-03-{day + 1:02d},4"]
        log.append(f"{pid},2024-03-{day:02d},Ketamine,50,,")
    log.append("Total,,,300,,")
    return {"scores.csv": _b("\n".join(scores) + "\n"), "infusions.csv": _b("\n".join(log) + "\n")}


def pt_sessions() -> dict[str, bytes]:
    """A physical-therapy log: one row per session (twice a week for three weeks), pain before and
    after each session, no column naming the treatment."""
    import datetime as dt
    out = ["Patient,Session date,Session no.,Therapist,Pain before session,Pain after session,Duration (min)"]
    first = {"T1": dt.date(2024, 5, 6), "T2": dt.date(2024, 5, 7), "T3": dt.date(2024, 5, 13)}
    for pid, d0 in first.items():
        for s in range(6):
            d = d0 + dt.timedelta(days=3 * (s % 2) + 7 * (s // 2))
            out.append(f"{pid},{d.isoformat()},{s + 1},AB,{7 - s // 2},{5 - s // 2},45")
    return {"pt_log.csv": _b("\n".join(out) + "\n")}


REDCAP_CLASSIC_DICTIONARY = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
    '"Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)",'
    '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
    '"Matrix Ranking?","Field Annotation"\n'
    'record_id,enrolment,,text,"Record ID",,,,,,,,,,,,,\n'
    'sex,enrolment,,radio,Sex,"1, Female | 2, Male",,,,,,,,,,,,\n'
    'inf_date,infusion,,text,"Date of infusion",,,date_mdy,,,,,y,,,,,\n'
    'inf_start,infusion,,text,"Start time",,,time,,,,,,,,,,\n'
    'ket_dose,infusion,,text,"Ketamine dose (mg)",,,number,0,1000,,,,,,,,\n'
    'nrs_pre,infusion,,text,"Pain before infusion (0-10)",,,integer,0,10,,,,,,,,\n'
    'nrs_post,infusion,,text,"Pain 1 h after start (0-10)",,,integer,0,10,,,,,,,,\n'
    'diary_dt,pain_diary,,text,"Date and time of entry",,,datetime_seconds_ymd,,,,,y,,,,,\n'
    'diary_nrs,pain_diary,,text,"Pain now (0-10)",,,integer,0,10,,,,,,,,\n')


def redcap_classic_mdy() -> dict[str, bytes]:
    """A classic (not longitudinal) REDCap project: no ``redcap_event_name``; repeating instruments
    ``infusion`` (pre/post scores) and ``pain_diary`` (``datetime_seconds_ymd``); exported with the
    export dialog's MM/DD/YYYY date format, so the date_mdy and the datetime_seconds_ymd field are both
    written month-first (the latter with seconds).
    """
    # record: (infusion m/d, pre, post, diary day 1, diary day 25)
    data = {1: ((3, 4), 8, 4, 5, 6), 2: ((3, 13), 6, 5, 5, 6), 3: ((3, 20), 7, 3, 3, 4),
            4: ((4, 2), 9, 6, 6, 5), 5: ((4, 16), 5, 5, 4, 5), 6: ((4, 22), 10, 7, 6, 6)}
    import datetime as dt
    head = ("record_id,redcap_repeat_instrument,redcap_repeat_instance,sex,enrolment_complete,inf_date,inf_start,"
            "ket_dose,nrs_pre,nrs_post,infusion_complete,diary_dt,diary_nrs,pain_diary_complete")
    out = [head]
    for rec, ((m, d), pre, post, d1, d25) in data.items():
        day0 = dt.datetime(2024, m, d, 9, 0)
        out.append(f"{rec},,,{1 + rec % 2},2,,,,,,,,,")
        out.append(f"{rec},infusion,1,,,{day0:%m/%d/%Y},09:00,35,{pre},{post},2,,,")
        for i, (delta, v) in enumerate([(dt.timedelta(days=1, hours=5, minutes=30, seconds=15), d1),
                                        (dt.timedelta(days=25, hours=2, seconds=42), d25)], 1):
            out.append(f"{rec},pain_diary,{i},,,,,,,,,{day0 + delta:%m/%d/%Y %H:%M:%S},{v},2")
    return {"KetaminePain_DataDictionary_2024-06-03.csv": _b(REDCAP_CLASSIC_DICTIONARY),
            "KetaminePain_DATA_2024-06-03_1412.csv": _b("\n".join(out) + "\n")}


def month_name_dates() -> dict[str, bytes]:
    """A sheet saved from Excel with its ``d-mmm-yy`` date cells (``4-Mar-24``) beside an Oracle-style
    infusion log (``04-MAR-2024 09:00``)."""
    scores = ["Patient,Date,NRS", "M1,1-Mar-24,8", "M1,5-Mar-24,4", "M1,1-Apr-24,6",
              "M2,12-Mar-24,6", "M2,15-Mar-24,3", "M2,8-Apr-24,3", "M3,20-Mar-24,9", "M3,22-Mar-24,8"]
    log = ["PATIENT,ADMIN_DTTM,DRUG", "M1,04-MAR-2024 09:00,KETAMINE", "M2,14-MAR-2024 10:30,KETAMINE",
           "M3,21-MAR-2024 08:00,KETAMINE"]
    return {"scores.csv": _b("\n".join(scores) + "\n"), "infusions.csv": _b("\n".join(log) + "\n")}


def excel_day_zero_times() -> dict[str, bytes]:
    """A workbook read by a tool that writes Excel's date cells as ``2024-03-04 00:00:00`` and its
    time-only cells on Excel's day zero, ``1899-12-30 09:00:00``."""
    rows = ["Patient,Date,Time,Treatment,NRS"]
    for pid, day, (b, start, post), (vb, vp) in [("X1", 4, ("08:30", "09:00", "13:00"), (8, 4)),
                                                 ("X2", 11, ("08:00", "09:30", "14:00"), (6, 3)),
                                                 ("X3", 18, ("07:45", "08:15", "10:00"), (9, 7))]:
        date = f"2024-03-{day:02d} 00:00:00"
        rows += [f"{pid},{date},1899-12-30 {b}:00,,{vb}", f"{pid},{date},1899-12-30 {start}:00,Ketamine,",
                 f"{pid},{date},1899-12-30 {post}:00,,{vp}"]
    return {"sheet.csv": _b("\n".join(rows) + "\n")}


_CLASSIC_LABELS = ["Record ID", "Repeat Instrument", "Repeat Instance", "Sex", "Complete?", "Date of infusion",
                   "Start time", "Ketamine dose (mg)", "Pain before infusion (0-10)", "Pain 1 h after start (0-10)",
                   "Complete?", "Date and time of entry", "Pain now (0-10)", "Complete?"]


def redcap_classic_mdy_labels() -> dict[str, bytes]:
    """:func:`redcap_classic_mdy` as REDCap's "CSV (labels)" export: field labels as headers (three
    ``Complete?``), choice labels, the instruments' labels (``Pain Diary``) in Repeat Instrument."""
    files = redcap_classic_mdy()
    raw = files.pop("KetaminePain_DATA_2024-06-03_1412.csv").decode().splitlines()
    out = [",".join(f'"{h}"' for h in _CLASSIC_LABELS)]
    for line in raw[1:]:
        c = line.split(",")
        c[1] = {"infusion": "Infusion", "pain_diary": "Pain Diary"}.get(c[1], c[1])
        c[3] = {"1": "Female", "2": "Male"}.get(c[3], c[3])
        for k in (4, 10, 13):
            c[k] = {"2": "Complete"}.get(c[k], c[k])
        out.append(",".join(c))
    files["KetaminePain_DATA_LABELS_2024-06-03_1413.csv"] = _b("\n".join(out) + "\n")
    return files


def excel_swapped_dates() -> dict[str, bytes]:
    """A day-first sheet opened by a spreadsheet program set to month-first dates: the dates it could
    read were converted with day and month swapped (2 March -> ``2024-02-03 00:00:00``), the others
    left as typed (``13/03/2024``)."""
    rows = ["Patient,Date,Treatment,NRS",
            "S1,2024-02-03 00:00:00,,8", "S1,2024-03-04 00:00:00,Ketamine,", "S1,2024-04-04 00:00:00,,4",
            "S2,13/03/2024,,6", "S2,14/03/2024,Ketamine,", "S2,15/03/2024,,3",
            "S3,2024-05-03 00:00:00,,7", "S3,2024-06-03 00:00:00,Ketamine,", "S3,2024-07-03 00:00:00,,7"]
    return {"sheet.csv": _b("\n".join(rows) + "\n")}
