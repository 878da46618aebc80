"""Time points counted from a date on the same row: 'Week 4' after the 'Infusion date'.

A long research sheet gives each visit row a time point in words (``Baseline``, ``Week 1``, ``Week 4``,
``Month 3``) and, on every row, the date of the infusion: the same date on each of a patient's rows (or
on each row of one course), ``Patient, Infusion date, Timepoint, NRS``. Dated by that date alone, every
visit of a patient falls on one day and their scores conflict. A ``day`` column with ``"counted_from":
"Infusion date"`` (:class:`analysis.io.spec.Column`) is read as offsets from that date: a score's time is
the row's date plus its time point, as written in the time point column:

* a time point as research sheets write it (``D7``, ``Day 7``, ``W4``, ``Week 4``, ``M3``, ``Month 3``,
  ``Woche 4``, ...): the days it stands for (:func:`analysis.io.values.timepoint_days`: weeks x 7, months
  x 365.25 / 12 rounded to a whole day, so ``Month 3`` is day 91);
* a baseline word (``Baseline``, ``Pre``, ``Pre-infusion``, ``Vorher``, ``Avant``, ...,
  :data:`BASELINE`): the date itself, and the score is taken *before* the treatment of that date (as a
  score with the timing ``before_start``), so it is that course's baseline without the warning about
  date-only scores on a start day, which is for scores whose side of the treatment is unknown;
* a number: days (or, by the column's name, hours, weeks or months: :mod:`analysis.io.time_units`).

The proposal (:func:`analysis.io.visits.text_column`) proposes this reading only where it is certain:
every time point reads and the date is one reference date per patient or per course
(:func:`date_kind`); otherwise it is a point to review.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .values import timepoint_days

#: A time point naming the visit before the treatment ('Baseline', 'Pre-infusion', 'Screening', 'Vorher'):
#: 0 days after the date, before the treatment. 'D0' / 'Day 0' are day 0 without a side (the start-day rule).
#: ('Screening' is not: a screening visit may be weeks before the infusion.)
BASELINE = re.compile(r"(?i)\s*(?:baseline(?:[-\s]?visit)?|pre(?:[-\s]?(?:infusion|treatment|op))?|before|vorher|vor|"
                      r"ausgangswert|avant|antes|prima|voor|basal)\s*")

#: A time point naming the visit right after the treatment ('Post', 'Post-infusion', 'After', 'Nachher'): 0 days
#: after the date, after the treatment (the immediate score).
POST = re.compile(r"(?i)\s*(?:post(?:[-\s]?(?:infusion|treatment|op|inf|tx))?|after(?:[-\s]?(?:infusion|treatment))?|"
                  r"nachher|nach|après|apres|después|despues|dopo|immediately\s+after)\s*")

#: A post word anywhere in an event's or time point's name ('day_0_post'): day 0 named so is after the treatment.
_POST_WORD = re.compile(r"(?i)\b(?:post|after|nach|apr[èe]s)\b")

#: REDCap writes a longitudinal project's events with the arm: ``week_4_arm_1`` (unique event name, raw
#: export) or ``Week 4 (Arm 1: Ketamine)`` (event label, labels export). Without the arm, and with
#: underscores as spaces, an event named for its time point reads like any other time point.
_REDCAP_ARM = re.compile(r"(?i)(?:_arm_\d+|\s*\(arm\s*\d+\b.*\))\s*$")
#: The unit words of a time point in English, German, French, Spanish, Dutch and Italian, each with its English
#: unit (what :func:`analysis.io.values.timepoint_days` reads) and how many of that unit one stands for: a year
#: is 12 months (``1 año`` = ``month 12`` = day 365).
_UNIT_WORDS = {
    "day": ("day", 1), "tag": ("day", 1), "jour": ("day", 1), "día": ("day", 1), "dia": ("day", 1), "dag": ("day", 1),
    "giorno": ("day", 1), "giorni": ("day", 1), "dagen": ("day", 1), "tage": ("day", 1), "tagen": ("day", 1),
    "week": ("week", 1), "wk": ("week", 1), "woche": ("week", 1), "wochen": ("week", 1), "semaine": ("week", 1),
    "semana": ("week", 1), "weken": ("week", 1), "settimana": ("week", 1), "settimane": ("week", 1),
    "month": ("month", 1), "mo": ("month", 1), "monat": ("month", 1), "monate": ("month", 1), "monaten": ("month", 1),
    "mois": ("month", 1), "mes": ("month", 1), "meses": ("month", 1), "maand": ("month", 1), "maanden": ("month", 1),
    "mese": ("month", 1), "mesi": ("month", 1),
    "year": ("month", 12), "yr": ("month", 12), "jahr": ("month", 12), "jahre": ("month", 12), "jahren": ("month", 12),
    "an": ("month", 12), "année": ("month", 12), "annee": ("month", 12), "año": ("month", 12), "ano": ("month", 12),
    "jaar": ("month", 12), "jaren": ("month", 12), "anno": ("month", 12), "anni": ("month", 12),
}
#: A unit word, also with an English or Romance plural (``weeks``, ``semanas``, ``meses``, ``días``, ``años``).
_UNIT = "(" + "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True)) + r")(?:s|es)?"
#: A unit word written before its number (``Maand 3``, ``año 1``): all but French ``an``, which is a year only
#: after its number (``1 an``, ``2 ans``); before one it is no unit (``an_1``, ``visit_an_1`` are no day 365).
_UNIT_BEFORE = "(" + "|".join(sorted(map(re.escape, set(_UNIT_WORDS) - {"an"}), key=len, reverse=True)) + r")(?:s|es)?"
#: A time point written number first (``6 months``, ``4 semanas``, ``3 maanden``, ``1 año``) or with a unit
#: word other than English (``Maand 3``, ``Dag 7``): read as the English ``month 6``, ``week 4``, ``day 7``.
_NUMBER_FIRST = re.compile(rf"(?i)^\s*(\d+)\s*{_UNIT}\b")
_UNIT_FIRST = re.compile(rf"(?i)^\s*{_UNIT_BEFORE}\s*(\d+)\s*$")
#: A plural unit (``weeks 4``) and a word after the time point that names the visit (``week 4 follow-up``).
_PLURAL = re.compile(r"(?i)\b(day|week|month)s\b")
_VISIT_WORD = re.compile(r"(?i)\s+(?:follow\s*-?\s*up|fu|visit|assessment|survey|questionnaire|infusion|treatment|tx|"
                         r"booster|post(?:\s*infusion)?|phone\s*call|call)\s*$")
#: Words naming the visit before the time point, one or more (``follow_up_1_month``, ``fu_3_months``,
#: ``followup_week_4``, ``visit_week_2``, ``post_infusion_week_1``, ``Na 4 weken``, ``Tras 4 semanas``), taken
#: off only where a time point follows: a number or a unit and its number. ``followup_1`` keeps its ``1``
#: alone, which is no time point: a visit's number is not a time.
_LEAD_WORD = re.compile(
    r"(?i)^\s*(?:(?:follow\s*-?\s*up|fu|visit|visita|visite|seguimiento|assessment|infusion|treatment|after|post|nach|"
    r"apr[èe]s|tras|despu[ée]s(?:\s+de)?|na)\s+)+"
    rf"(?=[+-]?\d|(?:{_UNIT_BEFORE}|d|w|m|j)\s*[+-]?\d)")
#: A treatment's name (English, German, French, Spanish, Dutch, Italian). A time point after it counts within the
#: course (``infusion_day_1``, ``treatment_day_3``, ``Infusion Tag 2``, ``cycle_2_day_1``), where day 1 is most often
#: the course's first day (day 0): read as day 1 it would be one day late, a wrong day that looks right. Such
#: events are not read (a point to review where they hold scores); after a post word (``post_infusion_week_1``,
#: one week after the infusion) the time point is the visit's.
_TREATMENT_WORD = (r"(?:infusions?|infusi[oó]n(?:es)?|infusione|infuus|infusie|treatments?|tx|sessions?|sesi[oó]n|"
                   r"sessione|sitzung|s[ée]ances?|boosters?|doses?|dosis|behandlung(?:en)?|behandeling|perfusions?|"
                   r"traitements?|tratamientos?|trattamento|cycles?|zyklus|ciclo|courses?|kur|kuur)")
_AFTER_TREATMENT = re.compile(rf"(?i)\b(?:post|after|nach|apr[èe]s|tras|despu[ée]s(?:\s+de)?|dopo|na)[\s-]+"
                              rf"{_TREATMENT_WORD}\b")
_COURSE_TIME = re.compile(rf"(?i)\b{_TREATMENT_WORD}\b.*\d")
#: Hours after the start (``24_hours``, ``48_hour``, ``24 uur``, ``4 Std``): read as days (24 hours = 1 day).
_HOURS = re.compile(r"(?i)^\s*(\d+)\s*(?:h|hr|hrs|hours?|stunden?|std|heures?|horas?|ore|uur)\s*$")


def _in_english(m: re.Match, number_first: bool) -> str:
    """A time point's unit and number as :func:`analysis.io.values.timepoint_days` reads them (``month 12``)."""
    n, word = (m.group(1), m.group(2)) if number_first else (m.group(2), m.group(1))
    unit, per = _UNIT_WORDS[word.casefold()]
    return f"{unit} {int(n) * per}"


def event_time_points(values: np.ndarray) -> np.ndarray:
    """Cells as time points are read: REDCap's arm taken off an event's name, underscores read as spaces,
    a word naming the visit before the time point left out (``follow_up_1_month``), a number before its
    unit put after it, and a word naming the visit after the time point left out
    (``week_4_arm_1`` -> ``week 4``, ``6_months_arm_1`` -> ``month 6``, ``week_4_followup_arm_1`` ->
    ``week 4``, ``Baseline (Arm 1: Ketamine)`` -> ``Baseline``); any other text as written."""
    s = pd.Series(values, dtype=object).fillna("").astype(str)
    s = s.str.replace(_REDCAP_ARM, "", regex=True).str.replace("_", " ", regex=False)
    course = s.str.replace(_AFTER_TREATMENT, "", regex=True).str.contains(_COURSE_TIME, regex=True).to_numpy(dtype=bool)
    spelled = s.to_numpy(dtype=object)
    s = s.str.replace(_LEAD_WORD, "", regex=True)
    s = s.str.replace(_NUMBER_FIRST, lambda m: _in_english(m, True), regex=True).str.replace(_PLURAL, r"\1", regex=True)
    s = s.str.replace(_VISIT_WORD, "", regex=True)
    s = s.str.replace(_UNIT_FIRST, lambda m: _in_english(m, False), regex=True).to_numpy(dtype=object)
    # A time point within a treatment course stays as written, which reads as no time point.
    return np.where(course, spelled, s)


def baseline_words(values: np.ndarray) -> np.ndarray:
    """Which cells name the baseline visit (:data:`BASELINE`, any case, spaces around ignored)."""
    return pd.Series(values, dtype=object).fillna("").str.fullmatch(BASELINE).to_numpy(dtype=bool)


def read_time_points(values: np.ndarray, events: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Time points in words as days after their row's date.

    Parameters
    ----------
    values : ndarray of str
        The cells of a time point column ('Baseline', 'Week 1', 'W4', 'Month 3', 'Post').
    events : bool
        The cells are REDCap's event names ('week_4_arm_1', '6_months_arm_1'), or the visits' time points
        beside the date they count from ('4 weeks'), read after :func:`event_time_points`; only there,
        since those rules ('6 months' is month 6) would take a patient's disease duration written the same
        way for a time point.

    Returns
    -------
    days : ndarray of float
        The days each time point stands for (weeks x 7, months x 365.25 / 12 rounded, as
        :func:`analysis.io.values.timepoint_days`); 0 for a baseline or post word; NaN for any other text.
    side : ndarray of int8
        -1 where the cell is a baseline word (the visit before the treatment of that date), 1 where it is a
        post word (the visit right after it), else 0.
    """
    after = None
    if events:
        # 'day_0_post', 'Day 0 post': the post word goes with the visit words left out, but says the side.
        spelled = pd.Series(values, dtype=object).fillna("").astype(str).str.replace("_", " ", regex=False)
        after = spelled.str.contains(_POST_WORD, regex=True).to_numpy(dtype=bool)
        values = event_time_points(values)
    text = pd.Series(values, dtype=object).fillna("").astype(str)
    days = timepoint_days(values).astype(float)
    if events:
        hours = text.str.extract(_HOURS)[0].astype(float).to_numpy()
        days = np.where(np.isnan(days), hours / 24.0, days)
    baseline = baseline_words(values) & np.isnan(days)
    post = text.str.fullmatch(POST).to_numpy(dtype=bool) & np.isnan(days)
    days[baseline | post] = 0.0
    side = np.zeros(len(days), dtype=np.int8)
    side[baseline], side[post] = -1, 1
    if after is not None:
        side[after & (days == 0) & ~baseline] = 1
    return days, side


#: Time points further apart than this (days) on one date of one patient are not each visit's own date: no
#: two visits a week apart share a date (a baseline and a day-0 visit, 0 apart, may).
SHARED_DATE_SPREAD = 2.0


def date_kind(pid: np.ndarray, points: np.ndarray, days: np.ndarray, dates: np.ndarray) -> str:
    """What a date column is to the time points beside it: one reference date they count from, or each
    visit's own date.

    * ``"reference"`` (certain): the date is the same on every row of each patient (the infusion date
      written on each visit row), or, for patients with several courses, on every row of one course:
      the rows of a patient with one date hold different time points, one of them the baseline (at or
      before the date), and every row has a date.
    * ``"own"``: no date of a patient holds time points more than :data:`SHARED_DATE_SPREAD` days apart
      (each visit is dated; the dates place the scores).
    * ``"mixed"``: neither (a reference date typed differently on some rows, a date missing on some).

    Dates are compared as written (``04/03/2024`` and ``4/3/2024`` differ), so a date typed two ways
    is never taken for certain.

    Parameters
    ----------
    pid : ndarray of str
        The patient of each row (rows with a time point and a patient only).
    points : ndarray of str
        The time point of each row as written.
    days : ndarray of float
        ``points`` as days (:func:`read_time_points`; NaN where they do not read).
    dates : ndarray of str
        The date column's cells, as written.

    Returns
    -------
    str
    """
    rows = pd.DataFrame({"p": pid, "d": dates, "tp": points, "day": days})
    per = rows.groupby(["p", "d"], sort=False).agg(n=("tp", "size"), distinct=("tp", "nunique"),
                                                   first=("day", "min"), last=("day", "max"))
    dated = bool((dates != "").all())
    if dated and (rows.groupby("p", sort=False)["d"].nunique() <= 1).all():
        return "reference"
    # A course's block of visits: one date, its time points each once, the baseline among them.
    if dated and (per["n"] == per["distinct"]).all() and (per["first"] <= 0).all():
        return "reference"
    return "own" if not (per["last"] - per["first"] > SHARED_DATE_SPREAD).any() else "mixed"
