"""Pain relief figures: immediate relief per episode, responder rates, the cumulative responder curve."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import methods
from ..present.labels import row_labels
from .style import (AXIS_RESPONDERS, GREY, OKABE_ITO, STYLES, _band, _conf, _empty, _finish, _grouped,
                    _labels_in_order, _n_text, _threshold_lines, _thresholds, colour_for, rgba, wrap_text)


# Dots drawn per group in the relief distribution: above this, a seeded random sample of this many.
DISTRIBUTION_MAX_POINTS = 2_000


def relief_distribution_figure(episodes_table: pd.DataFrame, by=("treatment",), *,
                               value: str = "immediate_relief_pct", thresholds=None,
                               definitions=None, groups=None, style: str = "screen", empty: str = "") -> go.Figure:
    """Distribution of immediate relief per group: box plot with every episode as a point.
    ``empty``: the reason printed when nothing is drawn (no data, rather than small groups hidden).

    Parameters
    ----------
    episodes_table : DataFrame
        Episode rows (``analysis.relief.select(...)``) with the group columns and ``value``; rows
        with a missing value are ignored. The distribution *is* the result here.
    """
    title = "Immediate relief per treatment episode"
    t = episodes_table[episodes_table[value].notna()] if len(episodes_table) else episodes_table
    if not len(t):
        return _empty(title, wrap_text(empty, 80) or "No episode with an immediate score in the selection.", style)
    by, labels, order, colours = _grouped(t, by, groups)
    fig = go.Figure()
    sampled = False
    rng = np.random.default_rng(getattr(definitions, "seed", 0) if definitions is not None else 0)
    for lab in order:
        sub = t[(labels == lab).to_numpy()]
        n = len(sub)
        npat = sub["patient_id"].nunique() if "patient_id" in sub.columns else None
        xlab = f"{lab}<br>n = {n:,}"
        y = sub[value].to_numpy(float)
        colour = colours.get(lab, GREY)
        hover = f"{lab}<br>relief %{{y:.0f}}%<br>{_n_text(n, npat)}<extra></extra>"
        if n <= DISTRIBUTION_MAX_POINTS:
            fig.add_trace(go.Box(
                y=y, x=[xlab] * n, name=f"{lab} (n = {n:,})", legendgroup=lab,
                marker={"color": colour, "size": 4, "opacity": 0.55},
                line={"color": colour, "width": 1.6}, fillcolor=rgba(colour, 0.15),
                boxpoints="all", jitter=0.45, pointpos=0, boxmean=True, showlegend=False, hovertemplate=hover))
            continue
        # Registry scale: the box from all episodes (quartiles, fences and mean computed here), the
        # dots a seeded random sample, so the chart stays a few hundred kB instead of megabytes.
        sampled = True
        q1, med, q3 = np.quantile(y, [0.25, 0.5, 0.75])
        iqr = q3 - q1
        lo_f = float(y[y >= q1 - 1.5 * iqr].min())
        hi_f = float(y[y <= q3 + 1.5 * iqr].max())
        fig.add_trace(go.Box(
            x=[xlab], q1=[q1], median=[med], q3=[q3], lowerfence=[lo_f], upperfence=[hi_f], mean=[float(y.mean())],
            name=f"{lab} (n = {n:,})", legendgroup=lab, line={"color": colour, "width": 1.6},
            fillcolor=rgba(colour, 0.15), boxpoints=False, boxmean=True, showlegend=False,
            hovertemplate=f"{lab}<br>{_n_text(n, npat)}<extra></extra>"))
        pick = np.sort(rng.choice(n, size=DISTRIBUTION_MAX_POINTS, replace=False))
        fig.add_trace(go.Box(
            y=y[pick], x=[xlab] * len(pick), name=f"{lab} (sample)", legendgroup=lab,
            marker={"color": colour, "size": 4, "opacity": 0.55}, line={"color": colour, "width": 0},
            fillcolor="rgba(0,0,0,0)", boxpoints="all", jitter=0.45, pointpos=0, showlegend=False,
            hoveron="points", hovertemplate=hover))
    _threshold_lines(fig, _thresholds(thresholds, definitions), outside=True)
    fig.update_yaxes(title_text="Immediate relief from baseline (%)", ticksuffix="%")
    fig.update_xaxes(title_text=None)
    n_all = len(t)
    npat_all = t["patient_id"].nunique() if "patient_id" in t.columns else None
    subtitle = (f"Box = median and quartiles, dashed line in box = mean, dots = episodes; "
                f"{_n_text(n_all, npat_all)}")
    caption = methods.caption_relief_distribution(definitions)
    if sampled:
        caption += (f" Groups with more than {DISTRIBUTION_MAX_POINTS:,} episodes show a random sample of "
                    f"{DISTRIBUTION_MAX_POINTS:,} of them as dots (seeded, reproducible); their box and mean are "
                    "computed from all episodes.")
        fig.update_layout(boxmode="overlay")
    return _finish(fig, title, subtitle, caption, style,
                   layout={"margin": {"r": 110, "t": 90}} if style == "screen" else {"margin": {"r": 100}})


def responder_summary_figure(mean_table: pd.DataFrame, rates_table: pd.DataFrame, by=("treatment",), *,
                             definitions=None, groups=None, style: str = "screen", empty: str = "") -> go.Figure:
    """Dot-and-whisker: mean immediate relief (left) and responder rates per threshold (right).
    ``empty``: the reason printed when nothing is drawn (no data, rather than small groups hidden).

    Parameters
    ----------
    mean_table : DataFrame
        ``analysis.relief.immediate_relief`` result.
    rates_table : DataFrame
        ``analysis.relief.responder_rates`` result (``threshold`` column; proportions in [0, 1]).
    """
    title = "Immediate relief and responders, with 95% confidence intervals"
    if not len(mean_table) and not len(rates_table):
        return _empty(title, wrap_text(empty, 80) or "No group large enough to show.", style)
    by = list(by)
    order = _labels_in_order(pd.concat([mean_table[by], rates_table[by]]) if by else mean_table, by, groups)
    # Screen: groups along x. Publication (a narrow column): a forest layout, groups down the y axis
    # with horizontal labels, so long group labels never rotate or collide.
    horiz = style == "publication"
    if horiz:
        fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.07, shared_yaxes=True,
                            subplot_titles=("Mean relief", "Responders"))
    else:
        fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.11,
                            subplot_titles=("Mean immediate relief", "Immediate responders"))
    conf = _conf(mean_table if len(mean_table) else rates_table)
    lvl = f"{conf:.0%}"
    cat, val = ("y", "x") if horiz else ("x", "y")
    err = "error_x" if horiz else "error_y"

    def dots(labels, values, lo, hi, **kw):
        return go.Scatter(**{cat: labels, val: values,
                             err: {"type": "data", "array": hi - values, "arrayminus": values - lo,
                                   "thickness": 1.8, "width": 6, **kw.pop("err_kw", {})}},
                          orientation="h" if horiz else "v", mode="markers", **kw)

    if len(mean_table):
        m = mean_table.assign(_lab=row_labels(mean_table, by).to_numpy()).set_index("_lab").reindex(order).dropna(
            subset=["estimate"])
        fig.add_trace(dots(
            [f"{g}<br>n = {int(n):,}" for g, n in zip(m.index, m["n"])], m["estimate"].to_numpy(float),
            m["ci_low"].to_numpy(float), m["ci_high"].to_numpy(float),
            marker={"size": 10, "color": OKABE_ITO["black"], "symbol": "diamond"}, name="Mean relief",
            showlegend=True,
            customdata=np.column_stack([m["ci_low"], m["ci_high"], m["n"], m.get("n_patients", m["n"])]),
            hovertemplate=(f"%{{{cat}}}<br>mean relief %{{{val}:.1f}}% (" + lvl + " CI %{customdata[0]:.1f} to "
                           "%{customdata[1]:.1f}%)<br>n = %{customdata[2]} episodes (%{customdata[3]} patients)"
                           "<extra></extra>")), row=1, col=1)
    thresholds = sorted(rates_table["threshold"].unique()) if len(rates_table) else []
    symbols = ["circle", "square", "triangle-up", "diamond-open"]
    for i, thr in enumerate(thresholds):
        r = rates_table[rates_table["threshold"] == thr]
        r = r.assign(_lab=row_labels(r, by).to_numpy()).set_index("_lab").reindex(order).dropna(subset=["estimate"])
        colour = colour_for(i)
        fig.add_trace(dots(
            [f"{g}<br>n = {int(n):,}" for g, n in zip(r.index, r["n"])], 100 * r["estimate"].to_numpy(float),
            100 * r["ci_low"].to_numpy(float), 100 * r["ci_high"].to_numpy(float), err_kw={"color": colour},
            marker={"size": 10, "color": colour, "symbol": symbols[i % len(symbols)]},
            name=f"Relief \u2265 {thr:g}%", offsetgroup=str(i),
            customdata=np.column_stack([100 * r["ci_low"], 100 * r["ci_high"], r["n"],
                                        r.get("n_patients", r["n"])]),
            hovertemplate=(f"%{{{cat}}}<br>relief \u2265 {thr:g}%: %{{{val}:.0f}}% ({lvl} CI %{{customdata[0]:.0f}}"
                           "\u2013%{customdata[1]:.0f}%)<br>n = %{customdata[2]} episodes "
                           "(%{customdata[3]} patients)<extra></extra>")), row=1, col=2)
    fig.update_layout(scattermode="group", scattergap=0.6)
    _threshold_lines(fig, thresholds or _thresholds(None, definitions), axis=val, row=1, col=1, label=False)
    val_axes = fig.update_xaxes if horiz else fig.update_yaxes
    val_axes(title_text="Mean relief (%)" if horiz else "Immediate relief from baseline (%)", ticksuffix="%",
             row=1, col=1)
    val_axes(title_text="Responders (%)" if horiz else AXIS_RESPONDERS, ticksuffix="%", range=[0, 100], row=1,
             col=2)
    if horiz:
        fig.update_yaxes(autorange="reversed", categoryorder="array", showgrid=False, row=1, col=1)
        fig.update_xaxes(dtick=25, row=1, col=2)
    n_all = int(mean_table["n"].sum()) if len(mean_table) else int(rates_table.groupby(by or None)["n"].first().sum()
                                                                    if by else rates_table["n"].iloc[0])
    subtitle = f"Points = estimates, whiskers = {lvl} CI; n = {n_all:,} episodes with an immediate score"
    if horiz:
        subtitle = f"Immediate relief; points = estimates, whiskers = {lvl} CI; n = {n_all:,} episodes"
    caption = methods.caption_responder_summary(definitions, lvl)
    if horiz:
        layout = {"height": max(STYLES[style]["height"] - 60, 260 + 62 * len(order))}
    else:
        layout = {"legend": {"y": 1.1}, "margin": {"t": 140}}
    return _finish(fig, title, subtitle, caption, style, layout=layout)


def cumulative_responders_figure(table: pd.DataFrame, by=("treatment",), *, thresholds=None,
                                 week: int | None = None, definitions=None, groups=None,
                                 style: str = "screen", empty: str = "") -> go.Figure:
    """Cumulative responder curve: share of episodes with at least each % relief, with bands.

    ``table`` is ``analysis.relief.cumulative_responders`` (``reduction_pct``, proportions); ``empty``: the
    reason printed when nothing is drawn (no data, rather than small groups hidden).
    """
    when = "immediately after treatment" if week is None else f"in week {week}"
    title = f"Cumulative responders {when}"
    if not len(table):
        return _empty(title, wrap_text(empty, 80) or "No group large enough to show.", style)
    by, labels, order, colours = _grouped(table, by, groups)
    fig = go.Figure()
    lvl = f"{_conf(table):.0%}"
    for lab in order:
        sub = table[(labels == lab).to_numpy()].sort_values("reduction_pct")
        c = colours.get(lab, GREY)
        n = int(sub["n"].iloc[0])
        fig.add_trace(_band(sub["reduction_pct"], 100 * sub["ci_low"], 100 * sub["ci_high"], c, lab, lab))
        fig.add_trace(go.Scatter(
            x=sub["reduction_pct"], y=100 * sub["estimate"], mode="lines", name=f"{lab} (n = {n:,})",
            legendgroup=lab, line={"color": c, "width": STYLES[style]["line_width"]},
            customdata=np.column_stack([100 * sub["ci_low"], 100 * sub["ci_high"], sub["n"]]),
            hovertemplate=(f"{lab}<br>relief \u2265 %{{x:.0f}}%: %{{y:.0f}}% of episodes ({lvl} CI "
                           "%{customdata[0]:.0f}\u2013%{customdata[1]:.0f}%)<br>n = %{customdata[2]}<extra></extra>")))
    _threshold_lines(fig, _thresholds(thresholds, definitions), axis="x")
    fig.update_xaxes(title_text="Relief from baseline, at least (%)", ticksuffix="%", range=[0, 100], dtick=10)
    fig.update_yaxes(title_text="Episodes with at least this relief (%)", ticksuffix="%", range=[0, 101])
    subtitle = f"Lines = share of episodes, bands = {lvl} CI; the curves cross the dashed lines at the responder rates"
    caption = methods.caption_cumulative_responders(when)
    return _finish(fig, title, subtitle, caption, style)
