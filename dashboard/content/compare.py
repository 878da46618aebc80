"""Compare treatments: adjusted responder comparisons, the hazard of losing relief (Cox), subgroups,
the estimands for re-treatment, and boosters. Draws the panel of analysis.present.compare (through
dashboard/cache.compare_treatments)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.comparison_words import covariate_label
from analysis.comparisons import ESTIMANDS
from analysis.duration import relief_estimand
from analysis.escaping import markdown_text as md
from analysis.present.compare import comparable_treatments
from dashboard import cache, state
from dashboard import no_treatments

st.title("Compare treatments")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Compare treatments")
state.show_choices(ctx)
d = ctx.definitions
st.caption("Is one treatment better than another *for comparable patients*? Models adjust for the covariates you "
           "choose, and count patients with several courses as one cluster each. These are observational "
           "comparisons: they remove differences in the chosen covariates, not in who was offered which treatment.")

ep = state.run_safely(cache.episodes, ctx.key, ctx.dataset, d, what="the episodes")
if ep is None:
    st.stop()
treatments = sorted(ep.table["treatment"].dropna().unique().tolist())
if len(treatments) < 2:
    st.info("Comparing treatments needs at least two treatments in the data.")
    st.stop()
m = d.min_cell_size
# The models compare the treatments with enough patients to show (as the export does).
comparable, too_small = comparable_treatments(ep, ctx.filters, m)
if len(comparable) < 2:
    st.info(f"Comparing treatments needs at least two treatments with {m} or more patients in this selection.")
    st.stop()
extra = [c for c in ctx.dataset.treatments.columns if c not in ("patient_id", "day", "treatment")
         and pd.api.types.is_numeric_dtype(ctx.dataset.treatments[c])]
options = [*ep.covariates, "course_number", *extra]
c1, c2 = st.columns(2)
reference = c1.selectbox("Reference treatment", comparable, key="cmp_reference")
covariates = c2.multiselect("Adjust for", options, default=[], key="cmp_covariates", format_func=covariate_label,
                            help="Patient covariates, the course number (1st, 2nd, ... course of a treatment) or a "
                                 "numeric column of the treatments file (e.g. the dose). Rows with a missing value are "
                                 "left out and counted.")
others = [t for t in comparable if t != reference]
c3, c4, c5 = st.columns(3)
contrast = c3.selectbox("Subgroups: treatment", others, key="cmp_contrast")
groupable = [c for c in ep.covariates if ep.table[c].nunique() <= 12] + ["course_band"]
sub_covs = c4.multiselect("Subgroups: split by", groupable, default=groupable[:2], key="cmp_subgroups",
                          format_func=covariate_label)
measure = c5.radio("Subgroups: measure", ["RD", "RR"], horizontal=True, key="cmp_measure",
                   format_func=lambda m: {"RD": "risk difference", "RR": "risk ratio"}[m])

panel = state.run_safely(cache.compare_treatments_panel, ctx.key, ctx.dataset, d, ctx.filters, tuple(covariates), reference,
                         (contrast, reference, tuple(sub_covs), measure), what="the treatment comparison")
if panel is None:
    st.stop()
shown = panel.shown
if shown["left_out"]:
    state.small_note(panel.warnings[0])


def failed(part: str) -> bool:
    """True (and the reason shown) when a part of the page could not be computed."""
    if part in shown["errors"]:
        st.warning(f"Not computed: {shown['errors'][part]}")
        return True
    return False


# ---- Responders ---------------------------------------------------------------------------------
st.header("Responders")
if not failed("responders") and "responders" in shown:
    st.dataframe(shown["responders"], hide_index=True, width="stretch")
    if shown.get("responders_reasons"):
        st.markdown("**Not estimable:**\n" + "\n".join(f"- {md(r)}" for r in shown["responders_reasons"]))
    if shown.get("responders_note"):
        st.caption(md(shown["responders_note"]))
    st.caption("RD = risk difference of responders (relief \u2265 "
               f"{d.threshold:g}%), in percentage points; RR = risk ratio. GEE with independence working correlation "
               "and robust variance, patients as clusters (R geepack::geeglm). Weeks: observed cases.")
    if any(f.name == "comparison_responders_rd" for f in panel.figures):
        state.draw(panel.figure("comparison_responders_rd"), key="fig_cmp_rd")

# ---- Hazard of losing relief ----------------------------------------------------------------------
st.header("Hazard of losing relief")
st.markdown(f"**Estimand:** {relief_estimand(d)}.")
if not failed("cox") and "cox" in shown:
    info = shown["cox_info"]
    st.dataframe(shown["cox"], hide_index=True, width="stretch")
    st.caption(f"Cox model among immediate responders: {info['n']} episodes of {info['n_patients']} patients, "
               f"{info['events']} losses of relief; {info['n_dropped']} left out for a missing covariate. Above 1: "
               "relief is lost sooner. Course number: the ratio per additional course of the same treatment (does "
               "relief shorten with each booster?). Efron ties, robust variance with patients as clusters (R coxph).")
    st.info(info["ph_note"])
    state.draw(panel.figure("comparison_hazard_ratios"), key="fig_cmp_cox")

# ---- Subgroups ------------------------------------------------------------------------------------
st.header("Treatment effect by subgroup")
if not failed("subgroups") and "subgroups" in shown:
    state.small_note(panel.note)
    state.draw(panel.figure("comparison_subgroups"), key="fig_cmp_subgroups")

# ---- Estimands ------------------------------------------------------------------------------------
st.header("Re-treatment during relief: three estimands")
st.caption("A booster or next course while still relieved ends what can be seen of that course's relief. "
           "The probability that relief was lost by each week, under each strategy (ICH E9(R1)):")
for key, text in ESTIMANDS.items():
    st.markdown(f"- **{key}**: {text}.")
if not failed("estimands") and "estimands" in shown:
    st.dataframe(shown["estimands"], hide_index=True, width="stretch")

# ---- Boosters -------------------------------------------------------------------------------------
st.header("Boosters: response and relief by course")
if not failed("boosters") and "boosters" in shown:
    st.dataframe(shown["boosters"], hide_index=True, width="stretch")
    st.caption("Course: the patient's 1st, 2nd, 3rd or later course of that treatment. The course-number hazard "
               "ratio above says whether relief shortens with successive courses.")
if not failed("next_course") and "next_course" in shown:
    st.markdown("**Interval to the next course** (Kaplan-Meier median, days)")
    st.dataframe(shown["next_course"], hide_index=True, width="stretch")
    st.caption("Time from a course's start to the patient's next course (any treatment); a next course after the "
               f"follow-up window censors at day {d.max_followup_days:g}, none censors at the last score.")
state.show_definitions(ctx)
