"""A load warning where a treatment's courses look like one programme of weekly sessions split by missed sessions.

The course rule (:func:`analysis.io.courses.build_courses`: administrations of one treatment at most ``gap_days``
apart are one course, 7 days by default) fits infusion series: five daily ketamine infusions are one course, and a
booster a few weeks later is a course (an episode) of its own, by design. A programme of weekly sessions (physical
therapy, occupational therapy, graded motor imagery) is split by the same rule wherever one session is missed: sessions 14 days apart
are two courses, two treatment episodes. A clinician review: a physiotherapy appointment report of 25 patients with
one 7-week programme each became 42 treatment episodes, and nothing but a plain "merged into 42 course(s)" said so.

The rule of the warning, per treatment (its labels as the courses read them, before any booster relabelling):

* its sessions recur about weekly: the median interval between a patient's consecutive sessions of it (whole
  calendar days, same-day repeats left out) is 6 to 8 days (the *cadence*);
* a notable share of its courses (at least 20% of them, and at least 3) begin within about three cadences of the
  patient's previous session of it (more than ``gap_days`` and at most 3 x the cadence after it: 8 to 21 days for a
  weekly programme with the default gap): a session or two missed, not a new programme.

A treatment naming a drug studied (ketamine, lidocaine, ...: :data:`analysis.io.treatment_columns.DRUG_WORDS`) never
warns: its boosters are episodes by design, also where they are given weekly and then fortnightly (the third
regression review: a 5-day induction with boosters on days 14, 21, 28, 42 and 56 looked like a weekly programme, and
the advice, a gap of 14 days, would have merged every induction with its boosters). Five daily infusions and monthly
boosters (cadence 1 day) never warn; nor do daily infusions with a 10-day break: at a
daily cadence a 10-day pause is no missed session but a planned break, which the clinic's own rule makes a new
course. The warning never changes the courses: the default gap stays, and the fix (the course gap) is the user's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .column_words import fold
from .courses import one_spelling
from .treatment_columns import DRUG_WORDS

_DAY_NS = 86_400 * 10 ** 9
#: The cadence of a weekly programme: the median interval between a patient's consecutive sessions, in days.
WEEKLY = (6.0, 8.0)
#: Courses beginning within this many cadences of the previous session look like a session or two missed.
CADENCES = 3.0
#: The share of a treatment's courses, and their number, that so begin before the warning is given.
SHARE, AT_LEAST = 0.2, 3


def _calendar_days(t: np.ndarray) -> np.ndarray:
    """Whole days of the administrations' times: calendar days of dates (nanoseconds), rounded day numbers."""
    if np.issubdtype(t.dtype, np.integer):
        return t // _DAY_NS
    return np.rint(t.astype(float))


def _when(t, dates: bool) -> str:
    return str(np.datetime64(int(t), "ns"))[:10] if dates else f"day {float(t):g}"


def split_programme_warnings(pid: np.ndarray, t: np.ndarray, label: np.ndarray, course_of: np.ndarray,
                             gap_days: float) -> list[str]:
    """A warning per treatment whose courses look like weekly programmes split by missed sessions (module docstring).

    ``pid``, ``t`` (nanoseconds since 1970 for dates, else day numbers), ``label``: one per administration, as read;
    ``course_of``: each administration's course (:func:`analysis.io.courses.build_courses`); ``gap_days``: the
    course gap the courses were built with."""
    if len(pid) < 2:
        return []
    t = np.asarray(t)
    dates = np.issubdtype(t.dtype, np.integer)
    df = pd.DataFrame({"p": pd.Series(pid, dtype=object).astype(str).to_numpy(), "l": one_spelling(
        np.asarray(label, dtype=object))[0], "t": t, "d": _calendar_days(t), "c": np.asarray(course_of)})
    df = df.sort_values(["p", "l", "t"], kind="stable")
    p, l, d, c = (df[k].to_numpy() for k in ("p", "l", "d", "c"))
    same = np.r_[False, (p[1:] == p[:-1]) & (l[1:] == l[:-1])]
    step = np.r_[np.nan, np.diff(d).astype(float)]
    step[~same] = np.nan
    df["step"] = step
    # A course begins at its first administration: the first of its patient and treatment, or after a gap.
    df["begins"] = np.r_[True, c[1:] != c[:-1]]
    df["after"] = np.r_[0, df["t"].to_numpy()[:-1]]
    cadence = df[df["step"] > 0].groupby("l")["step"].median()
    cadence = cadence[[DRUG_WORDS.search(fold(str(name))) is None for name in cadence.index]]  # boosters: by design
    weekly = cadence[(cadence >= WEEKLY[0]) & (cadence <= WEEKLY[1])]
    if weekly.empty:
        return []
    starts = df[df["begins"] & df["l"].isin(weekly.index)]
    window = starts["l"].map(weekly) * CADENCES
    split = starts[(starts["step"] > gap_days) & (starts["step"] <= window)]
    n_split = split.groupby("l").size()
    n_courses = starts.groupby("l").size()
    out = []
    for name, n in n_split.items():
        total = int(n_courses[name])
        if n < AT_LEAST or n < SHARE * total:
            continue
        first = split[split["l"] == name].iloc[0]
        widest = int(split.loc[split["l"] == name, "step"].max())
        out.append(
            f"Treatment {name!r}: {n} of its {total} courses began more than {gap_days:g} and at most "
            f"{int(weekly[name] * CADENCES)} days after the patient's previous session, while its sessions recur "
            f"about weekly (median {weekly[name]:g} days apart): these look like one programme split where a session was missed, each part a treatment "
            f"episode of its own (e.g. patient {first['p']}: sessions on {_when(first['after'], dates)} and "
            f"{_when(first['t'], dates)}, {int(first['step'])} days apart, are two courses). Administrations at most "
            f"{gap_days:g} days apart are one course. If a programme is one treatment episode, raise the course gap: "
            f"in the mapping \"courses\": {{\"gap_days\": {widest}}}, or in the dashboard's assistant the box "
            "\"Administrations at most this many days apart are one course\". Boosters or new programmes a few "
            "weeks apart are then merged too: keep the gap if that is what these courses are.")
    return out
