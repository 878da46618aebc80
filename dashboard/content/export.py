"""Export: the whole bundle (figures, tables, methods text, HTML report) as one zip, built in memory."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from analysis import export
from analysis.errors import AnalysisError, DatasetError
from analysis.escaping import markdown_text as md
from dashboard import state
from dashboard import no_treatments
from dashboard.export_buttons import chromium_path
from dashboard.published_choices import kept_choices

st.title("Export for a paper or a report")
ctx = state.require_dataset()
no_treatments.require_treatments(ctx, "Export")
state.show_choices(ctx)
d, by = ctx.definitions, ctx.by

st.markdown(
    "One zip with **every chart** of the dashboard (PNG, SVG, PDF in a journal style), the **tables** behind them "
    "(CSV: estimate, 95% CI, n, method), a **methods text** generated from the definitions in the sidebar, and a "
    "self-contained **HTML report** (interactive charts, works offline) that can be e-mailed. Nothing is stored "
    "on the server: the zip is built in memory for this download.")
st.info(f"Groups with fewer than {d.min_cell_size} patients are suppressed in every table and figure. "
        "Only aggregated results are exported unless you add the episode table below.",
        icon=":material/shield:")

has_browser = chromium_path() is not None
c1, c2, c3 = st.columns(3)
fmts = c1.multiselect("Image formats", list(export.IMAGE_FORMATS),
                      default=list(export.IMAGE_FORMATS) if has_browser else [], key="exp_formats",
                      disabled=not has_browser)
scale = c2.select_slider("PNG resolution (scale)", options=[1, 2, 3, 4], value=2, key="exp_scale",
                         help="Pixels = figure size x scale: 640 px wide figures become 1280 px at 2 (about "
                              "380 dpi at a single-column width of 85 mm).")
episode_table = c3.checkbox("Include the episode table (patient level)", key="exp_episodes",
                            help="The derived episode table with pseudonymous patient ids. Leave off to export "
                                 "aggregated results only.")
if not has_browser:
    st.warning(f"{export.CHROMIUM_HINT}. Without it the bundle holds the tables, the methods text and the HTML "
               "report, but no PNG/SVG/PDF images.", icon=":material/image_not_supported:")

published_matches = kept_choices()  # the Compare with published figures page's choices
signature = repr((ctx.key, d, by, ctx.filters, tuple(fmts), scale, episode_table, sorted(published_matches.items())))
if st.button("Build the export", type="primary", icon=":material/inventory_2:", key="exp_build"):
    bar = st.progress(0.0, text="Starting ...")

    def _progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        bundle = export.build_bundle(ctx.dataset, d, by=by, filters=ctx.filters, formats=fmts, scale=scale,
                                     include_episode_table=episode_table, progress=_progress,
                                     published_matches=published_matches)
    except (DatasetError, AnalysisError, ValueError) as err:
        bar.empty()
        st.error(md(f"Cannot build the export: {err}"))
        st.stop()
    except Exception:  # noqa: BLE001 - never a traceback on the page
        bar.empty()
        state.log.exception("Export failed")
        st.error("The export failed for this selection. Try other filters or definitions; if it persists, report "
                 "it with the settings in the address bar.")
        st.stop()
    st.session_state["exp_zip"] = bundle.zip_bytes()
    st.session_state["exp_info"] = {"files": sorted(bundle.files), "warnings": list(bundle.warnings),
                                    "images_skipped": bundle.images_skipped,
                                    "stamp": dt.datetime.now().strftime("%Y%m%d-%H%M"), "signature": signature}
    bar.progress(1.0, text="Done")

info = st.session_state.get("exp_info")
if info and info.get("signature") != signature:
    st.caption("The sidebar or the options changed since the last build: build the export again to download it.")
elif info and st.session_state.get("exp_zip"):
    st.download_button("Download the export (zip)", data=st.session_state["exp_zip"],
                       file_name=f"crps_outcomes_export_{info['stamp']}.zip", mime="application/zip",
                       type="primary", icon=":material/download:", key="exp_download", on_click="ignore")
    if info["images_skipped"]:
        st.warning(md(f"Images skipped: {info['images_skipped']}"))
    for w in info["warnings"]:
        if not w.startswith("Images skipped"):
            st.caption(md(w))
    with st.expander(f"What the zip holds ({len(info['files'])} files)"):
        st.code("\n".join(info["files"]), language=None)
state.show_definitions(ctx)
