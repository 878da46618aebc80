"""The actions of a medication-administration record: which rows start an administration.

A MAR writes a row per bag, rate change, hold, stop, and per correction of an entry charted in error.
Of the rows of a treatment (:func:`read_actions`):

* a row whose action is one of ``courses.start_actions`` starts an administration (actions compared with
  case and spaces normalised: ``New  Bag`` is ``New Bag``); any other action is listed as not a start;
* a ``Bolus from Bag`` is drawn from the running bag: part of that bag's infusion, not an administration
  of its own, and its dose is already in the bag's (counted, it made a course of five bags six
  administrations and 2525 mg). Listed with that reason, even where a mapping lists it as a start;
* a correction (:data:`CANCEL_ACTIONS`: ``Canceled Entry``, ``Entered in Error``, ``Canceled``,
  ``Unchart``, ``Undo``, ...) withdraws **one** start of the same patient, medication text and minute: where
  the correction carries a dose, one with that dose if there is one; then the nearest one above it in the file
  not yet withdrawn (else the nearest one below it, for an export sorted so). An export sorted newest first
  lists ``Canceled Entry 50`` above the 50 mg bag it cancels and below the 500 mg bag charted again: by
  position alone it withdrew the 500 mg bag and the course was 50 mg. A clinic that cancels a bag charted with the wrong dose and charts it again at the same minute
  keeps the second bag; withdrawing every start of that minute left the patient without a course. A
  correction that finds no such start withdraws nothing (which one it meant is not guessed), with a
  warning;
* any other action that is no known MAR action (``Wrong Patient``), or says the start did not happen
  (``Not Given``, ``Refused``, ``Missed``), at the same patient, medication and minute as a start is not
  taken as a correction but warned about: it may withdraw it.* Cerner charts a continuous infusion as ``Begin Bag`` (then ``Rate Change``, and ``Infuse``: the volume
  infused since), but an intermittent infusion (IV piggyback) often as ``Infuse`` alone. So where a patient's
  rows of a treatment (its label, else its medication text) hold no start action, each of their ``Infuse`` rows
  (:data:`INFUSE`) starts an administration, with a warning naming the patients, as does an ``Infuse`` row with
  no start of its patient and treatment within the courses' gap (``courses.gap_days``, either side: a later
  course charted as ``Infuse`` alone); beside a ``Begin Bag`` they are the bag's volume, not starts. (Read so, four of eight patients charted only ``Infuse`` had no course, and
  nothing said so.)
* an appointment's status in the action column (``Appt Status``: Checked Out / Cancelled / No Show;
  SimplePractice's ``Status``: Show / Late Canceled) is no action: the rows whose appointment took place are the
  administrations, and nothing is a correction (:mod:`analysis.io.appointment_status`);
* a patient whose rows of a chosen treatment hold no start at all (only ``Rate Change``, ``Not Given``) has no
  course from this file: a warning names them and their actions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .appointment_status import is_appointment_status, read_statuses
from .courses import MAR_ACTION
from .entry_status import normalised

#: Actions by which a record withdraws an administration charted in error (normalised: lower case, one space).
CANCEL_ACTIONS = frozenset({"canceled entry", "cancelled entry", "charted in error", "documented in error",
                            "entered in error", "mar in error", "error correction", "canceled", "cancelled",
                            "cancel", "unchart", "uncharted", "undo", "undone", "error", "in error", "deleted",
                            "void", "voided", "retracted"})
#: A bolus drawn from the running bag (normalised).
FROM_BAG = frozenset({"bolus from bag", "bag bolus", "bolus from infusion", "bolus from pump"})
#: Cerner's 'Infuse': the volume of a running bag beside its 'Begin Bag'; alone, an intermittent infusion (normalised).
INFUSE = frozenset({"infuse"})
#: Actions saying a charted start did not happen, worth a word beside a start of the same minute.
_DID_NOT_HAPPEN = frozenset({"not given", "refused", "missed", "not done", "omitted"})

R_NOT_START = "not the start of an administration (action {action!r})"
R_CANCELLED = "administration withdrawn by line "
R_FROM_BAG = ("a bolus drawn from the running bag (action {action!r}): part of that bag's infusion, not an "
              "administration of its own")


def _withdrawn(group: np.ndarray, is_start: np.ndarray, is_cancel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair each correction with the nearest start above it of its group not withdrawn by a nearer one
    (rows in file order; ``group``: an int per row, -1 for rows of neither kind).

    The pairing of a stack, vectorised: within a group, the depth after each row (+1 a start, -1 a
    correction, never below 0) is the cumulative sum less its lowest point so far; a correction with a
    depth above 0 before it withdraws the last start above it that brought the depth to that level.

    Returns (the corrections' rows, the rows of the starts they withdraw); unpaired corrections are left out.
    """
    idx = np.flatnonzero(is_start | is_cancel)
    if not len(idx):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    d = pd.DataFrame({"g": group[idx], "row": idx, "s": np.where(is_start[idx], 1, -1)})
    d = d.sort_values(["g", "row"], kind="stable")
    raw = d.groupby("g")["s"].cumsum()
    low = raw.groupby(d["g"]).cummin().clip(upper=0)
    d["depth"] = raw - low
    d["before"] = d.groupby("g")["depth"].shift(1).fillna(0).astype(np.int64)  # the depth before the row
    cancels = d[(d["s"] == -1) & (d["before"] > 0)].rename(columns={"before": "level"})
    starts = d[d["s"] == 1].rename(columns={"depth": "level"})
    paired = pd.merge_asof(cancels[["row", "g", "level"]].sort_values("row"),
                           starts[["row", "g", "level"]].rename(columns={"row": "start"}).sort_values("start"),
                           left_on="row", right_on="start", by=["g", "level"], direction="backward",
                           allow_exact_matches=False)
    paired = paired.dropna(subset=["start"])
    return paired["row"].to_numpy(dtype=np.int64), paired["start"].to_numpy(dtype=np.int64)


def _paired(group: np.ndarray, start: np.ndarray, cancel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_withdrawn`, then each correction left unpaired with the nearest start below it (an export sorted
    by action puts the correction above its start)."""
    by, gone = _withdrawn(group, start, cancel)
    left = np.setdiff1d(np.flatnonzero(cancel), by)
    if len(left):
        rest = start.copy()
        rest[gone] = False
        back = np.arange(len(group))[::-1]
        only = np.zeros(len(group), dtype=bool)
        only[left] = True
        by2, gone2 = _withdrawn(group[back], rest[back], only[back])
        by, gone = np.concatenate([by, back[by2]]), np.concatenate([gone, back[gone2]])
    return by, gone


def _amounts(dose: np.ndarray | None, n: int) -> np.ndarray:
    """The doses as numbers (NaN where none is written or it is no plain number)."""
    if dose is None:
        return np.full(n, np.nan)
    return pd.to_numeric(pd.Series(dose, dtype=object).astype(str).str.strip(), errors="coerce").to_numpy(dtype=float)


def read_actions(action: np.ndarray, has: np.ndarray, key: pd.DataFrame, key_ok: np.ndarray, start_actions,
                 file: str, header: str, rows: np.ndarray, lines: np.ndarray, obs,
                 dose: np.ndarray | None = None, label: np.ndarray | None = None,
                 infuse_gap: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a treatment (``has``) that start an administration, after the corrections.

    Parameters
    ----------
    action : array of str
        The action column's cells.
    key : DataFrame
        Per row, what a correction must share with the start it withdraws: patient, medication text and time
        (to the minute), comparable as they are; ``key_ok``: the row has them all.
    start_actions : iterable of str
        ``courses.start_actions``.
    file, header, rows, lines, obs
        For the listing of the rows left out (:meth:`analysis.io.translate.Observations.exclude`) and the warnings.
    dose : array of str, optional
        The dose column's cells: a correction with a dose withdraws a start of that dose first.
    label : array of str, optional
        The chosen treatment of each row ('' for none): the rows of a patient's treatment that hold no start.
    infuse_gap : float, optional
        The courses' gap in the unit of ``key["t"]``: an ``Infuse`` row with no start of its patient and treatment
        within it (either side) starts an administration (a later course charted as ``Infuse`` alone).

    Returns
    -------
    start : ndarray of bool
        The rows that start an administration.
    listed : ndarray of bool
        The rows of the treatment listed here as left out (each once).
    """
    if is_appointment_status(action, header):  # Checked Out / Cancelled: whether the visit took place, no MAR action
        return read_statuses(action, has, file, header, rows, lines, obs)
    norm = normalised(action)
    starts = {" ".join(str(s).casefold().split()) for s in start_actions} - FROM_BAG
    s = pd.Series(norm)
    is_start = has & s.isin(starts).to_numpy()
    treatment = key["x"].to_numpy(dtype=object) if label is None else \
        np.where(label != "", label, key["x"].to_numpy(dtype=object)).astype(object)
    is_start |= _infuse_alone(norm, action, has & ~is_start & ~s.isin(starts).to_numpy(), is_start,
                              key["p"].to_numpy(dtype=object), treatment, file, obs,
                              key["t"].to_numpy() if "t" in key else None, key_ok, infuse_gap)
    if label is not None:
        _warn_without_start(action, has & (label != ""), is_start, key["p"].to_numpy(dtype=object), label, file,
                            obs)
    from_bag = has & s.isin(FROM_BAG).to_numpy()
    cancel = has & s.isin(CANCEL_ACTIONS).to_numpy()
    not_start = has & ~is_start & ~from_bag
    obs.exclude(rows[from_bag], file, lines[from_bag], header, action[from_bag],
                _each(action[from_bag], R_FROM_BAG))
    obs.exclude(rows[not_start], file, lines[not_start], header, action[not_start],
                _each(action[not_start], R_NOT_START))
    listed = not_start | from_bag
    start = is_start.copy()
    if not (start & key_ok).any():
        return start, listed
    group = np.full(len(norm), -1, dtype=np.int64)
    codes = key[key_ok].groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy()
    group[key_ok] = codes
    mine = key_ok & (start | cancel)
    # A correction with a dose first withdraws a start of its dose (grouped by minute and dose), then the others
    # pair by position among the starts left.
    amount = _amounts(dose, len(norm))
    dosed = mine & ~np.isnan(amount)
    by, gone = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if (dosed & cancel).any():
        by_dose = np.full(len(norm), -1, dtype=np.int64)
        by_dose[dosed] = pd.DataFrame({"g": group[dosed], "d": amount[dosed]}).groupby(["g", "d"]).ngroup().to_numpy()
        by, gone = _paired(by_dose, start & dosed, cancel & dosed)
    rest_start, rest_cancel = start & mine, cancel & mine
    rest_start[gone], rest_cancel[by] = False, False
    by2, gone2 = _paired(group, rest_start, rest_cancel)
    by, gone = np.concatenate([by, by2]), np.concatenate([gone, gone2])
    why = (R_CANCELLED + pd.Series(lines[by]).astype(str) + " (" + pd.Series(action[by]).astype(str) + ")").to_numpy(
        dtype=object)
    obs.exclude(rows[gone], file, lines[gone], header, action[gone], why)
    start[gone] = False
    listed[gone] = True
    alone = np.setdiff1d(np.flatnonzero(cancel & key_ok), by)
    # A correction repeated word for word (a row exported twice) beside the one that withdrew the start: no other
    # administration was meant, nothing to warn about.
    said = pd.MultiIndex.from_arrays([group[by], norm[by]]) if len(by) else None
    if said is not None and len(alone):
        alone = alone[~pd.MultiIndex.from_arrays([group[alone], norm[alone]]).isin(said)]
    if len(alone):
        obs.warnings.append(
            f"{file}: {len(alone)} {action[alone[0]]!r} row(s) (line(s) {', '.join(str(x) for x in lines[alone][:5])}) "
            "match no administration of the same patient, medication and minute not already withdrawn by another, so "
            "none was withdrawn. If one withdraws an administration "
            "charted at another time, remove that administration's row (or give it the correction's time).")
    _warn_unknown_beside_starts(norm, action, has & key_ok & ~is_start & ~cancel & ~from_bag, is_start & key_ok,
                                group, file, lines, obs)
    return start, listed


def _each(action: np.ndarray, reason: str) -> np.ndarray:
    codes, uniques = pd.factorize(pd.Series(action, dtype=object))
    said = np.asarray([reason.format(action=a) for a in uniques], dtype=object)
    return said[codes] if len(codes) else np.zeros(0, dtype=object)


def _warn_unknown_beside_starts(norm, action, other, start, group, file, lines, obs) -> None:
    """A warning for the rows with an action that is no known MAR action, or says the start did not happen, at
    the patient, medication and minute of a start (it may be a correction this reader does not know)."""
    s = pd.Series(norm)
    known = s.str.fullmatch(MAR_ACTION.pattern, case=False).fillna(False).to_numpy()
    doubt = other & (~known | s.isin(_DID_NOT_HAPPEN).to_numpy()) & np.isin(group, group[start])
    if doubt.any():
        shown = ", ".join(repr(a) for a in pd.unique(action[doubt])[:4])
        obs.warnings.append(
            f"{file}: {int(doubt.sum())} row(s) with the action(s) {shown} (line(s) "
            f"{', '.join(str(x) for x in lines[doubt][:5])}) are charted at the same patient, medication and minute "
            "as an administration, which was kept: if they withdraw it (an entry charted in error), remove that "
            "administration's row, or check the record.")


def _far_from_starts(infuse: np.ndarray, is_start: np.ndarray, pair_code: np.ndarray, t, ok, gap) -> np.ndarray:
    """The ``infuse`` rows with no start of their patient and treatment within ``gap`` (either side, in the unit
    of ``t``): a later course charted as ``Infuse`` alone, not the volume of a bag begun days or weeks before."""
    far = np.zeros(len(infuse), dtype=bool)
    if t is None or gap is None:
        return far
    t = np.asarray(t, dtype=float)
    mine, starts = infuse & ok, is_start & ok
    if not mine.any() or not starts.any():
        return far
    left = pd.DataFrame({"t": t[mine], "g": pair_code[mine], "i": np.flatnonzero(mine)}).sort_values("t")
    right = pd.DataFrame({"t": t[starts], "g": pair_code[starts], "s": t[starts]}).sort_values("t")
    near = pd.merge_asof(left, right, on="t", by="g", direction="nearest")
    far[near["i"].to_numpy()] = ~(np.abs(near["t"] - near["s"]) <= gap).to_numpy()  # NaN: the pair has no start
    return far


def _infuse_alone(norm, action, other, is_start, pid, treatment, file, obs, t=None, ok=None, gap=None) -> np.ndarray:
    """The ``Infuse`` rows (among ``other``) of a patient and treatment with no start action, or none within the
    course gap (``gap``, in the unit of the times ``t``): the starts of an intermittent infusion (module
    docstring), with a warning."""
    infuse = other & pd.Series(norm).isin(INFUSE).to_numpy() & (pid != "")
    if not infuse.any():
        return infuse
    pair = pd.MultiIndex.from_arrays([pid, treatment])
    alone = infuse & ~pair.isin(pair[is_start])
    alone |= _far_from_starts(infuse & ~alone, is_start, pd.factorize(pair)[0], t,
                              np.ones(len(infuse), dtype=bool) if ok is None else ok, gap)
    if alone.any():
        obs.warnings.append(
            f"{file}: {_patients(pid[alone])} have "
            f"their {', '.join(repr(str(t)) for t in pd.unique(treatment[alone])[:3])} rows charted as "
            f"{action[alone][0]!r} without any start ('Begin Bag', 'New Bag', 'Given') near them (none, or none within "
            "the courses' gap of days): each of their "
            f"{int(alone.sum())} {action[alone][0]!r} row(s) is read as an administration (an intermittent infusion, "
            "IV piggyback, is charted so). Beside a 'Begin Bag', an 'Infuse' row is the bag's volume, not a start.")
    return alone


def _patients(pid: np.ndarray) -> str:
    """'3 patient(s) (C1, C2, C3)' for a warning: the distinct ids, the first 8 named."""
    who = pd.unique(pid)
    return f"{len(who)} patient(s) ({', '.join(map(str, who[:8]))}{' ...' if len(who) > 8 else ''})"


def _warn_without_start(action, chosen, is_start, pid, label, file, obs) -> None:
    """A warning naming the patients whose rows of a chosen treatment hold no start action (no course from them)."""
    rows = chosen & (pid != "")
    if not rows.any():
        return
    pair = pd.MultiIndex.from_arrays([pid, label])
    none = rows & ~pair.isin(pair[is_start & rows])
    if none.any():
        obs.warnings.append(
            f"{file}: {_patients(pid[none])} have rows "
            f"of {', '.join(repr(str(t)) for t in pd.unique(label[none])[:3])} but none whose action starts an "
            f"administration (their actions: {', '.join(repr(str(a)) for a in pd.unique(action[none])[:4])}): they "
            "have no course from this file. If one of these actions starts an administration, add it to "
            "courses.start_actions in the mapping.")
