"""Common look of every figure: colours, layout presets (screen, publication), titles and captions,
threshold lines, interval bands, the empty figure; cheap copies of built figures for caches.

The names with a leading underscore are the builders' shared helpers, used inside
:mod:`analysis.figures` only.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import methods
from ..definitions import IMMPACT_THRESHOLDS
from ..present.labels import row_labels
from .markup import escape_figure_text


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


def wrap_text(text: str, width: int = 110) -> str:
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
    fig.update_layout(title={"text": title, "subtitle": {"text": wrap_text(subtitle, wrap)}},
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
    labs = row_labels(table, by).tolist() if len(table) else []
    seen = list(dict.fromkeys(labs))
    if groups is None:
        return seen
    return [g for g in groups if g in seen] + [g for g in seen if g not in groups]


def _grouped(table: pd.DataFrame, by, groups=None) -> tuple[list, pd.Series, list, dict]:
    """The group columns, each row's group label, the labels in drawing order, and their colours."""
    by = list(by)
    order = _labels_in_order(table, by, groups)
    return by, row_labels(table, by), order, group_colours(groups if groups is not None else order)


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
