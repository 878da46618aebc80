"""This dataset beside published figures (forest-style)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import OKABE_ITO, STYLES, _empty, _finish, wrap_text


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
        ylabels = [wrap_text(f"{r.quantity} \u2013 {r.dataset_label}", 36 if pub else 46) for r in rows.itertuples()]
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
