"""The sidebar: data source, filters and definitions, in one module, mirrored in the URL.

Every choice lives in ``st.session_state`` (per browser session) and in ``st.query_params``, so a
view can be bookmarked and shared: opening a bookmarked address restores the filters and
definitions (not an upload: uploaded data never leaves the browser session that sent it).

``render_sidebar()`` runs in ``app.py`` before the page, loads the dataset (cached by content) and
stores a :class:`Context` in the session; pages call :func:`context` / :func:`require_dataset`,
and :func:`show_definitions` to print the choices on the page so a screenshot explains itself.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import streamlit as st

from analysis import methods
from analysis.definitions import CHOICES, CONF_TYPES, Definitions, definitions_for_measure
from analysis.errors import AnalysisError, DatasetError
from analysis.escaping import markdown_text as md  # every text from data shown as Markdown goes through md()
from dashboard import cache, page_words
from dashboard.covariates import (
    covariate_kind, covariate_levels, covariate_range, filter_values_for, groupable_covariates,
)
from dashboard.export_buttons import figure_download_buttons

log = logging.getLogger("crps_outcomes.dashboard")

DEFAULTS = Definitions()
SYNTHETIC_LABEL = "Demo cohort (SYNTHETIC: invented patients, not real data)"

# URL parameter -> (session key, parser, default)
_PARAMS = {
    "thr": ("def_threshold", float, DEFAULTS.threshold),
    "bw": ("def_baseline", float, DEFAULTS.baseline_window_days),
    "iw": ("def_immediate", float, DEFAULTS.immediate_window_days),
    "fu": ("def_followup", float, DEFAULTS.max_followup_days),
    "ci": ("def_ci", str, DEFAULTS.km_conf_type),
    "first": ("def_first", bool, DEFAULTS.first_episode_only),
    "retx": ("def_retx", bool, DEFAULTS.retreatment_is_event),
    "min": ("def_min", int, DEFAULTS.min_cell_size),
    "by": ("grp_by", list, ["treatment"]),
    "tx": ("flt_treatment", list, []),
    "fcov": ("flt_covs", list, []),
}
_COV_PREFIX = "f."          # URL: f.sex=F,M  or  f.disease_duration_months=3..24
_COV_KEY = "flt_cov_"       # session key prefix of a covariate's filter widget
#: The sidebar's choices are kept under ``_KEPT + widget key``, not only in the widgets' own state.
#: Streamlit can lose a widget's state (a navigation click arriving while a run is still going, cf.
#: streamlit/streamlit#9100); a number input or slider then falls back to its ``value`` argument, and
#: without one to its *minimum*: a CI run showed a 5% responder threshold and a 0-day baseline window
#: after an upload and a page change. Each run copies the kept value into the widget before drawing it
#: and the widget's on_change copies a user's change back (the workaround of streamlit/streamlit#4989).
_KEPT = "_kept_"
GENERIC_ERROR = ("Something in these files could not be processed. Check that they follow the data format "
                 "(docs/data-format.md: assessments.csv with patient_id, day and scores; optional treatments.csv "
                 "and patients.csv) and try again. Nothing was kept from the failed attempt.")


@dataclass
class Context:
    """What every page needs: the dataset, its content key, and the sidebar's choices."""

    dataset: object = None
    key: str = ""
    source_label: str = ""
    definitions: Definitions = field(default_factory=Definitions)
    by: tuple = ("treatment",)
    filters: dict | None = None
    error: str | None = None
    error_obj: Exception | None = None
    filter_text: str = "none"


# ---------------------------------------------------------------------------------------------- URL
def _parse(kind, raw: str):
    if kind is bool:
        return raw.lower() in ("1", "true", "yes", "on")
    if kind is list:
        return list(dict.fromkeys(v for v in raw.split(",") if v != ""))  # each once: ?by=sex,sex
    return kind(raw)


#: The widgets' ranges (render_sidebar): a URL value outside them would make Streamlit raise.
_URL_RANGES = {name: (CHOICES[field].low, CHOICES[field].high) for name, field in (
    ("thr", "threshold"), ("bw", "baseline_window_days"), ("iw", "immediate_window_days"),
    ("fu", "max_followup_days"), ("min", "min_cell_size"))}
_MAX_GROUPINGS = 2


def _url_problem(name: str, value) -> str | None:
    """Why a parsed URL value cannot be used (None when it can): NaN, infinity, out of range, too many."""
    if name in _URL_RANGES:
        lo, hi = _URL_RANGES[name]
        if not (isinstance(value, (int, float)) and lo <= value <= hi):  # also false for NaN
            return f"must be a number from {lo:g} to {hi:g}"
    if name == "ci" and value not in CONF_TYPES:
        return f"must be one of {', '.join(CONF_TYPES)}"
    return None


def _url_grouping_message(asked: list, options: list) -> tuple[list, str | None]:
    """The groupings a URL's ``by=`` gives on this dataset (its values that are groupings here, at most
    ``_MAX_GROUPINGS``, in their order) and what the page says about it (None when every value is used):
    which values are not groupings of this data, and which grouping is used, or that none is."""
    valid = [v for v in asked if v in options]
    used = valid[:_MAX_GROUPINGS]
    if used == asked:
        return used, None
    problems = []
    unknown = [v for v in asked if v not in options]
    if unknown:
        problems.append(f"{', '.join(map(repr, unknown))} " + ("is not a grouping" if len(unknown) == 1 else
                        "are not groupings") + f" of this data (it can be grouped by {', '.join(options)})")
    if len(valid) > _MAX_GROUPINGS:
        problems.append(f"at most {_MAX_GROUPINGS} groupings at once")
    result = f"grouped by {' and '.join(used)}" if used else "no grouping is used: all episodes together"
    return used, f"by={','.join(asked)}: {'; '.join(problems)}; {result}"


def _format(kind, value) -> str:
    if kind is bool:
        return "1" if value else "0"
    if kind is list:
        return ",".join(str(v) for v in value)
    if kind is float:
        return f"{float(value):g}"
    return str(value)


def _init_from_url() -> None:
    """First run of a session: copy the URL's choices into the session (invalid values are ignored)."""
    ss = st.session_state
    if ss.get("_url_loaded"):
        return
    ss["_url_loaded"] = True
    qp = st.query_params
    ignored = []
    for name, (key, kind, _default) in _PARAMS.items():
        if name in qp:
            try:
                value = _parse(kind, qp[name])
            except (TypeError, ValueError, OverflowError):
                ignored.append(f"{name}={qp[name]!r} (not a {kind.__name__})")
                continue
            problem = _url_problem(name, value)
            if problem:
                ignored.append(f"{name}={qp[name]!r} ({problem})")
                continue
            if name == "by":  # which of them are groupings is known once the dataset is loaded (render_sidebar)
                ss["_url_by"] = value
                value = value[:_MAX_GROUPINGS]
            ss[_KEPT + key] = value
    if ignored:
        ss["_url_warning"] = "Ignored in the address: " + "; ".join(ignored) + "."
    for name in qp:
        if name.startswith(_COV_PREFIX):
            cov = name[len(_COV_PREFIX):]
            ss[f"_url_cov_{cov}"] = qp[name]
    if qp.get("src") == "upload" and "upload_files" not in ss:
        ss.pop("_url_by", None)  # the groupings belong to the uploaded data, not to the demo shown meanwhile
        ss["_url_warning"] = ("This address was bookmarked on uploaded data, which is never stored: upload the files "
                              "again on the Data page. Showing the demo cohort meanwhile.")


def _write_url(extra: dict) -> None:
    want = {}
    for name, (key, kind, default) in _PARAMS.items():
        value = st.session_state.get(_KEPT + key, default)
        if (list(value) if kind is list else value) != (list(default) if kind is list else default):
            want[name] = _format(kind, value)
    want.update(extra)
    if st.session_state.get("source") == "upload":
        want["src"] = "upload"
    current = {k: st.query_params[k] for k in st.query_params}
    if current != want:
        st.query_params.from_dict(want)


def reset_choices() -> None:
    """Callback of the sidebar's reset button: defaults everywhere."""
    ss = st.session_state
    for _name, (key, _kind, default) in _PARAMS.items():
        ss[_KEPT + key] = list(default) if isinstance(default, list) else default
    for k in list(ss.keys()):
        if str(k).startswith((_COV_KEY, _KEPT + _COV_KEY)):
            del ss[k]


# ---------------------------------------------------------------------------------------------- data
def default_label(folder=None) -> str:
    """Label of the default dataset: the demo cohort, or the data folder the server was started on."""
    if folder is None:
        return SYNTHETIC_LABEL
    return f"{folder.name or folder} (data folder given at start)"


def _load_dataset(ctx: Context) -> None:
    ss = st.session_state
    source = ss.get("source", "demo")
    try:
        if source == "upload" and ss.get("upload_files"):
            files = ss["upload_files"]
            mapping = dict(ss.get("mapping", {}))
            drop = bool(ss.get("drop_identifiers", False))
            key = cache.content_key(files, mapping, drop)
            names = ", ".join(ss.get("upload_names") or sorted(files))
            ctx.source_label = f"Uploaded: {names}"
            with st.spinner(f"Reading and checking {md(names)} ..."):
                ctx.dataset = cache.load_upload(key, files, json.dumps(mapping, sort_keys=True), drop)
            ctx.key = key
        else:
            folder = cache.default_data_path()
            ctx.source_label = default_label(folder)
            if folder is None:
                ctx.dataset = cache.load_demo()
                ctx.key = "demo:" + ctx.dataset.report.fingerprint
            else:
                with st.spinner(f"Reading and checking {md(folder)} ..."):
                    ctx.dataset = cache.load_folder(folder)
                ctx.key = "folder:" + ctx.dataset.report.fingerprint
    except (DatasetError, AnalysisError) as err:
        ctx.error, ctx.error_obj, ctx.dataset = page_words.for_page(str(err)), err, None  # no CLI option words
    except Exception as err:  # noqa: BLE001 - never a traceback for a user's file
        log.exception("Unexpected error while loading a dataset")
        ctx.error, ctx.error_obj, ctx.dataset = GENERIC_ERROR, err, None


# ---------------------------------------------------------------------------------------------- sidebar
def _default(key: str, value) -> None:
    """Keep ``value`` as the choice of widget ``key`` unless one is kept already."""
    if _KEPT + key not in st.session_state:
        st.session_state[_KEPT + key] = value


def _kept(key: str):
    """The kept choice of widget ``key`` (what the analyses use)."""
    return st.session_state[_KEPT + key]


def _keep(key: str) -> None:
    """on_change of a sidebar widget: the user's new value becomes the kept choice."""
    st.session_state[_KEPT + key] = st.session_state[key]


def _among(values, options) -> list:
    """The values that are options now, in their order, each once. The kept choice itself is not
    trimmed: a grouping or filter for a characteristic this dataset lacks (or while no dataset loads)
    comes back with the dataset that has it."""
    allowed = set(options)
    return [v for v in dict.fromkeys(values) if v in allowed]


def _bound(key: str, options=None) -> dict:
    """Put the kept choice (for a multiselect: those of its values that are ``options``) into widget
    ``key`` before it is drawn; the widget's keyword arguments."""
    kept = st.session_state[_KEPT + key]
    st.session_state[key] = kept if options is None else _among(kept, options)
    return {"key": key, "on_change": _keep, "args": (key,)}


def _forget_covariate_filters(data_key: str | None) -> None:
    """A covariate's filter values belong to one dataset: another dataset starts from all its levels
    (kept levels of the old one could select nobody). Not on the first load: a bookmark's values apply."""
    ss = st.session_state
    if data_key is None:
        return
    if ss.get("_kept_data_key") not in (None, data_key):
        for k in [k for k in ss.keys() if str(k).startswith(_KEPT + _COV_KEY)]:
            del ss[k]
    ss["_kept_data_key"] = data_key


def render_sidebar() -> Context:
    """Draw the sidebar, load the dataset and return (and store) the page context."""
    _init_from_url()
    ss = st.session_state
    for _name, (key, _kind, default) in _PARAMS.items():
        _default(key, list(default) if isinstance(default, list) else default)
    ctx = Context()
    _load_dataset(ctx)
    ds = ctx.dataset
    sb = st.sidebar
    sb.caption(f"**Data:** {md(ctx.source_label)}" if ds is not None else "**Data:** not loaded - see the Data page")

    # Filters ----------------------------------------------------------------------------------
    sb.subheader("Filters")
    filters: dict = {}
    url_extra: dict = {}
    filter_text = []
    _forget_covariate_filters(ctx.key if ds is not None else None)
    treatments = sorted(ds.treatments["treatment"].unique().tolist()) if ds is not None and ds.has_treatments else []
    sb.multiselect("Treatments", treatments, placeholder="All treatments", help="Leave empty for all treatments.",
                   **_bound("flt_treatment", treatments))
    chosen_tx = _among(_kept("flt_treatment"), treatments)
    if chosen_tx:
        filters["treatment"] = chosen_tx
        filter_text.append("treatment in " + ", ".join(chosen_tx))
    covariates = ds.covariates if ds is not None else []
    sb.multiselect("Filter on patient characteristics", covariates, placeholder="None",
                   **_bound("flt_covs", covariates))
    if ds is not None:  # a characteristic no longer filtered on starts again from all its values
        for k in [k for k in ss.keys() if str(k).startswith(_KEPT + _COV_KEY)
                  and str(k)[len(_KEPT + _COV_KEY):] not in _kept("flt_covs")]:
            del ss[k]
    for cov in _among(_kept("flt_covs"), covariates):
        key = f"{_COV_KEY}{cov}"
        kept = _KEPT + key
        url_raw = ss.pop(f"_url_cov_{cov}", None)
        if covariate_kind(ds.patients, cov) == "numeric":
            lo, hi = covariate_range(ds.patients, cov)
            if url_raw and ".." in url_raw:
                try:
                    a, b = (float(x) for x in url_raw.split("..", 1))
                    ss[kept] = (max(lo, a), min(hi, b))
                except ValueError:
                    pass
            cur = ss.get(kept)
            if not (isinstance(cur, (tuple, list)) and len(cur) == 2 and lo <= cur[0] <= cur[1] <= hi):
                ss[kept] = (lo, hi)
            if lo < hi:
                sb.slider(md(cov), min_value=lo, max_value=hi, value=(lo, hi), **_bound(key))
            rng = tuple(float(x) for x in ss[kept])
            filters[cov] = rng
            url_extra[_COV_PREFIX + cov] = f"{rng[0]:g}..{rng[1]:g}"
            filter_text.append(f"{cov} {rng[0]:g} to {rng[1]:g}")
        else:
            levels = covariate_levels(ds.patients, cov)
            if url_raw is not None:
                ss[kept] = [v for v in url_raw.split(",") if v]
            _default(key, list(levels))
            sb.multiselect(md(cov), levels, default=list(levels), **_bound(key, levels))
            chosen = _among(ss[kept], levels)
            filters[cov] = filter_values_for(ds.patients, cov, chosen)
            url_extra[_COV_PREFIX + cov] = ",".join(chosen)
            filter_text.append(f"{cov} in {', '.join(chosen) if chosen else '(nothing selected)'}")

    by_options = ["treatment", *groupable_covariates(ds.patients)] if ds is not None else ["treatment"]
    if ds is not None and "_url_by" in ss:  # the address's groupings, checked against this dataset once
        used, message = _url_grouping_message(ss.pop("_url_by"), by_options)
        if message:
            ss[_KEPT + "grp_by"] = used
            ss["_url_warning"] = " ".join(filter(None, [ss.get("_url_warning"), f"In the address, {message}."]))
    sb.multiselect("Compare groups by", by_options, default=["treatment"], **_bound("grp_by", by_options),
                   max_selections=_MAX_GROUPINGS, placeholder="All episodes together",
                   help="Each chart shows one line (or box) per group: treatment and/or a patient characteristic.")

    # Definitions ------------------------------------------------------------------------------
    sb.subheader("Definitions")
    c = CHOICES
    # `value=` is the default definition: what Streamlit falls back to if a widget's state is ever lost or
    # a number field is left empty (without it, the minimum: a 0-day baseline window).
    sb.slider("Responder threshold (% relief)", c["threshold"].low, c["threshold"].high, DEFAULTS.threshold,
              step=c["threshold"].step, format="%g%%", help=methods.THRESHOLD_HELP, **_bound("def_threshold"))
    for label, key, name in (("Baseline window (days before start)", "def_baseline", "baseline_window_days"),
                             ("Immediate window (days after start)", "def_immediate", "immediate_window_days"),
                             ("Maximum follow-up (days)", "def_followup", "max_followup_days")):
        sb.number_input(label, c[name].low, c[name].high, float(getattr(DEFAULTS, name)), step=c[name].step,
                        format="%g", **_bound(key))
    sb.selectbox("Kaplan-Meier CI scale", list(CONF_TYPES), list(CONF_TYPES).index(DEFAULTS.km_conf_type),
                 help="log-log (default, as lifelines); log is R's default; plain = linear.", **_bound("def_ci"))
    sb.checkbox("First episode of each treatment only", DEFAULTS.first_episode_only, **_bound("def_first"))
    sb.checkbox("Re-treatment counts as loss of relief", DEFAULTS.retreatment_is_event, help=methods.RETREATMENT_HELP,
                **_bound("def_retx"))
    sb.number_input("Minimum group size (patients)", c["min_cell_size"].low, c["min_cell_size"].high,
                    int(DEFAULTS.min_cell_size), step=c["min_cell_size"].step,
                    help="Smaller groups are not shown as estimates.", **_bound("def_min"))
    sb.button("Reset filters and definitions", on_click=reset_choices, width="stretch")
    sb.caption("These choices are in the address bar: bookmark or share it to return to this view.")

    thr = float(_kept("def_threshold"))
    try:
        ctx.definitions = Definitions(
            baseline_window_days=float(_kept("def_baseline")), immediate_window_days=float(_kept("def_immediate")),
            max_followup_days=float(_kept("def_followup")), km_conf_type=str(_kept("def_ci")),
            first_episode_only=bool(_kept("def_first")), retreatment_is_event=bool(_kept("def_retx")),
            min_cell_size=int(_kept("def_min"))).with_threshold(thr)
    except ValueError as err:
        st.sidebar.error(str(err))
        ctx.definitions = Definitions()
    ctx.by = tuple(_among(_kept("grp_by"), by_options)[:_MAX_GROUPINGS])
    ctx.filters = filters or None
    ctx.filter_text = "; ".join(filter_text) or "none"
    _write_url(url_extra)
    if ss.get("_url_warning"):
        st.warning(md(ss.pop("_url_warning")))
    ss["ctx"] = ctx
    return ctx


# ---------------------------------------------------------------------------------------------- pages
def context() -> Context:
    return st.session_state.get("ctx") or Context()


def require_dataset() -> Context:
    """The context; stops the page with a pointer to the Data page when no dataset is usable."""
    ctx = context()
    if ctx.dataset is None:
        st.error(md(ctx.error or "No dataset is loaded."))
        st.page_link("content/data.py", label="Go to the Data page to choose or fix the dataset", icon=":material/upload:")
        st.stop()
    return ctx


def show_choices(ctx: Context) -> None:
    """One line under the page title: data, filters, grouping, the main definitions."""
    d = ctx.definitions
    by = " and ".join(ctx.by) if ctx.by else "all episodes together"
    st.caption(
        f"**Data:** {md(ctx.source_label)} · **Filters:** {md(ctx.filter_text)} · **Groups:** {md(by)} · "
        f"**Responder:** relief \u2265 {d.threshold:g}% · **Baseline window:** {d.baseline_window_days:g} d · "
        f"**Immediate window:** {d.immediate_window_days:g} d · **Max follow-up:** {d.max_followup_days:g} d · "
        f"**KM CI:** {d.km_conf_type} · **Minimum group:** {d.min_cell_size} patients"
        + (" · **first episode only**" if d.first_episode_only else "")
        + (" · **re-treatment = loss of relief**" if d.retreatment_is_event else ""))
    if ctx.dataset is not None and d.measure not in ctx.dataset.measures:  # else "no baseline" everywhere, unexplained
        st.warning(f"The outcome measure `{d.measure}` has no score in this dataset (its measures: "
                   f"{md(', '.join(ctx.dataset.measures) or 'none')}): relief, responders and their duration are "
                   f"computed from it, so they are empty. If a column holds it under another name, give that column "
                   f"the name {d.measure} on the Data page.", icon=":material/warning:")


def show_definitions(ctx: Context, measure_definitions: Definitions | None = None) -> None:
    """The full definitions (:func:`analysis.methods.describe`) as text at the foot of a page; for a measure
    with its own response rule (PHQ-9, GAD-7) its definitions (:func:`definitions_for_measure`: one threshold)."""
    d, _ = definitions_for_measure(measure_definitions or ctx.definitions)
    st.divider()
    st.markdown("**Definitions used on this page**")
    entry = ctx.dataset.measure_entry(d.measure) if ctx.dataset is not None else None  # the mapping's direction
    st.caption("  \n".join(md(line) for line in methods.describe(d, entry)))


def run_safely(fn, *args, what: str = "this analysis", **kwargs):
    """Call an analysis; on a user-facing error show it (never a traceback) and return None."""
    try:
        return fn(*args, **kwargs)
    except (DatasetError, AnalysisError, ValueError) as err:
        st.error(md(f"Cannot compute {what}: {err}"))
    except Exception:  # noqa: BLE001
        log.exception("Unexpected error in %s", what)
        st.error(f"Cannot compute {what} for this selection. Try other filters or definitions; "
                 "if it persists, report it with the settings in the address bar.")
    return None


def plot(fig, key: str | None = None) -> None:
    """Show a figure with our own colours (Streamlit's theme off) and its caption."""
    st.plotly_chart(fig, theme=None, width="stretch", key=key,
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}})
    cap = (fig.layout.meta or {}).get("caption") if isinstance(fig.layout.meta, dict) else None
    if cap:
        st.caption(md(cap))


def chart(builder: str, *args, key: str, name: str | None = None, note: str = "", **kwargs) -> None:
    """Draw a figure of :mod:`analysis.figures` (built through the cache), its caption, and a
    "Download this chart" popover (PNG/SVG/PDF in the journal style, rendered only on click).

    ``builder`` names the figure function, ``args``/``kwargs`` are its inputs; ``name`` is the file
    name of the downloads (default: ``key`` without its ``fig_`` prefix); ``note`` says what the
    chart leaves out (small groups) and is printed in the image.
    """
    plot(cache.figure(builder, *args, **kwargs), key=key)
    figure_download_buttons(lambda: cache.publication_figure(builder, *args, **kwargs),
                            name or key.removeprefix("fig_"), key=key, note=note)


def small_note(*notes: str) -> None:
    text = " ".join(n for n in notes if n)
    if text:
        st.info(md(text), icon=":material/visibility_off:")


def draw(spec, key: str) -> None:
    """Draw a figure of a panel (:class:`analysis.present.FigureSpec`) with its caption and downloads:
    the figure the export writes under the same name."""
    chart(spec.builder, *spec.args, key=key, name=spec.name, note=spec.note, **spec.kwargs)
