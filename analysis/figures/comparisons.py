"""Forest plots of treatment comparisons (issue 16): model terms and subgroup effects."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import methods
from .style import GREY, OKABE_ITO, STYLES, _conf, _empty, _finish, wrap_text


def _plain(text) -> str:
    """Text from the data as literal text in a Plotly label (no markup)."""
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
    labels = [wrap_text(_plain(v), 40 if pub else 60) for v in t[label]]
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
