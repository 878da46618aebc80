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
from .relief import DEFAULT_BY, _interval_kwargs, select

#: Conventional remission cut-offs (score strictly below the value).
REMISSION_BELOW = {"phq9": 5.0, "gad7": 5.0}
#: Conventional response: >= this % reduction from baseline.
RESPONSE_PCT = {"phq9": 50.0, "gad7": 50.0}


def weekly_episode_scores(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None) -> pd.DataFrame:
    """Per included episode and week: mean score, and change from baseline (score - baseline).

    Week 0 is the baseline score itself, so curves start from the baseline mean.
    """
    t = select(episodes, by, filters)
    fu = episodes.followup
    fu = fu[fu["episode_id"].isin(t["episode_id"])]
    week = np.ceil(fu["t"].to_numpy() / 7.0).astype(np.int64)
    w = (pd.DataFrame({"episode_id": fu["episode_id"].to_numpy(), "week": week, "score": fu["value"].to_numpy()})
         .groupby(["episode_id", "week"], sort=True, as_index=False)["score"].mean())
    base = pd.DataFrame({"episode_id": t["episode_id"].to_numpy(), "week": 0, "score": t["baseline"].to_numpy()})
    w = pd.concat([base, w], ignore_index=True)
    w = w.merge(t[["episode_id", "patient_id", "baseline", *list(by)]], on="episode_id", how="left")
    w["change"] = w["score"] - w["baseline"]
    return w


def score_over_time(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                    weekly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group and week (0 = baseline): mean score and mean change from baseline with intervals.

    Long table with ``statistic`` in {``mean_score``, ``mean_change``}; ``n`` = episodes with a score
    that week. ``weekly``: :func:`weekly_episode_scores` of the same episodes, grouping and filters,
    when already computed.
    """
    w = weekly_episode_scores(episodes, by, filters) if weekly is None else weekly
    keys = [*list(by), "week"]
    kw = _interval_kwargs(episodes)
    parts = []
    for stat, col in (("mean_score", "score"), ("mean_change", "change")):
        r = mean_ci_table(w, col, by=keys, **kw)
        r.insert(len(keys), "statistic", stat)
        parts.append(r)
    return pd.concat(parts, ignore_index=True)


def remission_over_time(episodes: Episodes, below: float | None = None, by=DEFAULT_BY,
                        filters: dict | None = None, weekly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group and week (0 = baseline): proportion of episodes with mean score < ``below``."""
    measure = episodes.definitions.measure
    if below is None:
        if measure not in REMISSION_BELOW:
            raise ValueError(f"No conventional remission cut-off for {measure!r}: pass below=...")
        below = REMISSION_BELOW[measure]
    w = weekly_episode_scores(episodes, by, filters) if weekly is None else weekly
    w = w.assign(remission=w["score"] < float(below))
    keys = [*list(by), "week"]
    out = proportion_ci_table(w, "remission", by=keys, **_interval_kwargs(episodes))
    out.insert(len(keys), "below", float(below))
    return out
