"""Small invented clinic exports of a fifth fresh-eyes probe (shapes not covered by
clinic_export_shapes.py, clinic_export_pitfalls.py, clinic_export_probe4.py or test_clinic_exports.py).

Each function returns ``{file name: bytes}`` for a handful of patients whose expected numbers are
worked out by hand in the test that uses it (tests/analysis/test_clinic_export_probe5.py).
"""
from __future__ import annotations

import datetime as dt


def _b(lines: list[str], eol: str = "\n", encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = (eol.join(lines) + eol).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


MONDAY = dt.date(2024, 3, 4)


def _start(i: int) -> dt.date:
    return MONDAY + dt.timedelta(days=7 * i)


# --- Spanish, Italian and Dutch spreadsheets --------------------------------------------------------

# pid: (baseline on the infusion day before it, score the day after, score on day 28)
SPANISH = {"P01": (8, 4, 6), "P02": (7, 6, 7), "P03": (9, 5, 5), "P04": (6, 3, 4)}


def spanish_sheet() -> dict[str, bytes]:
    """A Spanish pain unit's Excel sheet (``;``, Windows-1252, day-first dates): ``Paciente``, ``Fecha``,
    ``Tratamiento`` (``Ketamina IV`` on the infusion row), ``EVA`` (the 0-10 pain scale, *escala visual
    analógica*). Per patient: the infusion row with the pre-infusion EVA, the next day, and day 28."""
    out = ["Paciente;Fecha;Tratamiento;EVA;Observaciones"]
    for i, (pid, (pre, d1, w4)) in enumerate(SPANISH.items()):
        d0 = _start(i)
        out += [f"{pid};{d0:%d/%m/%Y};Ketamina IV;{pre};antes de la infusión",
                f"{pid};{d0 + dt.timedelta(days=1):%d/%m/%Y};;{d1};",
                f"{pid};{d0 + dt.timedelta(days=28):%d/%m/%Y};;{w4};revisión"]
    return {"dolor.csv": _b(out, eol="\r\n", encoding="cp1252")}


# pid: (score 3 days before, score 14:00 on the infusion day, score on day 27)
ITALIAN = {"101": (8, 5, 6), "102": (6, 6, 6), "103": (9, 4, 5), "104": (7, 4, 3), "105": (5, 4, 5)}


def italian_sheet() -> dict[str, bytes]:
    """An Italian sheet (``;``, decimal commas, day-first dates, a time column ``Ora``): ``Paziente``,
    ``Data``, ``Ora``, ``Terapia`` (``Ketamina`` at 09:00), ``NRS``. The 14:00 score is the immediate one."""
    out = ["Paziente;Data;Ora;Terapia;NRS"]
    for i, (pid, (pre, post, w4)) in enumerate(ITALIAN.items()):
        d0 = _start(i)
        out += [f"{pid};{d0 - dt.timedelta(days=3):%d/%m/%Y};10:00;;{pre}",
                f"{pid};{d0:%d/%m/%Y};09:00;Ketamina;",
                f"{pid};{d0:%d/%m/%Y};14:00;;{post}",
                f"{pid};{d0 + dt.timedelta(days=27):%d/%m/%Y};11:00;;{w4}"]
    return {"terapia_dolore.csv": _b(out)}


DUTCH = {"NL1": (8, 3, 6), "NL2": (7, 5, 7), "NL3": (6, 4, 3), "NL4": (9, 8, 8)}


def dutch_sheet() -> dict[str, bytes]:
    """A Dutch sheet (``;``, Windows-1252 so ``Patiënt`` is one byte 0xEB, dates ``04-03-2024``):
    ``Patiënt``, ``Datum``, ``Behandeling`` (``Ketamine``), ``Pijnscore``. Baseline the day before,
    the day after, and day 28."""
    out = ["Patiënt;Datum;Behandeling;Pijnscore"]
    for i, (pid, (pre, d1, w4)) in enumerate(DUTCH.items()):
        d0 = _start(i) + dt.timedelta(days=9)       # a day > 12 settles the order of the dates
        out += [f"{pid};{d0 - dt.timedelta(days=1):%d-%m-%Y};;{pre}",
                f"{pid};{d0:%d-%m-%Y};Ketamine;",
                f"{pid};{d0 + dt.timedelta(days=1):%d-%m-%Y};;{d1}",
                f"{pid};{d0 + dt.timedelta(days=28):%d-%m-%Y};;{w4}"]
    return {"pijn.csv": _b(out, encoding="cp1252")}


# --- An SPSS/Stata export -----------------------------------------------------------------------------

# pid: (baseline day -2, day 1, day 28 or None = system-missing '.')
SPSS = {"1": (8, 4, 5), "2": (7, 7, None), "3": (9, 6, 6), "4": (6, 2, 3)}


def spss_export() -> dict[str, bytes]:
    """An SPSS ``Save as CSV`` of a research database: dates as ``04-MAR-2024`` (SPSS DATE11), value labels
    written as text (``Treatment`` = ``Ketamine infusion`` / ``No treatment``), system-missing written ``.``
    (and a blank ``' '`` for a string variable). One row per visit."""
    out = ["ID,VisitDate,Treatment,NRS,Comment"]
    for i, (pid, (pre, d1, w4)) in enumerate(SPSS.items()):
        d0 = _start(i)
        out += [f"{pid},{(d0 - dt.timedelta(days=2)).strftime('%d-%b-%Y').upper()},No treatment,{pre}, ",
                f"{pid},{d0.strftime('%d-%b-%Y').upper()},Ketamine infusion,., ",
                f"{pid},{(d0 + dt.timedelta(days=1)).strftime('%d-%b-%Y').upper()},No treatment,{d1}, ",
                f"{pid},{(d0 + dt.timedelta(days=28)).strftime('%d-%b-%Y').upper()},No treatment,"
                f"{'.' if w4 is None else w4}, "]
    return {"spss_export.csv": _b(out)}


# --- Excel serial date numbers -------------------------------------------------------------------------

def excel_serial_dates() -> dict[str, bytes]:
    """A sheet whose ``Date`` column was formatted as ``General`` before saving, so every date is Excel's
    serial number (45355 = 2024-03-04). Must not be read as a score nor silently as a date nor a day."""
    out = ["Patient,Date,Treatment,NRS"]
    for i, (pid, (pre, d1, w4)) in enumerate(SPANISH.items()):
        serial = 45355 + 7 * i
        out += [f"S{pid},{serial - 1},,{pre}", f"S{pid},{serial},Ketamine,",
                f"S{pid},{serial + 1},,{d1}", f"S{pid},{serial + 28},,{w4}"]
    return {"sheet.csv": _b(out)}


# --- A long CSV in nearly our format, with dates and the clinic's measure names ------------------------

# pid: (NRS day -1, NRS day 1, NRS day 28, PHQ-9 day -1, PHQ-9 day 28, GAD-7 day -1, GAD-7 day 28)
LONG = {"L1": (8, 4, 5, 15, 9, 12, 8), "L2": (6, 5, 6, 10, 10, 7, 7), "L3": (9, 3, 4, 20, 8, 14, 6)}


def long_with_clinic_measure_names() -> dict[str, bytes]:
    """``assessments.csv`` and ``treatments.csv`` in our long layout but with a ``date`` column and the
    clinic's measure labels ``NRS (0-10)``, ``PHQ9 total``, ``GAD-7 score``."""
    a = ["patient_id,date,measure,value"]
    t = ["patient_id,date,treatment"]
    for i, (pid, (n0, n1, n28, p0, p28, g0, g28)) in enumerate(LONG.items()):
        d0 = _start(i)
        dm1, dp1, dp28 = (d0 + dt.timedelta(days=k) for k in (-1, 1, 28))
        a += [f"{pid},{dm1},NRS (0-10),{n0}", f"{pid},{dm1},PHQ9 total,{p0}", f"{pid},{dm1},GAD-7 score,{g0}",
              f"{pid},{dp1},NRS (0-10),{n1}",
              f"{pid},{dp28},NRS (0-10),{n28}", f"{pid},{dp28},PHQ9 total,{p28}", f"{pid},{dp28},GAD-7 score,{g28}"]
        t.append(f"{pid},{d0},ketamine_iv")
    return {"assessments.csv": _b(a), "treatments.csv": _b(t)}


# --- Our canonical format as Excel re-saves it ---------------------------------------------------------

def canonical_resaved() -> dict[str, bytes]:
    """Canonical files opened and saved by Excel: UTF-8 BOM, CRLF, every field quoted, two trailing empty
    columns (``,,``) on every line, days with decimals (``0.25``, ``1.5``), negative days, and one row
    pasted twice (an exact duplicate)."""
    a = ['"patient_id","day","pain_nrs","phq9",,']
    rows = [("C1", "-2", "8", "14"), ("C1", "0.25", "4", ""), ("C1", "1.5", "5", ""), ("C1", "27.5", "6", "10"),
            ("C2", "-0.5", "6", "9"), ("C2", "1.5", "5", ""), ("C2", "1.5", "5", ""), ("C2", "28", "6", "9"),
            ("C3", "-14", "9", "20"), ("C3", "2", "3", ""), ("C3", "21.5", "4", "")]
    a += [",".join(f'"{x}"' for x in r) + ",," for r in rows]
    t = ['"patient_id","day","treatment",,', '"C1","0","ketamine_iv",,', '"C2","0","ketamine_iv",,',
         '"C3","0","ketamine_iv",,']
    return {"assessments.csv": _b(a, eol="\r\n", bom=True), "treatments.csv": _b(t, eol="\r\n", bom=True)}


# --- Canonical files with boosters six weeks apart ------------------------------------------------------

def boosters_six_weeks() -> dict[str, bytes]:
    """Three patients, each with an initial infusion (day 0) and a booster 42 days later; scores before,
    the day after and weekly after each course. Numbers in the test."""
    a = ["patient_id,day,pain_nrs"]
    # B1: responds both times; relief lost (< 30%) at day 21 after course 1 and at day 14 after the booster
    # B2: responds to course 1 (lost at day 28), not to the booster
    # B3: responds to course 1 (never lost before the booster: censored at day 35), booster lost at day 7
    scores = {"B1": [(-1, 8), (1, 4), (7, 4), (14, 5), (21, 6), (28, 7), (35, 8), (41, 8), (43, 4), (49, 5),
                     (56, 6), (63, 7)],
              "B2": [(-1, 10), (1, 5), (7, 6), (14, 6), (21, 7), (28, 8), (35, 9), (42, 9), (43, 8), (49, 9)],
              "B3": [(0, 6), (1, 2), (7, 3), (14, 3), (21, 3), (35, 4), (41, 4), (43, 2), (49, 4), (56, 5)]}
    for pid, rows in scores.items():
        a += [f"{pid},{d},{v}" for d, v in rows]
    t = ["patient_id,day,treatment"] + [f"{p},{d},ketamine_iv" for p in scores for d in (0, 42)]
    return {"assessments.csv": _b(a), "treatments.csv": _b(t)}


# --- Pseudonymised ids as hashes and UUIDs -------------------------------------------------------------

HASH_IDS = ["3f2a9c41e8b07d65", "00000000000012e5", "7d1e0b4c9a3f", "1e5"]
UUID_IDS = ["0b9f6c1e-2d4a-4f5b-9c3e-7a8d1e2f3a4b", "e3b0c442-98fc-1c14-9afb-f4c8996fb924",
            "123e4567-e89b-12d3-a456-426614174000"]


def hashed_ids() -> dict[str, bytes]:
    """A research extract pseudonymised by a hash: ids are hex strings, some all digits with a hex ``e``
    that a number parser reads as scientific notation (``1e5`` = 100000, ``00000000000012e5`` = 1.2e6).
    Baseline 8/7/9/6 the day before, 4/6/3/5 the day after."""
    out = ["pseudo_id,date,treatment,pain"]
    for i, (pid, (pre, post)) in enumerate(zip(HASH_IDS, [(8, 4), (7, 6), (9, 3), (6, 5)])):
        d0 = _start(i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},,{pre}", f"{pid},{d0},ketamine,",
                f"{pid},{d0 + dt.timedelta(days=1)},,{post}"]
    return {"extract.csv": _b(out)}


def uuid_ids() -> dict[str, bytes]:
    """A REDCap-like survey export whose record ids are UUIDs (``Record ID``), one score file and one
    infusion file. Baseline 8/6/7, day 1 4/5/2."""
    s = ["Record ID,Survey date,Pain NRS"]
    t = ["Record ID,Infusion date,Drug"]
    for i, (pid, (pre, post)) in enumerate(zip(UUID_IDS, [(8, 4), (6, 5), (7, 2)])):
        d0 = _start(i)
        s += [f"{pid},{d0 - dt.timedelta(days=2)},{pre}", f"{pid},{d0 + dt.timedelta(days=1)},{post}"]
        t.append(f"{pid},{d0},Ketamine")
    return {"scores.csv": _b(s), "infusions.csv": _b(t)}


# --- A 0-100 mm VAS beside the NRS ---------------------------------------------------------------------

# pid: (NRS pre, VAS pre mm, NRS day 1, VAS day 1 mm)
VAS = {"V1": (8, 78, 4, 41), "V2": (6, 62, 5, 48), "V3": (9, 88, 3, 30), "V4": (7, 70, 6, 55)}


def vas_beside_nrs() -> dict[str, bytes]:
    """A sheet with both the NRS and the 100 mm VAS (``VAS (mm)``) at each visit. The NRS is the pain score;
    the VAS is another measure (0-100), never the NRS and never pooled with it."""
    out = ["Patient,Date,Treatment,NRS,VAS (mm)"]
    for i, (pid, (n0, v0, n1, v1)) in enumerate(VAS.items()):
        d0 = _start(i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},,{n0},{v0}", f"{pid},{d0},Ketamine,,",
                f"{pid},{d0 + dt.timedelta(days=1)},,{n1},{v1}"]
    return {"sheet.csv": _b(out)}


# --- PHQ-9 items as text labels without the total ----------------------------------------------------------

PHQ_LABELS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
# pid: (NRS pre, NRS day 1, PHQ-9 item codes at baseline (9 items, 0-3))
PHQ = {"Q1": (8, 4, [1, 2, 1, 3, 0, 1, 2, 1, 0]), "Q2": (7, 6, [3, 3, 2, 2, 1, 1, 0, 0, 0]),
       "Q3": (6, 3, [0, 0, 1, 0, 0, 1, 0, 0, 0])}


def phq9_item_labels() -> dict[str, bytes]:
    """A survey tool's export with the nine PHQ-9 items as their answer labels (``Not at all`` ... ``Nearly
    every day``), no total column; NRS beside them. Totals by hand: Q1 11, Q2 12, Q3 2."""
    items = [f"PHQ9_{k}" for k in range(1, 10)]
    out = ["Patient,Date,Treatment,NRS," + ",".join(items)]
    for i, (pid, (pre, post, codes)) in enumerate(PHQ.items()):
        d0 = _start(i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},,{pre}," + ",".join(PHQ_LABELS[c] for c in codes),
                f"{pid},{d0},Ketamine,," + "," * 8,
                f"{pid},{d0 + dt.timedelta(days=1)},,{post}," + "," * 8]
    return {"survey.csv": _b(out)}


# --- An EHR flowsheet with two encounters charting a score at the same minute ------------------------------

def same_minute_conflict() -> dict[str, bytes]:
    """An EHR flowsheet where the ward and the pain service each charted a score at 2024-03-05 10:00 for E2
    (5 and 7). Neither can be known to be right: both are left out, with their lines."""
    flow = ["Study ID,Encounter,Flowsheet Row,Value,Taken Time",
            "E1,1001,Pain Score (0-10),8,2024-03-04 08:00", "E1,1001,Pain Score (0-10),4,2024-03-04 13:00",
            "E2,1002,Pain Score (0-10),7,2024-03-05 08:00", "E2,1002,Pain Score (0-10),5,2024-03-05 10:00",
            "E2,1003,Pain Score (0-10),7,2024-03-05 10:00", "E2,1002,Pain Score (0-10),6,2024-03-05 15:00",
            "E3,1004,Pain Score (0-10),9,2024-03-06 08:30", "E3,1004,Pain Score (0-10),5,2024-03-06 12:00"]
    mar = ["Study ID,Medication,MAR Action,Taken Time", "E1,Ketamine infusion,Given,2024-03-04 09:00",
           "E2,Ketamine infusion,Given,2024-03-05 09:00", "E3,Ketamine infusion,Given,2024-03-06 09:00"]
    return {"flowsheet.csv": _b(flow), "mar.csv": _b(mar)}


# --- Ids with a thousands separator ---------------------------------------------------------------------

def thousands_separator_ids() -> dict[str, bytes]:
    """A ``;`` CSV saved by Excel where the numeric patient ids were formatted with a thousands separator
    (``1,234``; ``12,005``). In a ``;`` file ``1,234`` is a decimal comma number 1.234 to a naive reader;
    the id is 1234. The treatment file (from another program) writes ``1234``."""
    s = ["Patient;Date;NRS"]
    t = ["Patient;Date;Treatment"]
    for i, (shown, plain, pre, post) in enumerate([("1,234", "1234", 8, 4), ("12,005", "12005", 7, 6),
                                                   ("1,002", "1002", 9, 4)]):
        d0 = _start(i) + dt.timedelta(days=9)
        s += [f"{shown};{d0 - dt.timedelta(days=1):%d.%m.%Y};{pre}",
              f"{shown};{d0 + dt.timedelta(days=1):%d.%m.%Y};{post}"]
        t.append(f"{plain};{d0:%d.%m.%Y};Ketamin")
    return {"scores.csv": _b(s), "treatments.csv": _b(t)}


# --- A spinal cord stimulator trial -------------------------------------------------------------------

SCS = {"D1": (8, 3, 4), "D2": (7, 6, 6), "D3": (9, 4, 3), "D4": (6, 4, 5)}


def scs_sheet() -> dict[str, bytes]:
    """A neuromodulation clinic's sheet: ``Procedure`` = ``SCS trial implant`` on the implant day, pain before,
    the next day and day 28. Not ketamine: the procedure column must still be the treatment."""
    out = ["Patient,Date,Procedure,NRS"]
    for i, (pid, (pre, d1, w4)) in enumerate(SCS.items()):
        d0 = _start(i)
        out += [f"{pid},{d0 - dt.timedelta(days=7)},,{pre}", f"{pid},{d0},SCS trial implant,",
                f"{pid},{d0 + dt.timedelta(days=1)},,{d1}", f"{pid},{d0 + dt.timedelta(days=28)},,{w4}"]
    return {"scs.csv": _b(out)}


# --- A visit type beside days from infusion ------------------------------------------------------------

VISITS = {"T1": (8, 5, 6), "T2": (6, 6, 5), "T3": (9, 4, 4), "T4": (7, 3, 6), "T5": (5, 4, 5)}


def visit_type_days() -> dict[str, bytes]:
    """A register without dates: ``Visit type`` (``Baseline``, ``Infusion``, ``Follow-up``) and ``Days from
    infusion`` (-7, 0, 1, 28); the score on the ``Infusion`` row is taken before it starts (day 0)."""
    out = ["Patient,Visit type,Days from infusion,NRS"]
    for pid, (pre, d1, w4) in VISITS.items():
        out += [f"{pid},Baseline,-7,{pre + 1}", f"{pid},Infusion,0,{pre}", f"{pid},Follow-up,1,{d1}",
                f"{pid},Follow-up,28,{w4}"]
    return {"register.csv": _b(out)}


# --- A US sheet with times written as bare 12-hour clock hours -------------------------------------------

# pid: (score 8 AM, score 2 PM, score 1 PM on day 27); the infusion is at 9 AM on the same day.
TWELVE_HOUR = {"U1": (8, 4, 6), "U2": (7, 6, 6), "U3": (9, 5, 4), "U4": (6, 2, 5)}


def bare_pm_hours() -> dict[str, bytes]:
    """A US clinic's sheet, month-first dates (``3/13/2024``), a ``Time`` column written ``8 AM``, ``9 AM``,
    ``2 PM``, ``12 PM`` (noon) without minutes. The 8 AM score is the baseline, the 2 PM score the
    immediate one (after the 9 AM infusion)."""
    out = ["Patient,Date,Time,Treatment,NRS"]
    for i, (pid, (pre, post, w4)) in enumerate(TWELVE_HOUR.items()):
        d0 = _start(i) + dt.timedelta(days=9)
        day = f"{d0.month}/{d0.day}/{d0.year}"
        later = d0 + dt.timedelta(days=27)
        out += [f"{pid},{day},8 AM,,{pre}", f"{pid},{day},9 AM,Ketamine,", f"{pid},{day},2 PM,,{post}",
                f"{pid},{later.month}/{later.day}/{later.year},12 PM,,{w4}"]
    return {"us_sheet.csv": _b(out)}


# --- Dates that are all on the first of a month -------------------------------------------------------------

def first_of_month_dates() -> dict[str, bytes]:
    """A sheet whose month-and-year cells (typed ``03/2024``) Excel stored as dates and saved as the 1st of the
    month: every date is ``01.MM.2024``. The day of each score is then unknown to within a month, so the
    baseline window (14 days) and the immediate window (2 days) cannot be applied: a clinician expects to be
    told, not to get numbers."""
    out = ["Patient;Datum;Behandlung;NRS"]
    for pid, (m0, pre, post) in {"M1": (3, 8, 4), "M2": (4, 7, 6), "M3": (5, 9, 5), "M4": (3, 6, 6)}.items():
        out += [f"{pid};01.{m0:02d}.2024;Ketamin;{pre}", f"{pid};01.{m0 + 1:02d}.2024;;{post}",
                f"{pid};01.{m0 + 2:02d}.2024;;{post}"]
    return {"monate.csv": _b(out)}


# --- Ids written as floats by a script ('101.0') beside the same ids written as integers --------------------

def float_ids() -> dict[str, bytes]:
    """The score file came through a pandas script where the id column held a missing value, so every id was
    written as a float (``101.0``); the infusion log writes ``101``. Per patient: the day before and the day
    after: 101 8->4, 102 7->6, 103 9->3."""
    s = ["patient,date,nrs"]
    t = ["patient,date,treatment"]
    for i, (pid, pre, post) in enumerate([(101, 8, 4), (102, 7, 6), (103, 9, 3)]):
        d0 = _start(i)
        s += [f"{pid}.0,{d0 - dt.timedelta(days=1)},{pre}", f"{pid}.0,{d0 + dt.timedelta(days=1)},{post}"]
        t.append(f"{pid},{d0},ketamine")
    return {"scores.csv": _b(s), "infusions.csv": _b(t)}


# --- A Stata export with %tc date-times --------------------------------------------------------------------

# pid: (score at 08:15 before the 09:00 infusion, score at 13:45, score 27 days later at 10:00)
STATA = {"1": (7, 3, 4), "2": (8, 7, 7), "3": (6, 4, 6), "4": (9, 4, 5)}


def stata_tc_datetimes() -> dict[str, bytes]:
    """A Stata ``export delimited`` of a long file whose date-times are ``%tc`` formatted: ``04mar2024 09:00:00``
    (day, lower-case month name, year, no separators), the event a string variable (``infusion`` / ``score``)."""
    out = ["pid,event,when,nrs"]
    for i, (pid, (pre, post, w4)) in enumerate(STATA.items()):
        t0 = dt.datetime.combine(_start(i), dt.time(9, 0))
        def tc(t: dt.datetime) -> str:
            return t.strftime("%d%b%Y %H:%M:%S").lower()
        out += [f"{pid},score,{tc(t0 - dt.timedelta(minutes=45))},{pre}", f"{pid},infusion,{tc(t0)},",
                f"{pid},score,{tc(t0 + dt.timedelta(hours=4, minutes=45))},{post}",
                f"{pid},score,{tc(t0 + dt.timedelta(days=27, hours=1))},{w4}"]
    return {"stata_long.csv": _b(out)}


# --- Canonical wide files whose score columns are named as the clinic names them ------------------------------

def canonical_wide_clinic_headers() -> dict[str, bytes]:
    """Our canonical files (``patient_id``, ``day``) but the score columns typed as the clinic names them:
    ``NRS`` and ``PHQ-9`` instead of ``pain_nrs`` and ``phq9``. W1 8->4, W2 6->5, W3 9->6 (day -1, day 1)."""
    a = ["patient_id,day,NRS,PHQ-9", "W1,-1,8,12", "W1,1,4,", "W2,-1,6,9", "W2,1,5,", "W3,-1,9,20", "W3,1,6,"]
    t = ["patient_id,day,treatment", "W1,0,ketamine_iv", "W2,0,ketamine_iv", "W3,0,ketamine_iv"]
    return {"assessments.csv": _b(a), "treatments.csv": _b(t)}


# --- A date column with one cell left as Excel's serial number --------------------------------------------

def one_serial_date() -> dict[str, bytes]:
    """A day-first sheet where one date cell was pasted as a number (Excel's serial 45366 = 15/03/2024, the day
    after X1's infusion on 14/03/2024); every other date is text."""
    out = ["Patient,Date,Treatment,NRS", "X1,13/03/2024,,8", "X1,14/03/2024,Ketamine,", "X1,45366,,4",
           "X1,11/04/2024,,6", "X2,20/03/2024,,7", "X2,21/03/2024,Ketamine,", "X2,22/03/2024,,3"]
    return {"sheet.csv": _b(out)}


def same_minute_agreement() -> dict[str, bytes]:
    """:func:`same_minute_conflict` where both encounters charted the same 5 at 10:00 (the ward copied the pain
    service's score): one score, not two and not a conflict."""
    files = same_minute_conflict()
    flow = files["flowsheet.csv"]
    files["flowsheet.csv"] = flow.replace(b"E2,1003,Pain Score (0-10),7,", b"E2,1003,Pain Score (0-10),5,")
    return files
