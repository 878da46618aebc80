"""One patient's timeline (issue 14): courses, scores, episodes and loss of relief."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import methods
from ..escaping import plotly_text
from ..measures import measure_short
from .style import OKABE_ITO, STYLES, _empty, _finish, _legend_rows, colour_for, rgba


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
    responding episode (baseline x (1 - threshold/100), relief lost above it; x (1 + threshold/100), lost
    below it, for a higher-is-better measure), and a dashed vertical
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
    n_resp = int(ep["responder"].fillna(False).astype(bool).sum()) if len(ep) else 0
    out_short = measure_short(d.measure)
    # "relief lost 0 times" read as relief kept, for a patient who never had any to lose.
    relief_txt = (f"never reached the responder threshold (relief \u2265 {thr:g}%)" if not n_resp else
                  f"immediate responder in {n_resp} episode{'s' if n_resp != 1 else ''}, relief lost "
                  f"{n_lost} time{'s' if n_lost != 1 else ''} (responder: relief \u2265 {thr:g}%)")
    subtitle = (f"{len(courses)} treatment course{'s' if len(courses) != 1 else ''}, {len(ep)} episode"
                f"{'s' if len(ep) != 1 else ''} analysed, {n_out} {esc(out_short)} scores; {relief_txt}")
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
