"""A score recorded after the treatment is after it only on a day the treatment was given.

A clinic's log has a row per infusion with 'Pain before' and 'Pain after', and later rows (phone calls,
follow-up visits) that write the pain of that day in 'Pain after' too; a visit list has a 'Post' visit on
the infusion's date, on a row of its own. The post-treatment offset (``courses.post_offset_hours``) places a
score after the start of the treatment of its day: on the infusion's date it is the immediate score,
whatever row holds it. On a day without any administration of the patient there is no treatment to be
after: the offset would only move a week-4 phone call (day 28) past the week-4 window's day, to day 28.04
(week 5). Such a score is a plain score of its date (timing ``"at"``).

The rule, per score given after the start (a column with the timing ``"after_start"``, or a row whose
visit column, the role ``"event"``, names a post visit): the offset applies when the patient has an
administration (of any file of the export, any treatment) on the score's date, or when the same row also
gives a score before the start (a pre and a post score on one row: the treatment is between them, whether
or not it is recorded). Otherwise the score keeps its date.

Where the offset applies to a score written with its date only (no time of day) and the patient's
administration that day has a time (a timed MAR in another file: New Bag at 09:00), the score is placed
after the administration: at the latest start of that patient's administrations on that day plus the
offset (counted from midnight, the post score fell at 01:00, before a 09:00 infusion, and became that
day's baseline). Where the administration is date-only too (the treatment row of the same sheet), the
latest start is that midnight and the score is where it always was. A score before the start written
with its date only stays at the day's midnight: before any administration of that day.

The files of an export are read one after the other (:func:`analysis.io.translate.read_rows`): the
administrations of a later file may date a score of an earlier one, so :func:`settle` decides again over
every score read so far each time a file has been read; the last call decides with every administration.
docs/data-format.md, "Scores after the treatment", says the same for users.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_DAY_NS = 86_400 * 10 ** 9


def day_of(t: np.ndarray, kind: str | None) -> np.ndarray:
    """The calendar day of each time: dates (nanoseconds) by their day, day numbers by their whole day."""
    if kind == "day":
        return np.floor(np.asarray(t, dtype=float)).astype(np.int64)
    return np.asarray(t, dtype=np.int64) // _DAY_NS


def settle(obs, kind: str | None) -> None:
    """Apply or withdraw the post offset of each pending score of ``obs`` (``obs.after_start``: entries
    ``(i, t0, shift, timing)``: the frame ``obs.scores[i]``, its times without the offset, the offset of each
    row (0 where none) and the timing each row has when the offset applies)."""
    if not obs.after_start:
        return
    admins = [a for a in obs.admins if len(a)]
    if admins:
        given = pd.DataFrame({"p": np.concatenate([a["pid"].to_numpy(dtype=object) for a in admins]),
                              "d": np.concatenate([day_of(a["t"].to_numpy(), kind) for a in admins]),
                              "t": np.concatenate([a["t"].to_numpy() for a in admins])})
        latest = given.groupby(["p", "d"], sort=False)["t"].max()  # the latest start of a patient's day
        given = latest.index
    before = [s["row"].to_numpy()[(s["timing"] == "before_start").to_numpy()] for s in obs.scores if len(s)]
    before = np.concatenate(before) if before else np.zeros(0, dtype=np.int64)
    for i, t0, shift, timing in obs.after_start:
        s = obs.scores[i]
        keep = np.isin(s["row"].to_numpy(), before)
        start = t0
        if admins:
            key = pd.MultiIndex.from_arrays([s["pid"].to_numpy(dtype=object), day_of(t0, kind)])
            keep |= key.isin(given)
            if kind == "date" and "has_time" in s:
                # A date-only score after the start: after the day's (latest) administration, not after midnight.
                pos = latest.index.get_indexer(key)
                at = latest.to_numpy()[np.maximum(pos, 0)].astype(t0.dtype)
                later = ~s["has_time"].to_numpy(dtype=bool) & (pos >= 0) & (at > t0)
                start = np.where(later, at, t0).astype(t0.dtype)
        shifted = shift != 0
        s["t"] = start + np.where(keep, shift, 0).astype(t0.dtype)
        s["timing"] = np.where(shifted & ~keep, "at", timing).astype(object)


def without_treatment(scores: pd.DataFrame, admins: pd.DataFrame, kind: str | None) -> list[str]:
    """A warning per file and column whose scores are recorded before or after the treatment (the timing
    ``"before_start"`` or ``"after_start"``, kept by :func:`settle`) on a day the patient has no administration
    in any file, where that day has both a before and an after score (a booster's pre and post pain beside a
    booster date that is not read as an administration): no course starts there, so they count as follow-up of
    the patient's earlier course. Said, never silent. A day with a before score alone is a visit's (a sheet
    whose 'NRS pre' column is also the visit's pain: a review's 167 false warnings), as one with an after score
    alone is (a phone call's pain in 'Pain after')."""
    if not len(scores):
        return []
    timed = scores["timing"].isin(["before_start", "after_start"]).to_numpy()
    if not timed.any():
        return []
    s = scores[timed]
    day = day_of(s["t"].to_numpy(), kind)
    key = pd.MultiIndex.from_arrays([s["pid"].to_numpy(dtype=object), day])
    given = pd.MultiIndex.from_arrays([admins["pid"].to_numpy(dtype=object), day_of(admins["t"].to_numpy(), kind)]) \
        if len(admins) else pd.MultiIndex.from_arrays([[], []])
    off = s.assign(d=day)[~key.isin(given)]
    both = off.groupby(["pid", "d"])["timing"].transform("nunique") > 1
    alone = off[both.to_numpy(dtype=bool)]
    out = []
    for (f, col), n in alone.groupby(["file", "column"], sort=False).size().items():  # a few columns
        out.append(f"{f}: {n} score(s) in {col!r} are recorded before or after a treatment, but the patient has no "
                   "treatment that day: no course starts there, so they are read as follow-up of the patient's earlier "
                   "course (if any). If a treatment was given that day (a booster), give its date the treatment in the "
                   "mapping (\"treatment\" on that date column) or add the administration.")
    return out
