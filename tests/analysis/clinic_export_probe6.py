"""Small invented clinic exports of a sixth fresh-eyes probe (shapes not covered by clinic_export_shapes.py,
clinic_export_pitfalls.py, clinic_export_probe4.py, clinic_export_probe5.py or test_clinic_exports.py).

Each function returns ``{file name: bytes}`` for a handful of patients whose expected numbers are
worked out by hand in the test that uses it (tests/analysis/test_clinic_export_probe6.py).
"""
from __future__ import annotations

import datetime as dt
import io


def _b(lines: list[str], eol: str = "\n", encoding: str = "utf-8") -> bytes:
    return (eol.join(lines) + eol).encode(encoding)


# --- A register: one row per patient and infusion, one column per follow-up visit -------------------

# (patient, infusion date DD/MM/YYYY, pre, post, 1 week, 1 month, 3 months); '' = not done
REGISTER = [("A1", "04/03/2024", 8, 4, 5, 6, 7),
            ("A1", "15/07/2024", 7, 3, 4, 5, ""),
            ("A2", "11/03/2024", 6, 6, 6, 6, 6),
            ("A3", "18/03/2024", 9, 5, 6, "", ""),
            ("A4", "25/03/2024", 7, 2, 4, 5, 5)]


def visit_register() -> dict[str, bytes]:
    """A register kept in Excel: one row per patient and infusion, scores written as ``n/10``, one column
    per visit named by its delay (``Pain 1 week``, ``Pain 1 month``, ``Pain 3 months``), pre- and
    post-infusion scores on the row. A1 has a second infusion 133 days after the first."""
    out = ["Patient,Infusion date,Pre-infusion pain,Post-infusion pain,Pain 1 week,Pain 1 month,Pain 3 months"]
    out += [",".join([pid, date] + [f"{v}/10" if v != "" else "" for v in vals]) for pid, date, *vals in REGISTER]
    return {"register.csv": _b(out)}


# --- A workbook: scores on one sheet, infusions on another ----------------------------------------

# patient: (pre-infusion time, score, post-infusion time, score, follow-up time, score); infusions at 10:00
WORKBOOK = {"K01": (dt.datetime(2024, 3, 4, 8, 30), 8, dt.datetime(2024, 3, 4, 14, 0), 4,
                    dt.datetime(2024, 4, 1, 10, 0), 5),
            "K02": (dt.datetime(2024, 3, 11, 8, 0), 6, dt.datetime(2024, 3, 11, 15, 0), 5,
                    dt.datetime(2024, 4, 8, 9, 0), 6),
            "K03": (dt.datetime(2024, 3, 18, 9, 0), 9, dt.datetime(2024, 3, 18, 13, 0), 3,
                    dt.datetime(2024, 4, 15, 9, 0), 4)}


def two_sheet_workbook() -> dict[str, bytes]:
    """``Ketamine clinic.xlsx``: sheet ``Pain scores`` (Patient, Date as real date-and-time cells shown
    ``dd/mm/yyyy hh:mm``, NRS) with an ``Average`` row under an empty row; sheet ``Infusions`` (Patient,
    Date, Drug, Dose (mg)) with a ``Total`` row of the doses."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pain scores"
    ws.append(["Patient", "Date", "NRS"])
    for pid, (t0, s0, t1, s1, t2, s2) in WORKBOOK.items():
        for t, s in ((t0, s0), (t1, s1), (t2, s2)):
            ws.append([pid, t, s])
    ws.append([])
    ws.append(["Average", None, 5.6])
    inf = wb.create_sheet("Infusions")
    inf.append(["Patient", "Date", "Drug", "Dose (mg)"])
    for pid, (t0, *_) in WORKBOOK.items():
        inf.append([pid, t0.replace(hour=10, minute=0), "Ketamine", 120])
    inf.append(["Total", None, None, 360])
    for sheet in (ws, inf):
        for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
            for cell in row:
                cell.number_format = "dd/mm/yyyy hh:mm"
    out = io.BytesIO()
    wb.save(out)
    return {"Ketamine clinic.xlsx": out.getvalue()}


# A workbook whose date column holds real date cells and, where Excel did not take the text as a date,
# day-first text (a day-first sheet typed on a month-first Excel would do the opposite).
MIXED_CELLS = {"X1": (8, 4, 6), "X2": (6, 6, 6), "X3": (9, 3, 4)}


def date_cells_and_date_texts() -> dict[str, bytes]:
    """``Suivi.xlsx``: Patient, Date, Traitement (``Kétamine``), EVA; the day after each infusion is typed
    as the text ``05/03/2024``, every other date is a date cell."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Suivi"
    ws.append(["Patient", "Date", "Traitement", "EVA"])
    for i, (pid, (pre, d1, w4)) in enumerate(MIXED_CELLS.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        ws.append([pid, d0 - dt.timedelta(days=1), None, pre])
        ws.append([pid, d0, "Kétamine", None])
        ws.append([pid, f"{d0 + dt.timedelta(days=1):%d/%m/%Y}", None, d1])
        ws.append([pid, d0 + dt.timedelta(days=28), None, w4])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            if not isinstance(cell.value, str):
                cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    wb.save(out)
    return {"Suivi.xlsx": out.getvalue()}


# --- An EHR: flowsheet with a date and a separate taken time, a MAR with dates and times apart ------

# patient: (pre time, score, post time, score, follow-up date-time, score), month-first; bag at 10:00
FLOWSHEET = {"F1": ("03/04/2024", "08:30", 8, "14:00", 4, "04/01/2024", "10:00", 6),
             "F2": ("03/11/2024", "08:00", 6, "15:00", 5, "04/08/2024", "09:00", 6),
             "F3": ("03/18/2024", "09:00", 9, "13:00", 3, "04/15/2024", "09:00", 4)}


def flowsheet_date_and_taken_time(pain_value: str = "{}") -> dict[str, bytes]:
    """An Epic-style flowsheet (``Recorded Date`` and a separate ``Taken Time``, ``Flowsheet Row``,
    ``Meas Value``; a ``Pain Location`` row) and its MAR (``Admin Date``, ``Admin Time``, ``MAR Action``
    ``New Bag`` then ``Rate Change``, ``Dose`` and ``Unit``). ``pain_value`` formats each pain score."""
    fs = ["Pat ID,Recorded Date,Taken Time,Flowsheet Row,Meas Value"]
    mar = ["Pat ID,Admin Date,Admin Time,Medication,MAR Action,Dose,Unit"]
    for pid, (d0, t_pre, pre, t_post, post, d1, t1, fu) in FLOWSHEET.items():
        fs += [f"{pid},{d0},{t_pre},Pain Score (0-10),{pain_value.format(pre)}",
               f"{pid},{d0},{t_post},Pain Score (0-10),{pain_value.format(post)}",
               f"{pid},{d1},{t1},Pain Score (0-10),{pain_value.format(fu)}"]
        mar.append(f"{pid},{d0},10:00,ketamine 200 mg in NS 250 mL,New Bag,35,mg")
    fs.append("F3,03/18/2024,13:00,Pain Location,Left foot")
    mar.append("F3,03/18/2024,11:00,ketamine 200 mg in NS 250 mL,Rate Change,,")
    return {"flowsheet.csv": _b(fs), "mar.csv": _b(mar)}


def flowsheet_with_labelled_values() -> dict[str, bytes]:
    """The flowsheet above as some exports write its values: ``Pain Score: 8`` (the row's name, a colon,
    the score), with the same MAR."""
    files = flowsheet_date_and_taken_time("Pain Score: {}")
    return files


def mar_given_not_given_bolus() -> dict[str, bytes]:
    """A flowsheet (``Study ID``, ``Taken``, ``Item``, ``Value``; E1's pre-infusion score charted twice,
    by two encounters) and a MAR whose actions are ``Given``, ``Bolus from Bag``, ``Not Given``, with doses
    in mg/kg, and ondansetron given with the infusion."""
    fs = ["Study ID,Encounter CSN,Taken,Item,Value",
          "E1,1001,2024-03-04 08:30,Pain Score,8", "E1,2001,2024-03-04 08:30,Pain Score,8",
          "E1,1001,2024-03-04 14:00,Pain Score,4", "E1,1001,2024-04-01 10:00,Pain Score,6",
          "E2,1002,2024-03-11 08:00,Pain Score,6", "E2,1002,2024-03-11 15:00,Pain Score,5",
          "E2,1002,2024-04-08 09:00,Pain Score,6",
          "E3,1003,2024-03-18 09:00,Pain Score,9", "E3,1003,2024-03-18 13:00,Pain Score,3",
          "E3,1003,2024-04-15 11:00,Pain Score,4"]
    mar = ["Study ID,Administration Time,Medication,Action,Dose,Dose Unit",
           "E1,2024-03-04 10:00,KETAMINE 100 MG/10 ML IV,Given,0.5,mg/kg",
           "E1,2024-03-04 10:05,ONDANSETRON 4 MG IV,Given,4,mg",
           "E2,2024-03-11 10:00,KETAMINE 100 MG/10 ML IV,Given,0.5,mg/kg",
           "E2,2024-03-12 10:00,KETAMINE 100 MG/10 ML IV,Not Given,0.5,mg/kg",
           "E3,2024-03-18 10:00,KETAMINE 100 MG/10 ML IV,Given,0.5,mg/kg",
           "E3,2024-03-18 10:30,KETAMINE 100 MG/10 ML IV,Bolus from Bag,0.1,mg/kg"]
    return {"flowsheet.csv": _b(fs), "mar.csv": _b(mar)}


def mar_mixed_dose_units() -> dict[str, bytes]:
    """A MAR whose ``Dose`` is a rate in ``mg/kg/hr`` for the bag and a bolus in ``mg`` (``Dose Unit``):
    M1's course has both."""
    fs = ["Study ID,Taken,Item,Value",
          "M1,2024-03-04 08:30,Pain Score,8", "M1,2024-03-04 14:00,Pain Score,4",
          "M2,2024-03-11 08:00,Pain Score,6", "M2,2024-03-11 15:00,Pain Score,5"]
    mar = ["Study ID,Administration Time,Medication,Action,Dose,Dose Unit",
           "M1,2024-03-04 10:00,KETAMINE INFUSION,Given,0.5,mg/kg/hr",
           "M1,2024-03-04 10:15,KETAMINE INFUSION,Bolus from Bag,20,mg",
           "M2,2024-03-11 10:00,KETAMINE INFUSION,Given,0.5,mg/kg/hr"]
    return {"flowsheet.csv": _b(fs), "mar.csv": _b(mar)}


# --- A German sheet with everything a hand-kept file has ----------------------------------------------

# patient: (day -1, day 1, day 28) around an infusion; '020' has scores but no infusion
GERMAN = {"007": ("03.03.24", 8, "04.03.24", "05.03.24", 4, "01.04.24", 6),
          "7": ("10.03.24", 6, "11.03.24", "12.03.24", 6, "08.04.24", 6),
          "012": ("17.03.24", 9, "18.03.24", "19.03.24", 3, "15.04.24", 4)}


def german_hand_kept_sheet(sep_line: bool = False) -> dict[str, bytes]:
    """Windows-1252, ``;``, CRLF, dates ``DD.MM.YY``; ids ``007`` and ``7`` are two patients (as typed in a
    text-formatted column); comments in quotes with a line break (``"Gut vertragen,\\nleichte Übelkeit"``);
    patient ``020`` without an infusion; a last line ``Total: 4 patients``. With ``sep_line`` the file
    starts with Excel's ``sep=;`` line."""
    out = (["sep=;"] if sep_line else []) + ["Patient;Datum;Behandlung;NRS;Kommentar"]
    for pid, (d_pre, pre, d0, d1, s1, d28, s28) in GERMAN.items():
        note = {"007": '"Gut vertragen,\nleichte Übelkeit"', "7": '"Keine Besserung;\nweiter beobachten"'}.get(pid, "")
        out += [f"{pid};{d_pre};;{pre};", f"{pid};{d0};Ketamin;;", f"{pid};{d1};;{s1};{note}", f"{pid};{d28};;{s28};"]
    out += ["020;20.03.24;;7;nur Baseline, keine Infusion", "020;27.03.24;;7;", "Total: 4 patients;;;;"]
    return {"schmerz.csv": _b(out, eol="\r\n", encoding="cp1252")}


def two_exports_pasted_together() -> dict[str, bytes]:
    """Two monthly exports of the same sheet pasted one under the other: the header repeats on line 6."""
    head = "Patient;Datum;Behandlung;NRS"
    out = [head, "S1;03.03.2024;;8", "S1;04.03.2024;Ketamin;", "S1;05.03.2024;;4", "S1;01.04.2024;;6",
           head, "S2;10.03.2024;;6", "S2;11.03.2024;Ketamin;", "S2;12.03.2024;;3", "S2;08.04.2024;;5"]
    return {"schmerz.csv": _b(out, eol="\r\n", encoding="cp1252")}


# --- Rows per visit with two pain scores, a PGIC in words, a time in hours ------------------------------

def rest_and_movement() -> dict[str, bytes]:
    """``NRS at rest`` and ``NRS on movement`` side by side (a CRPS clinic records both)."""
    out = ["Patient,Date,Treatment,NRS at rest,NRS on movement"]
    for i, (pid, (r0, m0, r1, m1)) in enumerate({"R1": (6, 8, 3, 5), "R2": (5, 7, 5, 7), "R3": (7, 9, 2, 4)}.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},,{r0},{m0}", f"{pid},{d0},Ketamine,,",
                f"{pid},{d0 + dt.timedelta(days=1)},,{r1},{m1}"]
    return {"rest_movement.csv": _b(out)}


# patient: (baseline day -1, day 1, day 28 NRS, PGIC at day 28 in words)
PGIC_WORDS = {"G1": (8, 4, 6, "Much improved"), "G2": (6, 6, 6, "No change"),
              "G3": (9, 3, 4, "Very much improved"), "G4": (7, 5, 6, "Minimally improved")}


def pgic_in_words() -> dict[str, bytes]:
    """A sheet whose ``PGIC`` column holds the answers as worded on the form (``Much improved``)."""
    out = ["Patient,Date,Treatment,NRS,PGIC"]
    for i, (pid, (pre, d1, w4, pgic)) in enumerate(PGIC_WORDS.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},,{pre},", f"{pid},{d0},Ketamine,,",
                f"{pid},{d0 + dt.timedelta(days=1)},,{d1},", f"{pid},{d0 + dt.timedelta(days=28)},,{w4},{pgic}"]
    return {"pgic.csv": _b(out)}


# patient: scores at hours -1, 2, 168 (week 1) and 672 (week 4) after the infusion
HOURS = {"H1": (8, 4, 5, 6), "H2": (6, 5, 6, 6), "H3": (9, 3, 4, 5)}


def hours_after_infusion() -> dict[str, bytes]:
    """A research sheet timed in hours since the infusion (``Hours after infusion``: -1, 2, 168, 672), the
    infusion row at hour 0."""
    out = ["Patient,Hours after infusion,Treatment,NRS"]
    for pid, scores in HOURS.items():
        out.append(f"{pid},0,Ketamine,")
        out += [f"{pid},{h},,{s}" for h, s in zip((-1, 2, 168, 672), scores)]
    return {"hours.csv": _b(out)}


# --- One row per patient, one date column per infusion --------------------------------------------

# patient: (infusion 1 date, before, after, infusion 2 date, before, after); '' = no second infusion
TWO_INFUSIONS = {"W1": ("04/03/2024", 8, 4, "15/04/2024", 7, 3),
                 "W2": ("11/03/2024", 6, 6, "", "", ""),
                 "W3": ("18/03/2024", 9, 5, "29/04/2024", 8, 2)}


def infusion_date_per_column() -> dict[str, bytes]:
    """A sheet with one row per patient and a block of columns per infusion: ``Infusion 1 date``, ``NRS
    before 1``, ``NRS after 1``, ``Infusion 2 date``, ... (day-first)."""
    out = ["Patient,Infusion 1 date,NRS before 1,NRS after 1,Infusion 2 date,NRS before 2,NRS after 2"]
    out += [",".join([pid] + [str(v) for v in vals]) for pid, vals in TWO_INFUSIONS.items()]
    return {"infusions.csv": _b(out)}


# --- Day numbers, with a patient scored only before the infusion --------------------------------------

def day_numbers_with_pre_only_patient() -> dict[str, bytes]:
    """``Patient, Day, Treatment, NRS`` with negative days before the infusion (day 0); N2 has scores
    only before its infusion; a last line ``Total: 3 patients`` without separators."""
    out = ["Patient,Day,Treatment,NRS",
           "N1,-7,,8", "N1,0,Ketamine,", "N1,1,,4", "N1,28,,6",
           "N2,-14,,7", "N2,-3,,7", "N2,0,Ketamine,",
           "N3,-2,,9", "N3,0,Ketamine,", "N3,2,,3", "N3,27,,4",
           "Total: 3 patients"]
    return {"days.csv": _b(out)}


# --- A workbook whose id cells are numbers shown with leading zeros -----------------------------------

def ids_shown_with_leading_zeros() -> dict[str, bytes]:
    """``clinic.xlsx``: on sheet ``Scores`` the ids are numbers formatted ``000`` (shown 007, 012, 103), on
    sheet ``Infusions`` they are typed as text (``007``)."""
    import openpyxl

    wb = openpyxl.Workbook()
    sc = wb.active
    sc.title = "Scores"
    sc.append(["Patient", "Date", "NRS"])
    inf = wb.create_sheet("Infusions")
    inf.append(["Patient", "Date", "Drug"])
    for i, (pid, (a, b, c)) in enumerate({7: (8, 4, 5), 12: (6, 5, 6), 103: (9, 3, 4)}.items()):
        d0 = dt.datetime(2024, 3, 4, 10) + dt.timedelta(days=7 * i)
        for t, s in ((d0 - dt.timedelta(hours=1), a), (d0 + dt.timedelta(hours=4), b), (d0 + dt.timedelta(days=28), c)):
            sc.append([pid, t, s])
            sc.cell(sc.max_row, 1).number_format = "000"
        inf.append([f"{pid:03d}", d0, "Ketamine"])
    out = io.BytesIO()
    wb.save(out)
    return {"clinic.xlsx": out.getvalue()}


# --- A flowsheet report: one row per time, one column per flowsheet row -----------------------------

def vitals_flowsheet_report() -> dict[str, bytes]:
    """An EHR flowsheet report pivoted to one column per row name: ``BP`` (``128/82``), ``Pulse``, ``SpO2``,
    ``Pain Score``, ``Pain Location``, ``Pain Goal``, ``RASS``, and ``MAR Medication`` on the infusion's row
    (month-first date-times)."""
    out = ["Pat ID,Date/Time,BP,Pulse,SpO2,Pain Score,Pain Location,Pain Goal,RASS,MAR Medication"]
    for pid, (d0, t_pre, pre, t_post, post, d1, t1, fu) in FLOWSHEET.items():
        loc = {"F1": "Left foot", "F2": "Right hand", "F3": "Both feet"}[pid]
        out += [f"{pid},{d0} {t_pre},128/82,78,98,{pre},{loc},3,0,",
                f"{pid},{d0} 10:00,,,,,,,,Ketamine 0.5 mg/kg IV",
                f"{pid},{d0} {t_post},118/76,72,97,{post},{loc},3,-1,",
                f"{pid},{d1} {t1},122/80,75,99,{fu},{loc},3,0,"]
    return {"vitals.csv": _b(out)}


# --- A REDCap raw export without its data dictionary ---------------------------------------------------

def redcap_raw_without_dictionary() -> dict[str, bytes]:
    """A REDCap raw export (events, a repeating ``infusion`` form, the data access group) downloaded
    without its data dictionary: ``infusion_drug`` is a radio field, 1 = Ketamine, 2 = Lidocaine."""
    out = ["record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,redcap_data_access_group,"
           "visit_date,nrs,visit_complete,infusion_date,infusion_drug,infusion_complete",
           "1,baseline_arm_1,,,site_a,2024-03-03,8,2,,,", "1,treatment_arm_1,infusion,1,site_a,,,,2024-03-04,1,2",
           "1,followup_arm_1,,,site_a,2024-03-05,4,2,,,",
           "2,baseline_arm_1,,,site_b,2024-03-10,6,2,,,", "2,treatment_arm_1,infusion,1,site_b,,,,2024-03-11,2,2",
           "2,followup_arm_1,,,site_b,2024-03-12,6,2,,,",
           "3,baseline_arm_1,,,site_a,2024-03-17,9,2,,,", "3,treatment_arm_1,infusion,1,site_a,,,,2024-03-18,1,2",
           "3,followup_arm_1,,,site_a,2024-03-19,3,2,,,"]
    return {"PainStudy_DATA_2024-05-01_1200.csv": _b(out)}


# --- The infusion date written on every visit row ------------------------------------------------------

# patient: (infusion date, [(visit date, NRS), ...]), day-first
VISITS_WITH_INFUSION_DATE = {"R1": ("04/03/2024", [("03/03/2024", 8), ("05/03/2024", 4), ("01/04/2024", 6)]),
                             "R2": ("11/03/2024", [("10/03/2024", 6), ("12/03/2024", 6), ("08/04/2024", 6)]),
                             "R3": ("18/03/2024", [("17/03/2024", 9), ("19/03/2024", 3), ("15/04/2024", 4)])}


def infusion_date_on_every_visit_row(visit_first: bool = False) -> dict[str, bytes]:
    """A register with one row per visit, each row carrying the patient's ``Infusion date`` beside its own
    ``Visit date`` (with ``visit_first`` the visit date is the first column of the two)."""
    head = ["Visit date", "Infusion date"] if visit_first else ["Infusion date", "Visit date"]
    out = ["Patient," + ",".join(head) + ",NRS"]
    for pid, (d_inf, visits) in VISITS_WITH_INFUSION_DATE.items():
        for d, s in visits:
            pair = (d, d_inf) if visit_first else (d_inf, d)
            out.append(f"{pid},{pair[0]},{pair[1]},{s}")
    return {"register.csv": _b(out)}


# --- Time points named in words beside the infusion date ---------------------------------------------

# patient: (infusion date, NRS at Baseline, Week 1, Week 4, Month 3)
TIMEPOINTS = {"T1": ("04/03/2024", 8, 4, 5, 6), "T2": ("11/03/2024", 6, 5, 6, 6), "T3": ("18/03/2024", 9, 3, 4, 5)}


POINTS = ("Baseline", "Week 1", "Week 4", "Month 3")
#: The days the time points stand for after the infusion date (months x 365.25 / 12 rounded).
POINT_DAYS = (0, 7, 28, 91)


def timepoints_beside_infusion_date(own_dates: bool = False, unread: str | None = None,
                                    typo: bool = False) -> dict[str, bytes]:
    """A long research sheet: ``Patient, Infusion date, Timepoint, NRS`` with ``Timepoint`` in ``Baseline``,
    ``Week 1``, ``Week 4``, ``Month 3``: each score's day is its time point after the infusion date (lines
    2-5 T1, 6-9 T2, 10-13 T3).

    Variants: ``own_dates``: the column is ``Visit date`` and holds each visit's own date (the infusion
    date + 0, 7, 28, 91 days), so the time points only name the visits; ``unread``: T2's week-1 time point
    (line 7) written so instead; ``typo``: T3's week-4 row (line 12) carries another infusion date
    (``25/03/2024``)."""
    out = [f"Patient,{'Visit date' if own_dates else 'Infusion date'},Timepoint,NRS"]
    for pid, (d, *vals) in TIMEPOINTS.items():
        start = dt.datetime.strptime(d, "%d/%m/%Y")
        for tp, days, v in zip(POINTS, POINT_DAYS, vals):
            date = (start + dt.timedelta(days=days)).strftime("%d/%m/%Y") if own_dates else d
            if typo and (pid, tp) == ("T3", "Week 4"):
                date = "25/03/2024"
            tp = unread if unread is not None and (pid, tp) == ("T2", "Week 1") else tp
            out.append(f"{pid},{date},{tp},{v}")
    return {"timepoints.csv": _b(out)}


def timepoints_of_two_courses() -> dict[str, bytes]:
    """The same sheet for one patient with two courses: ``Infusion date`` 04/03/2024 on the rows of the first
    (Baseline 8, Week 1 4, Week 4 5), 15/07/2024 (133 days later) on those of the second (Baseline 7, Week 1
    3, Week 4 6); and a patient with one course (11/03/2024: Baseline 6, Week 1 5, Week 4 6)."""
    out = ["Patient,Infusion date,Timepoint,NRS",
           "C1,04/03/2024,Baseline,8", "C1,04/03/2024,Week 1,4", "C1,04/03/2024,Week 4,5",
           "C1,15/07/2024,Baseline,7", "C1,15/07/2024,Week 1,3", "C1,15/07/2024,Week 4,6",
           "C2,11/03/2024,Baseline,6", "C2,11/03/2024,Week 1,5", "C2,11/03/2024,Week 4,6"]
    return {"courses.csv": _b(out)}


# --- Two tables side by side on one sheet ------------------------------------------------------------

def two_tables_side_by_side() -> dict[str, bytes]:
    """A hand-kept sheet with the scores (``Patient, Date, NRS``) on the left and, after an empty column,
    the infusions (``Patient, Infusion date, Drug``) on the right: row k of the right table is not the
    patient of row k of the left one."""
    left = [("B1", "03/03/2024", 8), ("B1", "05/03/2024", 4), ("B1", "01/04/2024", 6),
            ("B2", "10/03/2024", 6), ("B2", "12/03/2024", 6), ("B2", "08/04/2024", 6),
            ("B3", "17/03/2024", 9), ("B3", "19/03/2024", 3), ("B3", "15/04/2024", 4)]
    right = [("B1", "04/03/2024", "Ketamine"), ("B2", "11/03/2024", "Ketamine"), ("B3", "18/03/2024", "Ketamine")]
    out = ["Patient,Date,NRS,,Patient,Infusion date,Drug"]
    for i, (pid, d, s) in enumerate(left):
        r = right[i] if i < len(right) else ("", "", "")
        out.append(f"{pid},{d},{s},," + ",".join(r))
    return {"side.csv": _b(out)}


# --- A MAR with the drugs studied in other forms than an infusion -------------------------------------

def mar_with_patch_and_oral_ketamine(plain_text: bool = False) -> dict[str, bytes]:
    """Ketamine infusions (``New Bag``) and, two weeks later, a ``LIDOCAINE 5 % PATCH`` (L1) or ``KETAMINE 10
    MG ORAL SOLUTION`` (L2) on two days. With ``plain_text`` the infusion is charted as ``KETAMINE`` alone,
    a text contained in the oral one."""
    fs = ["Study ID,Taken,Item,Value",
          "L1,2024-03-04 08:30,Pain Score,8", "L1,2024-03-04 14:00,Pain Score,4", "L1,2024-04-01 10:00,Pain Score,6",
          "L2,2024-03-11 08:00,Pain Score,6", "L2,2024-03-11 15:00,Pain Score,5", "L2,2024-04-08 09:00,Pain Score,6"]
    iv = "KETAMINE" if plain_text else "KETAMINE 200 MG IN NS 250 ML IV INFUSION"
    mar = ["Study ID,Administration Time,Medication,Action,Dose",
           f"L1,2024-03-04 10:00,{iv},New Bag,200",
           "L1,2024-03-20 09:00,LIDOCAINE 5 % PATCH,Given,1", "L1,2024-03-21 09:00,LIDOCAINE 5 % PATCH,Given,1",
           f"L2,2024-03-11 10:00,{iv},New Bag,200",
           "L2,2024-03-25 09:00,KETAMINE 10 MG ORAL SOLUTION,Given,10",
           "L2,2024-03-26 09:00,KETAMINE 10 MG ORAL SOLUTION,Given,10"]
    return {"flowsheet.csv": _b(fs), "mar.csv": _b(mar)}


# --- The treatment group written on every row ----------------------------------------------------------

def treatment_arm_on_every_row() -> dict[str, bytes]:
    """``Patient, Date, Treatment, NRS`` with the patient's arm (``Ketamine`` or ``Lidocaine``) on every visit
    row: the day before the infusion, the day after, and day 28; no row marks the infusion itself."""
    out = ["Patient,Date,Treatment,NRS"]
    for i, (pid, arm, (a, b, c)) in enumerate((("G1", "Ketamine", (8, 4, 6)), ("G2", "Ketamine", (6, 5, 6)),
                                              ("G3", "Lidocaine", (9, 3, 4)), ("G4", "Lidocaine", (7, 6, 7)))):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},{arm},{a}", f"{pid},{d0 + dt.timedelta(days=1)},{arm},{b}",
                f"{pid},{d0 + dt.timedelta(days=28)},{arm},{c}"]
    return {"arm.csv": _b(out)}


# --- Dates written without separators ------------------------------------------------------------------

def compact_dates() -> dict[str, bytes]:
    """A SAS or database extract with dates as ``YYYYMMDD`` (``20240303``): C1 8 the day before the infusion,
    4 the day after, 6 on day 28; C2 6, 6, 6."""
    out = ["PatientID,VisitDate,Treatment,NRS",
           "C1,20240303,,8", "C1,20240304,Ketamine,", "C1,20240305,,4", "C1,20240401,,6",
           "C2,20240310,,6", "C2,20240311,Ketamine,", "C2,20240312,,6", "C2,20240408,,6"]
    return {"extract.csv": _b(out)}
