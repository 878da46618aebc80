"""analysis/figures.py: figures build from analysis results, with axis titles, units, n and one trace set per group."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import figures
from analysis.present import labels
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.duration import relief_duration, time_to_spread
from analysis.episodes import build_episodes
from analysis.published import compare_with_published, load_published
from analysis.relief import (attrition, cumulative_responders, immediate_relief, relief_over_time, responder_rates,
                             responder_sensitivity, select)
from analysis.secondary import remission_over_time, score_over_time

BY = ("treatment",)


def _dataset(seed: int = 7, n: int = 40) -> Dataset:
    """Seeded synthetic cohort: two treatments, pain falls after each start and returns."""
    rng = np.random.default_rng(seed)
    pid = np.repeat([f"P{i:03d}" for i in range(n)], 12)
    day = np.tile(np.array([-2, 1, 5, 9, 14, 21, 28, 35, 42, 56, 70, 84], dtype=float), n)
    base = np.repeat(rng.uniform(5, 9, n), 12)
    relief = np.where(day > 0, 0.5 * np.exp(-day / 30), 0)
    pain = np.clip(np.round(base * (1 - relief) + rng.normal(0, 0.6, len(day))), 0, 10)
    regions = np.where(day > 40, np.repeat(rng.integers(1, 3, n), 12), 1).astype(float)
    phq = np.clip(np.round(12 * (1 - relief) + rng.normal(0, 2, len(day))), 0, 27)
    a = pd.concat([
        pd.DataFrame({"patient_id": pid, "day": day, "measure": "pain_nrs", "value": pain}),
        pd.DataFrame({"patient_id": pid, "day": day, "measure": "regions_affected", "value": regions}),
        pd.DataFrame({"patient_id": pid, "day": day, "measure": "phq9", "value": phq}),
    ])
    t = pd.DataFrame({"patient_id": [f"P{i:03d}" for i in range(n)], "day": 0.0,
                      "treatment": ["ketamine_iv" if i % 2 else "physical_therapy" for i in range(n)]})
    return Dataset.from_frames(a, t)


@pytest.fixture(scope="module")
def ep():
    return build_episodes(_dataset(), Definitions())


def _axis_titles(fig) -> list[str]:
    lay = fig.to_dict()["layout"]
    return [v["title"]["text"] for k, v in lay.items()
            if (k.startswith("xaxis") or k.startswith("yaxis")) and isinstance(v, dict) and v.get("title", {}).get("text")]


def _named(fig) -> list:
    return [t for t in fig.data if t.showlegend is not False and t.name]


def _assert_common(fig, *axis_words):
    meta = fig.layout.meta
    assert fig.layout.title.text and meta["caption"], "title and caption"
    assert "n = " in (fig.layout.title.subtitle.text or "") or any("n = " in (t.name or "") for t in fig.data) or any(
        "n = " in (a.text or "") for a in fig.layout.annotations)
    titles = " | ".join(_axis_titles(fig))
    for w in axis_words:
        assert w in titles, (w, titles)
    colours = {getattr(getattr(t, "line", None), "color", None) for t in fig.data} - {None}
    assert colours <= set(figures.PALETTE) | {figures.GREY} | set(figures.STATE_COLOURS.values()) | {"#000000"}


def test_relief_distribution_one_box_per_group_with_n(ep):
    rows = select(ep, BY)
    fig = figures.relief_distribution_figure(rows, BY, definitions=ep.definitions)
    _assert_common(fig, "Immediate relief from baseline (%)")
    assert len(fig.data) == 2
    n_ket = int(rows.loc[rows["treatment"] == "ketamine_iv", "immediate_relief_pct"].notna().sum())
    assert f"ketamine_iv (n = {n_ket})" in [t.name for t in fig.data]
    shapes = [s.y0 for s in fig.layout.shapes]
    assert 30.0 in shapes and 50.0 in shapes  # reference lines


def test_responder_summary_dot_and_whisker(ep):
    im, rr = immediate_relief(ep, BY), responder_rates(ep, by=BY)
    fig = figures.responder_summary_figure(im, rr, BY, definitions=ep.definitions)
    _assert_common(fig, "Immediate relief from baseline (%)", "Responders (% of episodes)")
    assert len(fig.data) == 1 + rr["threshold"].nunique()
    resp30 = next(t for t in fig.data if t.name == "Relief \u2265 30%")
    r = rr[rr["threshold"] == 30.0].reset_index(drop=True)
    np.testing.assert_allclose(resp30.y, 100 * r["estimate"])
    np.testing.assert_allclose(resp30.error_y.array, 100 * (r["ci_high"] - r["estimate"]))


def test_cumulative_curve_band_and_line_per_group(ep):
    cum = cumulative_responders(ep, BY)
    fig = figures.cumulative_responders_figure(cum, BY)
    _assert_common(fig, "Relief from baseline, at least (%)", "Episodes with at least this relief (%)")
    assert len(fig.data) == 2 * 2  # band + line per group
    assert {s.x0 for s in fig.layout.shapes} >= {30.0, 50.0}


@pytest.mark.parametrize("statistic, axis", [("mean_relief_pct", "Relief from baseline (%)"),
                                             ("responder_rate", "Responders (% of episodes)")])
def test_relief_over_time(ep, statistic, axis):
    rot = relief_over_time(ep, BY)
    fig = figures.relief_over_time_figure(rot, BY, statistic=statistic, group_n={"ketamine_iv": 20})
    _assert_common(fig, axis, "Weeks since treatment start")
    assert len(fig.data) == 2 * 2
    assert "ketamine_iv (n = 20 episodes)" in [t.name for t in fig.data]
    hover = next(t for t in fig.data if t.hovertemplate and t.name.startswith("ketamine_iv")).hovertemplate
    assert "n = %{customdata[2]}" in hover


def test_attrition_and_sensitivity(ep):
    att = attrition(ep, BY)
    fig = figures.attrition_figure(att, BY)
    _assert_common(fig, "Episodes (%)", "Weeks since treatment start")
    assert len(fig.data) == 2 * att["state"].nunique()
    assert fig.layout.barmode == "stack"
    sens = responder_sensitivity(ep, BY)
    fig = figures.sensitivity_figure(sens, BY)
    _assert_common(fig, "Responders (% of episodes)", "Weeks since treatment start")
    assert len([t for t in fig.data if t.mode == "lines+markers"]) == 2 * 2


def test_km_figure_bands_censor_marks_and_risk_table(ep):
    res = relief_duration(ep, BY)
    fig = figures.km_figure(res, definitions=ep.definitions)
    _assert_common(fig, "Still relieved (%)", "Days since treatment start")
    steps = [t for t in fig.data if t.line and t.line.shape == "hv"]
    assert len(steps) == len(res.fits)
    risk = [t for t in fig.data if t.mode == "text"]
    assert len(risk) == len(res.fits)
    ar = res.at_risk(np.asarray(risk[0].x, dtype=float))
    key = list(res.fits)[0]
    first = ar[ar["treatment"] == key[0]]
    assert list(risk[0].text) == [f"{int(v):,}" for v in first["at_risk"]]
    if res.logrank is not None:
        assert "Log-rank" in fig.layout.title.subtitle.text
    # excluding a group removes its traces and the log-rank text
    fig2 = figures.km_figure(res, exclude=[key])
    assert len([t for t in fig2.data if t.mode == "text"]) == len(res.fits) - 1


def test_all_censored_single_group():
    a = pd.DataFrame({"patient_id": "E1", "day": [-1.0, 1.0, 14.0, 30.0], "measure": "pain_nrs",
                      "value": [8.0, 2.0, 2.0, 3.0]})
    t = pd.DataFrame({"patient_id": ["E1"], "day": [0.0], "treatment": ["ketamine_iv"]})
    e = build_episodes(Dataset.from_frames(a, t), Definitions())
    res = relief_duration(e, BY)
    fig = figures.km_figure(res)
    assert "0 with loss of relief" in fig.layout.title.subtitle.text
    censor = [t for t in fig.data if t.mode == "markers"]
    assert len(censor) == 1 and list(censor[0].x) == [30.0]


def test_secondary_figures(ep):
    e2 = build_episodes(_dataset(), Definitions(measure="phq9"))
    sot = score_over_time(e2, BY)
    fig = figures.score_over_time_figure(sot, BY, measure="phq9")
    _assert_common(fig, "Mean PHQ-9 depression (0-27)", "Weeks since treatment start")
    fig = figures.score_over_time_figure(sot, BY, measure="phq9", statistic="mean_change")
    _assert_common(fig, "Change in PHQ-9 depression score (points)")
    rem = remission_over_time(e2, by=BY)
    fig = figures.remission_figure(rem, BY, measure="phq9")
    _assert_common(fig, "Episodes in remission (%)")
    e3 = build_episodes(_dataset(), Definitions(measure="regions_affected"))
    fig = figures.time_to_spread_figure(time_to_spread(e3, BY))
    _assert_common(fig, "Free of spread (%)", "Days since treatment start")


def test_published_comparison_figure():
    pub = load_published()
    table = pd.DataFrame({"treatment": ["ketamine_iv"] * 3, "statistic": ["immediate_responder_rate",
                          "responder_rate", "median_relief_duration_days"], "week": [np.nan, 4.0, np.nan],
                          "estimate": [0.6, 0.4, 30.0], "ci_low": [0.5, 0.3, 25.0], "ci_high": [0.7, 0.5, 36.0],
                          "n": [100, 80, 60]})
    cmp = compare_with_published(table, pub, threshold=30)
    fig = figures.published_comparison_figure(cmp)
    assert fig.layout.title.text
    assert "Patients or episodes with relief (%)" in _axis_titles(fig)
    assert "Duration of relief (days since treatment start)" in _axis_titles(fig)
    names = {t.name for t in fig.data}
    assert {"Published (95% CI where reported)", "This dataset (95% CI)"} <= names


def test_empty_results_give_an_explaining_figure():
    empty = pd.DataFrame(columns=["treatment", "week", "estimate", "ci_low", "ci_high", "n", "statistic"])
    fig = figures.relief_over_time_figure(empty, BY)
    assert "No group large enough" in fig.layout.annotations[0].text


@pytest.mark.parametrize("style", ["screen", "publication"])
def test_styles(ep, style):
    fig = figures.cumulative_responders_figure(cumulative_responders(ep, BY), BY, style=style)
    assert fig.layout.paper_bgcolor == "white" and fig.layout.plot_bgcolor == "white"
    if style == "publication":
        assert fig.layout.width == figures.STYLES["publication"]["width"]
        assert fig.layout.template.layout.xaxis.showgrid is False
    with pytest.raises(ValueError, match="style must be one of"):
        figures.apply_style(fig, "poster")


def test_publication_fonts_are_readable_at_single_column_width():
    """640 px printed at 85 mm: 1 px = 0.376 pt; tick labels and legend >= 6 pt, axis titles >= 6.5 pt."""
    pub, scr = figures.STYLES["publication"], figures.STYLES["screen"]
    pt = 85 / 25.4 * 72 / pub["width"]
    assert pub["font_size"] * pt >= 6 and pub["legend_size"] * pt >= 6 and pub["annotation_size"] * pt >= 5.5
    assert pub["axis_title_size"] * pt >= 6.5
    assert scr["font_size"] == 13 and scr["height"] == 460  # the screen preset is unchanged
    t = figures.style._TEMPLATES["publication"].layout
    assert t.font.size == pub["font_size"] and t.xaxis.title.font.size == pub["axis_title_size"]


@pytest.mark.parametrize("style", ["screen", "publication"])
def test_apply_style_is_idempotent_and_keeps_the_builders_layout(ep, style):
    res = relief_duration(ep, BY)
    fig = figures.km_figure(res, definitions=ep.definitions, style=style)
    before = fig.to_plotly_json()["layout"]
    assert before["height"] > figures.STYLES[style]["height"]  # taller, for the number-at-risk table
    figures.apply_style(fig, style)
    figures.apply_style(fig, style)
    assert fig.to_plotly_json()["layout"] == before
    att = figures.attrition_figure(attrition(ep, BY), BY, style=style)
    h, m = att.layout.height, att.layout.margin.t
    figures.apply_style(att, style)
    assert (att.layout.height, att.layout.margin.t) == (h, m)
    # Restyling to the other style keeps the builder's extra height.
    other = "publication" if style == "screen" else "screen"
    extra = fig.layout.height - figures.STYLES[style]["height"]
    figures.apply_style(fig, other)
    assert fig.layout.height - figures.STYLES[other]["height"] == extra


def test_km_time_axis_title_sits_under_the_risk_table(ep):
    fig = figures.km_figure(relief_duration(ep, BY), style="publication")
    assert fig.layout.xaxis2.title.text == "Days since treatment start"   # the table's (bottom) axis
    assert not fig.layout.xaxis.title.text and fig.layout.xaxis.showticklabels is True
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y > 1  # legend above, no gap below


def test_publication_responders_panel_has_horizontal_labels(ep):
    im, rr = immediate_relief(ep, BY), responder_rates(ep, by=BY)
    fig = figures.responder_summary_figure(im, rr, BY, style="publication")
    resp30 = next(t for t in fig.data if t.name == "Relief \u2265 30%")
    r = rr[rr["threshold"] == 30.0].reset_index(drop=True)
    np.testing.assert_allclose(resp30.x, 100 * r["estimate"])     # values along x, groups down the y axis
    assert all(str(v).startswith(("ketamine_iv", "physical_therapy")) for v in resp30.y)


def test_group_order_keeps_colours_stable(ep):
    cum = cumulative_responders(ep, BY)
    a = figures.cumulative_responders_figure(cum, BY, groups=["physical_therapy", "ketamine_iv"])
    line = next(t for t in a.data if t.name.startswith("physical_therapy") and t.mode == "lines" and t.fill is None)
    assert line.line.color == figures.PALETTE[0]
    assert labels.group_label(("a", "b"), ("x", "y")) == "a / b"
