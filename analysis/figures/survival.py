"""Kaplan-Meier figures: relief duration and time to symptom spread, with the number at risk."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import methods
from ..present.formatting import logrank_text
from ..present.labels import group_label, row_labels
from .style import AXIS_DAYS, GREY, STYLES, _band, _empty, _finish, group_colours


def km_figure(result, *, title: str = "Relief duration (time to loss of relief)",
              y_title: str = "Still relieved (%)", event_label: str = "loss of relief",
              risk_times=None, max_time: float | None = None, exclude=(), groups=None,
              definitions=None, caption: str | None = None, style: str = "screen") -> go.Figure:
    """Kaplan-Meier curves with CI bands, censor marks and a number-at-risk table underneath.

    Parameters
    ----------
    result : SurvivalByGroup
        ``analysis.duration.relief_duration`` or ``time_to_spread``.
    risk_times : sequence of float, optional
        Days at which the number at risk is tabulated (default every 28 days).
    exclude : sequence of tuple
        Group keys not to draw (small groups, :func:`analysis.present.suppression.survival_groups_to_hide`).
    """
    curves = result.curves()
    by = list(result.by)
    keys = [k for k in result.fits if k not in set(map(tuple, exclude))]
    if not keys:
        return _empty(title, "No group large enough to show.", style)
    labels = {k: group_label(list(k), by) for k in keys}
    order = [g for g in (groups or []) if g in labels.values()] + [g for g in labels.values() if not groups or
                                                                     g not in groups]
    key_of = {v: k for k, v in labels.items()}
    colours = group_colours(groups if groups is not None else order)
    tmax = float(max_time) if max_time is not None else float(
        max(result.fits[k].table["time"].max() if len(result.fits[k].table) else 0 for k in keys))
    tmax = max(tmax, 7.0)
    step = 7 if tmax <= 56 else 14 if tmax <= 112 else 28
    risk_times = np.asarray(risk_times if risk_times is not None else np.arange(0, tmax + 0.1, step), dtype=float)
    at_risk = result.at_risk(risk_times)
    lvl = f"{result.conf_level:.0%}"
    k_groups = len(order)
    table_h = 0.08 + 0.055 * k_groups
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[1 - table_h, table_h],
                        vertical_spacing=0.16)
    clabels = row_labels(curves, by) if len(curves) else pd.Series([], dtype=object)
    for lab in order:
        key = key_of[lab]
        fit = result.fits[key]
        c = colours.get(lab, GREY)
        cur = curves[(clabels == lab).to_numpy()].sort_values("time", kind="stable")
        x = cur["time"].to_numpy(float)
        y = 100 * cur["estimate"].to_numpy(float)
        lo = 100 * cur["ci_low"].to_numpy(float)
        hi = 100 * cur["ci_high"].to_numpy(float)
        # Carry the curve to the last observed time so censored tails are visible.
        last = float(result._group_rows(key)["time"].max()) if len(result._group_rows(key)) else float(x[-1])
        if len(x) and last > x[-1]:
            x, y, lo, hi = np.append(x, last), np.append(y, y[-1]), np.append(lo, lo[-1]), np.append(hi, hi[-1])
        name = f"{lab} (n = {fit.n:,}, {fit.n_events:,} events)"
        fig.add_trace(_band(x, lo, hi, c, name, lab, shape="hv"), row=1, col=1)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", line={"shape": "hv", "color": c, "width": STYLES[style]["line_width"]},
            name=name, legendgroup=lab,
            customdata=np.column_stack([lo, hi]),
            hovertemplate=(f"{lab}<br>day %{{x:.0f}}: %{{y:.0f}}% ({lvl} CI %{{customdata[0]:.0f}}"
                           "\u2013%{customdata[1]:.0f}%)<extra></extra>")), row=1, col=1)
        cens = cur[cur["censored"] > 0]
        if len(cens):
            fig.add_trace(go.Scatter(
                x=cens["time"], y=100 * cens["estimate"], mode="markers", legendgroup=lab, showlegend=False,
                marker={"symbol": "line-ns-open", "size": 9, "color": c, "line": {"width": 1.6}},
                name=f"{lab} censored", customdata=cens["censored"],
                hovertemplate=f"{lab}<br>censored at day %{{x:.0f}} (%{{customdata}})<extra></extra>"), row=1, col=1)
        ar = at_risk[(row_labels(at_risk, by) == lab).to_numpy()] if by else at_risk
        fig.add_trace(go.Scatter(
            x=ar["time"], y=[lab] * len(ar), mode="text", text=[f"{int(v):,}" for v in ar["at_risk"]],
            textfont={"color": c, "size": STYLES[style]["font_size"] - 1}, showlegend=False, legendgroup=lab,
            hovertemplate=f"{lab}: %{{text}} at risk at day %{{x:.0f}}<extra></extra>"), row=2, col=1)
    fig.add_hline(y=50, line_dash="dot", line_color=GREY, line_width=1, row=1, col=1)
    fig.update_yaxes(title_text=y_title, ticksuffix="%", range=[0, 102], row=1, col=1)
    fig.update_yaxes(title_text=None, showgrid=False, showline=False, ticks="", zeroline=False, autorange=False,
                     range=[k_groups - 0.5, -0.6], type="category", categoryorder="array", categoryarray=order,
                     row=2, col=1)
    # The time axis: tick labels under the curves, its title under the number-at-risk table (whose
    # columns sit at those ticks), so the title never separates the plot from its table.
    fig.update_xaxes(range=[-tmax * 0.01, tmax * 1.02], tick0=0, dtick=step, showticklabels=True,
                     title_text=None, row=1, col=1)
    fig.update_xaxes(title_text=AXIS_DAYS, tick0=0, dtick=step, showgrid=False, showline=False, ticks="",
                     zeroline=False, showticklabels=False, row=2, col=1)
    fig.add_annotation(text="<b>Number at risk</b>", xref="paper", yref="y2 domain", x=0, y=1.0,
                       xanchor="left", yanchor="bottom", showarrow=False)
    n_total = sum(result.fits[key_of[g]].n for g in order)
    ev_total = sum(result.fits[key_of[g]].n_events for g in order)
    sub = f"n = {n_total:,} episodes, {ev_total:,} with {event_label}; bands = {lvl} CI; | = censored"
    if len(order) >= 2:
        sub += "; " + logrank_text(result.logrank_among([key_of[g] for g in order]),
                                   shown_only=len(order) < len(result.fits))
    if caption is None:
        caption = methods.caption_relief_duration(definitions, lvl)
    extra = 40 + 22 * k_groups if style == "screen" else 60 + 28 * k_groups
    return _finish(fig, title, sub, caption, style, layout={"height": STYLES[style]["height"] + extra})


def time_to_spread_figure(result, *, definitions=None, exclude=(), groups=None, style: str = "screen") -> go.Figure:
    """Kaplan-Meier of time to symptom spread (``regions_affected`` above its baseline count)."""
    return km_figure(result, title="Time to symptom spread", y_title="Free of spread (%)",
                     event_label="spread", exclude=exclude, groups=groups, definitions=definitions,
                     caption=methods.caption_time_to_spread(f"{result.conf_level:.0%}"), style=style)
