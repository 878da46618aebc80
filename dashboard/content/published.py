"""Compare with published figures: each quoted figure beside this dataset's estimate and CI.
Draws the panel of analysis.present.published (through dashboard/cache.comparison)."""
from __future__ import annotations

import streamlit as st

from analysis.escaping import markdown_text as md
from dashboard import cache, state
from dashboard import no_treatments
from dashboard.published_choices import draw_choices

st.title("Compare with published figures")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Compare with published figures")
state.show_choices(ctx)
d = ctx.definitions
st.caption("Compared per treatment (the 'Compare groups by' choice does not apply here); filters do apply.")

panel = state.run_safely(cache.comparison_panel, ctx.key, ctx.dataset, d, ctx.filters, what="the comparison")
if panel is None:
    st.stop()

# Which of the clinic's treatments each published treatment is compared with: the rule's match (same name, else
# the one treatment naming the drug) unless the user chooses.
st.subheader("Which of your treatments is compared")
choices = draw_choices(panel.shown["matches"], panel.shown["treatments"])
if choices:
    panel = state.run_safely(cache.comparison_panel, ctx.key, ctx.dataset, d, ctx.filters, choices,
                             what="the comparison")
    if panel is None:
        st.stop()
for m in panel.shown["matches"].itertuples():
    if m.how in ("ambiguous", "none"):
        st.warning(md(m.text), icon=":material/help:")
    else:
        st.caption(md(m.text))
shown = panel.shown
state.draw(panel.figure("published_comparison"), key="fig_published")
st.table(shown["table"], hide_index=True)

st.subheader("Why such comparisons are limited")
st.markdown("\n".join(f"- {x}" for x in shown["limitations"]))

st.subheader("Sources")
for line in shown["sources"]:
    st.markdown(line)
with st.expander("How each published definition differs"):
    for line in shown["definitions"]:
        st.markdown(line)
st.caption("The reference values are kept in data/published_figures.csv (editable; see analysis/published.py).")
state.show_definitions(ctx)
