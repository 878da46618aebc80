"""Compare with published figures: each quoted figure beside this dataset's estimate and CI."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import views
from analysis.published import LIMITATIONS
from dashboard import cache, state
from dashboard import no_treatments

st.title("Compare with published figures")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Compare with published figures")
state.show_choices(ctx)
d = ctx.definitions
st.caption("Compared per treatment (the 'Compare groups by' choice does not apply here); filters do apply.")

res = state.run_safely(cache.comparison, ctx.key, ctx.dataset, d, ctx.filters, what="the comparison")
if res is None:
    st.stop()
cmp = res["comparison"]
state.chart("published_comparison_figure", cmp, key="fig_published", name="published_comparison")


def _pub(r) -> str:
    if r.unit == "proportion":
        return views.fmt_estimate(r.published_value, r.published_ci_low if pd.notna(r.published_ci_low) else None,
                                  r.published_ci_high if pd.notna(r.published_ci_high) else None, kind="proportion")
    return views.fmt_estimate(r.published_value, None, None, kind="days")


def _own(r) -> str:
    if pd.isna(r.estimate) and pd.isna(r.ci_low):
        return "-"
    kind = "proportion" if r.unit == "proportion" else "days"
    return views.fmt_estimate(r.estimate, r.ci_low, r.ci_high, r.n, kind=kind, conf_level=d.conf_level)


table = pd.DataFrame({
    "Published figure (source)": [f"{q} ({s})" for q, s in zip(cmp["quantity"], cmp["source"])],
    "Published value": [_pub(r) for r in cmp.itertuples()],
    "This dataset": [f"{lab}: {_own(r)}" for lab, r in zip(cmp["dataset_label"], cmp.itertuples())],
    "Verdict": [f"{v}: {t}" for v, t in zip(cmp["verdict"], cmp["verdict_text"])],
})
st.table(table, hide_index=True)

st.subheader("Why such comparisons are limited")
st.markdown("\n".join(f"- {x}" for x in LIMITATIONS))

st.subheader("Sources")
pub = res["published"]
for r in pub.drop_duplicates("citation").itertuples():
    st.markdown(f"- {r.citation} doi:[{r.doi}](https://doi.org/{r.doi}) — *{r.design}*")
with st.expander("How each published definition differs"):
    for r in pub.itertuples():
        st.markdown(f"- **{r.quantity}** ({r.source}): {r.definition_note}")
st.caption("The reference values are kept in data/published_figures.csv (editable; see analysis/published.py).")
state.show_definitions(ctx)
