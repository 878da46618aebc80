"""Any measure over time: scores, change from baseline, remission and response; score trajectories
of datasets without treatments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import methods
from ..measures import measure as measure_entry, measure_label, measure_short, remission_rules, response_rules
from ..present.labels import ALL_GROUPS
from .over_time import share_over_time_figure, time_series_figure
from .style import _conf, _empty, wrap_text


def whole_week_ticks(fig: go.Figure, table: pd.DataFrame) -> go.Figure:
    """Ticks on whole weeks only (a week is a count: no "0.5"), about ten at most."""
    if len(table) and "week" in table.columns:
        span = float(table["week"].max() - min(0, table["week"].min()))
        fig.update_xaxes(tick0=0, dtick=max(1, int(-(-span // 10))))
    return fig


def _rate_figure(fig: go.Figure, table: pd.DataFrame) -> go.Figure:
    """A rate per week with its interval as error bars on each point as well as the band: a single
    follow-up week is one point, whose band has no width and would not show."""
    for tr in fig.data:
        if tr.mode and "markers" in tr.mode and tr.customdata is not None and len(tr.customdata):
            cd = np.asarray(tr.customdata, dtype=float)
            y = np.asarray(tr.y, dtype=float)
            tr.error_y = {"type": "data", "symmetric": False, "array": np.clip(cd[:, 1] - y, 0, None),
                          "arrayminus": np.clip(y - cd[:, 0], 0, None), "color": tr.line.color,
                          "thickness": 1.2, "width": 4}
    return whole_week_ticks(fig, table)


def _nothing_to_show(title: str, empty: str, style: str) -> go.Figure:
    """An empty chart that says why (no data of this kind), where the generic one says groups were hidden."""
    return _empty(title, wrap_text(empty, 80), style)


def score_over_time_figure(table: pd.DataFrame, by=("treatment",), *, measure: str,
                           statistic: str = "mean_score", groups=None, group_n=None,
                           style: str = "screen", lower_is_better: bool | None = None, empty: str = "") -> go.Figure:
    """Mean score (or mean change from baseline) per week, week 0 = baseline.

    ``table`` is ``analysis.secondary.score_over_time`` (``statistic`` in mean_score / mean_change).
    ``lower_is_better``: the direction the episodes were derived with (``EpisodeTable.lower_is_better``,
    which follows a direction the mapping declared); default the registry's. ``empty``: why there is
    nothing to draw when that is not small groups hidden (the chart then says it instead).
    """
    t = table[table["statistic"] == statistic] if "statistic" in table.columns else table
    label = measure_label(measure)
    short = measure_short(measure)
    lvl = f"{_conf(t):.0%}" if len(t) else "95%"
    if empty and not len(t):
        return _nothing_to_show(f"{short}: change from baseline" if statistic == "mean_change" else
                                f"{short} over time", empty, style)
    if statistic == "mean_change":
        if lower_is_better is None:  # the registry's direction (EQ VAS: higher)
            lower_is_better = measure_entry(measure).lower_is_better
        return whole_week_ticks(time_series_figure(
            t, by, title=f"{short}: change from baseline", y_title=f"Change in {short} score (points)",
            value_label="mean change", groups=groups, group_n=group_n, style=style, hlines=(),
            subtitle=f"Mean change (score - baseline; {'negative' if lower_is_better else 'positive'} = better); "
                     f"bands = {lvl} CI; week 0 = baseline",
            caption=methods.caption_scores(measure)), t)
    return whole_week_ticks(time_series_figure(
        t, by, title=f"{short} over time", y_title=f"Mean {label}", value_label="mean score",
        groups=groups, group_n=group_n, style=style,
        subtitle=f"Mean score per week; bands = {lvl} CI; week 0 = baseline; n per week in the hover",
        caption=methods.caption_scores(measure)), t)


def remission_figure(table: pd.DataFrame, by=("treatment",), *, measure: str, groups=None, group_n=None,
                     style: str = "screen", empty: str = "") -> go.Figure:
    """Proportion in remission (score below the cut-off) per week.

    ``table`` is ``analysis.secondary.remission_over_time`` (``below`` column); an empty table takes the
    measure's cut-off from its rule (a title never reads "score < nan"). ``empty``: why there is nothing to
    draw when that is not small groups hidden.
    """
    below = (float(table["below"].iloc[0]) if len(table) and "below" in table.columns
             else remission_rules().get(measure, measure_entry(measure).remission_below))
    below = float("nan") if below is None else float(below)
    short = measure_short(measure)
    title = (f"{short}: remission (score < {below:g}) over time" if np.isfinite(below)
             else f"{short}: remission over time")
    if empty and not len(table):
        return _nothing_to_show(title, empty, style)
    lvl = f"{_conf(table):.0%}" if len(table) else "95%"
    return _rate_figure(share_over_time_figure(
        table, by, title=title, y_title="Episodes in remission (%)",
        value_label="in remission", groups=groups, group_n=group_n, style=style,
        subtitle=f"Share of episodes with a weekly mean score < {below:g}; bars and bands = {lvl} CI (Wilson); "
                 "week 0 = baseline",
        caption=methods.caption_remission(measure, below)), table)


def secondary_response_figure(table: pd.DataFrame, by=("treatment",), *, measure: str, groups=None,
                              group_n=None, style: str = "screen", empty: str = "") -> go.Figure:
    """Response (% reduction from baseline >= threshold) per week for a secondary measure.

    ``table`` is ``analysis.relief.relief_over_time`` built on episodes of that measure; ``empty``: why
    there is nothing to draw when that is not small groups hidden.
    """
    t = table[table["statistic"] == "responder_rate"] if "statistic" in table.columns else table
    thr = float(t["threshold"].dropna().iloc[0]) if len(t) and t["threshold"].notna().any() else float(
        response_rules().get(measure, 50.0))
    short = measure_short(measure)
    if empty and not len(t):
        return _nothing_to_show(f"{short}: response (\u2265 {thr:g}% reduction) over time", empty, style)
    lvl = f"{_conf(t):.0%}" if len(t) else "95%"
    return _rate_figure(share_over_time_figure(
        t, by, title=f"{short}: response (\u2265 {thr:g}% reduction) over time", y_title="Responders (% of episodes)",
        value_label="responders", groups=groups, group_n=group_n, style=style,
        subtitle=f"Share of episodes with a weekly mean score \u2265 {thr:g}% below baseline; bars and bands = "
                 f"{lvl} CI (Wilson)",
        caption=methods.caption_secondary_response(measure, thr)), t)


def trajectory_figure(table: pd.DataFrame, by=(), *, measure: str, groups=None, group_n=None,
                      style: str = "screen") -> go.Figure:
    """Mean score per week since each patient's first assessment (no treatments needed).

    ``table`` is :func:`analysis.trajectories.score_trajectories` (one mean score per patient and week).
    """
    label = measure_label(measure)
    short = measure_short(measure)
    lvl = f"{_conf(table):.0%}" if len(table) else "95%"
    fig = time_series_figure(
        table, by, title=f"{short} since the first assessment", y_title=f"Mean {label}", x_title="Weeks since the "
        "first assessment", value_label="mean score", groups=groups, group_n=group_n, style=style,
        subtitle=f"Mean score per week over patients; bands = {lvl} CI; week 0 = the first assessment; n in the hover",
        caption=methods.caption_trajectory(measure))
    # The generic builder counts episodes; here every point is a mean over patients.
    for tr in fig.data:
        if tr.hovertemplate:
            tr.hovertemplate = tr.hovertemplate.replace("episodes (%{customdata[3]} patients)", "patients").replace(
                ALL_GROUPS, "All patients")
        if tr.name:
            tr.name = tr.name.replace(" episodes)", " patients)").replace(ALL_GROUPS, "All patients")
    sub = str(fig.layout.title.subtitle.text or "").replace("episodes", "patients")
    meta = dict(fig.layout.meta)
    meta["subtitle"] = str(meta.get("subtitle", "")).replace("episodes", "patients")
    fig.update_layout(title_subtitle_text=sub, meta=meta)
    return fig
