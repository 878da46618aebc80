"""Secondary outcomes: PHQ-9, GAD-7, CSS and any other measure; symptom spread and time to spread.
Draws the panels of analysis.present.secondary (through dashboard/cache.secondary_measure)."""
from __future__ import annotations

import streamlit as st

from analysis.measures import measure_label, measure_short
from analysis.escaping import markdown_text
from analysis.io.spec import is_spec_document
from analysis.secondary import REMISSION_BELOW, RESPONSE_PCT
from dashboard import cache, no_treatments, state


def _draw_measure(panel, measure: str, conf_level: float) -> None:
    """The charts and tables of one measure with analysable episodes."""
    state.draw(panel.figure(f"{measure}_mean_score"), key="fig_sec_score")
    state.draw(panel.figure(f"{measure}_mean_change"), key="fig_sec_change")
    if "response" in panel.shown:
        state.draw(panel.figure(f"{measure}_response"), key="fig_sec_response")
    if "remission" in panel.shown:
        state.draw(panel.figure(f"{measure}_remission"), key="fig_sec_remission")
    if "rates_table" in panel.shown:
        st.markdown(f"**{markdown_text(measure_short(measure))}: response and remission per week** "
                    f"({conf_level:.0%} CI, Wilson; n = episodes with a score that week)")
        st.dataframe(panel.shown["rates_table"], hide_index=True, width="stretch", key="sec_rates_table")
    if measure not in RESPONSE_PCT and measure not in REMISSION_BELOW:
        st.caption(f"No conventional response or remission definition for {markdown_text(measure_label(measure))}: "
                   "mean score and change from baseline are shown.")
    with st.expander("Weekly mean scores with 95% CIs (table)"):
        st.dataframe(panel.shown["scores_table"], hide_index=True, width="stretch", key="sec_scores_table")


def no_secondary_measures() -> str:
    """What to add for secondary measures, in the words of what was loaded: an uploaded clinic export has no
    assessments.csv, its columns get their roles in the import assistant."""
    if st.session_state.get("source") == "upload" and is_spec_document(st.session_state.get("mapping")):
        return ("This dataset has no secondary measures (only the pain score). If the export has a column of "
                "PHQ-9, GAD-7, CSS or other scores, give it the role 'score (measure)' and its name (phq9, gad7, "
                "css) in the import assistant on the Data page; otherwise export those scores with the data.")
    return ("This dataset has no secondary measures (only the pain score). Add columns such as phq9, gad7, css or "
            "regions_affected to assessments.csv to see them here.")


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
    st.info(no_secondary_measures())
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
    measure = st.selectbox("Measure", choices, format_func=measure_label, key="sec_measure")
    shown = (measure, *shown)
    md = d.replace(measure=measure)
    panel = state.run_safely(cache.secondary_panel, ctx.key, ctx.dataset, md, by, ctx.filters, shown,
                             what=f"the {measure_short(measure)} results")
    if panel is not None:
        state.small_note(panel.notes[0] if panel.notes else "")
        empty = panel.shown.get("empty", "")
        if empty:
            # Nothing was hidden: no episode has what every chart here starts from. One reason instead of
            # four empty charts that said "no group large enough" (and offered their downloads).
            st.warning(markdown_text(empty))
            parts = ["over time", "change from baseline"] + [p for p in ("response", "remission") if p in panel.shown]
            st.caption(f"Not drawn: {markdown_text(measure_short(measure))} {', '.join(parts)}, and their tables.")
        else:
            _draw_measure(panel, measure, d.conf_level)

if spread:
    st.subheader("Symptom spread (body regions affected)")
    sd = d.replace(measure="regions_affected")
    panel = state.run_safely(cache.secondary_panel, ctx.key, ctx.dataset, sd, by, ctx.filters,
                             shown, what="symptom spread")
    if panel is not None and panel.shown.get("empty"):
        st.warning(markdown_text(panel.shown["empty"]))
    elif panel is not None:
        state.draw(panel.figure("regions_affected_mean_score"), key="fig_regions")
        state.small_note(panel.notes[-1])
        state.draw(panel.figure("time_to_spread_km"), key="fig_spread")
        st.table(panel.shown["spread_table"], hide_index=True)
state.show_definitions(ctx, md)
