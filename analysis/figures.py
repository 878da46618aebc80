"""Results -> Plotly figures. The only module of the project that imports Plotly.

Every builder takes analysis *results* (the tidy tables and :class:`SurvivalByGroup` objects of
:mod:`analysis.relief`, :mod:`analysis.duration`, :mod:`analysis.secondary`,
:mod:`analysis.published`) and returns a :class:`plotly.graph_objects.Figure`. The dashboard shows
it with ``st.plotly_chart(fig, theme=None)``; the export writes it with ``fig.write_image``. Small
groups must be removed *before* a result is drawn (:func:`analysis.views.suppress`).

Conventions
-----------
* Colours: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for the common
  colour-vision deficiencies; a group keeps its colour across the figures of one page when the
  same ``groups`` order is passed.
* Every figure has a concise title, a subtitle with n, axis titles with units, n in the legend or
  hover, 95% intervals as error bars or shaded bands, and (for relief) reference lines at the 30%
  and 50% thresholds (IMMPACT, Dworkin et al. 2008).
* ``style="screen"`` (dashboard) or ``"publication"`` (export: white background, black axes, fonts
  readable at single-column width). :func:`apply_style` restyles any figure.
* ``fig.layout.meta["caption"]`` holds a caption with the definitions behind the figure, ready for
  a page or a paper.
"""
from __future__ import annotations

import re
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import methods
from .definitions import IMMPACT_THRESHOLDS
from .escaping import plotly_text
from .measures import measure_label, measure_short, response_rules
from .views import group_label, group_labels, logrank_text

# Okabe-Ito, reordered so that the first colours are the most distinct on white (yellow last).
OKABE_ITO = {
    "blue": "#0072B2", "vermillion": "#D55E00", "bluish_green": "#009E73", "reddish_purple": "#CC79A7",
    "orange": "#E69F00", "sky_blue": "#56B4E9", "black": "#000000", "yellow": "#F0E442",
}
PALETTE = list(OKABE_ITO.values())
GREY = "#7F7F7F"

#: Attrition states -> colour (observed = blue; drop-out = vermillion).
STATE_COLOURS = {
    "observed": OKABE_ITO["blue"],
    "missed week, seen later": OKABE_ITO["sky_blue"],
    "next treatment started": OKABE_ITO["orange"],
    "follow-up window ended": "#BBBBBB",
    "no further scores": OKABE_ITO["vermillion"],
}

#: Layout presets (sizes in CSS px). ``screen`` is the dashboard's. ``publication`` is sized for a
#: single journal column: 640 px wide printed at 85 mm makes 1 px = 0.133 mm, so tick labels and
#: legend at 16 px print at 6 pt, axis titles at 18 px at 6.8 pt, the title at 20 px at 7.5 pt
#: (journals ask for 5-8 pt at final size). Export with ``scale`` 2-4 for 380-760 dpi.
STYLES = {
    "screen": {"font_family": "Liberation Sans, Arial, Helvetica, sans-serif", "font_size": 13,
               "axis_title_size": 14, "title_size": 17, "subtitle_size": 12, "legend_size": 12,
               "annotation_size": 12, "height": 460, "width": None, "line_width": 2.2, "marker_size": 7},
    "publication": {"font_family": "Arial, Liberation Sans, Helvetica, sans-serif", "font_size": 16,
                    "axis_title_size": 18, "title_size": 20, "subtitle_size": 15, "legend_size": 16,
                    "annotation_size": 15, "height": 520, "width": 640, "line_width": 2.4, "marker_size": 8},
}

AXIS_RELIEF = "Relief from baseline (%)"
AXIS_WEEKS = "Weeks since treatment start"
AXIS_DAYS = "Days since treatment start"
AXIS_RESPONDERS = "Responders (% of episodes)"


# ----------------------------------------------------------------------------------------------
# Style helpers
# ----------------------------------------------------------------------------------------------
def colour_for(i: int) -> str:
    """The i-th Okabe-Ito colour (cycling)."""
    return PALETTE[i % len(PALETTE)]


def group_colours(groups) -> dict:
    """Label -> colour, in the given order (pass the same order to every figure of a page)."""
    return {g: colour_for(i) for i, g in enumerate(groups)}


def rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _wrap(text: str, width: int = 110) -> str:
    return "<br>".join(textwrap.wrap(text, width)) if text else ""


def _template(style: str) -> go.layout.Template:
    """The small template of a style (built once): fonts, white background, axes, colours.

    Axis defaults live in the template (``layout.xaxis`` there applies to every x axis), so what a
    builder sets on an axis (a hidden grid, a bare number-at-risk axis) is never overwritten by
    the style. Plotly's own ``plotly_white`` template describes every trace type and costs about
    10 ms per figure to validate, copy and unpickle; this one costs almost nothing.
    """
    s = STYLES[style]
    axis = {"showline": True, "linecolor": "#333333", "linewidth": 1, "ticks": "outside", "tickcolor": "#333333",
            "ticklen": 5, "zeroline": False, "automargin": True, "showgrid": style == "screen",
            "gridcolor": "#E5E5E5", "title": {"font": {"size": s["axis_title_size"]}, "standoff": 10},
            "tickfont": {"size": s["font_size"]}}
    return go.layout.Template(layout={
        "font": {"family": s["font_family"], "size": s["font_size"], "color": "#111111"},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "colorway": PALETTE,
        "xaxis": axis, "yaxis": axis, "hoverlabel": {"font": {"size": s["font_size"]}},
        "hovermode": "closest",
    })


_TEMPLATES = {name: _template(name) for name in STYLES}
_LINE = 1.3  # line height of text, in font sizes


def _text_lines(text) -> int:
    return 1 + str(text).count("<br>") if text else 0


def _legend_rows(fig: go.Figure, style: str, width: float) -> int:
    """Rows a horizontal legend needs at ``width`` px (estimated from the entries' text)."""
    s = STYLES[style]
    names, seen = [], set()
    for t in fig.data:
        if t.showlegend is False or not t.name:
            continue
        key = t.legendgroup or t.name
        if key in seen:
            continue
        seen.add(key)
        names.append(str(t.name))
    if len(names) < 2 and not any(t.showlegend for t in fig.data):
        return 0
    rows, used = 1, 0.0
    for n in names:
        w = 44 + 0.5 * s["legend_size"] * len(n)
        if used and used + w > width:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def _preset(fig: go.Figure, style: str, height: int | None = None, left: int | None = None) -> dict:
    """The layout a style gives a figure (before the builder's own adjustments)."""
    s = STYLES[style]
    layout = {
        "template": _TEMPLATES[style], "paper_bgcolor": "white", "plot_bgcolor": "white",
        "title": {"font": {"size": s["title_size"]}, "x": 0.0, "xanchor": "left", "xref": "container",
                  "pad": {"l": 4}, "yanchor": "top",
                  "subtitle": {"font": {"size": s["subtitle_size"], "color": "#444444"}}},
        "legend": {"font": {"size": s["legend_size"]}, "bgcolor": "rgba(255,255,255,0.85)", "tracegroupgap": 2,
                   "orientation": "h", "x": 0, "xanchor": "left", "xref": "paper"},
    }
    if style == "screen":
        layout["height"] = s["height"]
        layout["title"]["y"] = 0.98
        layout["legend"].update(yanchor="bottom", y=1.02, yref="paper")
        layout["margin"] = {"l": 70, "r": 20, "t": 120, "b": 60}
        return layout
    # Publication: the title block (title, subtitle) at the top, the legend right under it (above the
    # plot), the plot below; sizes follow the text actually present, so nothing overlaps and no gap
    # is left (a legend under the plot sits at a fraction of the plot's height: gaps or overlaps).
    height = int(height or s["height"])
    sub = fig.layout.title.subtitle.text if fig.layout.title and fig.layout.title.subtitle else None
    # One title line: a long title gets a smaller font (down to 15 px) rather than a second line.
    title_text = str(fig.layout.title.text or "")
    title_size = max(15, min(s["title_size"], int((s["width"] - 16) / (0.52 * max(len(title_text), 1)))))
    layout["title"]["font"]["size"] = title_size
    title_px = 12 + _LINE * title_size + _LINE * s["subtitle_size"] * _text_lines(sub) + 6
    margin = {"l": 80, "r": 24, "b": 64}
    rows = _legend_rows(fig, style, s["width"] - (left or margin["l"]) - margin["r"])
    legend_px = rows * (_LINE * s["legend_size"] + 4)
    subplot_titles = any(a.yref == "paper" and a.yanchor == "bottom" and a.y is not None and a.y >= 0.999
                         for a in fig.layout.annotations)
    gap = 8 + (_LINE * s["annotation_size"] + 4 if subplot_titles else 0)
    margin["t"] = int(round(title_px + legend_px + gap + 4))
    plot_h = max(height - margin["t"] - margin["b"], 50)
    layout.update(height=height, width=s["width"], margin=margin)
    layout["title"]["y"] = 1 - 10 / height
    layout["legend"].update(yanchor="bottom", y=1 + gap / plot_h, yref="paper")
    return layout


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def apply_style(fig: go.Figure, style: str = "screen") -> go.Figure:
    """Apply a preset (``screen`` or ``publication``) to a figure, in place; returns it.

    Idempotent, and it keeps the builder's own layout: what a builder set (a taller figure, a wide
    left margin, a legend placed above subplot titles; kept in ``layout.meta["layout"]``) is
    re-applied on top of the preset, so calling it twice, or on a finished figure, changes nothing.
    Restyling to the *other* style keeps the builder's extra height (its height minus the preset's).
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {tuple(STYLES)}, got {style!r}")
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    built = meta.get("style", style)
    own = meta.get("layout") or {}
    if built != style:
        own = {"height": own["height"] - STYLES[built]["height"] + STYLES[style]["height"]} if "height" in own else {}
    layout = _merge(_preset(fig, style, own.get("height"), (own.get("margin") or {}).get("l")), own)
    layout["meta"] = {**meta, "style": style, "layout": own}
    fig.update_layout(layout)
    if fig.layout.annotations:
        fig.update_annotations(font_size=STYLES[style]["annotation_size"])
    return fig


def _finish(fig: go.Figure, title: str, subtitle: str, caption: str, style: str, layout: dict | None = None,
            wrap: int | None = None) -> go.Figure:
    """Title, subtitle, caption, then the style with the builder's own ``layout`` on top."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {tuple(STYLES)}, got {style!r}")
    wrap = wrap or (120 if style == "screen" else 78)
    fig.update_layout(title={"text": title, "subtitle": {"text": _wrap(subtitle, wrap)}},
                      meta={"caption": caption, "title": title, "subtitle": subtitle, "style": style,
                            "layout": dict(layout or {})})
    escape_figure_text(fig)
    return apply_style(fig, style)


def _threshold_lines(fig: go.Figure, thresholds, axis: str = "y", row=None, col=None, label: bool = True,
                     outside: bool = False) -> None:
    """Dashed reference lines at the responder thresholds (30% moderate, 50% substantial).

    ``outside``: label horizontal lines in the right margin (for plots whose right edge holds data,
    such as box plots); the builder leaves room there.
    """
    for t in thresholds:
        kw = {"line_dash": "dash", "line_color": GREY, "line_width": 1.2, "layer": "below" if axis == "y" else "above"}
        text = methods.threshold_label(t)
        if label and not (outside and axis == "y"):
            kw.update(annotation_text=text if axis == "y" else text.replace(" (", "<br>("),
                      annotation_font_color="#444444", annotation_align="left",
                      annotation_position="top right" if axis == "y" else "bottom right")
        if row is not None:
            kw.update(row=row, col=col)
        if axis == "y":
            fig.add_hline(y=float(t), **kw)
            if label and outside:
                fig.add_annotation(text=text.replace(" (", "<br>("), x=1.0, xref="paper", xanchor="left", xshift=4,
                                   y=float(t), yref="y", yanchor="middle", showarrow=False, align="left",
                                   font={"color": "#444444"})
        else:
            fig.add_vline(x=float(t), **kw)


def _band(x, lo, hi, colour: str, name: str, legendgroup: str, shape: str = "linear", **kw) -> go.Scatter:
    """A shaded interval band as one closed polygon (no legend entry)."""
    x = np.asarray(x, dtype=float)
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    x, lo, hi = x[ok], lo[ok], hi[ok]
    if shape == "hv" and len(x):
        # Step function: repeat each point so the polygon follows the steps.
        xs = np.repeat(x, 2)[1:]
        lo_s = np.repeat(lo, 2)[:-1]
        hi_s = np.repeat(hi, 2)[:-1]
        x, lo, hi = xs, lo_s, hi_s
    return go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([hi, lo[::-1]]), fill="toself",
                      fillcolor=rgba(colour, 0.18), line={"width": 0}, hoverinfo="skip", showlegend=False,
                      name=f"{name} 95% CI", legendgroup=legendgroup, mode="lines", **kw)


def _labels_in_order(table: pd.DataFrame, by, groups=None) -> list:
    labs = group_labels(table, by).tolist() if len(table) else []
    seen = list(dict.fromkeys(labs))
    if groups is None:
        return seen
    return [g for g in groups if g in seen] + [g for g in seen if g not in groups]


def _legend_name(label: str, group_n: dict | None, unit: str = "episodes") -> str:
    if group_n and label in group_n:
        return f"{label} (n = {int(group_n[label]):,} {unit})"
    return label


def _n_text(n, n_patients=None) -> str:
    s = f"n = {int(n):,} episodes"
    if n_patients is not None and np.isfinite(n_patients):
        s += f" ({int(n_patients):,} patients)"
    return s


def _empty(fig_title: str, message: str, style: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": "#444444"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, fig_title, "", message, style)


def _thresholds(thresholds, definitions) -> tuple:
    """The responder thresholds to draw: as given, else those of the definitions, else 30% and 50%."""
    if thresholds is not None:
        return tuple(thresholds)
    return tuple(definitions.thresholds) if definitions is not None else IMMPACT_THRESHOLDS


def _conf(table: pd.DataFrame) -> float:
    if "conf_level" in table.columns and len(table) and pd.notna(table["conf_level"].iloc[0]):
        return float(table["conf_level"].iloc[0])
    return 0.95


# ----------------------------------------------------------------------------------------------
# Pain relief
# ----------------------------------------------------------------------------------------------
# Dots drawn per group in the relief distribution: above this, a seeded random sample of this many.
DISTRIBUTION_MAX_POINTS = 2_000


def relief_distribution_figure(episodes_table: pd.DataFrame, by=("treatment",), *,
                               value: str = "immediate_relief_pct", thresholds=None,
                               definitions=None, groups=None, style: str = "screen") -> go.Figure:
    """Distribution of immediate relief per group: box plot with every episode as a point.

    Parameters
    ----------
    episodes_table : DataFrame
        Episode rows (``analysis.relief.select(...)``) with the group columns and ``value``; rows
        with a missing value are ignored. The distribution *is* the result here.
    """
    title = "Immediate relief per treatment episode"
    t = episodes_table[episodes_table[value].notna()] if len(episodes_table) else episodes_table
    if not len(t):
        return _empty(title, "No episode with an immediate score in the selection.", style)
    by = list(by)
    labels = group_labels(t, by)
    order = _labels_in_order(t, by, groups)
    colours = group_colours(groups if groups is not None else order)
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
                             definitions=None, groups=None, style: str = "screen") -> go.Figure:
    """Dot-and-whisker: mean immediate relief (left) and responder rates per threshold (right).

    Parameters
    ----------
    mean_table : DataFrame
        ``analysis.relief.immediate_relief`` result.
    rates_table : DataFrame
        ``analysis.relief.responder_rates`` result (``threshold`` column; proportions in [0, 1]).
    """
    title = "Immediate relief and responders, with 95% confidence intervals"
    if not len(mean_table) and not len(rates_table):
        return _empty(title, "No group large enough to show.", style)
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
        m = mean_table.assign(_lab=group_labels(mean_table, by).to_numpy()).set_index("_lab").reindex(order).dropna(
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
        r = r.assign(_lab=group_labels(r, by).to_numpy()).set_index("_lab").reindex(order).dropna(subset=["estimate"])
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
                                 style: str = "screen") -> go.Figure:
    """Cumulative responder curve: share of episodes with at least each % relief, with bands.

    ``table`` is ``analysis.relief.cumulative_responders`` (``reduction_pct``, proportions).
    """
    when = "immediately after treatment" if week is None else f"in week {week}"
    title = f"Cumulative responders {when}"
    if not len(table):
        return _empty(title, "No group large enough to show.", style)
    by = list(by)
    labels = group_labels(table, by)
    order = _labels_in_order(table, by, groups)
    colours = group_colours(groups if groups is not None else order)
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


# ----------------------------------------------------------------------------------------------
# Over time
# ----------------------------------------------------------------------------------------------
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
    by = list(by)
    labels = group_labels(table, by)
    order = _labels_in_order(table, by, groups)
    colours = group_colours(groups if groups is not None else order)
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
    return time_series_figure(
        t, by, scale=100.0, title=f"Responders (relief \u2265 {thr:g}%) over time", y_title=AXIS_RESPONDERS,
        y_suffix="%", value_label="responders", y_range=[0, 101], groups=groups, group_n=group_n, style=style,
        subtitle=f"Share of episodes with a weekly mean relief \u2265 {thr:g}%; bands = {lvl} CI (Wilson)",
        caption=methods.CAPTION_RESPONDERS_OVER_TIME)


def attrition_figure(table: pd.DataFrame, by=("treatment",), *, definitions=None, groups=None,
                     style: str = "screen") -> go.Figure:
    """Stacked bars per week: episodes observed, and why the others were not (one panel per group).

    ``table`` is ``analysis.relief.attrition`` (``week``, ``state``, ``n``, ``total``, ``share``).
    """
    title = "Follow-up: episodes observed per week, and why the others were not"
    if not len(table):
        return _empty(title, "No group large enough to show.", style)
    by = list(by)
    labels = group_labels(table, by)
    order = _labels_in_order(table, by, groups)
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
    by = list(by)
    labels = group_labels(table, by)
    order = _labels_in_order(table, by, groups)
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


# ----------------------------------------------------------------------------------------------
# Kaplan-Meier
# ----------------------------------------------------------------------------------------------
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
        Group keys not to draw (small groups, :func:`analysis.views.survival_groups_to_hide`).
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
    clabels = group_labels(curves, by) if len(curves) else pd.Series([], dtype=object)
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
        ar = at_risk[(group_labels(at_risk, by) == lab).to_numpy()] if by else at_risk
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


# ----------------------------------------------------------------------------------------------
# Secondary outcomes
# ----------------------------------------------------------------------------------------------
def score_over_time_figure(table: pd.DataFrame, by=("treatment",), *, measure: str,
                           statistic: str = "mean_score", groups=None, group_n=None,
                           style: str = "screen") -> go.Figure:
    """Mean score (or mean change from baseline) per week, week 0 = baseline.

    ``table`` is ``analysis.secondary.score_over_time`` (``statistic`` in mean_score / mean_change).
    """
    t = table[table["statistic"] == statistic] if "statistic" in table.columns else table
    label = measure_label(measure)
    short = measure_short(measure)
    lvl = f"{_conf(t):.0%}" if len(t) else "95%"
    if statistic == "mean_change":
        return time_series_figure(
            t, by, title=f"{short}: change from baseline", y_title=f"Change in {short} score (points)",
            value_label="mean change", groups=groups, group_n=group_n, style=style, hlines=(),
            subtitle=f"Mean change (score - baseline; negative = better); bands = {lvl} CI; week 0 = baseline",
            caption=methods.caption_scores(measure))
    return time_series_figure(
        t, by, title=f"{short} over time", y_title=f"Mean {label}", value_label="mean score",
        groups=groups, group_n=group_n, style=style,
        subtitle=f"Mean score per week; bands = {lvl} CI; week 0 = baseline; n per week in the hover",
        caption=methods.caption_scores(measure))


def remission_figure(table: pd.DataFrame, by=("treatment",), *, measure: str, groups=None, group_n=None,
                     style: str = "screen") -> go.Figure:
    """Proportion in remission (score below the cut-off) per week.

    ``table`` is ``analysis.secondary.remission_over_time`` (``below`` column).
    """
    below = float(table["below"].iloc[0]) if len(table) and "below" in table.columns else float("nan")
    short = measure_short(measure)
    lvl = f"{_conf(table):.0%}" if len(table) else "95%"
    return time_series_figure(
        table, by, scale=100.0, title=f"{short}: remission (score < {below:g}) over time",
        y_title="Episodes in remission (%)", y_suffix="%", value_label="in remission", y_range=[0, 101],
        groups=groups, group_n=group_n, style=style,
        subtitle=f"Share of episodes with a weekly mean score < {below:g}; bands = {lvl} CI (Wilson); week 0 = baseline",
        caption=methods.caption_remission(measure, below))


def secondary_response_figure(table: pd.DataFrame, by=("treatment",), *, measure: str, groups=None,
                              group_n=None, style: str = "screen") -> go.Figure:
    """Response (% reduction from baseline >= threshold) per week for a secondary measure.

    ``table`` is ``analysis.relief.relief_over_time`` built on episodes of that measure.
    """
    t = table[table["statistic"] == "responder_rate"] if "statistic" in table.columns else table
    thr = float(t["threshold"].dropna().iloc[0]) if len(t) and t["threshold"].notna().any() else float(
        response_rules().get(measure, 50.0))
    short = measure_short(measure)
    lvl = f"{_conf(t):.0%}" if len(t) else "95%"
    return time_series_figure(
        t, by, scale=100.0, title=f"{short}: response (\u2265 {thr:g}% reduction) over time",
        y_title="Responders (% of episodes)", y_suffix="%", value_label="responders", y_range=[0, 101],
        groups=groups, group_n=group_n, style=style,
        subtitle=f"Share of episodes with a weekly mean score \u2265 {thr:g}% below baseline; bands = {lvl} CI",
        caption=methods.caption_secondary_response(measure, thr))


def time_to_spread_figure(result, *, definitions=None, exclude=(), groups=None, style: str = "screen") -> go.Figure:
    """Kaplan-Meier of time to symptom spread (``regions_affected`` above its baseline count)."""
    return km_figure(result, title="Time to symptom spread", y_title="Free of spread (%)",
                     event_label="spread", exclude=exclude, groups=groups, definitions=definitions,
                     caption=methods.caption_time_to_spread(f"{result.conf_level:.0%}"), style=style)


# ----------------------------------------------------------------------------------------------
# Comparison with published figures
# ----------------------------------------------------------------------------------------------
def published_comparison_figure(comparison: pd.DataFrame, *, style: str = "screen") -> go.Figure:
    """Forest-style chart: each published value with its CI beside this dataset's estimate and CI.

    ``comparison`` is :func:`analysis.published.compare_with_published`. Rows in percent and rows in
    days are drawn in separate panels.
    """
    title = "This dataset beside published figures"
    if not len(comparison):
        return _empty(title, "No published figure to compare with.", style)
    units = [u for u in ("proportion", "percent", "days") if u in set(comparison["unit"])]
    pub = style == "publication"
    n_rows = len(comparison)
    height = max(STYLES[style]["height"], 200 + 80 * n_rows) if not pub else max(STYLES[style]["height"],
                                                                                   230 + 112 * n_rows)
    # Between panels: the upper panel's tick labels and axis title (about 90 px).
    spacing = (0.22 if not pub else min(0.3, 95 / max(height - 230, 100))) if len(units) > 1 else 0.1
    fig = make_subplots(rows=len(units), cols=1, vertical_spacing=spacing,
                        row_heights=[max(1, (comparison["unit"] == u).sum()) for u in units])
    seen_legend = set()
    for i, unit in enumerate(units, start=1):
        rows = comparison[comparison["unit"] == unit].reset_index(drop=True)
        scale = 100.0 if unit == "proportion" else 1.0
        pct = unit in ("proportion", "percent")
        ylabels = [_wrap(f"{r.quantity} \u2013 {r.dataset_label}", 36 if pub else 46) for r in rows.itertuples()]
        # Published
        pub_v = rows["published_value"].astype(float)
        has_ci = (rows["published_ci_low"].notna() & rows["published_ci_high"].notna()).to_numpy()
        fig.add_trace(go.Scatter(
            x=scale * pub_v, y=ylabels, mode="markers", name="Published (95% CI where reported)",
            showlegend="pub" not in seen_legend, legendgroup="pub",
            marker={"symbol": "diamond", "size": 12, "color": OKABE_ITO["black"]},
            error_x={"type": "data",
                     "array": np.where(has_ci, scale * (rows["published_ci_high"] - pub_v), 0),
                     "arrayminus": np.where(has_ci, scale * (pub_v - rows["published_ci_low"]), 0),
                     "thickness": 1.8, "width": 5},
            customdata=rows[["source"]].to_numpy(),
            hovertemplate="%{customdata[0]}: %{x:.0f}" + ("%" if pct else " days") + "<extra></extra>",
            offsetgroup="pub", orientation="h"), row=i, col=1)
        seen_legend.add("pub")
        est = rows[rows["estimate"].notna()]
        yl_est = [ylabels[j] for j in est.index]
        fig.add_trace(go.Scatter(
            x=scale * est["estimate"].astype(float), y=yl_est, mode="markers", name="This dataset (95% CI)",
            showlegend="own" not in seen_legend, legendgroup="own",
            marker={"symbol": "circle", "size": 11, "color": OKABE_ITO["blue"]},
            error_x={"type": "data", "array": scale * (est["ci_high"] - est["estimate"]).fillna(0),
                     "arrayminus": scale * (est["estimate"] - est["ci_low"]).fillna(0), "thickness": 1.8, "width": 5,
                     "color": OKABE_ITO["blue"]},
            customdata=np.column_stack([est["n"].fillna(0).astype(int), est["verdict"]]),
            hovertemplate=("this dataset: %{x:.0f}" + ("%" if pct else " days")
                           + ", n = %{customdata[0]}<br>%{customdata[1]}<extra></extra>"),
            offsetgroup="own", orientation="h"), row=i, col=1)
        seen_legend.add("own")
        fig.update_yaxes(autorange="reversed", row=i, col=1, showgrid=False)
        if pct:
            fig.update_xaxes(title_text="Patients or episodes with relief (%)" if not pub else "With relief (%)",
                             ticksuffix="%", range=[0, 100], row=i, col=1)
        else:
            fig.update_xaxes(title_text=("Duration of relief (days since treatment start)" if not pub
                                         else "Relief duration (days)"), rangemode="tozero", row=i, col=1)
    fig.update_layout(scattermode="group", scattergap=0.5)
    n_est = int(comparison["estimate"].notna().sum())
    subtitle = (f"{n_rows} comparisons, {n_est} with an estimate from this dataset; black = published, "
                "blue = this dataset; definitions differ (see the notes)")
    caption = ("Published values are quoted with their 95% CI where the source gives one. A published value inside "
               "this dataset's interval means the data are compatible with it, not that the treatments work equally.")
    # Screen: a fixed label margin; publication: the y axes' automargin sizes it to the wrapped labels.
    layout = {"height": height, "margin": {"l": 330}} if not pub else {"height": height, "margin": {"l": 280}}
    return _finish(fig, title, subtitle, caption, style, layout=layout)


# ----------------------------------------------------------------------------------------------
# Cheap copies (for caches)
# ----------------------------------------------------------------------------------------------
def figure_to_dict(fig: go.Figure) -> dict:
    """A built figure as plain data (``{"data": [...], "layout": {...}}``, arrays kept as arrays).

    Cheap to pickle and unpickle, unlike a ``Figure``, whose unpickling validates every property
    again: caches store this and hand out :func:`figure_from_dict` copies.
    """
    return fig.to_plotly_json()


def figure_from_dict(spec: dict) -> go.Figure:
    """A ``Figure`` from :func:`figure_to_dict` output, without re-validating what a builder validated."""
    return go.Figure(spec, _validate=False)


__all__ = [
    "OKABE_ITO", "PALETTE", "STYLES", "STATE_COLOURS", "apply_style", "group_colours",
    "figure_to_dict", "figure_from_dict",
    "relief_distribution_figure", "responder_summary_figure", "cumulative_responders_figure",
    "time_series_figure", "relief_over_time_figure", "attrition_figure", "sensitivity_figure", "km_figure",
    "score_over_time_figure", "remission_figure", "secondary_response_figure", "time_to_spread_figure",
    "published_comparison_figure",
]


# ----------------------------------------------------------------------------------------------
# Text from data is drawn, never interpreted (issue 15)
# ----------------------------------------------------------------------------------------------
#: The markup the builders themselves write, and entities (already escaped text): kept as they are.
_OWN_MARKUP = re.compile(r"(</?(?:br|b|i|sup|sub|extra)>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


def escape_markup(text):
    """Escape ``<``, ``>`` and ``&`` of a Plotly text except the builders' own tags.

    Plotly.js renders ``<a href>``, ``<span style>``, ``<img>``-like tags and entities in titles,
    legends, tick and hover labels; a group or measure name from the data must be drawn as it is
    written. The tags the builders use (``<br>``, ``<b>``, ``<i>``, ``<sup>``, ``<sub>``,
    ``<extra>``) and entities pass unchanged, so escaping twice changes nothing.
    """
    if not isinstance(text, str) or not any(c in text for c in "<>&"):
        return text
    parts = _OWN_MARKUP.split(text)
    return "".join(p if i % 2 else plotly_text(p) for i, p in enumerate(parts))


def _escape_array(values):
    """The array with its strings escaped, or None when nothing changes (numbers, plain text)."""
    if values is None or isinstance(values, str):
        return None
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "biufcmM" or values.ndim != 1:
            return None
    elif not (len(values) and isinstance(values[0], str)):
        try:  # Plotly keeps lists as tuples: numbers become a float array here, at C speed
            arr = np.asarray(values)
        except (ValueError, TypeError):  # ragged rows: not text
            return None
        if arr.dtype.kind in "biufcmM" or arr.ndim != 1:
            return None
    try:
        distinct = set(values)  # C speed: a category column has a handful of distinct values
    except TypeError:  # unhashable items: not text
        return None
    bad = {v for v in distinct if isinstance(v, str) and ("<" in v or ">" in v or "&" in v)}
    if not bad:
        return None
    fixed = {v: escape_markup(v) for v in bad}
    return [fixed.get(v, v) for v in values]


def escape_figure_text(fig: go.Figure) -> go.Figure:
    """Escape every text of a figure that Plotly renders as markup, in place; returns it.

    Titles, subtitles, axis titles and tick texts, annotations, legend title, trace names, texts,
    hover texts and templates, and string categories/customdata (see :func:`escape_markup`).
    Called by every builder (through ``_finish``); call it again after adding text from data.
    """
    lay = fig.layout
    if lay.title.text:
        lay.title.text = escape_markup(lay.title.text)
    if lay.title.subtitle and lay.title.subtitle.text:
        lay.title.subtitle.text = escape_markup(lay.title.subtitle.text)
    if lay.legend and lay.legend.title and lay.legend.title.text:
        lay.legend.title.text = escape_markup(lay.legend.title.text)

    def axis(ax):
        if ax.title and ax.title.text:
            ax.title.text = escape_markup(ax.title.text)
        for attr in ("ticktext", "categoryarray"):  # categories must stay equal to the escaped x/y
            new = _escape_array(ax[attr])
            if new is not None:
                ax[attr] = new

    fig.for_each_xaxis(axis)
    fig.for_each_yaxis(axis)
    for ann in lay.annotations or ():
        if ann.text:
            ann.text = escape_markup(ann.text)
    for tr in fig.data:
        for attr in ("name", "hovertemplate", "texttemplate", "text", "hovertext"):
            if attr in tr:
                v = tr[attr]
                if isinstance(v, str):
                    e = escape_markup(v)
                    if e != v:
                        tr[attr] = e
                elif attr in ("text", "hovertext", "hovertemplate"):
                    new = _escape_array(v)
                    if new is not None:
                        tr[attr] = new
        for attr in ("x", "y", "customdata"):
            if attr in tr:
                new = _escape_array(tr[attr])
                if new is not None:
                    tr[attr] = new
        if "legendgrouptitle" in tr and tr.legendgrouptitle.text:
            tr.legendgrouptitle.text = escape_markup(tr.legendgrouptitle.text)
    return fig


# ----------------------------------------------------------------------------------------------
# Forest plots (treatment comparisons, issue 16)
# ----------------------------------------------------------------------------------------------
def _plain(text) -> str:
    """Text from the data as literal text in a Plotly label (no markup)."""
    import html

    return html.escape(str(text), quote=False)


def forest_figure(table: pd.DataFrame, *, label: str = "term", estimate: str = "estimate", ratio: bool = False,
                  x_title: str = "Estimate", title: str = "Treatment comparison", subtitle: str = "",
                  caption: str = "", side_text: str | None = None, style: str = "screen") -> go.Figure:
    """A forest plot: one row per line of ``table`` with its estimate and interval.

    Parameters
    ----------
    table : DataFrame
        Rows to draw in order, with ``label``, ``estimate``, ``ci_low``, ``ci_high`` columns (and
        optionally ``n``); rows whose estimate is missing are listed as "not estimable".
    ratio : bool
        Ratios (hazard, risk, odds): log axis, no-effect line at 1; otherwise a line at 0.
    side_text : str, optional
        Column with a short text printed at the right of each row (e.g. the interaction p-value).
    """
    if table is None or not len(table):
        return _empty(title, "Nothing to compare.", style)
    pub = style == "publication"
    t = table.reset_index(drop=True)
    labels = [_wrap(_plain(v), 40 if pub else 60) for v in t[label]]
    est = t[estimate].astype(float).to_numpy()
    lo, hi = t["ci_low"].astype(float).to_numpy(), t["ci_high"].astype(float).to_numpy()
    ok = np.isfinite(est)
    scale = 1.0
    fig = go.Figure()
    null = 1.0 if ratio else 0.0
    fig.add_vline(x=null, line={"color": GREY, "dash": "dash", "width": 1.2})
    n_text = [("" if "n" not in t.columns or pd.isna(v) else f"n = {int(v):,}") for v in t.get("n", [np.nan] * len(t))]
    fig.add_trace(go.Scatter(
        x=scale * est[ok], y=[labels[i] for i in np.flatnonzero(ok)], mode="markers", orientation="h",
        name="estimate (CI)", showlegend=False,
        marker={"symbol": "square", "size": STYLES[style]["marker_size"] + 3, "color": OKABE_ITO["blue"]},
        error_x={"type": "data", "symmetric": False, "array": np.nan_to_num(hi[ok] - est[ok]),
                 "arrayminus": np.nan_to_num(est[ok] - lo[ok]), "thickness": 1.8, "width": 4,
                 "color": OKABE_ITO["blue"]},
        customdata=np.column_stack([lo[ok], hi[ok], [n_text[i] for i in np.flatnonzero(ok)]]),
        hovertemplate="%{y}: %{x:.3g} (%{customdata[0]:.3g} to %{customdata[1]:.3g}) %{customdata[2]}<extra></extra>"))
    if (~ok).any():
        fig.add_trace(go.Scatter(x=[null] * int((~ok).sum()), y=[labels[i] for i in np.flatnonzero(~ok)],
                                 mode="text", text=["not estimable"] * int((~ok).sum()), textposition="middle right",
                                 showlegend=False, hoverinfo="skip"))
    if side_text and side_text in t.columns:
        for i, txt in enumerate(t[side_text]):
            if isinstance(txt, str) and txt:
                fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=labels[i], yref="y", text=_plain(txt),
                                   showarrow=False, font={"color": "#444444"})
    fig.update_yaxes(autorange="reversed", showgrid=False, categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title_text=x_title, type="log" if ratio else "linear", zeroline=False)
    height = max(STYLES[style]["height"], 170 + (34 if not pub else 40) * len(t))
    layout = {"height": height, "margin": {"l": 300 if not pub else 250, "r": 150 if side_text else 30},
              "showlegend": False}
    return _finish(fig, title, subtitle, caption, style, layout=layout)


def subgroup_forest_figure(table: pd.DataFrame, *, style: str = "screen") -> go.Figure:
    """Forest plot of :func:`analysis.comparisons.subgroup_effects`: the treatment effect within
    each level of each covariate, with the interaction p-value at the right of each covariate."""
    if table is None or not len(table):
        return _empty("Treatment effect by subgroup", "Nothing to compare.", style)
    t = table.copy()
    measure = str(t["measure"].iloc[0])
    ratio = measure != "risk difference"
    if not ratio:
        for c in ("estimate", "ci_low", "ci_high"):
            t[c] = 100 * t[c].astype(float)
    t["row"] = [f"{c}: {lv}" if lv else str(c) for c, lv in zip(t["covariate"], t["level"])]
    first = ~t["covariate"].duplicated()
    t["side"] = [(f"interaction p = {p:.2g}" if f and pd.notna(p) else "") for f, p in zip(first, t["interaction_p"])]
    conf = _conf(t)
    trt, ref = t["treatment"].iloc[0], t["reference"].iloc[0]
    x_title = (f"{measure.capitalize()} ({conf:.0%} CI)" + (", percentage points" if not ratio else "")
               + f": {_plain(trt)} vs {_plain(ref)}")
    subtitle = (f"{_plain(str(t['outcome'].iloc[0]))}; patients as clusters; n = episodes in the subgroup. "
                "Read the interaction p-value (does the effect differ between levels?), not single subgroups.")
    caption = methods.CAPTION_SUBGROUPS
    return forest_figure(t, label="row", ratio=ratio, x_title=x_title, title="Treatment effect by subgroup",
                         subtitle=subtitle, caption=caption, side_text="side", style=style)


def model_terms_figure(table: pd.DataFrame, *, kind: str = "hazard", title: str | None = None,
                       subtitle: str = "", style: str = "screen") -> go.Figure:
    """Forest plot of an adjusted model's terms: ``kind="hazard"`` draws the hazard ratios of
    :func:`analysis.comparisons.relief_hazard_model`; ``"risk_difference"`` / ``"risk_ratio"`` the
    treatment rows of :func:`analysis.comparisons.responder_comparison` (one measure)."""
    if table is None or not len(table):
        return _empty(title or "Adjusted model", "Nothing to compare.", style)
    t = table.copy()
    conf = _conf(t)
    if kind == "hazard":
        t = t.rename(columns={"hazard_ratio": "estimate"})
        return forest_figure(t, ratio=True, x_title=f"Hazard ratio of losing relief ({conf:.0%} CI, log scale)",
                             title=title or "Hazard of losing relief: adjusted hazard ratios", subtitle=subtitle,
                             caption=methods.CAPTION_HAZARD_MODEL,
                             style=style)
    ratio = kind != "risk_difference"
    if not ratio:
        for c in ("estimate", "ci_low", "ci_high"):
            t[c] = 100 * t[c].astype(float)
    if "outcome" in t.columns and "adjustment" in t.columns:
        t["row"] = [f"{o}, {a}: {term.removeprefix('treatment: ')}" for o, a, term in
                    zip(t["outcome"], t["adjustment"], t["term"])]
    else:
        t["row"] = t["term"]
    name = "Risk difference (percentage points)" if not ratio else "Risk ratio (log scale)"
    return forest_figure(t, label="row", ratio=ratio, x_title=f"{name}, {conf:.0%} CI",
                         title=title or "Responders: treatment comparisons", subtitle=subtitle,
                         caption=methods.CAPTION_RESPONDER_MODEL,
                         style=style)


__all__ += ["forest_figure", "subgroup_forest_figure", "model_terms_figure"]


# ----------------------------------------------------------------------------------------------
# One patient's timeline (issue 14)
# ----------------------------------------------------------------------------------------------
def _nice_dtick(span: float, ticks: int = 5) -> float:
    """A tick step giving about ``ticks`` intervals over ``span`` (1, 2, 5 x 10^k)."""
    if not np.isfinite(span) or span <= 0:
        return 1.0
    raw = span / float(ticks)
    mag = 10 ** np.floor(np.log10(raw))
    return float(min((s * mag for s in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def patient_timeline_figure(timeline, *, measures=None, style: str = "screen") -> go.Figure:
    """One patient's scores over days, with treatment courses, episodes and the day relief was lost.

    Parameters
    ----------
    timeline : analysis.timeline.PatientTimeline
        :func:`analysis.timeline.patient_timeline` (derived under the page's definitions).
    measures : sequence of str, optional
        The measures to draw (default: all, the outcome measure first).

    Notes
    -----
    Top: a lane of the treatment courses (number, treatment and dose or other details, alternating
    between two rows so that labels do not collide). Below: one panel per measure with its label and
    range. Each course's follow-up is a shaded span across every panel, starting at a solid line (the
    episode boundary); a dotted line marks where the follow-up window ends before the next course.
    On the outcome measure's panel: the baseline (square), immediate (diamond) and follow-up (circle;
    filled = relief >= threshold, open = below) scores of each episode, the responder threshold of each
    responding episode (baseline x (1 - threshold/100); relief is lost above it), and a dashed vertical
    line where relief was lost. All text from the data is HTML-escaped (Plotly renders tags).
    """
    tl = timeline
    d = tl.definitions
    esc = plotly_text
    title = f"Patient {esc(tl.patient_id)}"
    mtab = tl.measures
    if measures is not None:
        mtab = mtab[mtab["measure"].isin(list(measures)) | mtab["outcome"]]
    mtab = mtab[mtab["n_scores"] > 0].reset_index(drop=True)
    if not len(mtab) and not len(tl.courses):
        return _empty(title, "No score and no treatment course for this patient.", style)
    courses = tl.courses
    has_lane = len(courses) > 0
    n_panels = len(mtab)
    heights = ([0.55] if has_lane else []) + [2.4 if o else 1.0 for o in mtab["outcome"]]
    titles = (["Treatment courses"] if has_lane else []) + [
        f"{esc(r.label)} \u00b7 {r.n_scores} score{'s' if r.n_scores != 1 else ''}" for r in mtab.itertuples()]
    rows = len(heights)
    if rows == 0:
        return _empty(title, "Nothing to draw for this patient.", style)
    # About 60 px between panels: the day labels of the outcome panel, then the next panel's title.
    gap_px = 60
    est_px = (80 if has_lane else 0) + 290 + 120 * max(n_panels - 1, 0) + gap_px * (rows - 1)
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, row_heights=heights, subplot_titles=titles,
                        vertical_spacing=gap_px / est_px if rows > 1 else 0.0)
    first_panel = 2 if has_lane else 1
    s = STYLES[style]
    treatments = list(dict.fromkeys(courses["treatment"].tolist()))
    tcol = {t: colour_for(i + 2) for i, t in enumerate(treatments)}  # not blue/vermillion: those are the scores
    days = np.concatenate([tl.scores["day"].to_numpy(float), courses["start"].to_numpy(float),
                           courses["end"].to_numpy(float)]) if len(tl.scores) or len(courses) else np.zeros(1)
    days = days[np.isfinite(days)]
    x0, x1 = float(days.min()), float(days.max())
    pad = max(2.0, 0.02 * (x1 - x0))

    # Courses: lane bars with labels, spans and boundaries in every panel. Shapes are collected as plain
    # dicts and set once (add_vrect/add_vline per panel validated each one: seconds for a few courses).
    shapes, notes = [], []

    def ax(r: int, kind: str) -> str:
        return kind if r == 1 else f"{kind}{r}"

    # Lanes: each label goes to the first lane where it does not overlap the previous label there (its
    # width estimated at ~6.5 px per character over a plot ~520 px wide: the dashboard beside its sidebar).
    days_per_px = (x1 - x0 + 2 * pad) / 520.0
    lane_end: list[float] = []
    lanes = []
    labels = []
    for c in courses.itertuples(index=False):
        dose = _dose_text(c._asdict(), list(courses.columns))
        plain = f"{c.course} {c.treatment}" + (f" · {dose}" if dose else "")
        label = f"<b>{c.course}</b> {esc(c.treatment)}" + (f" · {esc(dose)}" if dose else "")
        width = (6.5 * len(plain) + 10) * days_per_px
        lane = next((k for k, e in enumerate(lane_end) if c.start >= e), len(lane_end))
        if lane == len(lane_end):
            lane_end.append(0.0)
        lane_end[lane] = max(c.end, c.start + width)
        lanes.append(lane)
        labels.append(label)
    n_lanes = max(len(lane_end), 1)
    for i, c in enumerate(courses.itertuples(index=False)):
        colour = tcol[c.treatment]
        lane = lanes[i]
        shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": c.start, "x1": c.end, "y0": lane - 0.38,
                       "y1": lane + 0.38, "fillcolor": rgba(colour, 0.35), "line": {"width": 0},
                       "layer": "below"})
        notes.append({"x": c.start, "y": lane, "xref": "x", "yref": "y", "text": labels[i], "showarrow": False,
                      "xanchor": "left", "xshift": 3, "align": "left",
                      "font": {"size": s["font_size"] - 2, "color": "#111111"}})
        nxt = courses["start"].iloc[i + 1] if i + 1 < len(courses) else np.inf
        for r in range(first_panel, rows + 1):
            xr, yr = ax(r, "x"), f"{ax(r, 'y')} domain"
            shapes.append({"type": "rect", "xref": xr, "yref": yr, "x0": c.start, "x1": c.end, "y0": 0, "y1": 1,
                           "fillcolor": rgba(colour, 0.10), "line": {"width": 0}, "layer": "below"})
            shapes.append({"type": "line", "xref": xr, "yref": yr, "x0": c.start, "x1": c.start, "y0": 0, "y1": 1,
                           "line": {"color": colour, "width": 1.5}, "layer": "below"})
            if c.end < nxt:
                shapes.append({"type": "line", "xref": xr, "yref": yr, "x0": c.end, "x1": c.end, "y0": 0, "y1": 1,
                               "line": {"color": colour, "width": 1, "dash": "dot"}, "layer": "below"})
    if has_lane:
        # Hover on the lane: one invisible point per course with its text.
        fig.add_trace(go.Scatter(
            x=(courses["start"] + courses["end"]) / 2, y=lanes, mode="markers",
            marker={"size": 18, "opacity": 0}, showlegend=False,
            customdata=np.column_stack([courses["course"], [esc(t) for t in courses["treatment"]],
                                        [esc(x) for x in courses["details"]], courses["start"], courses["end"]]),
            hovertemplate=("course %{customdata[0]}: %{customdata[1]} %{customdata[2]}<br>day %{customdata[3]} to "
                           "%{customdata[4]} (end of its follow-up)<extra></extra>")), row=1, col=1)
        fig.update_yaxes(range=[n_lanes - 0.4, -0.6], showticklabels=False, showgrid=False, ticks="", showline=False,
                         zeroline=False, fixedrange=True, row=1, col=1)
        fig.update_xaxes(showgrid=False, row=1, col=1)
        for t in treatments:  # legend: one entry per treatment
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=esc(t),
                                     marker={"symbol": "square", "size": 12, "color": rgba(tcol[t], 0.5),
                                             "line": {"color": tcol[t], "width": 1}}), row=1, col=1)

    # Measures.
    ep = tl.episodes
    pts = tl.points
    thr = float(d.threshold)
    for j, m in enumerate(mtab.itertuples(index=False)):
        r = first_panel + j
        sc = tl.scores[tl.scores["measure"] == m.measure]
        lo = float(m.min) if np.isfinite(m.min) else float(min(sc["value"].min(), 0))
        hi = float(m.max) if np.isfinite(m.max) else float(max(sc["value"].max(), lo + 1))
        span = hi - lo
        fig.update_yaxes(range=[lo - 0.06 * span, hi + 0.06 * span], tick0=lo,
                         dtick=max(1.0, _nice_dtick(span, 5 if m.outcome else 3)),
                         title_text="score" if not m.outcome else esc(m.label.split(" (")[0]), row=r, col=1)
        fig.add_trace(go.Scatter(
            x=sc["day"], y=sc["value"], mode="lines+markers", name=esc(m.label), showlegend=bool(m.outcome),
            legendgroup="scores" if m.outcome else None,
            line={"color": "#9A9A9A" if m.outcome else OKABE_ITO["blue"], "width": 1.2},
            marker={"size": 4 if m.outcome else 5, "color": "#9A9A9A" if m.outcome else OKABE_ITO["blue"]},
            hovertemplate=f"{esc(m.label)}<br>day %{{x:g}}: %{{y:g}}<extra></extra>"), row=r, col=1)
        if not m.outcome or not len(ep):
            continue
        # The responder threshold of each responding episode, over its follow-up.
        resp = ep[ep["responder"]]
        if len(resp):
            xs, ys = [], []
            for e in resp.itertuples(index=False):  # a few episodes
                xs += [e.start, e.end, None]
                ys += [e.threshold_score, e.threshold_score, None]
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": OKABE_ITO["vermillion"], "width": 1.2,
                                                                     "dash": "dot"},
                                     name=f"Relief {thr:g}% threshold (above it: relief lost)", hoverinfo="skip"),
                          row=r, col=1)
        styles = {
            "baseline": ("Baseline", {"symbol": "square", "size": 10, "color": OKABE_ITO["black"]}),
            "immediate": ("Immediate score", {"symbol": "diamond", "size": 12, "color": OKABE_ITO["blue"],
                                              "line": {"color": "white", "width": 1}}),
        }
        for kind, (name, marker) in styles.items():
            p = pts[pts["kind"] == kind]
            if len(p):
                fig.add_trace(go.Scatter(
                    x=p["day"], y=p["value"], mode="markers", name=name, marker=marker,
                    customdata=np.column_stack([p["episode"], p["relief_pct"].round(0)]),
                    hovertemplate=(f"{name}, episode %{{customdata[0]}}<br>day %{{x:g}}: %{{y:g}}"
                                   + ("" if kind == "baseline" else " (relief %{customdata[1]}%)")
                                   + "<extra></extra>")), row=r, col=1)
        for below, name, marker in (
                (False, f"Follow-up, relief \u2265 {thr:g}%", {"symbol": "circle", "size": 8,
                                                                "color": OKABE_ITO["blue"]}),
                (True, f"Follow-up, relief < {thr:g}%", {"symbol": "circle-open", "size": 8,
                                                         "color": OKABE_ITO["vermillion"], "line": {"width": 2}})):
            p = pts[(pts["kind"] == "follow-up") & (pts["below_threshold"] == below)]
            if len(p):
                fig.add_trace(go.Scatter(
                    x=p["day"], y=p["value"], mode="markers", name=name, marker=marker,
                    customdata=np.column_stack([p["episode"], p["relief_pct"].round(0)]),
                    hovertemplate=("follow-up, episode %{customdata[0]}<br>day %{x:g}: %{y:g} "
                                   "(relief %{customdata[1]}%)<extra></extra>")), row=r, col=1)
        lost = ep[ep["loss_day"].notna()]
        if len(lost):
            for e in lost.itertuples(index=False):
                for rr in range(first_panel, rows + 1):
                    shapes.append({"type": "line", "xref": ax(rr, "x"), "yref": f"{ax(rr, 'y')} domain",
                                   "x0": e.loss_day, "x1": e.loss_day, "y0": 0, "y1": 1,
                                   "line": {"color": OKABE_ITO["vermillion"], "width": 2, "dash": "dash"}})
            yv = pd.Series(sc["value"].to_numpy(), index=sc["day"].to_numpy())
            ly = [float(yv.get(x, np.nan)) if x in yv.index else hi for x in lost["loss_day"]]
            fig.add_trace(go.Scatter(
                x=lost["loss_day"], y=ly, mode="markers", name="Relief lost (dashed line)",
                marker={"symbol": "x-thin-open", "size": 16, "color": OKABE_ITO["vermillion"], "line": {"width": 3}},
                customdata=np.column_stack([lost["episode"], lost["loss_by"]]),
                hovertemplate="relief lost on day %{x:g} (episode %{customdata[0]}, by %{customdata[1]})"
                              "<extra></extra>"), row=r, col=1)
    fig.update_layout(shapes=shapes, annotations=list(fig.layout.annotations) + notes)
    fig.update_xaxes(range=[x0 - pad, x1 + pad], showticklabels=False)
    # Day labels under the outcome panel and the last one (the panels share the axis).
    for r in {first_panel, rows}:
        fig.update_xaxes(showticklabels=True, row=r, col=1)
    x_title = "Day" + (" (0 = first treatment)" if len(courses) and float(courses["start"].min()) == 0 else "")
    fig.update_xaxes(title_text=x_title, row=rows, col=1)
    n_out = int(mtab.loc[mtab["outcome"], "n_scores"].sum()) if len(mtab) else 0
    n_lost = int(ep["loss_day"].notna().sum()) if len(ep) else 0
    out_short = measure_short(d.measure)
    subtitle = (f"{len(courses)} treatment course{'s' if len(courses) != 1 else ''}, {len(ep)} episode"
                f"{'s' if len(ep) != 1 else ''} analysed, {n_out} {esc(out_short)} scores; relief lost "
                f"{n_lost} time{'s' if n_lost != 1 else ''} (responder: relief \u2265 {thr:g}%)")
    if not len(courses):
        subtitle = f"No treatment course: scores only; {n_out} {esc(out_short)} scores"
    caption = methods.caption_patient_timeline(d)
    # The legend above the panels, under the title: the whole width stays for the days.
    legend_px = 24 * max(_legend_rows(fig, style, 760 if style == "screen" else STYLES[style]["width"] - 100), 1)
    top = 120 + legend_px   # title and subtitle (~90 px), the legend, the first panel's title (~26 px)
    plots = (34 + 24 * n_lanes if has_lane else 0) + 290 + 120 * max(n_panels - 1, 0) + gap_px * (rows - 1)
    height = top + plots + 60
    layout = {"height": height, "margin": {"t": top, "r": 24, "b": 60},
              "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1 + 26 / plots, "yanchor": "bottom",
                         "yref": "paper"}}
    return _finish(fig, title, subtitle, caption, style, layout=layout)


def _dose_text(course: dict, columns: list) -> str:
    """The dose of a course for its label: columns named ``dose...``, with the unit read from the name
    (``dose_mg_per_kg_h`` 0.35 -> "0.35 mg/kg/h"; ``dose`` 50 -> "dose 50"). Other extra columns
    (sessions, ...) are in the hover and the episode table."""
    parts = []
    for c in columns:
        if not str(c).lower().startswith("dose"):
            continue
        v = course.get(c)
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v) == "":
            continue
        val = f"{v:g}" if isinstance(v, (float, np.floating, int, np.integer)) else str(v)
        unit = "/".join(t for t in str(c).split("_")[1:] if t and t.lower() != "per")
        parts.append(f"{val} {unit}" if unit else f"dose {val}")
    return ", ".join(parts)


__all__.append("patient_timeline_figure")


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
    from .views import ALL_GROUPS

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


__all__.append("trajectory_figure")
