"""Data: the demo cohort or an upload; column mapping; the load report."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analysis import limits
from analysis.errors import DatasetError, MissingColumnError
from analysis.escaping import markdown_code as code
from analysis.escaping import markdown_text as md
from analysis.mapping import CANONICAL_NAMES, parse_mapping_bytes
from analysis.io.sources import looks_canonical
from analysis.io.spec import is_spec_document
from analysis.io.stat_files import expand_file_formats
from analysis.io.workbooks import sheet_origins
from analysis.present.groups import episode_exclusion_counts
from dashboard import assistant, cache, page_words, state
from dashboard.uploads import LOAD_SLOTS, upload_headers

ss = st.session_state
st.title("Data")

FOLDER = cache.default_data_path()
SOURCES = {"demo": state.default_label(FOLDER), "upload": "Upload your own data"}


def _on_source() -> None:
    ss["source"] = ss["_w_source"]


def _on_upload() -> None:
    files = ss.get("_w_upload") or []
    ss.pop("_upload_error", None)
    names = [f.name for f in files]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # a dict by name would silently keep only one of them (issue 15)
        ss.pop("upload_files", None)
        ss["_upload_error"] = (f"Two uploaded files have the same name ({', '.join(twice)}): only one can be read. "
                               "Remove one of them (the x next to it) or rename it.")
    elif files:
        # A workbook becomes the CSV files of its sheets here, and an SPSS, Stata or SAS file its CSV, so the
        # import assistant reads those. One that cannot be read is kept as it is: loading it gives its message
        # on this page and on every other.
        raw = {f.name: f.getvalue() for f in files}
        try:
            with LOAD_SLOTS:  # a workbook's reading counts as the upload's parse (one at a time, issue 15)
                ss["upload_files"], ss["_upload_notes"] = expand_file_formats(raw)
        except DatasetError:
            ss["upload_files"], ss["_upload_notes"] = raw, []
        ss["upload_names"] = sorted(raw)  # as uploaded (the workbook, not its sheets): the data's label
        ss["source"] = "upload"
    else:
        ss.pop("upload_files", None)


def _on_mapping_file() -> None:
    f = ss.get("_w_mapping_file")
    if f is None:
        return
    try:
        ss["mapping"] = {**ss.get("mapping", {}), **parse_mapping_bytes(f.getvalue(), f.name)}
        ss.pop("_mapping_error", None)
    except DatasetError as err:
        ss["_mapping_error"] = str(err)


def _on_drop() -> None:
    ss["drop_identifiers"] = bool(ss["_w_drop"])


def _add_mapping(source_key: str, target: str) -> None:
    src = ss.get(source_key)
    if src:
        ss["mapping"] = {**ss.get("mapping", {}), str(src): target}


def _add_manual() -> None:
    src, tgt = ss.get("_w_map_src"), ss.get("_w_map_tgt")
    if src and tgt:
        ss["mapping"] = {**ss.get("mapping", {}), str(src): str(tgt)}


def _clear_mapping() -> None:
    ss["mapping"] = {}


ss.setdefault("source", "demo")
ss.setdefault("mapping", {})
ss.setdefault("drop_identifiers", False)
ss["_w_source"] = ss["source"]
st.radio("Dataset", list(SOURCES), format_func=SOURCES.get, key="_w_source", on_change=_on_source, horizontal=True)

if ss["source"] == "demo" and FOLDER is not None:
    st.info(f"The data folder {code(FOLDER)} was given when the server started (`--data` or `{cache.DATA_ENV}`). "
            "It is read from disk by the server; to look at other files, upload them below.",
            icon=":material/folder_open:")
elif ss["source"] == "demo":
    st.info("**SYNTHETIC DATA.** The demo cohort is invented by `data/generate_demo.py` (seeded): 800 made-up "
            "patients treated with ketamine infusions (with boosters) or physical therapy. It shows what the "
            "dashboard does; its numbers say nothing about real patients.", icon=":material/science:")
else:
    st.markdown(
        "Upload **one .zip** holding `assessments.csv` (required), `treatments.csv` and `patients.csv`, or the "
        "CSV files themselves, **or your clinic's own export as it is**: a REDCap export with its data "
        "dictionary, an EHR flowsheet with its medication-administration record, a spreadsheet (the workbook "
        "itself, .xlsx/.xls/.ods, or saved as CSV), an SPSS, Stata or SAS data file (.sav, .dta, .sas7bdat, ...), "
        "a survey's responses (Qualtrics, SurveyMonkey, Microsoft or "
        "Google Forms) beside an infusion log, or a research data warehouse's tables (OMOP, PCORnet, i2b2). "
        "An export opens the import assistant below. Files stay in this browser session's memory: no other "
        "user can see them. The formats are described in `docs/data-format.md`.")
    # Any file type is accepted here so that a wrong one (e.g. a PDF) gets the loader's explanation.
    st.file_uploader("Dataset files (.zip, .csv, an Excel/LibreOffice workbook, or an SPSS/Stata/SAS file)", accept_multiple_files=True, key="_w_upload",
                     on_change=_on_upload)
    lim = limits.current()
    st.caption(f"Limits of this server: up to {lim.max_columns:,} columns a file, lines up to "
               f"{lim.max_line // 1024:,} KB, about {lim.max_memory / 1024 ** 3:.1f} GB of memory to load a dataset "
               f"(zips: {lim.max_unzipped / 1024 ** 3:.1f} GB unpacked). A larger file is refused before it is read; "
               "the limits are set when the server starts (docs/security.md).")
    if ss.get("_upload_error"):
        st.error(md(ss["_upload_error"]))
    if ss.get("upload_files"):
        st.caption("In memory: " + ", ".join(f"{md(n)} ({len(b):,} bytes)" for n, b in ss["upload_files"].items()))
        for note in ss.get("_upload_notes", []):
            st.caption(md(note))
    ss["_w_drop"] = ss["drop_identifiers"]
    st.checkbox("Drop columns that look like identifiers (names, dates of birth, addresses, ...)", key="_w_drop",
                on_change=_on_drop,
                help="Without this, a dataset with such a column is refused: anonymise it first, or tick this box "
                     "to drop those columns on loading (they are listed in the report below).")

ctx = state.context()

# A clinic export (REDCap, flowsheet, spreadsheet): the import assistant reads it with a reviewed mapping.
is_export = ss["source"] == "upload" and bool(ss.get("upload_files")) and not looks_canonical(ss["upload_files"])
if is_export:
    before = ss.get("mapping")
    assistant.start(ss["upload_files"])
    if ss.get("mapping") != before:
        st.rerun()  # load with the proposed mapping before anything is shown
elif ss["source"] == "upload" and ss.get("upload_files") and is_spec_document(ss.get("mapping")):
    # (no files at all: the clinic removed them to add corrected ones; the mapping and its edits wait for them)
    ss["mapping"] = {}  # files in the product's own format after an export: its mapping no longer applies
    st.rerun()

# ---------------------------------------------------------------------------------------------- errors + mapping
if ctx.error:
    st.error(md(ctx.error), icon=":material/error:")
    err = ctx.error_obj
    if isinstance(err, MissingColumnError) and err.column and ss.get("upload_files") and not is_export:
        headers = upload_headers(ss["upload_files"])
        cols = headers.get(err.file or "", []) or sorted({c for cs in headers.values() for c in cs})
        if cols:
            st.markdown(f"**Map a column:** which column of {code(err.file or 'your file')} holds **{code(err.column)}**?")
            c1, c2 = st.columns([3, 1])
            c1.selectbox("Column in your file", cols, key="_w_fix_src", label_visibility="collapsed")
            c2.button("Use this column", on_click=_add_mapping, args=("_w_fix_src", err.column), type="primary")

if is_export:
    assistant.render(ss["upload_files"], ctx)
elif ss["source"] == "upload":
    with st.expander("Column mapping" + (f" ({len(ss['mapping'])} entries)" if ss["mapping"] else ""),
                     expanded=bool(ss["mapping"]) or isinstance(ctx.error_obj, MissingColumnError)):
        st.caption("Tell the loader which of your column names mean which standard name (e.g. `Subject` -> "
                   "`patient_id`, `NRS` -> `pain_nrs`). Remembered for this session; download it to reuse.")
        if ss["mapping"]:
            st.dataframe(pd.DataFrame(list(ss["mapping"].items()), columns=["your column", "standard name"]),
                         hide_index=True, width="content")
        headers = upload_headers(ss.get("upload_files") or {})
        all_cols = sorted({c for cs in headers.values() for c in cs})
        if all_cols:
            c1, c2, c3 = st.columns([2, 2, 1])
            c1.selectbox("Your column", all_cols, key="_w_map_src")
            c2.selectbox("Standard name", list(CANONICAL_NAMES), key="_w_map_tgt")
            c3.button("Add", on_click=_add_manual)
        c1, c2, c3 = st.columns([2, 2, 1])
        c1.download_button("Download mapping (JSON)", json.dumps(ss["mapping"], indent=2, ensure_ascii=False),
                           file_name="mapping.json", mime="application/json", disabled=not ss["mapping"])
        c2.file_uploader("Load a mapping file (.json or .csv)", type=["json", "csv"], key="_w_mapping_file",
                         on_change=_on_mapping_file)
        c3.button("Clear", on_click=_clear_mapping, disabled=not ss["mapping"])
        if ss.get("_mapping_error"):
            st.error(md(ss["_mapping_error"]))

if ctx.dataset is None:
    st.stop()

# ---------------------------------------------------------------------------------------------- report
ds = ctx.dataset
rep = ds.report
uploaded = ctx.source_label.removeprefix("Uploaded: ")  # (the label says "Uploaded: ..." in the sidebar)
st.success(f"Loaded: {md(uploaded)} (uploaded)." if uploaded != ctx.source_label else
           f"Loaded: {md(ctx.source_label)}.", icon=":material/check_circle:")
st.subheader("Load report")
# A workbook's tables are named by the workbook and sheet the user gave, not the CSV name they are read under.
# (an upload's workbook is opened on upload: its notes are the upload's)
origins = sheet_origins(list(rep.notes) + list(ss.get("_upload_notes", [])))
files_table = rep.row_table()
files_table["file"] = files_table["file"].map(lambda f: origins.get(f, f))
# The table has the page's whole width: beside the Patients metric its last columns were cut off.
st.dataframe(files_table, hide_index=True, width="stretch", key="load_counts")
st.caption("Rows read = rows used + rows excluded. The list of excluded rows below names both the rows excluded and "
           "the rows used with a value excluded (a score out of range on a row whose other values are used).")
c1, c2 = st.columns([1, 3])
with c1:
    st.metric("Patients", f"{len(ds.patients):,}")
with c2:
    st.caption(f"Measures: {md(', '.join(ds.measures) or 'none')} · Covariates: {md(', '.join(ds.covariates) or 'none')} · "
               f"Fingerprint (SHA-256): `{rep.fingerprint[:16]}…`")

st.markdown("**Identifier guard**")
if rep.dropped_identifier_columns:
    st.warning("Dropped because they look like direct identifiers: " + "; ".join(
        f"{code(c)} in {md(f)} ({md(w)})" for f, c, w in rep.dropped_identifier_columns))
else:
    st.write("Passed: no column looks like a direct identifier (names, dates of birth, contact details, "
             "record numbers).")

# An export's messages name mapping keys (courses.treatments) the assistant's widgets stand for: in their words.
said = page_words.for_page if is_export else str
for warning in getattr(rep, "warnings", []):
    st.warning(md(said(warning)), icon=":material/warning:")
for note in rep.notes:
    st.caption(md(said(note)))

heading, _, count = rep.exclusions_heading().partition(" (")
st.markdown(f"**{heading}** ({md(count)}")
if len(rep.exclusions):
    reasons = rep.exclusions["reason"].astype(str)
    words = {r: said(r) for r in pd.unique(reasons)}  # per distinct reason
    shown = rep.exclusions.assign(file=rep.exclusions["file"].map(lambda f: origins.get(f, f)),
                                  reason=reasons.map(words))
    st.dataframe(shown, hide_index=True, width="stretch", key="exclusions",
                 column_config={"reason": st.column_config.TextColumn("reason", width="large")})
else:
    st.write("None: every row was used.")

if not ds.has_treatments:  # say which pages need treatments instead of "Cannot compute" everywhere
    from dashboard import no_treatments
    st.info(no_treatments.summary(), icon=":material/info:")
ep = state.run_safely(cache.episodes, ctx.key, ds, ctx.definitions, what="the treatment episodes") \
    if ds.has_treatments else None
if ep is not None:
    ex = episode_exclusion_counts(ep)
    st.markdown("**Episodes excluded from relief analyses**")
    if ctx.definitions.measure not in ds.measures:
        st.warning(f"The outcome measure `{ctx.definitions.measure}` has no score in this dataset (its measures: "
                   f"{md(', '.join(ds.measures) or 'none')}): no episode has a baseline score of it. If a column "
                   f"holds it under another name, give that column the name {ctx.definitions.measure} above.")
    if len(ex):
        st.dataframe(ex, hide_index=True, width="content")
    else:
        st.write("None: every treatment episode has a baseline score.")
state.show_definitions(ctx)
