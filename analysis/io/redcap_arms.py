"""A multi-arm REDCap project's arm: a patient characteristic, or the treatment where nothing else names it.

A longitudinal project with arms writes each row's arm in its event (``week_4_arm_2``; labels export:
``Week 4 (Arm 2: Lidocaine)``). The arm was taken off the event and dropped: a project whose arms are its
treatment groups and that has no treatment field was refused ("add a treatments.csv"), and where it has one
the arm could not be used to compare subgroups. The proposal (:func:`arm_proposal`) adds a column
``redcap_arm`` (the arm's name from a labels export, else ``Arm 1``, ``Arm 2``), when the export holds two or
more arms:

* the **treatment** when no column names a treatment and the events are the time points (an export without
  dates: days since the first treatment, the baseline event being that day): each record's arm is given on
  its day-0 event (baseline), with a note saying so and how to rename it;
* otherwise the covariate ``arm`` (``--by arm``);
* a record found in two arms (a crossover) is a point to review: without dates, both arms' events fall on
  the same days (with dates, a note: the arm is then no patient characteristic, and not read).

The loader adds the same column to the table before reading it (:func:`add_arm_column`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .counted_from import read_time_points
from .spec import Column

ARM_COLUMN = "redcap_arm"
#: The arm at the end of an event: raw ``_arm_2``, labels ``(Arm 2: Lidocaine)`` or ``(Arm 2)``.
_ARM = re.compile(r"(?i)_arm_(\d+)\s*$|\(\s*arm\s*(\d+)\s*(?::\s*(.*?))?\s*\)\s*$")


def record_arms(events: np.ndarray) -> np.ndarray:
    """Each event's arm: its name in a labels export (``Lidocaine``), else ``Arm <n>``; "" without an arm."""
    s = pd.Series(events, dtype=object).fillna("").astype(str)
    m = s.str.extract(_ARM).astype(object)
    number = m[0].where(m[0].notna(), m[1])
    armless = number.isna().to_numpy()
    name = m[2].where(m[2].notna(), "").astype(str).str.strip()
    out = np.where(name != "", name, "Arm " + number.where(~armless, "").astype(str)).astype(object)
    out[armless] = ""
    return out


def _event_position(header: list) -> int | None:
    return next((k for k, h in enumerate(header) if h == "redcap_event_name"), None)


def arm_proposal(t, cols: dict, notes: list, review: list) -> list:
    """``[(header, Column, why, examples)]`` of the arm column for a REDCap export table ``t`` whose columns are
    proposed as ``cols`` (position -> ColumnProposal); ``[]`` when the export has fewer than two arms."""
    k = _event_position(t.header)
    if k is None:
        return []
    arms = record_arms(t.column(k))
    names = list(pd.unique(arms[arms != ""]))
    if len(names) < 2:
        return []
    pid_k = next((j for j, c in cols.items() if c.column.role == "patient_id"), None)
    examples = names[:3]
    events_time = cols[k].column.role == "day"
    if pid_k is not None:
        per = pd.Series(arms).where(arms != "").groupby(t.column(pid_k)).nunique()
        crossed = [str(r) for r in per.index[per > 1]]
        if crossed and events_time:
            review.append(f"{t.file}: record(s) {', '.join(crossed[:5])} are in more than one arm (a crossover): "
                          "the export has no dates, and both arms' events name the same time points, so their "
                          "scores cannot be placed in time. Add the visit and treatment dates to the export, or load "
                          "each arm separately.")
        elif crossed:
            notes.append(f"{t.file}: record(s) {', '.join(crossed[:5])} are in more than one arm (a crossover): the "
                         "arm is no patient characteristic and is not read; the dates place each arm's visits.")
        if crossed:
            return []
    treated = any(c.column.role == "treatment" or (c.column.role == "date" and c.column.treatment)
                  for c in cols.values())
    if events_time and not treated:
        notes.append(f"{t.file}: no field names the treatment, and the project has arms ({', '.join(map(repr, names))}):"
                     " each record's arm is read as its treatment, given on its baseline event (day 0, the first "
                     f"treatment's day). Rename the arms under \"treatments\" in the mapping, or give {ARM_COLUMN!r} "
                     "the role \"covariate\" if the arms are not treatments.")
        proposal = (ARM_COLUMN, Column("treatment"), "the record's REDCap arm, read as its treatment on its baseline "
                    "event", examples)
    else:
        proposal = (ARM_COLUMN, Column("covariate", name="arm"), "the record's REDCap arm: a patient characteristic "
                    "(compare the arms with --by arm)", examples)
    add_arm_column(t, {ARM_COLUMN: proposal[1]})  # the later steps of the proposal read it as a column
    return [proposal]


def add_arm_column(t, columns: dict) -> None:
    """Add the arm column to a REDCap export table ``t``, in place, when its mapping ``columns`` (header ->
    Column) names it: the arm on every row for a covariate; on the rows of day-0 events only for a treatment
    (one administration on the first treatment's day, not one per visit)."""
    role = getattr(columns.get(ARM_COLUMN), "role", None)
    k = _event_position(t.header)
    if role in (None, "ignore") or k is None or ARM_COLUMN in t.header:
        return
    arms = record_arms(t.column(k))
    if role == "treatment":
        days = read_time_points(t.column(k), events=True)[0]
        arms = np.where(days == 0, arms, "").astype(object)
    t.cells[len(t.header)] = arms
    t.header.append(ARM_COLUMN)
