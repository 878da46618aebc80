"""Figures over weeks: the generic estimate-per-week figure, relief and responders over time,
attrition, and the missing-data sensitivity analysis."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import methods
from ..definitions import IMMPACT_THRESHOLDS
from .style import (AXIS_RELIEF, AXIS_RESPONDERS, AXIS_WEEKS, GREY, OKABE_ITO, STATE_COLOURS, STYLES, _band, _conf,
                    _empty, _finish, _grouped, _legend_name, _threshold_lines, _thresholds, colour_for)


def time_series_figure(table: pd.DataFrame, by=("treatment",), *, x: str = "week", scale: float = 1.0,
                       title: str, y_title: str, x_title: str = AXIS_WEEKS, y_suffix: str = "",
                       value_label: str = "value", subtitle: str = "", caption: str = "",
                       hlines=(), y_range=None, groups=None, group_n: dict | None = None,
                       line_dash_by: str | None = None, markers: bool = True, style: str = "screen") -> go.Figure:
    """Generic estimate-per-time figure: one line per group with a shaded interval band.

    ``table`` has the group columns, ``x`` and ``estimate``/``ci_low``/``ci_high``/``n`` (and
    optionally ``n_patients``). ``scale`` multiplies the values (100 for proportions).
    ``line_dash_by``: a column whose levels are drawn with different dashes in the group's colour
    (e.g. ``analysis`` for the sensitivity analysis).
    """
    if not len(table):
        return _empty(title, "No group large enough to show.", style)
    by, labels, order, colours = _grouped(table, by, groups)
    dash_levels = list(dict.fromkeys(table[line_dash_by])) if line_dash_by else [None]
    dashes = ["solid", "dash", "dot", "dashdot"]
    fig = go.Figure()
    lvl = f"{_conf(table):.0%}"
    for lab in order:
        for j, lev in enumerate(dash_levels):
            mask = (labels == lab).to_numpy()
            if line_dash_by:
                mask &= (table[line_dash_by] == lev).to_numpy()
            sub = table[mask].sort_values(x)
            if not len(sub):
                continue
            c = colours.get(lab, GREY)
            name = _legend_name(lab, group_n) + (f" \u2013 {lev}" if line_dash_by else "")
            lg = f"{lab}|{lev}"
            fig.add_trace(_band(sub[x], scale * sub["ci_low"], scale * sub["ci_high"], c, name, lg))
            npat = sub["n_patients"] if "n_patients" in sub.columns else sub["n"]
            fig.add_trace(go.Scatter(
                x=sub[x], y=scale * sub["estimate"], mode="lines+markers" if markers else "lines", name=name,
                legendgroup=lg, line={"color": c, "width": STYLES[style]["line_width"], "dash": dashes[j % 4]},
                marker={"size": 5, "color": c},
                customdata=np.column_stack([scale * sub["ci_low"], scale * sub["ci_high"], sub["n"], npat]),
                hovertemplate=(f"{name}<br>{x_title.split(' since')[0].lower()} %{{x}}: {value_label} "
                               f"%{{y:.1f}}{y_suffix} ({lvl} CI %{{customdata[0]:.1f}} to %{{customdata[1]:.1f}}"
                               f"{y_suffix})<br>n = %{{customdata[2]}} episodes (%{{customdata[3]}} patients)"
                               "<extra></extra>")))
    if not group_n and "n" in table.columns:
        lo_n, hi_n = int(table["n"].min()), int(table["n"].max())
        n_txt = f"n = {lo_n:,} episodes per point" if lo_n == hi_n else f"n = {lo_n:,}\u2013{hi_n:,} episodes per point"
        subtitle = f"{subtitle}; {n_txt}" if subtitle else n_txt
    if hlines:
        _threshold_lines(fig, hlines)
    fig.update_xaxes(title_text=x_title, rangemode="tozero")
    fig.update_yaxes(title_text=y_title, ticksuffix=y_suffix)
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return _finish(fig, title, subtitle or f"Lines = estimates, bands = {lvl} CI; n per week in the hover",
                   caption, style)


def relief_over_time_figure(table: pd.DataFrame, by=("treatment",), *, statistic: str = "mean_relief_pct",
                            thresholds=None, definitions=None, groups=None, group_n=None,
                            style: str = "screen") -> go.Figure:
    """Mean relief % per week (``statistic="mean_relief_pct"``) or responder proportion per week
    (``"responder_rate"``), one line per group with its 95% band.

    ``table`` is ``analysis.relief.relief_over_time`` (long, with a ``statistic`` column).
    """
    t = table[table["statistic"] == statistic] if "statistic" in table.columns else table
    lvl = f"{_conf(t):.0%}" if len(t) else "95%"
    if statistic == "mean_relief_pct":
        return time_series_figure(
            t, by, title="Mean relief over time", y_title=AXIS_RELIEF, y_suffix="%", value_label="mean relief",
            hlines=_thresholds(thresholds, definitions), groups=groups, group_n=group_n, style=style,
            subtitle=f"Mean of each episode's weekly relief; bands = {lvl} CI; n per week in the hover and the table",
            caption=methods.CAPTION_MEAN_RELIEF_OVER_TIME)
    thr = float(t["threshold"].dropna().iloc[0]) if "threshold" in t.columns and t["threshold"].notna().any() else (
        definitions.threshold if definitions is not None else IMMPACT_THRESHOLDS[0])
    return share_over_time_figure(
        t, by, title=f"Responders (relief \u2265 {thr:g}%) over time", y_title=AXIS_RESPONDERS,
        value_label="responders", groups=groups, group_n=group_n, style=style,
        subtitle=f"Share of episodes with a weekly mean relief \u2265 {thr:g}%; bands = {lvl} CI (Wilson)",
        caption=methods.CAPTION_RESPONDERS_OVER_TIME)


def share_over_time_figure(table: pd.DataFrame, by=("treatment",), **kwargs) -> go.Figure:
    """A proportion per week (responders, remission) in percent from 0 to 100: :func:`time_series_figure`
    of a table whose estimates are in [0, 1]."""
    return time_series_figure(table, by, scale=100.0, y_suffix="%", y_range=[0, 101], **kwargs)


def attrition_figure(table: pd.DataFrame, by=("treatment",), *, definitions=None, groups=None,
                     style: str = "screen") -> go.Figure:
    """Stacked bars per week: episodes observed, and why the others were not (one panel per group).

    ``table`` is ``analysis.relief.attrition`` (``week``, ``state``, ``n``, ``total``, ``share``).
    """
    title = "Follow-up: episodes observed per week, and why the others were not"
    if not len(table):
        return _empty(title, "No group large enough to show.", style)
    by, labels, order, _ = _grouped(table, by, groups)
    k = len(order)
    titles = []
    for lab in order:
        tot = int(table.loc[(labels == lab).to_numpy(), "total"].iloc[0])
        titles.append(f"{lab} (n = {tot:,} episodes)")
    fig = make_subplots(rows=k, cols=1, shared_xaxes=True, vertical_spacing=min(0.12, 0.5 / max(k, 1)),
                        subplot_titles=titles)
    states = list(dict.fromkeys(table["state"].astype(str)))
    for i, lab in enumerate(order, start=1):
        sub = table[(labels == lab).to_numpy()]
        for st in states:
            s = sub[sub["state"].astype(str) == st].sort_values("week")
            fig.add_trace(go.Bar(
                x=s["week"], y=100 * s["share"], name=st, legendgroup=st, showlegend=(i == 1),
                marker={"color": STATE_COLOURS.get(st, GREY), "line": {"width": 0}},
                customdata=np.column_stack([s["n"], s["total"]]),
                hovertemplate=(f"{lab}<br>week %{{x}}: {st}<br>%{{customdata[0]}} of %{{customdata[1]}} episodes "
                               "(%{y:.0f}%)<extra></extra>")), row=i, col=1)
        fig.update_yaxes(title_text="Episodes (%)", ticksuffix="%", range=[0, 100], row=i, col=1)
    fig.update_layout(barmode="stack", bargap=0.08)
    fig.update_xaxes(title_text=AXIS_WEEKS, row=k, col=1)
    subtitle = "Each bar = all analysable episodes of the group (100%), by what is known about them that week"
    caption = methods.CAPTION_ATTRITION
    if style == "screen":
        layout = {"height": max(STYLES[style]["height"], 170 + 210 * k), "margin": {"t": 150},
                  "legend": {"y": 1.0 + 0.35 / (170 + 210 * k) * 100}}
    else:
        layout = {"height": max(STYLES[style]["height"], 200 + 200 * k)}
    return _finish(fig, title, subtitle, caption, style, layout=layout)


def sensitivity_figure(table: pd.DataFrame, by=("treatment",), *, definitions=None, groups=None,
                       group_n=None, style: str = "screen") -> go.Figure:
    """Responder rate per week, observed cases vs missing counts as no relief, one panel per group.

    ``table`` is ``analysis.relief.responder_sensitivity`` (``analysis`` column: "observed cases",
    "missing = no relief").
    """
    thr = float(table["threshold"].iloc[0]) if len(table) and "threshold" in table.columns else (
        definitions.threshold if definitions is not None else IMMPACT_THRESHOLDS[0])
    title = f"Responders (relief \u2265 {thr:g}%): observed cases vs missing counts as no relief"
    if not len(table):
        return _empty(title, "No group large enough to show.", style)
    by, labels, order, _ = _grouped(table, by, groups)
    k = len(order)
    # Screen: up to three panels side by side; publication (one narrow column): stacked, shared x.
    ncols = min(k, 3) if style == "screen" else 1
    nrows = int(np.ceil(k / ncols))
    fig = make_subplots(rows=nrows, cols=ncols, shared_yaxes=True, horizontal_spacing=0.04,
                        shared_xaxes=style != "screen",
                        vertical_spacing=(0.16 if nrows > 1 else 0.1) if style == "screen" else min(0.12, 0.45 / nrows),
                        subplot_titles=[_legend_name(g, group_n or {
                            g: table.loc[(labels == g).to_numpy(), "n"].max()}) for g in order])
    lvl = f"{_conf(table):.0%}"
    analyses = list(dict.fromkeys(table["analysis"]))
    styles = {0: (OKABE_ITO["blue"], "solid"), 1: (OKABE_ITO["vermillion"], "dash")}
    for i, lab in enumerate(order):
        r, c = i // ncols + 1, i % ncols + 1
        for j, an in enumerate(analyses):
            sub = table[(labels == lab).to_numpy() & (table["analysis"] == an).to_numpy()].sort_values("week")
            colour, dash = styles.get(j, (colour_for(j + 2), "dot"))
            fig.add_trace(_band(sub["week"], 100 * sub["ci_low"], 100 * sub["ci_high"], colour, an, an), row=r, col=c)
            fig.add_trace(go.Scatter(
                x=sub["week"], y=100 * sub["estimate"], mode="lines+markers", name=an, legendgroup=an,
                showlegend=(i == 0), line={"color": colour, "dash": dash, "width": STYLES[style]["line_width"]},
                marker={"size": 4, "color": colour},
                customdata=np.column_stack([100 * sub["ci_low"], 100 * sub["ci_high"], sub["n"]]),
                hovertemplate=(f"{lab}, {an}<br>week %{{x}}: %{{y:.0f}}% ({lvl} CI %{{customdata[0]:.0f}}"
                               "\u2013%{customdata[1]:.0f}%)<br>n = %{customdata[2]} episodes<extra></extra>")),
                row=r, col=c)
        fig.update_xaxes(title_text=AXIS_WEEKS if r == nrows else None, rangemode="tozero", row=r, col=c)
        y_title = AXIS_RESPONDERS if style == "screen" else "Responders (%)"
        fig.update_yaxes(range=[0, 101], ticksuffix="%", title_text=y_title if c == 1 else None, row=r, col=c)
    subtitle = (f"Blue solid = observed cases (episodes with a score that week); vermillion dashed = every episode "
                f"counts, a missing week = no relief; bands = {lvl} CI")
    caption = methods.CAPTION_SENSITIVITY
    if style == "screen":
        layout = {"height": max(STYLES[style]["height"], 120 + 330 * nrows), "margin": {"t": 130},
                  "legend": {"y": 1.06 if nrows == 1 else 1.03}}
    else:
        layout = {"height": max(STYLES[style]["height"], 200 + 210 * nrows)}
    return _finish(fig, title, subtitle, caption, style, layout=layout)
