"""Secondary outcomes: PHQ-9, GAD-7, CSS and any other measure; symptom spread and time to spread."""
from __future__ import annotations

import streamlit as st

from analysis import views
from analysis.escaping import markdown_text
from analysis.secondary import REMISSION_BELOW, RESPONSE_PCT
from dashboard import cache, no_treatments, state

st.title("Secondary outcomes")
ctx = state.require_dataset()
state.show_choices(ctx)
if not ctx.dataset.has_treatments:
    no_treatments.secondary(ctx)
    state.show_definitions(ctx)
    st.stop()
d, by = ctx.definitions, ctx.by
all_measures = ctx.dataset.measures
measures = [m for m in all_measures if m != d.measure]
if not measures:
    st.info("This dataset has no secondary measures (only the pain score). Add columns such as phq9, gad7, css or "
            "regions_affected to assessments.csv to see them here.")
    state.show_definitions(ctx)
    st.stop()

preferred = [m for m in ("phq9", "gad7", "css", "pgic") if m in measures] + \
    [m for m in measures if m not in ("phq9", "gad7", "css", "pgic", "regions_affected")]
choices = preferred or [m for m in measures if m != "regions_affected"]
md = None
spread = "regions_affected" in all_measures
# The episodes of the measures shown on this page (the chosen one and body regions) are built in one pass.
shown = ("regions_affected",) if spread else ()
if choices:
    measure = st.selectbox("Measure", choices, format_func=views.measure_label, key="sec_measure")
    shown = (measure, *shown)
    md = d.replace(measure=measure)
    res = state.run_safely(cache.secondary_measure, ctx.key, ctx.dataset, md, by, ctx.filters, shown,
                           what=f"the {views.measure_short(measure)} results")
    if res is not None:
        sizes = res["sizes"]
        groups = sizes["label"].tolist()
        group_n = dict(zip(sizes["label"], sizes["episodes"]))
        scores = views.suppress(res["scores"], by, sizes, d.min_cell_size)
        state.small_note(scores.note)
        if sizes["episodes"].sum() == 0:
            st.warning(f"No treatment episode has a {markdown_text(views.measure_short(measure))} baseline score in the baseline "
                       f"window ({d.baseline_window_days:g} days before the start).")
        state.chart("score_over_time_figure", scores.shown, by, measure=measure, statistic="mean_score",
                    groups=groups, group_n=group_n, key="fig_sec_score", name=f"{measure}_mean_score",
                    note=scores.note)
        state.chart("score_over_time_figure", scores.shown, by, measure=measure, statistic="mean_change",
                    groups=groups, group_n=group_n, key="fig_sec_change", name=f"{measure}_mean_change",
                    note=scores.note)
        if "response" in res:
            resp = views.suppress(res["response"], by, sizes, d.min_cell_size)
            state.chart("secondary_response_figure", resp.shown, by, measure=measure, groups=groups,
                        group_n=group_n, key="fig_sec_response", name=f"{measure}_response", note=resp.note)
        if "remission" in res:
            rem = views.suppress(res["remission"], by, sizes, d.min_cell_size)
            state.chart("remission_figure", rem.shown, by, measure=measure, groups=groups, group_n=group_n,
                        key="fig_sec_remission", name=f"{measure}_remission", note=rem.note)
        if measure not in RESPONSE_PCT and measure not in REMISSION_BELOW:
            st.caption(f"No conventional response or remission definition for {markdown_text(views.measure_label(measure))}: "
                       "mean score and change from baseline are shown.")
        with st.expander("Weekly mean scores with 95% CIs (table)"):
            sc = scores.shown
            st.dataframe(views.format_result(sc[sc["statistic"] == "mean_score"], by, kind="number",
                                             extra=("week",)), hide_index=True, width="stretch",
                         key="sec_scores_table")

if spread:
    st.subheader("Symptom spread (body regions affected)")
    sd = d.replace(measure="regions_affected")
    res = state.run_safely(cache.secondary_measure, ctx.key, ctx.dataset, sd, by, ctx.filters,
                           shown, what="symptom spread")
    if res is not None:
        sizes = res["sizes"]
        groups = sizes["label"].tolist()
        group_n = dict(zip(sizes["label"], sizes["episodes"]))
        scores = views.suppress(res["scores"], by, sizes, d.min_cell_size)
        state.chart("score_over_time_figure", scores.shown, by, measure="regions_affected",
                    statistic="mean_score", groups=groups, group_n=group_n, key="fig_regions",
                    name="regions_affected_mean_score", note=scores.note)
        hide = views.survival_groups_to_hide(res["spread"], sizes, d.min_cell_size)
        spread_note = views.survival_note(res["spread"], hide, d.min_cell_size)
        state.small_note(spread_note)
        state.chart("time_to_spread_figure", res["spread"], definitions=sd, exclude=hide, groups=groups,
                    key="fig_spread", name="time_to_spread_km", note=spread_note)
        med = views.suppress(res["spread_medians"], by, sizes, d.min_cell_size).shown
        st.table(views.duration_table(med, med.iloc[0:0], by, conf_level=d.conf_level)
                     .rename(columns={"n (responders)": "n (episodes)",
                                      f"Median duration ({d.conf_level:.0%} CI)":
                                      f"Median time to spread ({d.conf_level:.0%} CI)"}),
                 hide_index=True)
state.show_definitions(ctx, md)
