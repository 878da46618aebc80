"""Overview: the cohort at a glance and "Table 1" by treatment group."""
from __future__ import annotations

import streamlit as st

from analysis.present.formatting import fmt_num
from analysis.escaping import markdown_text as md
from analysis.cohort import ALL_LABEL
from dashboard import cache, no_treatments, state

st.title("Overview")
ctx = state.require_dataset()
state.show_choices(ctx)
if not ctx.dataset.has_treatments:
    no_treatments.overview(ctx)
    state.show_definitions(ctx)
    st.stop()
d = ctx.definitions
group = ctx.by[0] if ctx.by else "treatment"

panel = state.run_safely(cache.overview_panel, ctx.key, ctx.dataset, d, group, ctx.filters, what="the cohort summary")
if panel is None:
    st.stop()
res = panel.shown
t1 = res["table1"]
if t1.empty or not int(t1.loc[t1["variable"] == "Episodes", "n"].sum()):
    st.warning("The filters select no treatment episode: nothing to summarise. Widen the filters in the sidebar "
               "(a characteristic with no value ticked selects nobody).")
    st.stop()


def _all(variable: str):
    row = t1[(t1["group"] == ALL_LABEL) & (t1["variable"] == variable)]
    return row.iloc[0] if len(row) else None


c = st.columns(5)
pat, epi, ana, fu = _all("Patients"), _all("Episodes"), _all("Episodes analysable"), _all("Follow-up (days)")
c[0].metric("Patients", f"{int(pat['n']):,}" if pat is not None else "0")
c[1].metric("Treatment episodes", f"{int(epi['n']):,}" if epi is not None else "0")
c[2].metric("Analysable episodes", f"{int(ana['n']):,}" if ana is not None else "0",
            help="Episodes with a baseline score (> 0) in the baseline window.")
c[3].metric("Treatments", f"{len(res['treatments']):,}")
c[4].metric("Follow-up, median [IQR]", (f"{fmt_num(fu['median'])} d" if fu is not None and fu["n"] else "NA"),
            help="Days from the start to the last follow-up score, analysable episodes.")
if ana is not None and not int(ana["n"]):
    st.warning("No episode in this selection is analysable: none has a baseline score above 0 in the baseline "
               f"window ({d.baseline_window_days:g} days before the start). The Data page lists why each episode "
               "was excluded; the relief pages will be empty.")
if fu is not None and fu["n"]:
    c[4].caption(f"[{fmt_num(fu['q1'])}, {fmt_num(fu['q3'])}] days, n = {int(fu['n']):,} episodes")

st.subheader("Treatments")
tc = res["treatments"].rename(columns={"analysable": "analysable episodes"})
st.dataframe(tc, hide_index=True, width="content", key="treatments_table")

st.subheader(f'"Table 1" by {md(group)}')
state.small_note(panel.note)
st.dataframe(res["table1_wide"], hide_index=True, width="stretch", key="table1")
st.caption("Patient characteristics count each patient once: categories as n (% of the group's patients), with a "
           "missing value as its own level '(missing)'; numbers (an age) as median [Q1, Q3]. Baseline score and "
           f"follow-up are per episode, median [Q1, Q3]. Cells counting fewer than {d.min_cell_size} patients read "
           f"'<{d.min_cell_size}'.")

if len(res["exclusions"]):
    st.subheader("Episodes excluded from relief analyses")
    st.dataframe(res["exclusions"], hide_index=True, width="content")
state.show_definitions(ctx)
