"""Compare treatments: adjusted responder comparisons, the hazard of losing relief (Cox), subgroups,
the estimands for re-treatment, and boosters. Draws what dashboard/cache.compare_treatments returns."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import views
from analysis.comparisons import ESTIMANDS
from analysis.duration import relief_estimand
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
extra = [c for c in ctx.dataset.treatments.columns if c not in ("patient_id", "day", "treatment")
         and pd.api.types.is_numeric_dtype(ctx.dataset.treatments[c])]
options = [*ep.covariates, "course_number", *extra]
c1, c2 = st.columns(2)
reference = c1.selectbox("Reference treatment", treatments, key="cmp_reference")
covariates = c2.multiselect("Adjust for", options, default=[], key="cmp_covariates",
                            help="Patient covariates, the course number (1st, 2nd, ... course of a treatment) or a "
                                 "numeric column of the treatments file (e.g. the dose). Rows with a missing value are "
                                 "left out and counted.")
others = [t for t in treatments if t != reference]
c3, c4, c5 = st.columns(3)
contrast = c3.selectbox("Subgroups: treatment", others, key="cmp_contrast")
groupable = [c for c in ep.covariates if ep.table[c].nunique() <= 12] + ["course_band"]
sub_covs = c4.multiselect("Subgroups: split by", groupable, default=groupable[:2], key="cmp_subgroups")
measure = c5.radio("Subgroups: measure", ["RD", "RR"], horizontal=True, key="cmp_measure",
                   format_func=lambda m: {"RD": "risk difference", "RR": "risk ratio"}[m])

res = state.run_safely(cache.compare_treatments, ctx.key, ctx.dataset, d, ctx.filters, tuple(covariates), reference,
                       (contrast, reference, tuple(sub_covs), measure), what="the treatment comparison")
if res is None:
    st.stop()
m = d.min_cell_size
pct = f"{d.conf_level:.0%}"


def _ci(row, scale=1.0, digits=2, unit=""):
    if pd.isna(row["estimate"]):
        return "not estimable"
    return (f"{scale * row['estimate']:.{digits}f}{unit} ({scale * row['ci_low']:.{digits}f} to "
            f"{scale * row['ci_high']:.{digits}f})")


def failed(part) -> bool:
    """True (and the reason shown) when a part of the page could not be computed."""
    if isinstance(part, dict) and "error" in part:
        st.warning(f"Not computed: {part['error']}")
        return True
    return False


# ---- Responders ---------------------------------------------------------------------------------
st.header("Responders")
rc = res["responders"]
if failed(rc):
    rc = None
show = rc.copy() if rc is not None else None
if show is not None:
    show["effect"] = [_ci(r, 100.0, 1, " pts") if r["measure"] == "RD" else _ci(r) for _, r in show.iterrows()]
    show["p"] = show["p_value"].map(views.fmt_p)
    st.dataframe(show[["outcome", "measure", "adjustment", "term", "effect", "p", "n", "n_patients", "n_dropped", "note"]]
                 .rename(columns={"effect": f"estimate ({pct} CI)", "n": "episodes", "n_patients": "patients",
                                  "n_dropped": "left out (missing covariate)"}),
                 hide_index=True, width="stretch")
    st.caption("RD = risk difference of responders (relief \u2265 "
               f"{d.threshold:g}%), in percentage points; RR = risk ratio. GEE with independence working correlation "
               "and robust variance, patients as clusters (R geepack::geeglm). Weeks: observed cases.")
    rd = rc[(rc["measure"] == "RD") & rc["estimate"].notna()]
    if len(rd):
        state.chart("model_terms_figure", rd, kind="risk_difference", key="fig_cmp_rd", name="compare_responders_rd")

# ---- Hazard of losing relief ----------------------------------------------------------------------
st.header("Hazard of losing relief")
st.markdown(f"**Estimand:** {relief_estimand(d)}.")
if not failed(res["cox"]):
    cox, info = res["cox"]["table"], res["cox"]["info"]
    tab = cox.assign(**{f"hazard ratio ({pct} CI)": [_ci(r.rename({'hazard_ratio': 'estimate'})) for _, r in cox.iterrows()],
                        "p": cox["p_value"].map(views.fmt_p)})
    st.dataframe(tab[["term", f"hazard ratio ({pct} CI)", "p", "note"]], hide_index=True, width="stretch")
    st.caption(f"Cox model among immediate responders: {info['n']} episodes of {info['n_patients']} patients, "
               f"{info['events']} losses of relief; {info['n_dropped']} left out for a missing covariate. Above 1: "
               "relief is lost sooner. course_number: per additional course of the same treatment (does relief "
               "shorten with each booster?). Efron ties, robust variance with patients as clusters (R coxph).")
    st.info(info["ph_note"])
    state.chart("model_terms_figure", cox, kind="hazard", key="fig_cmp_cox", name="compare_hazard_ratios")

# ---- Subgroups ------------------------------------------------------------------------------------
st.header("Treatment effect by subgroup")
sg = res.get("subgroups")
if sg is not None and not failed(sg) and len(sg):
    hidden = sg["n_patients"].fillna(0) < m
    if hidden.any():
        state.small_note(f"Not shown: {int(hidden.sum())} subgroup(s) with fewer than {m} patients.")
    state.chart("subgroup_forest_figure", sg[~hidden], key="fig_cmp_subgroups", name="compare_subgroups")

# ---- Estimands ------------------------------------------------------------------------------------
st.header("Re-treatment during relief: three estimands")
st.caption("A booster or next course while still relieved ends what can be seen of that course's relief. "
           "The probability that relief was lost by each week, under each strategy (ICH E9(R1)):")
for key, text in ESTIMANDS.items():
    st.markdown(f"- **{key}**: {text}.")
est = res["estimands"]
if not failed(est) and len(est):
    est = est[est["n_patients"] >= m]
    wide = est.assign(value=[_ci(r, 100.0, 1, "%") for _, r in est.iterrows()]).pivot_table(
        index=["treatment", "week"], columns="strategy", values="value", aggfunc="first")
    st.dataframe(wide.reset_index(), hide_index=True, width="stretch")

# ---- Boosters -------------------------------------------------------------------------------------
st.header("Boosters: response and relief by course")
b = res["boosters"]
if not failed(b):
    b = b[b["n_patients"].fillna(0) >= m]
    fmt = {"immediate_responder_rate": (100.0, 1, "%"), "mean_immediate_relief_pct": (1.0, 1, "%"),
           "median_relief_duration_days": (1.0, 0, " d")}
    b = b.assign(value=[_ci(r, *fmt[r["statistic"]]) for _, r in b.iterrows()])
    st.dataframe(b.pivot_table(index=["treatment", "course_band"], columns="statistic", values="value",
                               aggfunc="first").reset_index(), hide_index=True, width="stretch")
    st.caption("Course: the patient's 1st, 2nd, 3rd or later course of that treatment. The course-number hazard "
               "ratio above says whether relief shortens with successive courses.")
nc = res["next_course"]
if not failed(nc):
    nc = nc[nc["n_patients"] >= m]
if not isinstance(nc, dict) and len(nc):
    st.markdown("**Interval to the next course** (Kaplan-Meier median, days)")
    st.dataframe(nc.assign(median=[_ci(r, 1.0, 0, " d") for _, r in nc.iterrows()])[
        ["treatment", "median", "n", "events", "n_patients"]], hide_index=True, width="stretch")
    st.caption("Time from a course's start to the patient's next course (any treatment); a next course after the "
               f"follow-up window censors at day {d.max_followup_days:g}, none censors at the last score.")
state.show_definitions(ctx)
