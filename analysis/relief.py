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

from .episodes import Episodes, check_grouping, filter_mask, label_missing, reaches
from .intervals import (_cluster_codes, grouping_from_codes, mean_ci_table, proportion_at_thresholds_table,
                        proportion_by_column_table, proportion_ci_table)

DEFAULT_BY = ("treatment",)


def select(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None, included_only: bool = True) -> pd.DataFrame:
    """Episode rows after filters, with grouping columns labelled (missing -> '(missing)').

    The grouping columns come last (in the order of ``by``), the other columns in the table's order.
    """
    table = episodes.table
    keep = filter_mask(table, filters)
    if included_only:
        included = table["included"].to_numpy(dtype=bool)
        keep = included if keep is None else keep & included
    by = list(by)
    check_grouping(table, by)
    # One take of the rows and columns (every analysis selects; copying the table row-wise and again
    # column-wise was a good part of each one's time at 100,000 patients).
    cols = [c for c in table.columns if c not in by] + by
    out = table.iloc[slice(None) if keep is None else np.flatnonzero(keep), [table.columns.get_loc(c) for c in cols]]
    for c in by:
        if out[c].isna().any():
            out[c] = label_missing(out[c])
    return out


def _interval_kwargs(episodes: Episodes) -> dict:
    d = episodes.definitions
    return {"cluster": "patient_id", "conf_level": d.conf_level, "method": d.cluster_method,
            "n_bootstrap": d.n_bootstrap, "seed": d.seed}


def weekly_grouping(weekly: pd.DataFrame, by=DEFAULT_BY):
    """The grouping of weekly rows (per group and week, patients as clusters) that the weekly tables use:
    the same as ``intervals.grouping(weekly, [*by, "week"], "patient_id")``.

    Pass it as ``groups=`` to :func:`relief_over_time`, :func:`responder_sensitivity` and
    :func:`analysis.secondary.score_over_time` / ``remission_over_time`` of the same ``weekly`` rows:
    grouping a million weekly rows is most of the cost of each of those tables.

    ``weekly`` is a table of :func:`weekly_episode_relief` or :func:`analysis.secondary.weekly_episode_scores`,
    whose rows of one episode share its patient and group columns: those (object) columns are
    factorised on one row per episode, a tenth of the rows, and the codes spread to the episode's weeks.
    """
    by = list(by)
    episode, _ = pd.factorize(weekly["episode_id"].to_numpy(), sort=False)
    # The first row of each episode (codes are numbered by first appearance).
    first = np.flatnonzero(np.diff(np.maximum.accumulate(episode), prepend=-1) > 0) if len(episode) else episode
    per_episode = weekly.iloc[first]
    group = (per_episode.groupby(by, sort=False, dropna=False, observed=True).ngroup().to_numpy(np.int64)
             if by else np.zeros(len(first), dtype=np.int64))
    week, week_values = pd.factorize(weekly["week"], sort=False, use_na_sentinel=False)
    patient = pd.factorize(_cluster_codes(per_episode, "patient_id")[episode], sort=False)[0]
    return grouping_from_codes(weekly, [*by, "week"], "patient_id",
                               group_codes=group[episode] * max(len(week_values), 1) + week,
                               cluster_codes=patient)


def _group_means(key: np.ndarray, values: np.ndarray):
    """Sorted distinct keys and the mean of ``values`` per key, bitwise equal to
    ``pd.Series(values).groupby(key, sort=True).mean()``.

    pandas sums each group in row order with Kahan compensation (NaN skipped, a NaN compensation
    after an infinity reset to 0), then divides by the count. The same steps are applied here to all
    groups at once, one step per position within the group (so the loop runs as many times as the
    largest group has rows, a handful for weekly scores). Nearly every weekly group is one score, and
    the follow-up is already in key order, which is why this is several times faster than the hash
    groupby at a million rows.
    """
    key = np.asarray(key, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    n = len(key)
    if n > 1 and not (key[1:] >= key[:-1]).all():
        order = np.argsort(key, kind="stable")       # stable: each group keeps its row order
        key, values = key[order], values[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if n else np.zeros(0, np.int64)
    size = np.diff(np.append(starts, n))
    # First row of every group: the compensated sum is the value itself (compensation 0; an
    # infinity gives a NaN compensation, which pandas resets to 0).
    first = values[starts]
    seen = ~np.isnan(first)
    total = np.where(seen, first, 0.0)
    comp = np.zeros(len(starts))
    nobs = seen.astype(np.int64)
    active = np.flatnonzero(size > 1)
    k = 1
    with np.errstate(invalid="ignore"):
        while len(active):
            v = values[starts[active] + k]
            ok = ~np.isnan(v)
            a, v = active[ok], v[ok]
            y = v - comp[a]
            t = total[a] + y
            c = (t - total[a]) - y
            comp[a] = np.where(np.isnan(c), 0.0, c)
            total[a] = t
            nobs[a] += 1
            k += 1
            active = active[size[active] > k]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(nobs > 0, total / np.maximum(nobs, 1), np.nan)
    return key[starts], means


def _rows_with(t: pd.DataFrame, column: str, by) -> pd.DataFrame:
    """The rows of ``t`` where ``column`` is known, with only the columns a table of it needs (the
    grouping columns, ``patient_id`` and ``column``; taking every episode column copied them all)."""
    return t.loc[t[column].notna().to_numpy(), list(dict.fromkeys([*by, "patient_id", column]))]


def _flagged(rows: pd.DataFrame, keys, name: str, flags) -> pd.DataFrame:
    """The grouping and patient columns of ``rows`` with a column of flags: the input of a proportion
    table. The columns are shared, not copied (``rows.assign`` copied every column of a million rows)."""
    cols = dict.fromkeys([*keys, "patient_id"])
    return pd.DataFrame({**{c: rows[c] for c in cols}, name: np.asarray(flags)}, copy=False)


def _take_rows(frame: pd.DataFrame, columns, pos: np.ndarray) -> dict:
    """``frame[columns]`` at positions ``pos`` as a dict of arrays of the columns' own dtypes (no
    intermediate DataFrame, index or copies of the whole columns)."""
    out = {}
    for c in columns:
        col = frame[c]
        out[c] = col.to_numpy()[pos] if isinstance(col.dtype, np.dtype) else col.array.take(pos)
    return out


def immediate_relief(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                     selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mean immediate relief % per group, with its confidence interval.

    ``n`` is the number of included episodes with an immediate score (first follow-up score within
    ``immediate_window_days`` of the start). ``selected``: :func:`select` of the same episodes,
    grouping and filters, when already computed.
    """
    t = select(episodes, by, filters) if selected is None else selected
    t = _rows_with(t, "immediate_relief_pct", by)
    out = mean_ci_table(t, "immediate_relief_pct", by=list(by), **_interval_kwargs(episodes))
    out.insert(len(list(by)), "statistic", "mean_immediate_relief_pct")
    return out


def responder_rate(episodes: Episodes, threshold: float | None = None, by=DEFAULT_BY,
                   filters: dict | None = None, week: int | None = None, selected: pd.DataFrame | None = None,
                   weekly: pd.DataFrame | None = None) -> pd.DataFrame:
    """Proportion of episodes with relief >= threshold, immediately (``week=None``) or in week k.

    Immediate: relief of the immediate score. Week k: the episode's mean relief over its scores in
    ``7(k-1) < t <= 7k``; only episodes with a score in that week count (observed cases).
    ``selected`` (:func:`select`) and ``weekly`` (:func:`weekly_episode_relief`, with week k among its
    weeks) of the same episodes, grouping and filters may be passed when already computed.
    """
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    if week is None:
        t = select(episodes, by, filters) if selected is None else selected
        t = _rows_with(t, "immediate_relief_pct", by)
        t = _flagged(t, by, "responder", reaches(t["immediate_relief_pct"], thr))
    else:
        w = weekly_episode_relief(episodes, by, filters, weeks=[int(week)], selected=selected) if weekly is None \
            else weekly
        t = w[w["week"] == int(week)].assign(responder=lambda x: reaches(x["relief_pct"], thr))
    out = proportion_ci_table(t, "responder", by=list(by), **_interval_kwargs(episodes))
    out.insert(len(list(by)), "threshold", thr)
    out.insert(len(list(by)) + 1, "week", np.nan if week is None else int(week))
    return out


def responder_rates(episodes: Episodes, thresholds=None, by=DEFAULT_BY, filters=None,
                    selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Immediate responder rates at several thresholds (default: ``definitions.thresholds``), stacked.

    ``selected``: :func:`select` of the same episodes, grouping and filters, when already computed."""
    thresholds = episodes.definitions.thresholds if thresholds is None else thresholds
    if selected is None:
        selected = select(episodes, by, filters)
    return pd.concat([responder_rate(episodes, t, by, filters, selected=selected) for t in thresholds],
                     ignore_index=True)


def _weekly_means(episodes: Episodes, t: pd.DataFrame, column: str, weeks=None,
                  name: str | None = None) -> pd.DataFrame:
    """Per episode of ``t`` and week with a follow-up score: the mean of the follow-up's ``column`` over
    that week's scores (named ``name``, default ``column``), with the episode's other columns of ``t``
    (sorted by episode, week)."""
    fu = episodes.followup
    # Only the three arrays needed (filtering the whole follow-up table copied its object column).
    eid = fu["episode_id"].to_numpy(np.int64)
    keep = np.isin(eid, t["episode_id"].to_numpy(np.int64))
    week = np.ceil(fu["t"].to_numpy(float) / 7.0).astype(np.int64)
    if weeks is not None:
        keep &= np.isin(week, np.asarray(list(weeks), dtype=np.int64))
    eid, week, values = eid[keep], week[keep], fu[column].to_numpy(float)[keep]
    # Group on one int64 key, episode_id * span + week: the same groups, in the same sorted order,
    # as grouping on the pair.
    low = int(week.min(initial=0))
    span = int(week.max(initial=0)) - low + 1
    k, means = _group_means(eid * span + (week - low), values)
    w = {"episode_id": k // span, "week": k % span + low, name or column: means}
    # Left join of the episode columns on the unique episode_id, by position.
    pos = pd.Index(t["episode_id"].to_numpy()).get_indexer(w["episode_id"])
    cols = [c for c in t.columns if c != "episode_id"]
    return pd.DataFrame({**w, **_take_rows(t, cols, pos)}, copy=False)  # fresh arrays: no consolidation copy


def weekly_episode_relief(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          weeks=None, selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per included episode and week with at least one score: mean relief % in that week.

    Week k covers ``7(k-1) < t <= 7k`` days after the start (t > 0 always, so week = ceil(t / 7)).
    ``weeks`` (optional) keeps only those weeks: the same rows as filtering the full table, computed
    from the scores of those weeks alone. ``selected``: :func:`select` of the same episodes, grouping
    and filters, when already computed.
    """
    t = select(episodes, by, filters) if selected is None else selected
    return _weekly_means(episodes, t[["episode_id", "patient_id", *list(by)]], "relief_pct", weeks)


def relief_over_time(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                     threshold: float | None = None, weekly: pd.DataFrame | None = None,
                     groups=None, selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group and week: mean relief % (t / cluster-robust interval) and responder proportion (Wilson).

    Returns a long table with a ``statistic`` column: ``mean_relief_pct`` or ``responder_rate``; ``n`` is
    the number of episodes with a score in that week. ``weekly`` (optional): the result of
    :func:`weekly_episode_relief` for the same episodes, grouping and filters, when already computed
    (it is the same input for :func:`attrition` and :func:`responder_sensitivity`); ``groups``: its
    :func:`weekly_grouping`, likewise; ``selected``: :func:`select` of the same episodes, grouping and
    filters (used when ``weekly`` is not given).
    """
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    w = weekly_episode_relief(episodes, by, filters, selected=selected) if weekly is None else weekly
    keys = [*list(by), "week"]
    # The mean and the proportion are tables of the same rows: group them once.
    g = weekly_grouping(w, by) if groups is None else groups
    mean = mean_ci_table(w, "relief_pct", by=keys, groups=g, **_interval_kwargs(episodes))
    mean.insert(len(keys), "statistic", "mean_relief_pct")
    resp = proportion_ci_table(_flagged(w, keys, "responder", reaches(w["relief_pct"], thr)), "responder", by=keys,
                               groups=g, **_interval_kwargs(episodes))
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
                          threshold: float | None = None, weekly: pd.DataFrame | None = None,
                          groups=None, selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly responder rates two ways: observed cases, and missing week = no relief (BOCF).

    In the "missing counts as no relief" analysis every included episode counts in every week of
    its follow-up window; a week without a score counts as non-response (baseline observation
    carried forward, relief 0%). Drop-outs with poor relief then no longer inflate the rate.
    ``weekly``, ``groups`` and ``selected``: as in :func:`relief_over_time`.
    """
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    if selected is None:
        selected = select(episodes, by, filters)
    w = weekly_episode_relief(episodes, by, filters, selected=selected) if weekly is None else weekly
    keys = [*list(by), "week"]
    kw = _interval_kwargs(episodes)
    observed = proportion_ci_table(_flagged(w, keys, "responder", reaches(w["relief_pct"], thr)), "responder", by=keys,
                                   groups=groups, **kw)
    observed.insert(len(keys), "analysis", "observed cases")

    t = selected
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
              weekly: pd.DataFrame | None = None, selected: pd.DataFrame | None = None) -> pd.DataFrame:
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

    ``weekly`` and ``selected``: as in :func:`relief_over_time`.
    """
    d = episodes.definitions
    t = select(episodes, by, filters) if selected is None else selected
    w = weekly_episode_relief(episodes, by, filters, selected=t) if weekly is None else weekly
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
    # Grouped by the group's number (in the sorted order of its values), not by the values: a numeric
    # covariate with a missing value holds numbers and "(missing)", which cannot be sorted together.
    cells = pd.DataFrame({"_group": gi, "week": weeks[wi],
                          "state": pd.Categorical.from_codes(si, categories=list(ATTRITION_STATES)),
                          "n": counts[gi, wi, si]})
    out = cells.groupby(["_group", "week", "state"], observed=False, sort=True)["n"].sum().rename("n").reset_index()
    group_rows = first_row[out["_group"].to_numpy()]
    for i, c in enumerate(by):
        out.insert(i, c, t[c].to_numpy()[group_rows])
    out = out.drop(columns="_group")
    totals = t.groupby(list(by), sort=False).size().rename("total").reset_index() if by else None
    if by:
        out = out.merge(totals, on=list(by), how="inner")
    else:
        out["total"] = ne
    out = out[out["total"] > 0]
    out["share"] = out["n"] / out["total"]
    return out.reset_index(drop=True)


def cumulative_responders(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          week: int | None = None, step: float = 1.0,
                          selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cumulative responder curve: share of episodes reaching at least each % reduction.

    For each x in 0, step, ..., 100: the proportion of episodes with relief >= x at the chosen time
    (immediate, or the week-k mean), with Wilson (or cluster-robust) intervals. The 30% and 50%
    points are the responder rates. Recommended display for pain trials (Farrar et al. 2001;
    Dworkin et al. 2008).

    Returns
    -------
    DataFrame
        group columns, ``reduction_pct``, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ...

    ``selected``: :func:`select` of the same episodes, grouping and filters, when already computed.
    """
    if week is None:
        t = select(episodes, by, filters) if selected is None else selected
        t = t.loc[t["immediate_relief_pct"].notna(), ["episode_id", "patient_id", *list(by), "immediate_relief_pct"]]
        t = t.rename(columns={"immediate_relief_pct": "relief_pct"})
    else:
        w = weekly_episode_relief(episodes, by, filters, weeks=[int(week)], selected=selected)
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
