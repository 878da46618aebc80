"""Pain relief: immediate relief distribution, responder rates with CIs, cumulative responder curve.
Draws the panel of analysis.present.pain_relief (through dashboard/cache.pain_relief)."""
from __future__ import annotations

import streamlit as st

from analysis.definitions import CUMULATIVE_WEEKS
from analysis.escaping import markdown_text
from dashboard import cache, no_treatments, state

week_options = {"Immediately after treatment": None, **{f"Week {w}": w for w in CUMULATIVE_WEEKS}}
# Every estimate of this section is computed from the episodes with an immediate score, so the groups
# hidden from the box plot are exactly those whose estimates are hidden: one note names them.
ctx, panel = no_treatments.treatment_panel_page("Pain relief", cache.pain_relief_panel, None, what="pain relief")
d, by = ctx.definitions, ctx.by
shown = panel.shown
# "Nothing to show" (no score of the kind needed) and "hidden: too few patients" have different remedies.
empty = shown.get("empty", "")
if empty:
    st.warning(markdown_text(empty))
elif shown["immediate"].empty and shown["rates"].empty:
    st.warning("No group in this selection is large enough to show (see the note above).")

st.subheader("Immediate relief")
if empty:
    st.caption("Not drawn: immediate relief per episode, responder rates and their table (see above).")
else:
    if shown["lines"]:
        st.markdown("\n".join(shown["lines"]))
    state.draw(panel.figure("relief_distribution"), key="fig_distribution")
    state.draw(panel.figure("responder_rates"), key="fig_responders")

    st.markdown("**Mean immediate relief and responder rates, with 95% confidence intervals**")
    st.table(shown["summary_table"], hide_index=True)
    st.caption("n = episodes with an immediate score (responders/n in brackets); patients = distinct patients among "
               "them. Intervals account for patients who contribute several episodes (cluster-robust).")

st.subheader("Cumulative responder curve")
when = st.selectbox("Relief measured", list(week_options), key="cum_when")
week = week_options[when]
cum = panel if week is None else state.run_safely(cache.pain_relief_panel, ctx.key, ctx.dataset, d, by, ctx.filters,
                                                  week, what="the cumulative responder curve")
if cum is not None:
    if week is not None:  # immediately after treatment, the note above already names the hidden groups
        state.small_note(cum.notes[-1])
    if cum.shown.get("empty_cumulative"):
        st.info(markdown_text(cum.shown["empty_cumulative"] if week is not None else
                              "Nothing to show immediately after treatment (see above): choose a week."))
    else:
        state.draw(cum.figure("cumulative_responders"), key="fig_cumulative")
state.show_definitions(ctx)
