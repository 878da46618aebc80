"""Day numbers that start again with each episode of care: a warning.

A registry's research extract without dates (an ePPOC-style file: ``episode_id, patient_id,
days_from_referral, ...``) counts each episode's days from that episode's own referral, so a patient's
second episode starts at day 0 again. Read on one timeline per patient, the two episodes' scores and
treatments mix: a follow-up of the first episode is taken as the baseline of the second, and their scores
on the same day number conflict (a reviewer's cohort: 16 of 47 episodes used, week-4 responders 69% against
a truth of 53%). The export does not say how far apart the episodes are, so they cannot be laid end to end:
the load warns, naming the columns and what to do.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .tables import TextTable

#: Column names of an episode of care (not of an encounter or a visit: those are days of one timeline).
_EPISODE = re.compile(r"(^|[^a-z])(episode|episode of care|referral)[ _-]?(id|no|nr|number|num|#)?($|[^a-z])",
                      re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def is_episode_name(name: str) -> bool:
    """A column naming the episode of care a row belongs to (``episode_id``, ``EpisodeID``, ``Episode
    number``, ``Referral ID``), not a count or a date of it (``Episode start``, ``Referral date``)."""
    words = _CAMEL.sub(" ", str(name)).strip()
    return bool(_EPISODE.search(words)) and not re.search(r"date|start|end|day|time|length|count|type",
                                                             words, re.IGNORECASE)


def restarting_days(table: TextTable, columns: dict) -> list[str]:
    """The warning for one file, or none: a column naming the episode of care (not read), the day numbers
    (role ``day``) and the patient id, where some patient has two episodes whose days overlap."""
    roles = {name: getattr(col, "role", col) for name, col in columns.items()}
    pid = next((n for n, r in roles.items() if r == "patient_id"), None)
    day = next((n for n, r in roles.items() if r == "day"
                and not getattr(columns[n], "counted_from", None)), None)
    episode = next((n for n in table.header if is_episode_name(n) and roles.get(n, "ignore") == "ignore"), None)
    if pid is None or day is None or episode is None or pid not in table.header or day not in table.header:
        return []
    frame = pd.DataFrame({"p": table.cells.iloc[:, table.header.index(pid)].to_numpy(dtype=object),
                          "e": table.cells.iloc[:, table.header.index(episode)].to_numpy(dtype=object),
                          "d": pd.to_numeric(table.cells.iloc[:, table.header.index(day)], errors="coerce")})
    frame = frame[(frame["p"] != "") & (frame["e"] != "") & frame["d"].notna()]
    if frame.empty:
        return []
    spans = frame.groupby(["p", "e"], sort=False)["d"].agg(["min", "max"]).reset_index()
    spans = spans.sort_values(["p", "min", "max"], kind="stable")
    # Episodes laid out one after another never start before the previous one ended; an episode of the same
    # patient starting on or before the end of the one before shares its days.
    prev_end = spans.groupby("p", sort=False)["max"].shift()
    overlap = spans["min"].to_numpy() <= prev_end.to_numpy()
    patients = pd.unique(spans["p"].to_numpy(dtype=object)[overlap])
    if not len(patients):
        return []
    shown = ", ".join(repr(str(p)) for p in patients[:3])
    return [f"{table.file}: the day numbers in {day!r} start again with each {episode!r} ({len(patients)} patient(s) "
            f"have episodes whose days overlap, e.g. {shown}): read on one timeline per patient, the episodes' scores "
            "and treatments mix (a later episode's baseline taken from an earlier one's follow-up, scores of one day "
            "number in conflict). Give each episode its own timeline: map the episode column as the patient id "
            "(each episode then counts as a patient; say so when you report), or load the episodes separately "
            "(docs/data-format.md, \"Time points counted from a date\")."]


def warnings(tables) -> list[str]:
    """:func:`restarting_days` over every ``(TextTable, FileSpec)`` of an export."""
    out: list[str] = []
    for table, fspec in tables:
        out += restarting_days(table, fspec.columns)
    return out
