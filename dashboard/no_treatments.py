"""What the pages show for a dataset without treatments (no treatments.csv).

Relief, responders, relief duration, the published comparison and the export bundle are defined from
a treatment start, so those pages say plainly that they need treatments and point to the pages that
work without them. Overview and Secondary outcomes show score trajectories by weeks since each
patient's first assessment (:mod:`analysis.trajectories`); the Patient timeline shows every score.
"""
from __future__ import annotations

import streamlit as st

from analysis import measures
from analysis.escaping import markdown_text as md
from analysis.io.spec import is_spec_document
from analysis.present.formatting import format_result
from analysis.present.suppression import suppress
from dashboard import cache, state

#: Pages (titles as in the navigation) that need treatment starts.
NEED_TREATMENTS = ("Pain relief", "Relief over time", "Relief duration", "Compare treatments",
                   "Compare with published figures", "Export")
#: Pages that work without treatments, and what they show then.
WORK_WITHOUT = {
    "content/overview.py": ("Overview", "patients, scores and the score trajectory since the first assessment"),
    "content/secondary.py": ("Secondary outcomes", "the trajectory of every measure since the first assessment"),
    "content/timeline.py": ("Patient timeline", "every score of one patient"),
    "content/data.py": ("Data", "the load report"),
}


#: What gives the treatment dates in an uploaded clinic export, by the kind its mapping was proposed for.
EXPORT_TREATMENTS = {
    "flowsheet": "the medication administration record (MAR) exported with the flowsheet: a file with the patient, "
                 "the administration date and time, and the medication",
    "redcap": "the instrument where the infusions are recorded (its date and drug fields), in the same REDCap export",
}
_ANY_EXPORT = ("a file or column with the treatment dates: an infusion log or a medication administration record "
               "(patient, date, treatment)")


def _missing() -> str:
    """What to add for treatments, in the words of what was loaded: a clinic export names its own record."""
    mapping = st.session_state.get("mapping")
    if st.session_state.get("source") == "upload" and is_spec_document(mapping):
        what = EXPORT_TREATMENTS.get(mapping.get("source"), _ANY_EXPORT)
        return (f"This export has **no treatments**: none of its files gives treatment dates. Upload {what}, "
                "together with the export. Relief from baseline, responders and relief duration are measured from "
                f"a treatment start, so **{', '.join(NEED_TREATMENTS)}** need them.")
    return (f"This dataset has **no treatments** (no treatments.csv): relief from baseline, responders and relief "
            f"duration are measured from a treatment start, so **{', '.join(NEED_TREATMENTS)}** need a "
            "treatments.csv (patient_id, day, treatment).")


def summary() -> str:
    """One paragraph: which pages need treatments (and what to add for them), which work without."""
    works = ", ".join(f"**{t}** ({what})" for t, what in WORK_WITHOUT.values())
    return _missing() + " Without them: " + works + "."


def require_treatments(ctx, page: str) -> None:
    """Stop a page that needs treatments, saying so plainly, with links to the pages that work without."""
    if ctx.dataset is None or ctx.dataset.has_treatments:
        return
    st.info(f"**{page}** needs treatment starts: " + summary(), icon=":material/info:")
    for path, (title, what) in WORK_WITHOUT.items():
        st.page_link(path, label=f"{title}: {what}")
    st.stop()


def trajectory(ctx, measure: str, key: str) -> None:
    """The trajectory of ``measure`` since the first assessment, grouped by the sidebar's patient
    characteristics (treatment ignored), small groups and weeks hidden, with its weekly table."""
    d, by = ctx.definitions, tuple(c for c in ctx.by if c != "treatment")
    res = state.run_safely(cache.trajectories, ctx.key, ctx.dataset, d, measure, by, ctx.filters,
                           what=f"the {measures.measure_short(measure)} trajectory")
    if res is None:
        return
    sizes = res["sizes"]
    groups = sizes["label"].tolist()
    shown = suppress(res["table"], by, sizes, d.min_cell_size)
    state.small_note(shown.note)
    state.chart("trajectory_figure", shown.shown, by, measure=measure, groups=groups, key=f"fig_{key}",
                name=f"{measure}_since_first_assessment", note=shown.note)
    with st.expander("Weekly mean scores with 95% CIs (table)"):
        t = format_result(shown.shown, by, kind="number", extra=("week",)).rename(
            columns={"n (episodes)": "n (patients)"})
        st.dataframe(t.drop(columns=["patients"], errors="ignore"), hide_index=True, width="stretch",
                     key=f"tbl_{key}")


def overview(ctx) -> None:
    """The Overview of a dataset without treatments: counts, which pages need treatments, the trajectory."""
    ds, d = ctx.dataset, ctx.definitions
    c = st.columns(3)
    c[0].metric("Patients", f"{len(ds.patients):,}")
    c[1].metric("Scores", f"{ds.n_scores:,}")
    c[2].metric("Measures", f"{len(ds.measures):,}")
    st.info(summary(), icon=":material/info:")
    if not ds.measures:
        return
    measure = d.measure if d.measure in ds.measures else ds.measures[0]
    st.subheader(f"{md(measures.measure_short(measure))} since the first assessment")
    trajectory(ctx, measure, key="overview_trajectory")


def secondary(ctx) -> None:
    """Secondary outcomes without treatments: the trajectory of any measure since the first assessment."""
    ds = ctx.dataset
    st.info("No treatments in this dataset: each measure is shown by weeks since each patient's first assessment "
            "(no baseline, change or response, which are measured from a treatment start).", icon=":material/info:")
    if not ds.measures:
        return
    measure = st.selectbox("Measure", ds.measures, format_func=measures.measure_label, key="sec_measure_nt")
    trajectory(ctx, measure, key="secondary_trajectory")


def treatment_panel_page(title: str, panel_function, *options, what: str):
    """The common start of a page that analyses treatment episodes: title, dataset, the stop for a
    dataset without treatments, the choices in force, the page's panel (``panel_function`` from
    dashboard/cache.py, called with the sidebar's state and ``options``) and its small-group note.

    Returns ``(ctx, panel)``; stops the page (after saying why) when the panel cannot be computed.
    """
    st.title(title)
    ctx = state.require_dataset()
    require_treatments(ctx, title)
    state.show_choices(ctx)
    panel = state.run_safely(panel_function, ctx.key, ctx.dataset, ctx.definitions, ctx.by, ctx.filters, *options,
                             what=what)
    if panel is None:
        st.stop()
    state.small_note(panel.note)
    return ctx, panel
