"""Patient timeline: one pseudonymous patient's scores, treatment courses and episodes, as the analysis read them.

The way to check an import against a story the clinician knows, and to look at one patient's course.
Shows no patient characteristic (covariate) at all, and exports nothing unless asked: the chart's own
image button is removed, and the episode table can be downloaded only after ticking a box.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import figures
from analysis.escaping import markdown_text as md
from analysis.export import table_csv_bytes
from analysis.timeline import episode_display_table
from dashboard import cache, state

#: Above this many patients the page asks for part of an identifier before listing them.
MAX_OPTIONS = 2_000

st.title("Patient timeline")
ctx = state.require_dataset()
d = ctx.definitions
st.caption(
    f"**Data:** {md(ctx.source_label)} · **Responder:** relief \u2265 {d.threshold:g}% · **Baseline window:** "
    f"{d.baseline_window_days:g} d · **Immediate window:** {d.immediate_window_days:g} d · **Max follow-up:** "
    f"{d.max_followup_days:g} d" + (" · **first episode only**" if d.first_episode_only else "")
    + (" · **re-treatment = loss of relief**" if d.retreatment_is_event else "")
    + " · Filters and groups of the sidebar do not apply to one patient.")

ids = state.run_safely(cache.patient_ids, ctx.key, ctx.dataset, what="the list of patients")
if not ids:
    st.warning("This dataset has no patient.")
    st.stop()
options = ids
if len(ids) > MAX_OPTIONS:
    # A registry: sending 100,000 identifiers to the browser would make the select box slow; search first.
    query = st.text_input(f"Search a patient identifier ({len(ids):,} patients)", key="tl_search",
                          placeholder="part of the identifier")
    found = pd.Series(ids, dtype=object)
    if query:
        found = found[found.str.contains(query, case=False, regex=False)]
    options = found.iloc[:MAX_OPTIONS].tolist()
    if len(found) > MAX_OPTIONS:
        st.caption(f"{len(found):,} identifiers match: the first {MAX_OPTIONS:,} are listed; type more to narrow.")
    if not options:
        st.warning("No patient identifier contains this text.")
        st.stop()
if st.session_state.get("tl_patient") not in options:
    st.session_state["tl_patient"] = options[0]
pid = st.selectbox("Patient (pseudonymous identifier; type to search)", options, key="tl_patient",
                   help=f"{len(ids):,} patients. Identifiers are shown as loaded; no other characteristic is shown.")

tl = state.run_safely(cache.patient_timeline, ctx.key, ctx.dataset, d, pid, what="this patient's timeline")
if tl is None:
    st.stop()

measures = tl.measures
shown = measures[measures["n_scores"] > 0]
others = shown.loc[~shown["outcome"], "measure"].tolist()
chosen = others
if others:
    labels = dict(zip(shown["measure"], shown["label"]))
    chosen = st.multiselect("Other measures shown under the outcome", others, default=others,
                            format_func=labels.get, key="tl_measures")
if not ctx.dataset.has_treatments:
    st.info("This dataset has no treatments (no treatments.csv), so there are no courses or episodes: the chart "
            "shows the scores only.", icon=":material/info:")
elif not tl.has_treatments:
    st.info("This patient has no treatment course: the chart shows the scores only.", icon=":material/info:")

fig = figures.patient_timeline_figure(tl, measures=chosen)
# No image button on one patient's chart: nothing patient-level leaves the page unless asked for below.
st.plotly_chart(fig, theme=None, width="stretch", key="fig_timeline",
                config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]})
cap = (fig.layout.meta or {}).get("caption") if isinstance(fig.layout.meta, dict) else None
if cap:
    st.caption(cap)

st.subheader("Episodes")
table = episode_display_table(tl)
if len(table):
    # A static table wraps its text: the outcome sentences and details stay readable on a laptop screen,
    # where a scrolling grid of eight columns cuts them after the first few words.
    st.table(table.set_index("Episode"))
    formula = ctx.dataset.measure_entry(d.measure).improvement_formula()  # in the measure's direction
    st.caption(f"One episode per treatment course (its number is the course's in the chart). {formula}. The outcome "
               "is derived exactly as on the Relief duration page, under the definitions in the sidebar.")
    if d.first_episode_only and len(tl.episodes) < len(tl.courses):
        st.caption("First episode of each treatment only: later courses of the same treatment are not analysed.")
else:
    st.write("No episode: " + ("this dataset has no treatments." if not ctx.dataset.has_treatments else
                               "this patient has no treatment course."))

with st.expander("Every score of this patient, as read"):
    sc = tl.scores
    if len(sc):
        wide = sc.pivot_table(index="day", columns="measure", values="value", aggfunc="first")
        wide = wide[[m for m in measures["measure"] if m in wide.columns]].reset_index()
        st.dataframe(wide, hide_index=True, width="stretch", key="tl_scores")
    else:
        st.write("No score.")

if len(table):
    if st.checkbox("Offer this patient's episode table as a file", key="tl_offer",
                   help="Patient-level data: download it only if you need it, and keep it inside the clinic."):
        st.download_button("Download the episode table (CSV)", table_csv_bytes(table), file_name="patient_episodes.csv",
                           mime="text/csv", key="tl_download")
state.show_definitions(ctx)
