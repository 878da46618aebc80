"""Pain relief: immediate relief distribution, responder rates with CIs, cumulative responder curve."""
from __future__ import annotations

import streamlit as st

from analysis import views
from analysis.escaping import markdown_text as md
from dashboard import cache, state
from dashboard import no_treatments

st.title("Pain relief")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Pain relief")
state.show_choices(ctx)
d, by = ctx.definitions, ctx.by

week_options = {"Immediately after treatment": None, **{f"Week {w}": w for w in (1, 2, 4, 8, 12)}}
res = state.run_safely(cache.pain_relief, ctx.key, ctx.dataset, d, by, ctx.filters, None, what="pain relief")
if res is None:
    st.stop()
sizes = res["sizes"]
groups = sizes["label"].tolist()
small = views.small_group_labels(sizes, d.min_cell_size)
imm = views.suppress(res["immediate"], by, sizes, d.min_cell_size)
rates = views.suppress(res["rates"], by, sizes, d.min_cell_size)
# The box plot draws each episode with an immediate score: a group is drawn only when those episodes come
# from enough patients (a group of 6 patients of whom 2 have an immediate score showed those 2 values).
shown_rows = views.suppress_rows(res["rows"], by, sizes, d.min_cell_size, "immediate_relief_pct",
                                 counted="with an immediate score")
rows = shown_rows.shown
# Every estimate of this section is computed from the episodes with an immediate score, so the groups
# hidden from the box plot are exactly those whose estimates are hidden: one note names them.
state.small_note(shown_rows.note)
if imm.shown.empty and rates.shown.empty:
    st.warning("No group in this selection is large enough to show (or no episode has an immediate score).")

st.subheader("Immediate relief")
main = rates.shown[rates.shown["threshold"] == d.threshold]
lines = []
for r, lab in zip(main.itertuples(index=False), views.group_labels(main, by)):
    mean = imm.shown[views.group_labels(imm.shown, by) == lab]
    mean_txt = (views.fmt_estimate(mean["estimate"].iloc[0], mean["ci_low"].iloc[0], mean["ci_high"].iloc[0],
                                   kind="percent") if len(mean) else "not estimable")
    lines.append(f"- **{md(lab)}**: responders (relief \u2265 {d.threshold:g}%) "
                 f"**{views.fmt_estimate(r.estimate, r.ci_low, r.ci_high, r.n)}** episodes; "
                 f"mean relief {mean_txt}")
if lines:
    st.markdown("\n".join(lines))
state.chart("relief_distribution_figure", rows, by, thresholds=d.thresholds, definitions=d, groups=groups,
            key="fig_distribution", name="relief_distribution", note=shown_rows.note)
state.chart("responder_summary_figure", imm.shown, rates.shown, by, definitions=d, groups=groups,
            key="fig_responders", name="responder_rates", note=shown_rows.note)

st.markdown("**Mean immediate relief and responder rates, with 95% confidence intervals**")
table = views.relief_summary_table(imm.shown, rates.shown, by)
st.table(table, hide_index=True)
st.caption("n = episodes with an immediate score (responders/n in brackets); patients = distinct patients among them. "
           "Intervals account for patients who contribute several episodes (cluster-robust).")

st.subheader("Cumulative responder curve")
when = st.selectbox("Relief measured", list(week_options), key="cum_when")
week = week_options[when]
cum_res = res if week is None else state.run_safely(cache.pain_relief, ctx.key, ctx.dataset, d, by, ctx.filters,
                                                    week, what="the cumulative responder curve")
if cum_res is not None:
    cum = views.suppress(cum_res["cumulative"], by, sizes, d.min_cell_size)
    if week is not None:  # immediately after treatment, the note above already names the hidden groups
        state.small_note(cum.note)
    state.chart("cumulative_responders_figure", cum.shown, by, thresholds=d.thresholds, week=week, definitions=d,
                groups=groups, key="fig_cumulative", name="cumulative_responders", note=cum.note)
state.show_definitions(ctx)
