"""Scores with a time of day on the day of a treatment start that has none: which are before it.

An infusion log gives dates only (``2024-03-04``), or an ETL writes a missing time as ``2024-03-04 00:00:00``,
while the scores carry times (a survey's timestamp, an EHR measurement's datetime). The start reads as 00:00,
so by the times every score of that day is after it: the pre-infusion survey at 09:15 became the immediate
score and the immediate relief ~0% (a Qualtrics survey, a Google Form, an OMOP extract: ~40% in truth). A
time of day cannot be placed against a start without one.

The rule (one place; docs/data-format.md, "Dates and times in clinic exports", says the same for users): a
course start is **untimed** when it is at 00:00 of its date (a date only, or 00:00 written as its time). On
such a day, per patient and measure, the scores with a time of day are placed so:

* those labelled before the treatment (timing ``"before_start"``: a ``Pre`` visit, a ``Pain before``
  column) count as before it; where none of that day is so labelled, the **earliest** score with a time
  does (a score labelled after it is never that one);
* a score counted before the treatment is placed **at** the start, at 00:00 of its own date (an earlier one
  of that day a millisecond before it, in their order): day 0, which the episode rules count as the course's
  baseline, as a date-only score on a start day is (:func:`analysis.io.plausibility.scores_on_start_days`); a
  single score on such a day is thus the baseline;
* the later ones keep their times and count as after it (immediate scores), and so do the scores labelled
  after it (``Post``).

Scores written with a date only are where they were (00:00 of the start day: the baseline). Day numbers
(no calendar) have no time of day to place, so only dates are placed. The load warns of every such day
(:func:`warning`): the rule is a guess that only the treatment's time makes unnecessary.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES


_DAY_NS = 86_400 * 10 ** 9


def _ids(pid) -> pd.Index:
    """Patient ids as text (an id read as 7 and as "7" are one patient), as the other start-day rules compare them."""
    return pd.Index(np.asarray(pid, dtype=object)).astype(str)


def _key(pid, day) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([_ids(pid), np.asarray(day, dtype=np.int64)])


def on_untimed_start_days(score_pid, score_ns, score_has_time, start_pid, start_ns) -> np.ndarray:
    """Which scores have a time of day and fall on the date of a course start at 00:00 (untimed) of their
    patient. Times are nanoseconds since 1970-01-01 (``analysis.io.dates.parse_datetimes``)."""
    start_ns = np.asarray(start_ns, dtype=np.int64)
    score_ns = np.asarray(score_ns, dtype=np.int64)
    untimed = start_ns % _DAY_NS == 0
    if not untimed.any() or not len(score_ns):
        return np.zeros(len(score_ns), dtype=bool)
    starts = _key(np.asarray(start_pid, dtype=object)[untimed], start_ns[untimed] // _DAY_NS)
    on_day = np.asarray(_key(score_pid, score_ns // _DAY_NS).isin(starts), dtype=bool)
    return np.asarray(score_has_time, dtype=bool) & on_day


#: The shortest wait between two scores of an untimed start day that an infusion can be in (it takes longer).
_WAIT_NS = 3_600 * 10 ** 9
#: How far back an earlier score of the measure makes a lone score on a date-only start day an after-score: the
#: day before, as a daily diary has one (its infusion day's evening entry is the post score). A score further
#: back (a screening visit 3-10 days before) leaves the lone score the baseline, as a date-only score on a start
#: day is: the pre-infusion score of a patient whose post score is missing (an EHR extract's usual gap).
_EARLIER_DAYS = 1


#: How far apart :func:`place` and :func:`whole_days_after` keep the scores they place on one day, in their order: a
#: millisecond. The days since the patient's first course are floats, in which a nanosecond is lost after day ~100
#: (two scores of one day became one day: "conflicting values", both left out); a millisecond is kept for 270 years.
_APART_NS = 10 ** 6


def place(score_pid, score_ns, score_has_time, measure, timing, start_pid, start_ns) -> tuple[np.ndarray, np.ndarray]:
    """The scores' times with those before an untimed start placed at it (see the module docstring).

    Parameters
    ----------
    score_pid, score_ns, score_has_time, measure, timing : array-like, one per score
        Patient, time (nanoseconds), whether the date has a time of day, measure, and timing
        (``"before_start"``, ``"after_start"`` or ``"at"``).
    start_pid, start_ns : array-like, one per course
        The patient and start (nanoseconds) of each course.

    Returns
    -------
    t : ndarray of int64
        The times, those counted before the start set to 00:00 of their date.
    on : ndarray of bool
        The scores with a time of day on an untimed start day (placed by this rule, moved or not).
    """
    t = np.asarray(score_ns, dtype=np.int64).copy()
    on = on_untimed_start_days(score_pid, t, score_has_time, start_pid, start_ns)
    if not on.any():
        return t, on
    idx = np.flatnonzero(on)
    timing = np.asarray(timing, dtype=object)[idx]
    day = t[idx] // _DAY_NS
    frame = pd.DataFrame({"p": _ids(np.asarray(score_pid, dtype=object)[idx]), "d": day,
                          "m": np.asarray(measure, dtype=object)[idx], "t": t[idx],
                          "before": timing == "before_start", "after": timing == "after_start"})
    keys = ["p", "d", "m"]
    labelled = frame.groupby(keys, sort=False)["before"].transform("any").to_numpy(dtype=bool)
    # Unlabelled days: the scores not labelled after the start, in time order, are split at the day's first wait
    # of an hour or more between two of them (an infusion takes longer: a declined survey at 08:40 and the pre at
    # 09:15 are before, the post at 14:00 after; pre 07:00, post 11:00 and an evening score 22:00 split after
    # 07:00), or after the first where no wait is that long; a lone one is the baseline unless the patient has a
    # score of the measure the day before (a daily diary: its infusion day's evening entry is the post score).
    free = frame[~frame["after"] & ~frame["before"]].sort_values(keys + ["t"], kind="stable")
    gap = free.groupby(keys, sort=False)["t"].diff()
    long_wait = gap >= _WAIT_NS
    any_long = long_wait.groupby([free[k] for k in keys], sort=False).transform("any")
    cut = (long_wait | (~any_long & gap.notna())) & gap.notna()
    past_cut = cut.groupby([free[k] for k in keys], sort=False).cummax().to_numpy(dtype=bool)
    size = free.groupby(keys, sort=False)["t"].transform("size").to_numpy()
    lone = size == 1
    if lone.any():
        lone_rows = free[lone]
        earlier = _earlier_score(lone_rows, score_pid, t, measure)
        past_cut[np.flatnonzero(lone)[earlier]] = True
    before_free = pd.Series(~past_cut, index=free.index).reindex(frame.index, fill_value=False).to_numpy(dtype=bool)
    before = frame["before"].to_numpy(dtype=bool) | (~labelled & before_free)
    # The last score before the treatment is placed at the start (00:00, the baseline); earlier ones of that day
    # just before it, a millisecond apart in their order (placed together at 00:00 they became "conflicting
    # values for the same patient, day and measure" and were both left out; so they did a nanosecond apart after
    # day ~100, where the float days lose it: a later course's baseline was lost).
    moved = frame[before].sort_values(keys + ["t"], kind="stable")
    behind = moved.groupby(keys, sort=False).cumcount(ascending=False).to_numpy()
    t[idx[moved.index.to_numpy()]] = moved["d"].to_numpy() * _DAY_NS - behind * _APART_NS
    return t, on


def _earlier_score(rows: pd.DataFrame, score_pid, score_ns, measure) -> np.ndarray:
    """For each of ``rows`` (columns p, d, m: a patient, day and measure), whether the patient has a score of that
    measure on one of the :data:`_EARLIER_DAYS` days before."""
    every = pd.DataFrame({"p": _ids(score_pid),
                          "m": np.asarray(measure, dtype=object),
                          "e": np.asarray(score_ns, dtype=np.int64) // _DAY_NS})
    pairs = rows[["p", "m", "d"]].reset_index(drop=True).reset_index().merge(every, on=["p", "m"])
    hit = pairs[(pairs["e"] < pairs["d"]) & (pairs["e"] >= pairs["d"] - _EARLIER_DAYS)]["index"].unique()
    return np.isin(np.arange(len(rows)), hit)


def warning(score_pid, on) -> list[str]:
    """The warning for the scores ``on`` untimed start days (:func:`place`); empty list when there are none."""
    on = np.asarray(on, dtype=bool)
    if not on.any():
        return []
    n_pat = pd.unique(np.asarray(score_pid, dtype=object)[on]).size
    return [f"{int(on.sum())} score(s) of {n_pat} patient(s) have a time of day on the day of a treatment start that "
            "has no time (a date only, or 00:00), so the times cannot say which were taken before it. Per patient "
            "and measure, the scores of that day labelled before the treatment (a Pre visit), or else those before "
            "the day's first wait of an hour or more between two scores, count as its baseline (placed at the start, day 0); the "
            "later ones, and those labelled after it (Post), count as after it (immediate scores). A day's only "
            "score is the baseline, unless the patient has a score of the measure the day before (a daily diary): "
            "then it is after. Give "
            "the treatment's time (a time field or column beside its date, or a date with its time), so that each "
            "score is placed by its time."]


#: The default baseline window (days before a course start: analysis.definitions): a score that precedes a
#: later course by at most this many calendar days is counted in whole days before that course, so that it
#: stays the later course's baseline candidate (see :func:`whole_days_after`).
BASELINE_WINDOW_DAYS = 14


def whole_days_after(score_pid, score_ns, score_has_time, measure, admin_pid, admin_ns, start_pid, start_ns,
                     value=None) -> tuple[np.ndarray, np.ndarray]:
    """The scores' times with the follow-up of a course counted in whole days from its start's date.

    Week k of an episode is ``7(k-1) < day - start <= 7k``. A follow-up visit's time of day against the
    start's is only a fraction of a day: a week-4 visit on day 28 at 14:00 after an infusion started at 08:45 was
    day 28.22 after the start, week 5, and every weekly rate of a clinic's timed export lost its visits of the
    week's last day to the next week (two reviews: week-4 responders "100% (n = 1)" of 37 visits; a date-only
    log beside timed surveys the same). So a score with a time of day on a later date than the start of the
    course it follows (the patient's latest course starting on an earlier date) is placed at that start's time
    of day on its own date (day 28 after the start: week 4; 00:00 of its date after a date-only start), when no
    administration is on that day (there, the time of day is what places the scores before or after the
    treatment: :func:`place`, ``post_scores.settle``) and every score of its measure that day has a time of day.
    Several scores of a measure on such a day (a nurse's and a physician's pain 20 minutes apart at the day-28
    visit, a pain diary's morning and evening entries) are all counted on that whole day, their order kept: the
    day's last one at the target, each earlier one :data:`_APART_NS` (a millisecond) before the next (as
    :func:`place` orders the scores before a start), and scores at one time (a row charted twice, or conflicting values) stay at one time. (A
    review: kept at their times only where a day had two scores, a double-charted week-4 visit at 14:00 and 14:20
    after an 08:45 start stayed at days 28.22 and 28.23, week 5, and week 4 lost half its visits.) A value
    ``value`` gives as NaN (one the load will exclude: out of its measure's range) is neither placed nor counted.
    A score exactly :data:`BASELINE_WINDOW_DAYS` calendar days before the patient's next course (a booster's
    pre-visit on the window's first day) is placed at the later of the two courses' times of day, so that it stays
    in that course's baseline window (``start - 14 <= day <= start``; a review: the visit 14 days before a 13:00
    booster, at 14:00, moved to the first course's 08:30 was 14.19 days before it, and the booster lost its
    baseline). Scores on a start's own date and before any course are not moved.

    ``start_pid``, ``start_ns``: the courses' starts. Returns the times and which scores were moved."""
    t = np.asarray(score_ns, dtype=np.int64).copy()
    moved = np.zeros(len(t), dtype=bool)
    admin_ns = np.asarray(admin_ns, dtype=np.int64)
    start_ns = np.asarray(start_ns, dtype=np.int64)
    if not len(t) or not len(admin_ns) or not len(start_ns):
        return t, moved
    ids = _ids(score_pid)
    day = t // _DAY_NS
    # The start a score follows (the patient's latest course start on an earlier date) and the next one (on a
    # later date); the first start of a date stands for it.
    starts = pd.DataFrame({"p": _ids(start_pid), "d": start_ns // _DAY_NS, "tod": start_ns % _DAY_NS})
    starts = starts.sort_values(["d", "tod"], kind="stable").drop_duplicates(["p", "d"]).sort_values("d", kind="stable")
    scores = pd.DataFrame({"p": ids, "d": day, "i": np.arange(len(t))}).sort_values("d", kind="stable")
    follows = pd.merge_asof(scores, starts, on="d", by="p", allow_exact_matches=False)
    before = pd.merge_asof(scores, starts.assign(next_d=starts["d"]), on="d", by="p", allow_exact_matches=False,
                           direction="forward")
    i = follows["i"].to_numpy()
    tod = np.full(len(t), -1, dtype=np.int64)  # -1: no course before the score's date
    tod[i] = follows["tod"].fillna(-1).to_numpy(dtype=np.int64)
    next_tod = np.full(len(t), -1, dtype=np.int64)
    # Only a score on the window's first day needs the next course's time of day: one 1-13 days before it is in
    # its window at any time of day (a review: moving those too put course 1's week-12 visits in week 13).
    edge = (before["next_d"] - before["d"]).eq(BASELINE_WINDOW_DAYS).to_numpy(dtype=bool)
    next_tod[before["i"].to_numpy()] = np.where(edge, before["tod"].fillna(-1).to_numpy(dtype=np.int64), -1)
    admin_days = _key(admin_pid, admin_ns // _DAY_NS)
    has_time = np.asarray(score_has_time, dtype=bool)
    frame = pd.DataFrame({"p": ids, "d": day, "m": np.asarray(measure, dtype=object), "t": t, "h": has_time,
                          "v": np.asarray(value, dtype=object) if value is not None else np.arange(len(t))})
    # A value the load will exclude (NaN in ``value``: out of its measure's range) is no score of its day: it is
    # neither placed nor counted.
    keys = ["p", "d", "m"]
    counted = frame[pd.notna(frame["v"])]
    all_timed = counted.groupby(keys, sort=False)["h"].transform("all").reindex(frame.index, fill_value=False)
    # At the later of the two times of day: whole days after its course (or less) and exactly 14 days before the
    # next one. Where the next course starts later in the day, a visit on the last day of a week of its course
    # counts in the next week of it: one time cannot serve both (the baseline is kept; docs/data-format.md).
    target = day * _DAY_NS + np.maximum(np.maximum(tod, 0), next_tod)
    placed = (has_time & (tod >= 0) & ~np.asarray(_key(ids, day).isin(admin_days), dtype=bool)
              & pd.notna(frame["v"]).to_numpy(dtype=bool) & all_timed.to_numpy(dtype=bool))
    # The day's last time at the target, each earlier one a millisecond before the next, so that their order is
    # kept; scores at one time (a row charted twice, conflicting values) stay at one time, as written.
    rows = frame[placed]
    # Ranked by the time of day (below 2**53 ns: exact as the float rank's values, which whole times are not).
    behind = (rows["t"] - rows["d"] * _DAY_NS).groupby([rows[k] for k in keys], sort=False) \
        .rank(method="dense", ascending=False).to_numpy(dtype=np.int64) - 1
    new_t = t.copy()
    new_t[placed] = target[placed] - behind * _APART_NS
    moved = new_t != t
    return new_t, moved


def whole_days_note(moved) -> list[str]:
    """The load report's note on the scores :func:`whole_days_after` placed."""
    n = int(np.count_nonzero(moved))
    if not n:
        return []
    return [f"{n} follow-up score(s) with a time of day are counted in whole days after their course's start (a "
            "visit on day 28 at 14:00 after an infusion started at 08:45 is day 28, week 4, not day 28.22, week 5; "
            "after a start with a date only, at 00:00 of its date; 14 days before a later course, in its baseline "
            "window). Several scores of a measure on such a day (a visit charted twice, a diary's morning and evening "
            "entries) all count on that day, in their order; a day with a treatment, or with a score without a time, "
            "keeps their times."]


def _times(scores: pd.DataFrame, courses: pd.DataFrame, admins: pd.DataFrame, kind: str):
    """``(t0, has_time, starts, given)`` in nanoseconds (``kind`` as in :func:`settle`)."""
    if kind == "date":
        return (scores["t"].to_numpy(dtype=np.int64), scores["has_time"].to_numpy(dtype=bool),
                courses["start"].to_numpy(dtype=np.int64), admins["t"].to_numpy(dtype=np.int64))
    # Day numbers as nanoseconds of a calendar that starts on day 0: a whole day is 00:00. Only a time of day
    # from a time column (DAYS_FROM_INDEX + OBS_TIME) is one: a day number written with its fraction (0.25, 6
    # hours after day 0's start) is exact, as the start's whole day is.
    days = scores["t"].to_numpy(dtype=float)
    has_time = scores["has_time"].to_numpy(dtype=bool) & np.isfinite(days) & (days % 1 != 0)
    return (np.rint(days * _DAY_NS).astype(np.int64), has_time,
            np.rint(courses["start"].to_numpy(dtype=float) * _DAY_NS).astype(np.int64),
            np.rint(admins["t"].to_numpy(dtype=float) * _DAY_NS).astype(np.int64))


def _store(scores: pd.DataFrame, t: np.ndarray, t0: np.ndarray, kind: str) -> None:
    if kind == "date":
        scores["t"] = t
        return
    # Only the scores placed get new day numbers (whole days); the others keep theirs exactly.
    changed = t != t0
    days = scores["t"].to_numpy(dtype=float).copy()
    days[changed] = t[changed] / _DAY_NS  # a whole day, or just before one (in their order)
    scores["t"] = days


def settle(scores: pd.DataFrame, courses: pd.DataFrame, admins: pd.DataFrame, kind: str) -> list[str]:
    """Apply :func:`place` to an export's scores, every row read (in place: their ``t``, and ``untimed_start`` for
    the warning). ``kind``: ``"date"`` (times in nanoseconds) or ``"day"`` (day numbers, which a time-of-day
    column makes fractional: ``DAYS_FROM_INDEX`` 3 at 09:15 is 3.385; a start on a whole day has no time, as a
    date-only one; a day number written with a fraction is exact). :func:`settle_follow_up` follows, once the
    scores' values are read."""
    scores["untimed_start"] = np.zeros(len(scores), dtype=bool)
    if not len(scores) or not len(courses):
        return []
    t0, has_time, starts, _ = _times(scores, courses, admins, kind)
    t, on = place(scores["pid"].to_numpy(dtype=object), t0, has_time, scores["measure"].to_numpy(dtype=object),
                  scores["timing"].to_numpy(dtype=object), courses["patient_id"].to_numpy(), starts)
    _store(scores, t, t0, kind)
    scores["untimed_start"] = on
    return []


def settle_follow_up(scores: pd.DataFrame, courses: pd.DataFrame, admins: pd.DataFrame, kind: str) -> list[str]:
    """Apply :func:`whole_days_after` to an export's scores whose values were read (a duplicate row, an answer
    that is no score, or a value out of its measure's range on the same day no longer keeps a lone visit at its
    time); returns the notes."""
    if not len(scores) or not len(courses):
        return []
    value = scores["value"].to_numpy(dtype=float).copy()
    for m, idx in scores.groupby("measure", sort=False).indices.items():  # a loop over a few measures
        known = KNOWN_MEASURES.get(m)
        if known is not None:
            lo, hi = known["min"], known["max"]
            bad = ((value[idx] < lo) if lo is not None else False) | ((value[idx] > hi) if hi is not None else False)
            value[idx[bad]] = np.nan
    # The scores :func:`settle` placed on an untimed start's day are where they belong (one placed just before
    # 00:00 is on the day before by its date, but no follow-up of the course before).
    value[scores["untimed_start"].to_numpy(dtype=bool)] = np.nan
    t0, has_time, starts, given = _times(scores, courses, admins, kind)
    t, moved = whole_days_after(scores["pid"].to_numpy(dtype=object), t0, has_time,
                                scores["measure"].to_numpy(dtype=object), admins["pid"].to_numpy(dtype=object), given,
                                courses["patient_id"].to_numpy(dtype=object), starts, value)
    _store(scores, t, t0, kind)
    return whole_days_note(moved)
