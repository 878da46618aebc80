"""Relief duration: Kaplan-Meier of time to loss of relief, medians, survival at 4/8/12 weeks, log-rank."""
from __future__ import annotations

import streamlit as st

from analysis import views
from dashboard import cache, state
from dashboard import no_treatments

st.title("Relief duration")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Relief duration")
state.show_choices(ctx)
d, by = ctx.definitions, ctx.by

res = state.run_safely(cache.relief_duration, ctx.key, ctx.dataset, d, by, ctx.filters, what="relief duration")
if res is None:
    st.stop()
sizes = res["sizes"]
groups = sizes["label"].tolist()
result = res["result"]
hide = views.survival_groups_to_hide(result, sizes, d.min_cell_size)
# A curve is hidden when its group is small or when its immediate responders come from too few patients.
note = views.survival_note(result, hide, d.min_cell_size, counted="among the immediate responders")
state.small_note(note)

st.caption(f"**Estimand:** {result.estimand}. The other strategies for re-treatment are compared on the "
           "Compare treatments page.")
state.chart("km_figure", result, exclude=hide, groups=groups, definitions=d, key="fig_km", name="relief_duration_km",
            note=note)

# The same rule as the curves: rows whose responders come from fewer patients than the minimum are hidden.
medians = views.suppress(res["medians"], by, sizes, d.min_cell_size).shown
surv = views.suppress(res["survival_at"], by, sizes, d.min_cell_size).shown
st.markdown("**Median relief duration and share still relieved**")
st.table(views.duration_table(medians, surv, by, conf_level=d.conf_level), hide_index=True)
st.caption("n = immediate responders (episodes in the curve); events = episodes whose relief was lost. "
           "'not reached' = the curve (or its confidence band) does not fall to 50% within follow-up.")
shown = [k for k in result.fits if k not in set(map(tuple, hide))]
if len(shown) >= 2:
    # Over the groups drawn (small groups hidden): the same test as the figure's subtitle and the export.
    st.markdown(f"**{views.logrank_text(result.logrank_among(shown), shown_only=bool(hide))}** "
                "(relief duration differs between groups?)")
state.show_definitions(ctx)
