"""Any measure over time: scores, change from baseline, response and remission.

The change-from-baseline machinery of :mod:`analysis.episodes` works for every measure: build
episodes with ``Definitions(measure="phq9")`` and the relief functions give % reduction and
response (e.g. PHQ-9 response = >= 50% reduction, Kroenke et al. 2001). This module adds what %
reduction does not cover: raw scores and absolute change per week, and remission (score below a
cut-off, e.g. PHQ-9 < 5).

References
----------
Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure.
J Gen Intern Med 2001;16:606-613.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .episodes import Episodes
from .intervals import mean_ci_table, proportion_ci_table
from .measures import remission_rules, response_rules
from .relief import DEFAULT_BY, _flagged, _interval_kwargs, _weekly_means, select, weekly_grouping

#: Conventional remission cut-offs (score strictly below the value), from the registry of measures.
REMISSION_BELOW = remission_rules()
#: Conventional response: >= this % reduction from baseline, from the registry of measures.
RESPONSE_PCT = response_rules()


def weekly_episode_scores(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per included episode and week: mean score, and change from baseline (score - baseline).

    Week 0 is the baseline score itself, so curves start from the baseline mean. ``selected``:
    :func:`analysis.relief.select` of the same episodes, grouping and filters, when already computed.
    """
    t = select(episodes, by, filters) if selected is None else selected
    t = t[["episode_id", "patient_id", "baseline", *list(by)]]
    # The baseline rows (week 0, one per episode, in episode order), then the weekly means (sorted by
    # episode and week), each with its episode's columns.
    weekly = _weekly_means(episodes, t, "value", name="score")
    base = pd.DataFrame({"episode_id": t["episode_id"].to_numpy(), "week": np.zeros(len(t), dtype=np.int64),
                         "score": t["baseline"].to_numpy(), **{c: t[c] for c in t.columns[1:]}})
    w = pd.concat([base.reset_index(drop=True), weekly], ignore_index=True)
    w["change"] = w["score"] - w["baseline"]
    return w


def score_over_time(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                    weekly: pd.DataFrame | None = None, groups=None) -> pd.DataFrame:
    """Per group and week (0 = baseline): mean score and mean change from baseline with intervals.

    Long table with ``statistic`` in {``mean_score``, ``mean_change``}; ``n`` = episodes with a score
    that week. ``weekly``: :func:`weekly_episode_scores` of the same episodes, grouping and filters,
    when already computed; ``groups``: its :func:`analysis.relief.weekly_grouping`, likewise.
    """
    w = weekly_episode_scores(episodes, by, filters) if weekly is None else weekly
    keys = [*list(by), "week"]
    kw = _interval_kwargs(episodes)
    # Both means are tables of the same rows: group them once.
    g = weekly_grouping(w, by) if groups is None else groups
    parts = []
    for stat, col in (("mean_score", "score"), ("mean_change", "change")):
        r = mean_ci_table(w, col, by=keys, groups=g, **kw)
        r.insert(len(keys), "statistic", stat)
        parts.append(r)
    return pd.concat(parts, ignore_index=True)


def remission_over_time(episodes: Episodes, below: float | None = None, by=DEFAULT_BY,
                        filters: dict | None = None, weekly: pd.DataFrame | None = None,
                        groups=None) -> pd.DataFrame:
    """Per group and week (0 = baseline): proportion of episodes with mean score < ``below``.

    ``weekly`` and ``groups``: as in :func:`score_over_time`."""
    measure = episodes.definitions.measure
    if below is None:
        if measure not in REMISSION_BELOW:
            raise ValueError(f"No conventional remission cut-off for {measure!r}: pass below=...")
        below = REMISSION_BELOW[measure]
    w = weekly_episode_scores(episodes, by, filters) if weekly is None else weekly
    keys = [*list(by), "week"]
    w = _flagged(w, keys, "remission", w["score"].to_numpy() < float(below))
    out = proportion_ci_table(w, "remission", by=keys, groups=groups, **_interval_kwargs(episodes))
    out.insert(len(keys), "below", float(below))
    return out
