"""The import assistant of the Data page: a clinic export (REDCap, flowsheet, spreadsheet) read with
a mapping the clinic reviews with widgets, never by typing more than names.

The mapping lives in ``st.session_state["mapping"]`` as the JSON document of
:class:`analysis.io.spec.MappingSpec` (the file ``inspect --write-mapping`` writes); the sidebar
loads the upload with it, so every page uses the same reading. Each widget's callback rewrites that
document; the preview, the load report and the warnings follow on the same rerun.
"""
from __future__ import annotations

import copy
import re
from difflib import get_close_matches

import pandas as pd
import streamlit as st

from analysis.definitions import KNOWN_MEASURES
from analysis.errors import DatasetError
from analysis.escaping import markdown_text
from analysis.io import spec as export_spec
from analysis.io.column_words import measure_of
from analysis.io.item_treatments import TREATMENT
from analysis.io.spec import ROLES, SCORE_ROLES, TIMINGS
from analysis.io.treatment_hint import NO_TREATMENTS
from analysis.measures import MEASURES
from analysis.present.formatting import day_text, natural_order
from dashboard import cache
from dashboard.mapping_edits import carry_edits, file_contents
from dashboard.page_words import for_page

ss = st.session_state

ROLE_LABELS = {
    "patient_id": "patient id", "date": "date (and time)", "time": "time of day", "day": "day number",
    "treatment": "treatment", "dose": "dose", "action": "administration action", "measure": "score (measure)",
    "item": "observation name", "value": "observation value", "covariate": "covariate",
    "checkbox": "checkbox (counted)", "list": "list in one cell (items counted)",
    "sum_item": "questionnaire item (items summed)", "event": "event (not read)",
    "status": "entry status (rows in error left out)", "route": "route (only intravenous rows are infusions)",
    "ignore": "ignore",
}
#: The widths of the column table's columns: the timing's options ("when recorded") need 3 to be read whole.
_COLUMN_WIDTHS = [3, 3, 2, 3, 2]
TIMING_LABELS = {"at": "when recorded", "before_start": "before start", "after_start": "after start"}
SOURCE_LABELS = {"redcap": "a REDCap export", "flowsheet": "an EHR export (observations and administrations)",
                 "spreadsheet": "a spreadsheet"}
DATE_CHOICES = {"": "as detected", "YMD": "year-first (2024-03-01)", "DMY": "day-first (01.03.2024, 01/03/2024)",
                "MDY": "month-first (03/01/2024)"}
NOT_A_MEASURE = "(not a measure: ignore)"
#: What the proposal calls a REDCap labels export given without its data dictionary (analysis.io.propose).
LABELS_WITHOUT_DICTIONARY = "REDCap labels export (no dictionary)"


def _doc() -> dict:
    return copy.deepcopy(ss.get("mapping") or {})


def _set_doc(doc: dict) -> None:
    try:
        export_spec.from_json(doc)
    except DatasetError as err:
        ss["_assist_error"] = str(err)
        return
    ss.pop("_assist_error", None)
    ss["mapping"] = doc


def _on_role(fi: int, header: str, wkey: str) -> None:
    doc = _doc()
    cols = doc["files"][fi].setdefault("columns", {})
    old = cols.get(header, "ignore")
    old = {"role": old} if isinstance(old, str) else dict(old)
    role = ss[f"{wkey}_role"]
    new = {"role": role}
    name = (ss.get(f"{wkey}_name") or "").strip() or export_spec.slug(header)
    if role == "sum_item":
        # Only a questionnaire scored as the sum of its items can be summed (PHQ-9, GAD-7): its name.
        summed = [m for m, spec in MEASURES.items() if spec.items]
        new["measure"] = next((m for m in (old.get("measure"), measure_of(header)) if m in summed), name)
    elif role in SCORE_ROLES:
        new["measure"] = old.get("measure") or name
        if role in ("measure", "list") and old.get("timing", "at") != "at":
            new["timing"] = old["timing"]
    elif role == "covariate":
        new["name"] = old.get("name") or name
    for k in ("time", "date", "format", "codes"):
        if k in old and role in SCORE_ROLES + ("treatment", "time", "date", "covariate"):
            new[k] = old[k]
    if "offset_days" in old and role in SCORE_ROLES:  # a visit's column keeps its visit
        new["offset_days"] = old["offset_days"]
    if old.get("means_none") and role == "checkbox":
        new["means_none"] = True
    if old.get("counted_from") and role == "day":
        new["counted_from"] = old["counted_from"]
    for k in ("listed", "one_per_row", "side"):  # region codes; regions one per row, with their side
        if old.get(k) and role == "list":
            new[k] = old[k]
    cols[header] = new["role"] if len(new) == 1 else new
    fill = doc["files"][fi].get("fill_down")
    if fill and role != "patient_id" and header in fill:  # only the patient id is filled down
        fill.remove(header)
        if not fill:
            del doc["files"][fi]["fill_down"]
    _set_doc(doc)


def _on_fill_down(fi: int, header: str, wkey: str) -> None:
    doc = _doc()
    if ss[wkey]:
        doc["files"][fi]["fill_down"] = [header]
    else:
        doc["files"][fi].pop("fill_down", None)
    _set_doc(doc)


def _on_name(fi: int, header: str, wkey: str) -> None:
    doc = _doc()
    cols = doc["files"][fi]["columns"]
    col = cols.get(header)
    col = {"role": col} if isinstance(col, str) else dict(col)
    name = (ss.get(f"{wkey}_name") or "").strip()
    if not name:
        return
    if col["role"] in SCORE_ROLES:
        col["measure"] = name
    elif col["role"] == "covariate":
        col["name"] = name
    cols[header] = col
    _set_doc(doc)


def _set_column_option(fi: int, header: str, key: str, value) -> None:
    """Set one option of a column in the mapping being edited, or remove it (``value`` None: the default)."""
    doc = _doc()
    col = doc["files"][fi]["columns"][header]
    col = {"role": col} if isinstance(col, str) else dict(col)
    if value is None:
        col.pop(key, None)
    else:
        col[key] = value
    doc["files"][fi]["columns"][header] = col["role"] if len(col) == 1 else col
    _set_doc(doc)


def _on_timing(fi: int, header: str, wkey: str) -> None:
    timing = ss[f"{wkey}_timing"]
    _set_column_option(fi, header, "timing", None if timing == "at" else timing)


def _on_offset(fi: int, header: str, wkey: str) -> None:
    """A score column's visit: the days after the row's date (empty: the row's date itself)."""
    days = ss.get(f"{wkey}_offset")
    _set_column_option(fi, header, "offset_days", None if days is None else float(days))


def _on_means_none(fi: int, header: str, wkey: str) -> None:
    """A checkbox group's "None of these" box: ticked alone, the visit counts 0 (spec.Column.means_none)."""
    _set_column_option(fi, header, "means_none", True if ss[f"{wkey}_none"] else None)


def _on_counted_from(fi: int, header: str, wkey: str) -> None:
    """A day column of time points ('Baseline', 'Week 4'): the date column they count from (spec.Column.counted_from);
    empty: day numbers since the first course."""
    _set_column_option(fi, header, "counted_from", ss[f"{wkey}_from"] or None)


def _on_item(item: str, wkey: str) -> None:
    doc = _doc()
    items = doc.setdefault("items", {})
    choice = ss[wkey]
    if choice == NOT_A_MEASURE:
        items.pop(item, None)
    else:
        items[item] = choice
    _set_doc(doc)


def _on_option(path: tuple, wkey: str, empty_removes: bool = False) -> None:
    doc = _doc()
    node = doc
    for p in path[:-1]:
        node = node.setdefault(p, {})
    value = ss[wkey]
    if empty_removes and value in ("", None):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    _set_doc(doc)


def _on_table(path: tuple, wkey: str, key_col: str, value_col: str, numeric: bool = False) -> None:
    """A two-column editor (e.g. text answer -> value) written back as an object."""
    edited = ss.get(f"{wkey}_frame")
    state = ss.get(wkey) or {}
    frame = edited.copy()
    for row, changes in state.get("edited_rows", {}).items():
        for col, v in changes.items():
            frame.loc[int(row), col] = v
    for row in state.get("added_rows", []):
        frame.loc[len(frame)] = [row.get(key_col, ""), row.get(value_col)]
    frame = frame.drop(index=[i for i in state.get("deleted_rows", []) if i in frame.index])
    out = {}
    for k, v in zip(frame[key_col], frame[value_col]):
        if not isinstance(k, str) or not k.strip():
            continue
        if numeric:
            if v is None or v == "" or (isinstance(v, float) and v != v):
                continue
            out[k.strip()] = float(v)
        elif isinstance(v, str) and v.strip():
            out[k.strip()] = v.strip()
    doc = _doc()
    node = doc
    for p in path[:-1]:
        node = node.setdefault(p, {})
    node[path[-1]] = out
    _set_doc(doc)


def _on_saved_mapping() -> None:
    f = ss.get("_w_saved_mapping")
    if f is None:
        return
    try:
        spec = export_spec.parse_bytes(f.getvalue(), f.name)
    except DatasetError as err:
        ss["_assist_error"] = str(err)
        return
    if spec is None:
        ss["_assist_error"] = (f"{f.name} is not an import mapping (it has no \"crps_outcomes_mapping\" entry). "
                               "Use a file downloaded from this page or written by `inspect --write-mapping`.")
        return
    ss.pop("_assist_error", None)
    ss["mapping"] = spec.to_json()
    ss["_assist_saved"] = f.name


def start(files: dict[str, bytes]) -> None:
    """A new upload that is a clinic export: propose its mapping (kept until the files change)."""
    key = cache.content_key(files, None, False)
    if ss.get("_assist_for") == key:
        return
    ss["_assist_for"] = key
    try:
        proposal = cache.inspect_upload(key, files)
    except DatasetError as err:
        ss["_assist_error"] = str(err)
        return
    proposed = proposal.spec.to_json()
    previous, edited = ss.get("_assist_proposed"), ss.get("mapping")
    ss["_assist_proposed"] = proposed
    ss.pop("_assist_kept", None)
    ss.pop("_assist_other", None)
    old_files, waiting = ss.get("_assist_files") or {}, ss.get("_assist_contents") or {}
    ss["_assist_files"], ss["_assist_contents"] = files, {}
    # A mapping file the clinic loaded is carried like edits (against the proposal it replaced): its entries
    # for a file removed for a moment wait for that file, as the clinician's own changes do.
    if export_spec.is_spec_document(edited) and previous and (edited != previous or ss.get("_assist_edits")):
        # A corrected upload of the same export: the clinician's edits stay where their columns still exist.
        # What the files hold says whether they are the export edited (read only when there are edits to carry).
        old_contents = {**waiting, **file_contents(previous, old_files)}
        carried = carry_edits(previous, edited, proposed, [f.name for f in proposal.files], ss.get("_assist_edits"),
                              (old_contents, file_contents(proposed, files)))
        try:
            export_spec.from_json(carried.mapping)
            ss["mapping"], ss["_assist_edits"] = carried.mapping, carried.remembered
            # The content of the files whose edits wait: to know them again when they come back.
            ss["_assist_contents"] = {m: c for m, c in old_contents.items() if m in carried.remembered["files"]}
            if carried.other_export:
                ss.pop("_assist_edits", None)
                ss["_assist_other"] = carried.message()
            elif carried.any:
                ss["_assist_kept"] = carried.message()
        except DatasetError:
            ss["mapping"] = proposed
            ss.pop("_assist_edits", None)
            ss["_assist_kept"] = "Your changes do not fit the new files: the mapping proposed for them is used."
    else:
        ss["mapping"] = proposed
        ss.pop("_assist_edits", None)
    ss.pop("_assist_saved", None)


def _start_again() -> None:
    """The button beside the kept edits: the mapping proposed for these files, without the edits."""
    if ss.get("_assist_proposed"):
        ss["mapping"] = copy.deepcopy(ss["_assist_proposed"])
    ss.pop("_assist_kept", None)
    ss.pop("_assist_edits", None)
    ss.pop("_assist_error", None)


def render(files: dict[str, bytes], ctx) -> None:
    """The assistant: what was detected, every column's role, the rules, a preview, the mapping file."""
    key = cache.content_key(files, None, False)
    doc = ss.get("mapping") or {}
    try:
        proposal = cache.inspect_upload(key, files, doc.get("date_format"))
    except DatasetError as err:
        if for_page(str(err)) != ctx.error:  # the Data page shows the load's error already: not twice
            st.error(markdown_text(for_page(str(err))))
        return
    st.subheader("Import assistant")
    no_dictionary = [f.name for f in proposal.files if f.kind == LABELS_WITHOUT_DICTIONARY]
    if not no_dictionary:
        st.caption("Your files are a clinic export, not the product's own format. Below is how they will be read: "
                   "check the role of every column and the rules, look at the first patients as they will be "
                   "read, then download the mapping to reuse it next time. Every page of the dashboard uses this "
                   "reading.")
    detected = ("a REDCap labels export, without its data dictionary" if no_dictionary
                else SOURCE_LABELS.get(proposal.source, markdown_text(proposal.source)))
    st.markdown(f"**Detected:** {detected}")
    rows = [{"file": f.name, "what it is": f.kind, "how it is written": f.reading, "data rows": f.n_rows,
             "dates": "; ".join(f"{c}: {d}" for c, d in f.dates.items())} for f in proposal.files]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="assist_detected",
                 column_config={"dates": st.column_config.TextColumn("dates", width="large")})
    if no_dictionary:
        # Without the dictionary no column is known: a table of roles and notes about treatments would
        # describe a reading that cannot happen. The error above says what to upload.
        st.info("The columns of " + ", ".join(markdown_text(n) for n in no_dictionary) + " are shown once the "
                "project's data dictionary is uploaded with the export (in REDCap: Project Setup > Data Dictionary > "
                "Download).", icon=":material/upload_file:")
        return
    if proposal.review:
        st.warning("**To decide before loading:**\n\n" + "\n".join(f"- {markdown_text(for_page(r))}"
                                                                   for r in proposal.review))
    treated = any((c if isinstance(c, str) else c.get("role")) == "treatment"
                  for f in doc.get("files", []) for c in f.get("columns", {}).values())
    for n in proposal.notes:
        if not (treated and n.startswith(NO_TREATMENTS)):  # the clinician gave a column the role since
            st.caption(markdown_text(for_page(n)))
    if ss.get("_assist_error"):
        st.error(markdown_text(ss["_assist_error"]))
    if ss.get("_assist_kept"):
        st.info(f"**New upload, same export.** {markdown_text(ss['_assist_kept'])}", icon=":material/history:")
        st.button("Start again from the proposal (drop my changes)", key="assist_start_again", on_click=_start_again)
    if ss.get("_assist_other"):
        st.info(f"**New upload, another export.** {markdown_text(ss['_assist_other'])}", icon=":material/history:")

    c1, c2 = st.columns(2)
    ss["_w_date_format"] = doc.get("date_format") or ""
    c1.selectbox("Date format", list(DATE_CHOICES), format_func=DATE_CHOICES.get, key="_w_date_format",
                 on_change=_on_option, args=(("date_format",), "_w_date_format", True),
                 help="Only needed when the dates read two ways (03/04/2024): detected otherwise.")
    ss["_w_time_zone"] = doc.get("time_zone") or ""
    c1.text_input("Clinic's time zone", key="_w_time_zone", placeholder="e.g. America/New_York",
                  on_change=_on_option, args=(("time_zone",), "_w_time_zone", True),
                  help="Times written with a zone (Z, -05:00, a Qualtrics survey's zone) are converted to this "
                       "zone's local time. Empty: they are read as docs/data-format.md, \"Time zones\", says.")
    courses = doc.get("courses", {})
    ss["_w_gap_days"] = float(courses.get("gap_days", 7.0))
    c2.number_input("Administrations at most this many days apart are one course", min_value=0.0, max_value=365.0,
                    value=7.0, step=1.0, format="%g", key="_w_gap_days", on_change=_on_option, args=(("courses", "gap_days"), "_w_gap_days"),
                    help="One row per infusion day, or a medication record's bags: merged into one course that "
                         "starts at the first administration. Counted in calendar days: 09:00 and 09:30 a week "
                         "later are 7 days apart.")

    files_doc = doc.get("files", [])
    for fi, fdoc in enumerate(files_doc):
        if fdoc.get("kind", "data") != "data":
            continue
        fp = next((f for f in proposal.files if export_spec.FileSpec(match=fdoc["match"]).matches(f.name)), None)
        examples = {c.header: ", ".join(_example(e) for e in c.examples[:3]) for c in (fp.columns if fp else [])}
        with st.expander(f"Columns of {markdown_text(fdoc['match'])}", expanded=True):
            ids = [h for h, c in fdoc.get("columns", {}).items()
                   if (c if isinstance(c, str) else c.get("role")) == "patient_id"]
            if ids:
                ss[f"_w_fill_{fi}"] = ids[0] in fdoc.get("fill_down", [])
                st.checkbox("Patient id written only on each patient's first row: fill it down", key=f"_w_fill_{fi}",
                            on_change=_on_fill_down, args=(fi, ids[0], f"_w_fill_{fi}"),
                            help="Empty cells of the patient id column take the id above them, on rows with a date; rows "
                                 "without one (totals) are not filled. Merged cells and report layouts are exported "
                                 "so.")
            head = st.columns(_COLUMN_WIDTHS)
            head[0].markdown("**column** (examples)")
            head[1].markdown("**role**")
            head[2].markdown("**name**")
            head[3].markdown("**timing**")
            head[4].markdown("**days after the date**", help="For a visit's score column in a sheet with one row "
                             "per patient ('NRS week 4' beside an 'Infusion date'): the visit's day after the row's "
                             "date (28). Empty: the score is at the row's date.")
            for ci, (header, col) in enumerate(fdoc.get("columns", {}).items()):
                col = {"role": col} if isinstance(col, str) else col
                wkey = f"_w_col_{fi}_{ci}"
                row = st.columns(_COLUMN_WIDTHS)
                row[0].markdown(f"`{markdown_text(header)}`  \n{markdown_text(examples.get(header, ''))[:80]}")
                ss[f"{wkey}_role"] = col["role"]
                row[1].selectbox(f"Role of {markdown_text(header)}", ROLES, format_func=ROLE_LABELS.get, key=f"{wkey}_role",
                                 label_visibility="collapsed", on_change=_on_role, args=(fi, header, wkey))
                if col["role"] in SCORE_ROLES + ("covariate",):
                    ss[f"{wkey}_name"] = col.get("measure") or col.get("name") or ""
                    row[2].text_input(f"Name of {markdown_text(header)}", key=f"{wkey}_name", label_visibility="collapsed",
                                      on_change=_on_name, args=(fi, header, wkey))
                if col["role"] in ("measure", "list"):
                    ss[f"{wkey}_timing"] = col.get("timing", "at")
                    row[3].selectbox(f"Timing of {markdown_text(header)}", TIMINGS, format_func=TIMING_LABELS.get,
                                     key=f"{wkey}_timing", label_visibility="collapsed", on_change=_on_timing,
                                     args=(fi, header, wkey))
                if col["role"] == "checkbox":
                    ss[f"{wkey}_none"] = bool(col.get("means_none"))
                    row[3].checkbox("means none (0)", key=f"{wkey}_none", on_change=_on_means_none,
                                    args=(fi, header, wkey), help="A \"None of these\" box: a visit with only it ticked "
                                    "counts 0 (then the measure's range applies); not counted as an item.")
                if col["role"] == "day":
                    dates = [""] + [h for h, c in fdoc["columns"].items() if (c if isinstance(c, str) else c["role"]) == "date"]
                    ss[f"{wkey}_from"] = col.get("counted_from") if col.get("counted_from") in dates else ""
                    row[4].selectbox(f"Counted from (date) of {markdown_text(header)}", dates, key=f"{wkey}_from",
                                     format_func=lambda h: f"after {h}" if h else "days since the first course",
                                     label_visibility="collapsed", on_change=_on_counted_from, args=(fi, header, wkey),
                                     help="Time points ('Baseline', 'Week 4') counted from a date of the same row (the "
                                          "infusion date on each visit row): a score's day is that date plus its time point.")
                if col["role"] in SCORE_ROLES:
                    ss[f"{wkey}_offset"] = col.get("offset_days")
                    row[4].number_input(f"Days after the date of {markdown_text(header)}", min_value=-float(export_spec.MAX_OFFSET_DAYS),
                                        max_value=float(export_spec.MAX_OFFSET_DAYS),
                                        value=None, step=1.0, format="%g", key=f"{wkey}_offset", label_visibility="collapsed",
                                        placeholder="none", on_change=_on_offset, args=(fi, header, wkey))
    unknown_measures(doc, proposal.spec.to_json())
    items = {}
    for f in proposal.files:
        items.update({k: n for k, (n, _) in f.items.items()})
    if items:
        with st.expander("Observation items: which are measures", expanded=True):
            st.caption("Items not chosen as a measure are ignored and counted in the load report; an item chosen as "
                       "'treatment' (a procedure listed among the scores) gives administrations of the treatment it names.")
            options = [NOT_A_MEASURE] + list(KNOWN_MEASURES) + [TREATMENT]
            for i, (item, n) in enumerate(sorted(items.items(), key=lambda x: -x[1])):
                wkey = f"_w_item_{i}"
                current = doc.get("items", {}).get(item)
                if current and current not in options:
                    options = options + [current]
                ss[wkey] = current or NOT_A_MEASURE
                st.selectbox(f"{markdown_text(item)} ({n:,} rows)", options, key=wkey, on_change=_on_item, args=(item, wkey))
    with st.expander("Value and course rules", expanded=False):
        values = doc.get("values", {})
        ss["_w_ranges"] = values.get("ranges", "midpoint")
        st.selectbox("A range such as 6-7 is read as", ["midpoint", "lower", "upper", "exclude"], key="_w_ranges",
                     on_change=_on_option, args=(("values", "ranges"), "_w_ranges"))
        ss["_w_annotated"] = bool(values.get("annotated_numbers", False))
        st.checkbox("Read a number followed by words ('7 - moderate', '3 (mild)') as the number", key="_w_annotated",
                    on_change=_on_option, args=(("values", "annotated_numbers"), "_w_annotated"))
        answers = dict(values.get("text", {}))
        if ctx.dataset is not None:
            ex = ctx.dataset.report.exclusions
            pending = ex.loc[ex["reason"].astype(str).str.startswith("text answer "), "value"].astype(str)
            for a in pending.value_counts().index[:20]:
                answers.setdefault(a, None)
        frame = pd.DataFrame({"text answer": list(answers), "value": [answers[a] for a in answers]})
        ss["_w_text_frame"] = frame
        st.caption("Text answers and the score they mean (empty: the row is excluded, with its reason).")
        st.data_editor(frame, key="_w_text", num_rows="dynamic", hide_index=True,
                       on_change=_on_table, args=(("values", "text"), "_w_text", "text answer", "value", True))
        treat = dict(courses.get("treatments", {}))
        frame = pd.DataFrame({"text to look for": list(treat), "treatment label": list(treat.values())})
        ss["_w_treat_frame"] = frame
        st.caption("**Treatments list:** which treatment texts are the treatments studied (empty table: every "
                   "treatment text, as written, but a visit's). Others, e.g. co-medications, are left out and counted.")
        st.data_editor(frame, key="_w_treat", num_rows="dynamic", hide_index=True,
                       on_change=_on_table, args=(("courses", "treatments"), "_w_treat", "text to look for",
                                                  "treatment label"))
        starts = list(courses.get("start_actions", export_spec.DEFAULT_START_ACTIONS))
        seen = []
        if ctx.dataset is not None:
            ex = ctx.dataset.report.exclusions
            reasons = ex.loc[ex["reason"].astype(str).str.startswith("not the start of an administration"), "value"]
            seen = [a for a in reasons.astype(str).value_counts().index if a not in starts]
        ss["_w_starts"] = starts
        st.multiselect("Actions of an administration record that start an administration (others, such as rate "
                       "changes and stops, are not courses)", starts + seen, key="_w_starts",
                       on_change=_on_option, args=(("courses", "start_actions"), "_w_starts"))
        ss["_w_post_offset"] = float(courses.get("post_offset_hours", 1.0))
        st.number_input("A score recorded after the start on a treatment row is placed this many hours after it",
                        min_value=0.01, max_value=48.0, value=1.0, step=0.5, format="%g", key="_w_post_offset",
                        on_change=_on_option, args=(("courses", "post_offset_hours"), "_w_post_offset"))
        boost = dict(courses.get("boosters", {}))
        labels = sorted(set(ctx.dataset.treatments["treatment"])) if ctx.dataset is not None else []
        for lab in labels:
            if lab not in boost and lab not in boost.values():
                boost.setdefault(lab, "")
        frame = pd.DataFrame({"treatment": list(boost), "later courses are called": list(boost.values())})
        ss["_w_boost_frame"] = frame
        st.caption("Boosters: a patient's later courses of a treatment can get another label (empty: keep it).")
        st.data_editor(frame, key="_w_boost", num_rows="dynamic", hide_index=True,
                       on_change=_on_table, args=(("courses", "boosters"), "_w_boost", "treatment",
                                                  "later courses are called"))

    c1, c2 = st.columns(2)
    try:
        text = export_spec.from_json(doc).dumps()
    except DatasetError:
        text = None
    c1.download_button("Download this mapping", text or "", file_name="crps_outcomes_mapping.json",
                       mime="application/json", disabled=text is None, key="assist_download",
                       help="The same file the command line takes: --mapping crps_outcomes_mapping.json")
    c2.file_uploader("Use a saved mapping", type=["json", "toml"], key="_w_saved_mapping",
                     on_change=_on_saved_mapping)
    preview(ctx)


def _example(value) -> str:
    """A column's example as the reading takes it: a whole number written by a spreadsheet as ``7.0`` is 7."""
    text = str(value)
    return re.sub(r"^(-?\d+)\.0+$", r"\1", text.strip())


def unknown_measures(doc: dict, proposed: dict) -> None:
    """Say which measure names typed in the name boxes are not known measures (a typo such as 'pain nrs' would
    make a new measure, read without range checks, and leave the outcome without scores)."""
    was = {(f.get("match"), h): c for f in proposed.get("files", []) for h, c in f.get("columns", {}).items()}
    lines = []
    for f in doc.get("files", []):
        for header, col in f.get("columns", {}).items():
            if isinstance(col, str) or col.get("role") not in SCORE_ROLES:
                continue
            name, before = col.get("measure"), was.get((f.get("match"), header))
            if not name or name in KNOWN_MEASURES or (isinstance(before, dict) and before.get("measure") == name):
                continue
            close = get_close_matches(export_spec.slug(name), list(KNOWN_MEASURES), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            lines.append(f"- '{markdown_text(name)}' (column '{markdown_text(header)}') is not a known measure{hint}")
    if lines:
        st.warning("\n".join(lines) + "\n\nKnown measures: " + ", ".join(KNOWN_MEASURES) + ". A new name is read "
                   "without range checks, as a measure of its own.", icon=":material/spellcheck:")


def preview(ctx) -> None:
    """The first patients as they will be read: their courses and scores."""
    ds = ctx.dataset
    st.markdown("**Preview: the first patients as they will be read**")
    if ds is None:
        st.info("Nothing can be read yet: see the message above.")
        return
    st.caption("Days count from the patient's first course; a score within a day is shown with the hours after "
               "that day's start (0 + 1 h: an hour after the infusion).")
    ids = natural_order(pd.unique(ds.patients["patient_id"].astype(str)))[:3]
    for pid in ids:
        t = ds.treatments[ds.treatments["patient_id"].astype(str) == pid].drop(columns="patient_id")
        a = ds.assessments[ds.assessments["patient_id"].astype(str) == pid].drop(columns="patient_id").head(12)
        st.markdown(f"Patient `{markdown_text(pid)}`: {len(t)} course(s), {len(a)} score(s)")
        c1, c2 = st.columns([2, 3])
        c1.dataframe(t.round(3).assign(day=day_text(t["day"])), hide_index=True, width="stretch",
                     key=f"prev_t_{pid}", column_config={"treatment": st.column_config.TextColumn(width="medium")})
        c2.dataframe(a.astype({"measure": str}).round(3).assign(day=day_text(a["day"])), hide_index=True,
                     width="stretch", key=f"prev_a_{pid}")
