"""Relief duration: Kaplan-Meier of time to loss of relief, medians, survival at 4/8/12 weeks, log-rank.
Draws the panel of analysis.present.duration (through dashboard/cache.relief_duration)."""
from __future__ import annotations

import streamlit as st

from dashboard import cache, no_treatments, state

ctx, panel = no_treatments.treatment_panel_page("Relief duration", cache.relief_duration_panel, what="relief duration")
d, by = ctx.definitions, ctx.by
shown = panel.shown

st.caption(f"**Estimand:** {shown['result'].estimand}. The other strategies for re-treatment are compared on the "
           "Compare treatments page.")
state.draw(panel.figure("relief_duration_km"), key="fig_km")

st.markdown("**Median relief duration and share still relieved**")
st.table(shown["table"], hide_index=True)
st.caption("n = immediate responders (episodes in the curve); events = episodes whose relief was lost. "
           "'not reached' = the curve (or its confidence band) does not fall to 50% within follow-up.")
if shown["logrank_text"]:
    st.markdown(f"**{shown['logrank_text']}** (relief duration differs between groups?)")
state.show_definitions(ctx)
