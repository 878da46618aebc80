"""Pain relief: immediate relief, responder rates, relief over time, cumulative responders, attrition.

All functions take :class:`~analysis.episodes.Episodes` (built for the measure in its definitions),
a grouping ``by`` (treatment and/or patient covariates) and optional ``filters``, and return tidy
DataFrames: the group columns, then ``estimate``, ``ci_low``, ``ci_high``, ``n`` (episodes the
statistic is computed from), ``n_patients``, ``method``, ``conf_level``.

Intervals (analysis/intervals.py): a t-interval for mean relief and a Wilson interval for responder
proportions when every patient contributes at most one episode to a group; otherwise the
patient-level cluster-robust (or bootstrap) versions named in the ``method`` column.

References
----------
Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic pain
clinical trials: IMMPACT recommendations. J Pain 2008;9:105-121 (30% / 50% thresholds).
Farrar JT et al. Clinical importance of changes in chronic pain intensity measured on an 11-point
numerical pain rating scale. Pain 2001;94:149-158 (cumulative responder / % reduction).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .episodes import Episodes, apply_filters, falls_below, group_labels, reaches
from .intervals import (mean_ci_table, proportion_at_thresholds_table, proportion_by_column_table,
                        proportion_ci_table)

DEFAULT_BY = ("treatment",)


def select(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None, included_only: bool = True) -> pd.DataFrame:
    """Episode rows after filters, with grouping columns labelled (missing -> '(missing)')."""
    t = apply_filters(episodes.table, filters)
    if included_only:
        t = t[t["included"]]
    by = list(by)
    labels = group_labels(t, by)
    out = t.drop(columns=by).join(labels) if by else t.copy()
    return out


def _interval_kwargs(episodes: Episodes) -> dict:
    d = episodes.definitions
    return {"cluster": "patient_id", "conf_level": d.conf_level, "method": d.cluster_method,
            "n_bootstrap": d.n_bootstrap, "seed": d.seed}


def immediate_relief(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None) -> pd.DataFrame:
    """Mean immediate relief % per group, with its confidence interval.

    ``n`` is the number of included episodes with an immediate score (first follow-up score within
    ``immediate_window_days`` of the start).
    """
    t = select(episodes, by, filters)
    t = t[t["immediate_relief_pct"].notna()]
    out = mean_ci_table(t, "immediate_relief_pct", by=list(by), **_interval_kwargs(episodes))
    out.insert(len(list(by)), "statistic", "mean_immediate_relief_pct")
    return out


def responder_rate(episodes: Episodes, threshold: float | None = None, by=DEFAULT_BY,
                   filters: dict | None = None, week: int | None = None) -> pd.DataFrame:
    """Proportion of episodes with relief >= threshold, immediately (``week=None``) or in week k.

    Immediate: relief of the immediate score. Week k: the episode's mean relief over its scores in
    ``7(k-1) < t <= 7k``; only episodes with a score in that week count (observed cases).
    """
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    if week is None:
        t = select(episodes, by, filters)
        t = t[t["immediate_relief_pct"].notna()].assign(responder=lambda x: reaches(x["immediate_relief_pct"], thr))
    else:
        w = weekly_episode_relief(episodes, by, filters, weeks=[int(week)])
        t = w[w["week"] == int(week)].assign(responder=lambda x: reaches(x["relief_pct"], thr))
    out = proportion_ci_table(t, "responder", by=list(by), **_interval_kwargs(episodes))
    out.insert(len(list(by)), "threshold", thr)
    out.insert(len(list(by)) + 1, "week", np.nan if week is None else int(week))
    return out


def responder_rates(episodes: Episodes, thresholds=None, by=DEFAULT_BY, filters=None) -> pd.DataFrame:
    """Immediate responder rates at several thresholds (default: ``definitions.thresholds``), stacked."""
    thresholds = episodes.definitions.thresholds if thresholds is None else thresholds
    return pd.concat([responder_rate(episodes, t, by, filters) for t in thresholds], ignore_index=True)


def weekly_episode_relief(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          weeks=None) -> pd.DataFrame:
    """One row per included episode and week with at least one score: mean relief % in that week.

    Week k covers ``7(k-1) < t <= 7k`` days after the start (t > 0 always, so week = ceil(t / 7)).
    ``weeks`` (optional) keeps only those weeks: the same rows as filtering the full table, computed
    from the scores of those weeks alone.
    """
    t = select(episodes, by, filters)
    fu = episodes.followup
    fu = fu[fu["episode_id"].isin(t["episode_id"])]
    week = np.ceil(fu["t"].to_numpy() / 7.0).astype(np.int64)
    if weeks is not None:
        keep = np.isin(week, np.asarray(list(weeks), dtype=np.int64))
        fu, week = fu[keep], week[keep]
    # Group on one int64 key, episode_id * span + week: the same groups, in the same sorted order,
    # as grouping on the pair, with one integer hash instead of a two-level one.
    low = int(week.min(initial=0))
    span = int(week.max(initial=0)) - low + 1
    key = fu["episode_id"].to_numpy(np.int64) * span + (week - low)
    m = pd.Series(fu["relief_pct"].to_numpy(), copy=False).groupby(key, sort=True).mean()
    k = m.index.to_numpy(np.int64)
    w = pd.DataFrame({"episode_id": k // span, "week": k % span + low, "relief_pct": m.to_numpy()})
    # Left join of the episode columns on the unique episode_id, by position.
    cols = ["episode_id", "patient_id", *list(by)]
    pos = pd.Index(t["episode_id"].to_numpy()).get_indexer(w["episode_id"].to_numpy())
    right = t[cols[1:]].iloc[pos].reset_index(drop=True)
    return pd.concat([w, right], axis=1)


def relief_over_time(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                     threshold: float | None = None, weekly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group and week: mean relief % (t / cluster-robust interval) and responder proportion (Wilson).

    Returns a long table with a ``statistic`` column: ``mean_relief_pct`` or ``responder_rate``; ``n`` is
    the number of episodes with a score in that week. ``weekly`` (optional): the result of
    :func:`weekly_episode_relief` for the same episodes, grouping and filters, when already computed
    (it is the same input for :func:`attrition` and :func:`responder_sensitivity`).
    """
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    w = weekly_episode_relief(episodes, by, filters) if weekly is None else weekly
    keys = [*list(by), "week"]
    mean = mean_ci_table(w, "relief_pct", by=keys, **_interval_kwargs(episodes))
    mean.insert(len(keys), "statistic", "mean_relief_pct")
    resp = proportion_ci_table(w.assign(responder=reaches(w["relief_pct"], thr)), "responder", by=keys,
                               **_interval_kwargs(episodes))
    resp.insert(len(keys), "statistic", "responder_rate")
    resp.insert(len(keys) + 1, "threshold", thr)
    mean.insert(len(keys) + 1, "threshold", np.nan)
    return pd.concat([mean, resp.drop(columns=["successes"])], ignore_index=True)


def _episode_week_cells(t: pd.DataFrame, w: pd.DataFrame, n_wk: int):
    """Row (in ``t``) and week index (0-based) of each weekly row of ``w`` that falls in the grid of
    ``t``'s episodes x weeks 1..n_wk, and the mask of those rows of ``w``."""
    row = pd.Index(t["episode_id"].to_numpy()).get_indexer(w["episode_id"].to_numpy())
    col = w["week"].to_numpy(np.int64) - 1
    inside = (row >= 0) & (col >= 0) & (col < n_wk)
    return row[inside], col[inside], inside


def n_weeks(episodes: Episodes) -> int:
    """Number of weeks a follow-up window spans (26 for 182 days)."""
    return int(np.ceil(episodes.definitions.max_followup_days / 7.0))


def responder_sensitivity(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          threshold: float | None = None, weekly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly responder rates two ways: observed cases, and missing week = no relief (BOCF).

    In the "missing counts as no relief" analysis every included episode counts in every week of
    its follow-up window; a week without a score counts as non-response (baseline observation
    carried forward, relief 0%). Drop-outs with poor relief then no longer inflate the rate.
    """
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    w = weekly_episode_relief(episodes, by, filters) if weekly is None else weekly
    keys = [*list(by), "week"]
    kw = _interval_kwargs(episodes)
    observed = proportion_ci_table(w.assign(responder=reaches(w["relief_pct"], thr)), "responder", by=keys, **kw)
    observed.insert(len(keys), "analysis", "observed cases")

    t = select(episodes, by, filters)
    weeks = np.arange(1, n_weeks(episodes) + 1)
    if kw["method"] == "cluster-robust":
        # Every included episode x every week, a week without a score never a response: the same
        # table (bitwise) as the grid below, from an episodes x weeks matrix of flags.
        _row, _col, inside = _episode_week_cells(t, w, len(weeks))
        flags = np.zeros((len(t), len(weeks)), dtype=bool)
        flags[_row, _col] = reaches(w["relief_pct"].to_numpy()[inside], thr)
        bocf = proportion_by_column_table(t[["patient_id", *list(by)]], flags, weeks, by=list(by),
                                          cluster=kw["cluster"], conf_level=kw["conf_level"], column="week")
    else:
        grid = pd.DataFrame({
            "episode_id": np.repeat(t["episode_id"].to_numpy(), len(weeks)),
            "week": np.tile(weeks, len(t)),
        })
        grid = grid.merge(t[["episode_id", "patient_id", *list(by)]], on="episode_id", how="left")
        grid = grid.merge(w[["episode_id", "week", "relief_pct"]], on=["episode_id", "week"], how="left")
        # A week without a score is never a response, whatever the threshold.
        grid["responder"] = reaches(grid["relief_pct"], thr)
        bocf = proportion_ci_table(grid, "responder", by=keys, **kw)
    bocf.insert(len(keys), "analysis", "missing = no relief")
    out = pd.concat([observed, bocf], ignore_index=True)
    out.insert(len(keys) + 1, "threshold", thr)
    return out


ATTRITION_STATES = ("observed", "missed week, seen later", "next treatment started",
                    "follow-up window ended", "no further scores")


def attrition(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
              weekly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group and week: how many included episodes are observed, and why the others are not.

    States, for episode e in week k (``7(k-1) < t <= 7k``):

    * ``observed`` - e has a score in week k;
    * ``missed week, seen later`` - no score in week k, but a later one;
    * ``next treatment started`` - the patient's next treatment started on or before day 7k;
    * ``follow-up window ended`` - week k begins at or after ``max_followup_days``
      (never, for the default 26 weeks);
    * ``no further scores`` - none of the above: the patient was not seen again (drop-out).

    Returns
    -------
    DataFrame
        group columns, ``week``, ``state``, ``n`` (episodes), ``total`` (included episodes in the
        group), ``share`` (n / total).
    """
    d = episodes.definitions
    t = select(episodes, by, filters)
    w = weekly_episode_relief(episodes, by, filters) if weekly is None else weekly
    weeks = np.arange(1, n_weeks(episodes) + 1)
    ne, nw = len(t), len(weeks)
    # The state of every episode x week cell, on an episodes x weeks matrix (first matching rule wins,
    # as in the list above), then counts per group, week and state with one bincount.
    row, col, _inside = _episode_week_cells(t, w, nw)
    state = np.full((ne, nw), len(ATTRITION_STATES) - 1, dtype=np.int64)
    week_start = 7.0 * (weeks - 1)
    week_end = 7.0 * weeks
    last_t = t["last_followup_t"].fillna(0.0).to_numpy(dtype=float)
    next_t = t["next_t"].to_numpy(dtype=float)
    state[:, week_start >= d.max_followup_days] = 3
    with np.errstate(invalid="ignore"):
        state[next_t[:, None] <= week_end[None, :]] = 2
        state[last_t[:, None] > week_end[None, :]] = 1
    state[row, col] = 0
    if by:
        gid = t.groupby(list(by), sort=True, dropna=False, observed=True).ngroup().to_numpy(np.int64)
    else:
        gid = np.zeros(ne, dtype=np.int64)
    n_groups = int(gid.max(initial=-1)) + 1
    n_states = len(ATTRITION_STATES)
    cell = (gid[:, None] * nw + np.arange(nw)[None, :]) * n_states + state
    counts = np.bincount(cell.ravel(), minlength=n_groups * nw * n_states).reshape(n_groups, nw, n_states)
    # The non-empty (group, week, state) cells, with the group's values taken from one of its episodes
    # (as numpy values, as the grid held them), grouped as the full grid was: same groups, same order.
    gi, wi, si = np.nonzero(counts)
    first_row = np.unique(gid, return_index=True)[1] if ne else np.zeros(0, dtype=np.int64)
    cells = pd.DataFrame({c: t[c].to_numpy()[first_row[gi]] for c in by})
    cells["week"] = weeks[wi]
    cells["state"] = pd.Categorical.from_codes(si, categories=list(ATTRITION_STATES))
    cells["n"] = counts[gi, wi, si]
    keys = [*list(by), "week", "state"]
    out = cells.groupby(keys, observed=False, sort=True)["n"].sum().rename("n").reset_index()
    totals = t.groupby(list(by), sort=False).size().rename("total").reset_index() if by else None
    if by:
        out = out.merge(totals, on=list(by), how="inner")
    else:
        out["total"] = ne
    out = out[out["total"] > 0]
    out["share"] = out["n"] / out["total"]
    return out.reset_index(drop=True)


def cumulative_responders(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          week: int | None = None, step: float = 1.0) -> pd.DataFrame:
    """Cumulative responder curve: share of episodes reaching at least each % reduction.

    For each x in 0, step, ..., 100: the proportion of episodes with relief >= x at the chosen time
    (immediate, or the week-k mean), with Wilson (or cluster-robust) intervals. The 30% and 50%
    points are the responder rates. Recommended display for pain trials (Farrar et al. 2001;
    Dworkin et al. 2008).

    Returns
    -------
    DataFrame
        group columns, ``reduction_pct``, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ...
    """
    if week is None:
        t = select(episodes, by, filters)
        t = t.loc[t["immediate_relief_pct"].notna(), ["episode_id", "patient_id", *list(by), "immediate_relief_pct"]]
        t = t.rename(columns={"immediate_relief_pct": "relief_pct"})
    else:
        w = weekly_episode_relief(episodes, by, filters, weeks=[int(week)])
        t = w[w["week"] == int(week)]
    xs = np.arange(0.0, 100.0 + step / 2, step)
    kw = _interval_kwargs(episodes)
    if kw["method"] == "cluster-robust":
        # The same table as the cross join below (bitwise), without materialising episodes x thresholds.
        rows = pd.DataFrame({"patient_id": t["patient_id"].to_numpy(),
                             **{c: t[c].to_numpy() for c in by}, "relief_pct": t["relief_pct"].to_numpy()})
        return proportion_at_thresholds_table(rows, "relief_pct", xs, by=list(by), cluster=kw["cluster"],
                                              conf_level=kw["conf_level"], threshold_column="reduction_pct",
                                              reached=reaches)
    grid = pd.DataFrame({
        "patient_id": np.repeat(t["patient_id"].to_numpy(), len(xs)),
        "reduction_pct": np.tile(xs, len(t)),
    })
    for c in by:
        grid[c] = np.repeat(t[c].to_numpy(), len(xs))
    grid["reached"] = reaches(np.repeat(t["relief_pct"].to_numpy(), len(xs)), grid["reduction_pct"].to_numpy())
    return proportion_ci_table(grid, "reached", by=[*list(by), "reduction_pct"], **_interval_kwargs(episodes))
