"""Relief over time: weekly mean relief and responders, attrition, and the missing-data sensitivity.
Draws the panel of analysis.present.over_time (through dashboard/cache.over_time)."""
from __future__ import annotations

import streamlit as st

from dashboard import cache, no_treatments, state

ctx, panel = no_treatments.treatment_panel_page("Relief over time", cache.over_time_panel, what="relief over time")
d, by = ctx.definitions, ctx.by
shown = panel.shown

state.draw(panel.figure("mean_relief_over_time"), key="fig_mean_relief")
state.draw(panel.figure("responders_over_time"), key="fig_weekly_responders")

st.markdown("**Episodes with a score, per week** (the n behind each point above)")
if len(shown["weekly_n"]):
    st.dataframe(shown["weekly_n"], hide_index=True, width="stretch", key="weekly_n")
with st.expander("Weekly estimates with 95% CIs (table)"):
    st.dataframe(shown["weekly_mean"], hide_index=True, width="stretch", key="weekly_mean_table")
    st.dataframe(shown["weekly_responders"], hide_index=True, width="stretch", key="weekly_resp_table")

st.subheader("Who is still observed?")
state.draw(panel.figure("attrition"), key="fig_attrition")

st.subheader("Sensitivity: what if a missing week means no relief?")
state.draw(panel.figure("sensitivity_missing_as_no_relief"), key="fig_sensitivity")
state.show_definitions(ctx)
