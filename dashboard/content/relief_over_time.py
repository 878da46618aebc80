"""Relief over time: weekly mean relief and responders, attrition, and the missing-data sensitivity."""
from __future__ import annotations

import streamlit as st

from analysis import views
from dashboard import cache, state
from dashboard import no_treatments

st.title("Relief over time")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Relief over time")
state.show_choices(ctx)
d, by = ctx.definitions, ctx.by

res = state.run_safely(cache.over_time, ctx.key, ctx.dataset, d, by, ctx.filters, what="relief over time")
if res is None:
    st.stop()
sizes = res["sizes"]
groups = sizes["label"].tolist()
group_n = dict(zip(sizes["label"], sizes["episodes"]))
weekly = views.suppress(res["weekly"], by, sizes, d.min_cell_size)
state.small_note(weekly.note)

state.chart("relief_over_time_figure", weekly.shown, by, statistic="mean_relief_pct", thresholds=d.thresholds,
            definitions=d, groups=groups, group_n=group_n, key="fig_mean_relief", name="mean_relief_over_time",
            note=weekly.note)
state.chart("relief_over_time_figure", weekly.shown, by, statistic="responder_rate", definitions=d,
            groups=groups, group_n=group_n, key="fig_weekly_responders", name="responders_over_time",
            note=weekly.note)

st.markdown("**Episodes with a score, per week** (the n behind each point above)")
n_table = views.weekly_n_table(weekly.shown, by, statistic="mean_relief_pct")
if len(n_table):
    n_wide = n_table.set_index("week").T
    n_wide.columns = [f"wk {w}" for w in n_wide.columns]
    st.dataframe(n_wide.rename_axis("group").reset_index(), hide_index=True,
                 width="stretch", key="weekly_n")
with st.expander("Weekly estimates with 95% CIs (table)"):
    wk = weekly.shown
    st.dataframe(views.format_result(wk[wk["statistic"] == "mean_relief_pct"], by, kind="percent", extra=("week",)),
                 hide_index=True, width="stretch", key="weekly_mean_table")
    st.dataframe(views.format_result(wk[wk["statistic"] == "responder_rate"], by, kind="proportion",
                                     extra=("week",)), hide_index=True, width="stretch",
                 key="weekly_resp_table")

st.subheader("Who is still observed?")
att = views.suppress(res["attrition"], by, sizes, d.min_cell_size, cell_column=None)
# (No definitions passed: the figure does not use them, and its cached copy then serves every threshold.)
state.chart("attrition_figure", att.shown, by, groups=groups, key="fig_attrition", name="attrition", note=att.note)

st.subheader("Sensitivity: what if a missing week means no relief?")
sens = views.suppress(res["sensitivity"], by, sizes, d.min_cell_size)
state.chart("sensitivity_figure", sens.shown, by, definitions=d, groups=groups, group_n=group_n,
            key="fig_sensitivity", name="sensitivity_missing_as_no_relief", note=sens.note)
state.show_definitions(ctx)
