"""Why a page has nothing to show when no group was hidden for its size: no data of that kind.

"Hidden: too few patients" (small-cell suppression, :mod:`.suppression`) and "nothing to show: no
episode has the score this needs" are different messages with different remedies; a page that said
the first when the second was true sent a clinic looking for a privacy setting instead of at its data.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.definitions import Definitions
from analysis.episodes import EXCLUDED_BASELINE_ZERO, EXCLUDED_NO_BASELINE, filter_mask
from analysis.measures import measure_short

#: Where the windows are set on the dashboard (the export prints the same words).
DEFINITIONS = "Definitions, in the sidebar"


def selection_counts(ep, filters) -> dict:
    """The treatment episodes after ``filters``: ``episodes``, ``analysable`` (with a usable
    baseline) and, among the others, episodes per ``exclusion_reason`` (``reasons``)."""
    t = ep.table
    keep = filter_mask(t, filters)
    inc = t["included"].to_numpy(dtype=bool)
    if keep is not None:
        inc = inc[keep]
        reasons = t["exclusion_reason"].to_numpy()[keep]
    else:
        reasons = t["exclusion_reason"].to_numpy()
    excluded = pd.Series(reasons[~inc]).value_counts()
    return {"episodes": int(len(inc)), "analysable": int(np.count_nonzero(inc)),
            "reasons": {str(k): int(v) for k, v in excluded.items()}}


def _baseline_window(d: Definitions) -> str:
    w = d.baseline_window_days
    return "on the start day" if w == 0 else f"within the baseline window ({w:g} days before the start)"


def no_analysable_reason(counts: dict, d: Definitions, measure: str, needs: str) -> str:
    """The sentence saying why no episode of the selection can be analysed for ``measure``, or ''
    when some can. ``needs``: what the page would have shown ("relief", "change from baseline, response
    or remission")."""
    if counts["analysable"]:
        return ""
    short = measure_short(measure)
    if not counts["episodes"]:
        return "No treatment episode in this selection: widen the filters in the sidebar."
    reasons = counts["reasons"]
    n_zero = reasons.get(EXCLUDED_BASELINE_ZERO, 0)
    if n_zero and n_zero == counts["episodes"]:
        return (f"Every episode's baseline {short} score is 0, so no {needs} can be computed "
                "(relief is a percentage of the baseline).")
    other = {k: v for k, v in reasons.items() if k not in (EXCLUDED_NO_BASELINE, EXCLUDED_BASELINE_ZERO)}
    text = (f"No episode has a baseline {short} score {_baseline_window(d)}, so there is no {needs} to show. "
            f"Record a {short} score at (or shortly before) the start of each course, or widen the "
            f"Baseline window ({DEFINITIONS}).")
    if n_zero or other:
        counted = "; ".join(f"{k}: {v}" for k, v in {EXCLUDED_NO_BASELINE: reasons.get(EXCLUDED_NO_BASELINE, 0),
                                                     EXCLUDED_BASELINE_ZERO: n_zero, **other}.items() if v)
        text += f" (Episodes left out: {counted}.)"
    return text


def no_immediate_reason(d: Definitions, measure: str) -> str:
    """The sentence for a selection whose analysable episodes have no score in the immediate window."""
    w = d.immediate_window_days
    return (f"No episode has a {measure_short(measure)} score in the immediate window (start < day \u2264 start + "
            f"{w:g} days), so there is no immediate relief to show. For a treatment scored at later visits "
            f"(weekly therapy, for instance), see Relief over time, or widen the Immediate window ({DEFINITIONS}).")
