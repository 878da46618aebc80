"""Elapsed time in hours, weeks or months: a day-number column whose name says its unit.

A research sheet may time its scores as ``Hours after infusion`` (-1, 2, 168, 672), ``Weeks since
infusion`` or ``Follow-up month`` instead of days. Read as days, hour 168 (one week) became day 168; not
read at all, the column was taken for a score and the load was refused for want of a time. A column
given the role ``day`` is read in the unit its name says (hours / 24, weeks x 7, months x 365.25 / 12
rounded to a whole day, as the visit columns' ``offset_days`` and the time points ``M3``); without a unit
word it is days, as before. The proposal
(:func:`analysis.io.propose.inspect`) gives the role ``day`` to a numeric column named by such a unit
and a word relating it to the treatment (``after``, ``since``, ``post``, ``follow-up``, ``nach``,
``seit``, ``après``, ...): ``Infusion duration (hours)`` is not a time.
"""
from __future__ import annotations

import re

import numpy as np

from .values import DAYS_PER_MONTH

#: Unit words of a column name and the days each stands for.
_UNITS = (
    (re.compile(r"hours?|hrs?|h|stunden?|std|heures?|horas?|ore|uur"), 1 / 24),
    (re.compile(r"weeks?|wks?|wochen?|semaines?|semanas?|settimane?|weken"), 7.0),
    (re.compile(r"months?|mo|monate?n?|mois|meses|mesi|maanden"), DAYS_PER_MONTH),
)
#: Words relating an elapsed time to the treatment.
_SINCE = re.compile(r"since|after|post|from|relative|follow|followup|fu|nach|seit|ab|après|apres|depuis|desde|tras|"
                    r"después|dopo|da|na|sinds")


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", name.casefold()) if w]


def days_per_unit(name: str) -> float:
    """The days one unit of a day-number column stands for, by its name: 1 / 24 for hours, 7 for weeks,
    365.25 / 12 for months; 1 (days) when its name names no unit, or more than one."""
    found = {days for pattern, days in _UNITS for w in _words(name) if pattern.fullmatch(w)}
    return found.pop() if len(found) == 1 else 1.0


def elapsed_time_unit(name: str) -> str | None:
    """``"hours"``, ``"weeks"`` or ``"months"`` when a column's name is an elapsed time since the treatment in
    that unit (a unit word and a word such as ``after``); else None."""
    words = _words(name)
    per = days_per_unit(name)
    if per == 1.0 or not any(_SINCE.fullmatch(w) for w in words):
        return None
    return {1 / 24: "hours", 7.0: "weeks"}.get(per, "months")


def to_days(values: np.ndarray, name: str) -> np.ndarray:
    """Numbers of a day-number column named ``name`` as days (months rounded to a whole day)."""
    per = days_per_unit(name)
    return np.round(values * per) if per == DAYS_PER_MONTH else values * per


#: Day words of a column name.
_DAY = re.compile(r"days?|tage?|jours?|d[ií]as?|dag(?:en)?|giorn[oi]")
#: Words that make a day word a relative day, not a count of days ('DAYS_SUPPLY', 'Length of stay (days)').
_RELATIVE = re.compile(r"index|study|relative|rel|offset|shifted|number|nr|no")


def relative_day_name(name: str) -> bool:
    """Whether a column of an observation or administration file is, by its name, the time of each row in days
    relative to an index date, as de-identified research extracts write it instead of dates
    (``DAYS_FROM_INDEX``, ``days_since_first_infusion``, ``Study day``, ``Day``, ``Hours after infusion``).
    In such files every other column describes the row, so a day column needs its name to say so: a day word
    with a word relating it to an index (``from``, ``since``, ``study``, ``relative``), or a day word alone;
    ``DAYS_SUPPLY``, ``Days in hospital`` are counts, not times."""
    words = _words(name)
    if not any(_DAY.fullmatch(w) for w in words):
        return elapsed_time_unit(name) is not None
    return len(words) == 1 or any(_SINCE.fullmatch(w) or _RELATIVE.fullmatch(w) for w in words)
