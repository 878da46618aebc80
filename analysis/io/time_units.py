"""Elapsed time in hours, weeks or months: a day-number column whose name says its unit.

A research sheet may time its scores as ``Hours after infusion`` (-1, 2, 168, 672), ``Weeks since
infusion`` or ``Follow-up month`` instead of days. Read as days, hour 168 (one week) became day 168; not
read at all, the column was taken for a score and the load was refused for want of a time. A column
given the role ``day`` is read in the unit its name says (hours / 24, weeks x 7, months x 365.25 / 12
rounded to a whole day, as the visit columns' ``offset_days`` and the time points ``M3``); without a unit
word it is days, as before. The proposal
(:func:`analysis.io.propose.inspect`) gives the role ``day`` to a numeric column named by such a unit
and a word relating it to the treatment (``after``, ``since``, ``post``, ``follow-up``, ``nach``,
``seit``, ``après``, ...): ``Infusion duration (hours)`` is not a time. A column of days takes a time of day
from a time column beside it (:func:`with_time_of_day`: ``DAYS_FROM_INDEX`` 3 at ``OBS_TIME`` 09:15 is day 3.385).
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


def with_time_of_day(col: tuple, table, k: int, t: int) -> tuple:
    """The day numbers of column ``k`` (its entry of ``FileTimes.cols``: days, has_time, ok, bad, why, column,
    text) completed by the time of day of column ``t``: day 3 at 09:15 is day 3 + 9.25 / 24 = 3.385, as a date
    and its time column make one time (de-identified extracts: ``DAYS_FROM_INDEX`` beside ``OBS_TIME``). A row
    without a time keeps its day; a time that does not read (``24:00``, ``morning``) excludes the row with that
    reason, never placing it at the day's start. Only a column of days takes a time of day: ``Hours after
    infusion`` at 09:15 is no time."""
    from ..errors import MappingError
    from .dates import parse_times

    per = days_per_unit(table.header[k])
    if per != 1.0:
        raise MappingError(f"Mapping for {table.file}: the time column {table.header[t]!r} completes "
                           f"{table.header[k]!r}, which counts {({1 / 24: 'hours', 7.0: 'weeks'}).get(per, 'months')}, not days: a time "
                           "of day completes a date or a day number. Give the time column the role \"ignore\".",
                           file=table.file, column=table.header[t])
    day, has_time, ok, bad, why, column, text = col
    t_ns, missing, t_bad = parse_times(table.column(t))
    t_bad = np.asarray(t_bad, dtype=bool) & ~np.asarray(missing, dtype=bool) & ok
    timed = ok & ~np.asarray(missing, dtype=bool) & ~t_bad
    day = np.where(timed, day + np.asarray(t_ns, dtype=np.int64) / (86_400 * 10 ** 9), day)
    why, column, text = why.copy(), column.copy(), text.copy()
    why[t_bad] = f"{table.header[t]} is not a time of day (hh:mm)"
    column[t_bad] = table.header[t]
    text[t_bad] = table.column(t)[t_bad]
    # Only such a row has a time of day, as a date with its time has (a day column's rows are otherwise all
    # "timed", being exact numbers): untimed_starts places the scores of a day whose start has none by it.
    return day, timed, ok & ~t_bad, bad | t_bad, why, column, text
