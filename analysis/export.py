"""Researchers' export: publication figures, tidy tables, a methods text and one HTML report.

One pure builder, :func:`build_bundle`, computes every analysis of the dashboard with the
analysis API, draws every chart with the *same* builders as the dashboard
(:mod:`analysis.figures`, publication style), applies the small-cell rule, and returns the bundle
as ``{relative path: bytes}``. Two thin faces use it:

* :func:`export_bundle` writes the files (and ``bundle.zip``) into a folder (CLI, scripts);
* :func:`export_zip_bytes` returns the zip in memory (the dashboard's Export page: nothing on disk).

What the bundle holds (see docs/export.md)::

    figures/<name>.png|svg|pdf   every chart; PNG pixel size = width x scale by height x scale
    figures/captions.md          one caption per figure (definitions, n, what was suppressed)
    tables/<name>.csv (.xlsx)    tidy results: group columns, estimate, ci_low, ci_high, n, n_patients,
                                 method, conf_level, group_patients, suppressed, suppression_note
    methods.md, methods.html     generated from the Definitions actually used
    report.html                  one self-contained report (plotly.js inline; works offline)
    manifest.json                definitions, options, fingerprint and SHA-256 of every file
    bundle.zip                   all of the above (export_bundle only)

Safety of what leaves
---------------------
* **Small cells.** :func:`suppress_small_cells` blanks every statistic of a row whose patient count
  is below ``Definitions.min_cell_size`` (``suppressed`` = True, a note says why); figures omit such
  groups and cells (:func:`analysis.views.suppress`) and say so in their subtitle and caption.
* **Formula injection.** :func:`neutralise_formulas`: text cells that begin with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return get a leading apostrophe (OWASP "CSV injection");
  numbers stay numbers.
* **No identifiers.** Only aggregated results are written; the patient-level derived episode table
  only with ``include_episode_table=True``. The load report's exclusions are written without the
  offending cell's value (which may be an identifier or a date) unless that option is given.

Static images need Chromium (Kaleido drives it). Its presence is checked *before* Kaleido's warm
server is started (with no browser that server hangs instead of failing); without it every other
file is still written and :attr:`ExportResult.images_skipped` says why.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import hashlib
import html
import importlib.util
import io
import json
import sys
import threading
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import cohort, duration, figures, published, relief, secondary, views
from .dataset import Dataset
from .definitions import Definitions
from .documents import blocks_to_html, blocks_to_markdown, df_html, html_page, is_demo, md_escape
from .episodes import apply_filters, build_episodes
from .errors import AnalysisError, DatasetError
from .escaping import UnsafeNameError, check_member_name, plotly_text, safe_slug
from .methods import filters_text, methods_blocks, software_versions
from .summary import summarize

CHROMIUM_HINT = "Static images need Chromium: apt-get install chromium fonts-liberation"
IMAGE_FORMATS = ("png", "svg", "pdf")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Columns blanked in a suppressed row (statistics and counts; group and descriptor columns stay).
SUPPRESSED_COLUMNS = (
    "estimate", "ci_low", "ci_high", "n", "n_patients", "successes", "std_err", "at_risk", "events", "censored",
    "share", "total", "percent", "median", "q1", "q3", "mean", "sd", "display", "p_value", "chi2",
    "group_patients", "patients", "episodes", "episodes_used", "episodes_excluded",
)

Progress = Callable[[float, str], None]


# ----------------------------------------------------------------------------------------------
# Errors and results
# ----------------------------------------------------------------------------------------------
class ExportError(RuntimeError):
    """An export cannot be (fully) made; ``str(err)`` tells the user what to do."""


class ChromiumMissingError(ExportError):
    """Static images were requested but no Chromium/Chrome browser is installed."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes
    ----------
    out_dir : Path or None
        The folder written (None for an in-memory export).
    files : list of Path
        Every file written (absolute paths; in memory: the relative names).
    warnings : list of str
        Things the user should know (suppressed groups, skipped images, missing fonts, ...).
    images_skipped : str or None
        Why no static images were written (e.g. Chromium missing); None when they were (or none
        were requested).
    figures : list of str
        The figure names (file stems under ``figures/``).
    seconds : float
        Wall time of the export.
    """

    out_dir: Path | None
    files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    images_skipped: str | None = None
    figures: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def zip_path(self) -> Path | None:
        return None if self.out_dir is None else self.out_dir / "bundle.zip"


@dataclass
class Bundle:
    """The in-memory bundle made by :func:`build_bundle`: ``files`` maps relative paths to bytes."""

    files: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    images_skipped: str | None = None
    figures: list = field(default_factory=list)

    def zip_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name in sorted(self.files):
                # Never a `..`, absolute or backslash entry, whatever names the data held (issue 15).
                try:
                    check_member_name(name)
                except UnsafeNameError as e:
                    raise ExportError(f"{e}; please report this") from None
                info = zipfile.ZipInfo(f"crps_outcomes_export/{name}", date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, self.files[name])
        return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# Safety: small cells and formula injection (pure functions)
# ----------------------------------------------------------------------------------------------
def suppress_small_cells(table: pd.DataFrame, min_cell_size: int, columns=None) -> pd.DataFrame:
    """Blank the statistics of rows counting fewer than ``min_cell_size`` patients.

    Parameters
    ----------
    table : DataFrame
        A tidy result (group columns, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ...).
    min_cell_size : int
        Minimum number of patients (``Definitions.min_cell_size``).
    columns : sequence of str, optional
        Count columns that must all be >= ``min_cell_size``. Default: ``n_patients`` where the
        table has it, otherwise ``n``. A missing (NaN) count counts as too small.

    Returns
    -------
    DataFrame
        A copy with two more columns: ``suppressed`` (bool) and ``suppression_note`` (text, '' when
        shown). In suppressed rows every column of :data:`SUPPRESSED_COLUMNS` present is set to
        missing; group and descriptor columns (week, threshold, method, ...) are kept so the reader
        sees *that* a cell exists but not its value.

    Notes
    -----
    Rows whose count is 0 are suppressed too (their statistics are undefined anyway). The input
    is not modified.
    """
    m = int(min_cell_size)
    if m < 1:
        raise ValueError(f"min_cell_size must be >= 1, got {min_cell_size}")
    out = table.copy()
    if columns is None:
        columns = ["n_patients"] if "n_patients" in out.columns else (["n"] if "n" in out.columns else [])
    columns = [c for c in columns if c in out.columns]
    small = np.zeros(len(out), dtype=bool)
    for c in columns:
        small |= ~(pd.to_numeric(out[c], errors="coerce").fillna(-1).to_numpy() >= m)
    for c in SUPPRESSED_COLUMNS:
        if c in out.columns and small.any():
            if pd.api.types.is_integer_dtype(out[c]):
                out[c] = out[c].astype("Int64")
                out.loc[small, c] = pd.NA
            elif pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
                out[c] = out[c].astype(float)
                out.loc[small, c] = np.nan
            else:
                out[c] = out[c].astype(object)
                out.loc[small, c] = None
    out["suppressed"] = small
    out["suppression_note"] = np.where(small, f"fewer than {m} patients: not shown", "")
    return out


def _neutralise_text(v):
    if isinstance(v, str) and v.startswith(FORMULA_PREFIXES):
        return "'" + v
    return v


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe.

    Text cells (and column names) beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return get a leading ``'`` (OWASP, "CSV Injection"): a spreadsheet then shows the text instead
    of evaluating it. Numeric columns are left untouched, so a negative relief ``-12.5`` stays the
    number -12.5. Returns a copy.
    """
    out = table.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        out[c] = s.map(_neutralise_text)
    out.columns = [_neutralise_text(str(c)) if not isinstance(c, str) or c.startswith(FORMULA_PREFIXES) else c
                   for c in out.columns]
    return out


def table_csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV, formulas neutralised, full precision (no rounding)."""
    return neutralise_formulas(table).to_csv(index=False, lineterminator="\n").encode("utf-8")


def xlsx_available() -> bool:
    """True when openpyxl is importable (Excel tables are then written beside the CSVs)."""
    return importlib.util.find_spec("openpyxl") is not None


def tables_xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """All tables in one workbook (one sheet each), formulas neutralised. Needs openpyxl."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, t in tables.items():
            sheet = name[:31]
            neutralise_formulas(t).to_excel(xw, sheet_name=sheet, index=False)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# Chromium / Kaleido
# ----------------------------------------------------------------------------------------------
_IMAGE_LOCK = threading.Lock()


def find_chromium() -> str | None:
    """Path of the browser Kaleido would use, or None when there is none.

    Uses choreographer's own lookup (``BROWSER_PATH``, ``chromium`` on ``PATH``,
    ``/usr/bin/chromium``, ...), so the answer matches what Kaleido will start.
    """
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    try:
        found = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure of the lookup means "no usable browser"
        return None
    return str(found) if found else None


def check_chromium() -> str:
    """The browser path; raises :class:`ChromiumMissingError` with the install command when absent."""
    if importlib.util.find_spec("kaleido") is None:
        raise ChromiumMissingError("Static images need the kaleido package (pip install kaleido) and Chromium: "
                                   "apt-get install chromium fonts-liberation")
    path = find_chromium()
    if not path:
        raise ChromiumMissingError(CHROMIUM_HINT)
    return path


def fonts_warning() -> str | None:
    """A warning when no Liberation/DejaVu fonts are found (Chromium then renders text-less images)."""
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    if sys.platform != "linux":
        return None
    for r in roots:
        if r.is_dir() and any(r.rglob("*.ttf")):
            return None
    return ("No fonts found under /usr/share/fonts: images may be rendered without text. "
            "Install them: apt-get install fonts-liberation")


def _kaleido_server():
    import kaleido

    return getattr(kaleido, "_global_server", None)


@contextlib.contextmanager
def image_session(keep_warm: bool = False):
    """Render static images with one warm Kaleido server; yields ``render(fig, fmt, scale, w, h) -> bytes``.

    Checks for Chromium *first* (with no browser the warm server hangs). The server is started once
    and stopped at the end unless it was already running or ``keep_warm`` is true (the dashboard
    keeps it for the next click). Calls are serialised: Kaleido's server is one per process.

    Raises
    ------
    ChromiumMissingError
        No browser; the message says what to install.
    """
    check_chromium()
    import kaleido

    with _IMAGE_LOCK:
        server = _kaleido_server()
        was_running = bool(server is not None and server.is_running())
        if not was_running:
            kaleido.start_sync_server(mathjax=False, silence_warnings=True, browser_cls=offline_chromium_class())

        def render(fig, fmt: str, scale: float = 2, width: int | None = None, height: int | None = None) -> bytes:
            return _to_image(fig, fmt, scale, width, height)

        try:
            yield render
        finally:
            if not was_running and not keep_warm:
                kaleido.stop_sync_server(silence_warnings=True)


def _to_image(fig, fmt: str, scale: float, width: int | None, height: int | None) -> bytes:
    width = int(width or fig.layout.width or figures.STYLES["publication"]["width"])
    height = int(height or fig.layout.height or figures.STYLES["publication"]["height"])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server")
        try:
            return fig.to_image(format=fmt, scale=scale, width=width, height=height)
        except RuntimeError as e:
            if "Chrome" in str(e) or "chrom" in str(e).lower():
                raise ChromiumMissingError(CHROMIUM_HINT) from None
            raise


def figure_image_bytes(fig, fmt: str = "png", scale: float = 2, width: int | None = None,
                       height: int | None = None, keep_warm: bool = True) -> bytes:
    """One figure as PNG/SVG/PDF bytes (the dashboard's per-chart buttons).

    The figure is drawn as given (call :func:`publication_figure` first for the journal style).
    Raises :class:`ChromiumMissingError` when no browser is installed.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"format must be one of {IMAGE_FORMATS}, got {fmt!r}")
    with image_session(keep_warm=keep_warm) as render:
        return render(fig, fmt, scale, width, height)


# ----------------------------------------------------------------------------------------------
# Publication styling layer (on top of figures.py's "publication" style)
# ----------------------------------------------------------------------------------------------
def publication_figure(fig, note: str = ""):
    """Restyle a figure built by :mod:`analysis.figures` for print, in place; returns it.

    The builders of :mod:`analysis.figures` are called with ``style="publication"`` (their own
    heights and margins are kept). This adds: a fixed
    width when the figure has none, and the suppression ``note`` appended to the subtitle (visible
    in the image) and to the caption.
    """
    if not fig.layout.width:
        fig.update_layout(width=figures.STYLES["publication"]["width"])
    if not fig.layout.height:
        fig.update_layout(height=figures.STYLES["publication"]["height"])
    if note:
        _add_note(fig, note)
    return fig


def _add_note(fig, note: str) -> None:
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    meta["caption"] = (str(meta.get("caption", "")) + " " + note).strip()
    meta["suppression_note"] = note
    sub = fig.layout.title.subtitle.text if fig.layout.title and fig.layout.title.subtitle else None
    wrapped = plotly_text(figures._wrap(note, 78)).replace("&lt;br&gt;", "<br>")  # ~78 characters fit 640 px
    fig.update_layout(meta=meta, title={"subtitle": {"text": (f"{sub}<br>" if sub else "") + f"<i>{wrapped}</i>"}})
    top = fig.layout.margin.t if fig.layout.margin and fig.layout.margin.t is not None else 80
    fig.update_layout(margin={"t": int(top) + 20 * (1 + wrapped.count("<br>"))})


def caption_of(fig) -> str:
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return str(meta.get("caption", ""))


def title_of(fig) -> str:
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return str(meta.get("title", "") or (fig.layout.title.text or ""))


# ----------------------------------------------------------------------------------------------
# Analyses -> tables and figures
# ----------------------------------------------------------------------------------------------
@dataclass
class _Item:
    """One chart: how to build it (style -> Figure), and the note about what it omits."""

    name: str
    build: Callable
    note: str = ""


@dataclass
class _Results:
    definitions: Definitions
    by: tuple
    filters: dict | None
    tables: dict = field(default_factory=dict)          # name -> DataFrame (already suppressed)
    charts: list = field(default_factory=list)          # list of _Item
    headline: dict = field(default_factory=dict)        # name -> display DataFrame for the report
    methods_used: set = field(default_factory=set)
    tests: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)           # file stem -> the measure name it stands for


def _with_group_patients(table: pd.DataFrame, by, sizes: pd.DataFrame) -> pd.DataFrame:
    """Add ``group_patients`` (patients in the row's group) from :func:`analysis.views.group_sizes`."""
    by = list(by)
    t = table.copy()
    if not len(t):
        t["group_patients"] = pd.Series(dtype=float)
        return t
    if by:
        lab = views.group_labels(t, by).to_numpy()
        t["group_patients"] = pd.Series(lab).map(dict(zip(sizes["label"].astype(str), sizes["patients"]))).to_numpy()
    else:
        t["group_patients"] = int(sizes["patients"].iloc[0]) if len(sizes) else 0
    return t


def _suppressed_table(table, by, sizes, m: int, cell: bool = True, extra=()) -> pd.DataFrame:
    t = _with_group_patients(table, by, sizes)
    cols = ["group_patients"] + (["n_patients"] if cell and "n_patients" in t.columns else []) + list(extra)
    return suppress_small_cells(t, m, columns=cols)


def _note(*parts) -> str:
    return " ".join(p for p in parts if p)


def _methods_of(*tables) -> set:
    out = set()
    for t in tables:
        if isinstance(t, pd.DataFrame) and "method" in t.columns and len(t):
            out.update(str(x) for x in t["method"].dropna().unique())
    return out


def _km_curves_table(res, by, sizes, m: int) -> pd.DataFrame:
    cur = res.curves()
    if len(cur):
        cur = cur.assign(n_patients=[res._n_patients(tuple(k) if isinstance(k, tuple) else (k,)) for k in (
            cur[list(by)].itertuples(index=False, name=None) if by else [()] * len(cur))])
    return _suppressed_table(cur, by, sizes, m)


def _logrank_row(res, hide, analysis: str) -> dict | None:
    """The log-rank test over the groups shown (the one the figure and the dashboard print)."""
    by = list(res.by)
    if not by:
        return None
    shown = [k for k in res.fits if k not in set(map(tuple, hide))]
    lr = res.logrank_among(shown)
    if lr is None:
        return None
    return {"analysis": analysis, "groups": "; ".join(views.group_label(list(k), by) for k in shown),
            "chi2": float(lr.chi2), "df": int(lr.df), "p_value": float(lr.p_value),
            "method": lr.method, "note": "groups with too few patients left out" if hide else ""}


def compute_results(dataset: Dataset, definitions: Definitions | None = None, by=("treatment",),
                    filters: dict | None = None, include_episode_table: bool = False,
                    progress: Progress | None = None) -> _Results:
    """Every analysis of the dashboard, suppressed tables and chart builders (internal)."""
    d = definitions or Definitions()
    by = tuple(by or ())
    m = d.min_cell_size
    if d.measure not in dataset.measures:
        raise AnalysisError(f"Unknown measure {d.measure!r}: this dataset has {', '.join(dataset.measures) or 'none'}.")
    R = _Results(definitions=d, by=by, filters=filters)
    say = progress or (lambda f, msg: None)

    say(0.02, "building episodes")
    ep = build_episodes(dataset, d)
    _require_analysable(ep, d, filters)
    sizes = views.group_sizes(ep, by, filters)
    groups = sizes["label"].tolist()
    group_n = dict(zip(sizes["label"], sizes["episodes"]))
    small = views.small_group_labels(sizes, m)
    if small:
        R.warnings.append(f"Suppressed (fewer than {m} patients): {', '.join(small)}.")
    R.counts["sizes"] = sizes

    # Pain relief ------------------------------------------------------------------------------
    say(0.06, "pain relief")
    rows = relief.select(ep, by, filters)
    imm = relief.immediate_relief(ep, by, filters)
    rates = relief.responder_rates(ep, by=by, filters=filters)
    cum = relief.cumulative_responders(ep, by, filters)
    R.tables["immediate_relief"] = _suppressed_table(imm, by, sizes, m)
    R.tables["responder_rates"] = _suppressed_table(rates, by, sizes, m)
    R.tables["cumulative_responders"] = _suppressed_table(cum, by, sizes, m)
    R.methods_used |= _methods_of(imm, rates, cum)
    s_imm = views.suppress(imm, by, sizes, m)
    s_rates = views.suppress(rates, by, sizes, m)
    s_rows = views.suppress_rows(rows[["episode_id", "patient_id", *by, "immediate_relief_pct"]], by, sizes, m,
                                 "immediate_relief_pct", counted="with an immediate score")
    s_cum = views.suppress(cum, by, sizes, m)
    R.charts.append(_Item("relief_distribution", lambda st, s=s_rows: figures.relief_distribution_figure(
        s.shown, by, thresholds=d.thresholds, definitions=d, groups=groups, style=st), s_rows.note))
    R.charts.append(_Item("responder_rates", lambda st, a=s_imm, b=s_rates: figures.responder_summary_figure(
        a.shown, b.shown, by, definitions=d, groups=groups, style=st), _note(s_imm.note)))
    R.charts.append(_Item("cumulative_responders", lambda st, s=s_cum: figures.cumulative_responders_figure(
        s.shown, by, thresholds=d.thresholds, definitions=d, groups=groups, style=st), s_cum.note))
    R.headline["Immediate relief and responders"] = views.relief_summary_table(s_imm.shown, s_rates.shown, by)

    # Over time ---------------------------------------------------------------------------------
    say(0.14, "relief over time")
    weekly = relief.relief_over_time(ep, by, filters)
    att = relief.attrition(ep, by, filters)
    sens = relief.responder_sensitivity(ep, by, filters)
    R.tables["relief_over_time"] = _suppressed_table(weekly, by, sizes, m)
    R.tables["attrition"] = _suppressed_table(att, by, sizes, m, cell=False)
    R.tables["responder_sensitivity"] = _suppressed_table(sens, by, sizes, m)
    R.methods_used |= _methods_of(weekly, sens)
    s_week = views.suppress(weekly, by, sizes, m)
    s_att = views.suppress(att, by, sizes, m, cell_column=None)
    s_sens = views.suppress(sens, by, sizes, m)
    R.charts.append(_Item("mean_relief_over_time", lambda st, s=s_week: figures.relief_over_time_figure(
        s.shown, by, statistic="mean_relief_pct", thresholds=d.thresholds, definitions=d, groups=groups,
        group_n=group_n, style=st), s_week.note))
    R.charts.append(_Item("responders_over_time", lambda st, s=s_week: figures.relief_over_time_figure(
        s.shown, by, statistic="responder_rate", definitions=d, groups=groups, group_n=group_n, style=st),
        s_week.note))
    R.charts.append(_Item("attrition", lambda st, s=s_att: figures.attrition_figure(
        s.shown, by, definitions=d, groups=groups, style=st), s_att.note))
    R.charts.append(_Item("sensitivity_missing_as_no_relief", lambda st, s=s_sens: figures.sensitivity_figure(
        s.shown, by, definitions=d, groups=groups, group_n=group_n, style=st), s_sens.note))

    # Relief duration ---------------------------------------------------------------------------
    say(0.22, "relief duration (Kaplan-Meier)")
    dur = duration.relief_duration(ep, by, filters)
    days = [7.0 * w for w in d.report_weeks]
    hide = views.survival_groups_to_hide(dur, sizes, m)
    med = dur.medians()
    surv = dur.survival_at(days)
    R.tables["relief_duration_curves"] = _km_curves_table(dur, by, sizes, m)
    R.tables["relief_duration_medians"] = _suppressed_table(med, by, sizes, m)
    R.tables["relief_duration_survival_at"] = _suppressed_table(surv, by, sizes, m)
    if len(dur.fits):
        R.methods_used.add(f"Kaplan-Meier, Greenwood variance (cluster-robust where patients contribute several "
                           f"episodes), {d.km_conf_type} scale")
    lr_rows = []
    lr = _logrank_row(dur, hide, "relief duration")
    if lr:
        lr_rows.append(lr)
        R.tests.append(f"{lr['method']} of relief duration across groups")
    hidden_km = [views.group_label(list(k), dur.by) for k in hide]
    km_note = views.survival_note(dur, hide, m, counted="among the immediate responders")
    if hidden_km and lr:
        km_note += " Log-rank test over the groups shown."
    R.charts.append(_Item("relief_duration_km", lambda st: figures.km_figure(
        dur, exclude=hide, groups=groups, definitions=d, max_time=d.max_followup_days, style=st), km_note))
    s_med = views.suppress(med, by, sizes, m).shown
    s_surv = views.suppress(surv, by, sizes, m).shown
    R.headline["Relief duration (Kaplan-Meier)"] = views.duration_table(s_med, s_surv, by, conf_level=d.conf_level)

    # Headline summary + published comparison ---------------------------------------------------
    say(0.30, "headline summary")
    # summarize(by=()) raises "No group keys passed!" (analysis/summary.py): group by a constant instead.
    sby = by if by else ("group",)
    sep = ep if by else dataclasses.replace(ep, table=ep.table.assign(group=views.ALL_GROUPS))
    summ = summarize(sep, by=sby, filters=filters)
    st_ = summ.table.copy()
    cnt = summ.counts[[*sby, "patients"]].rename(columns={"patients": "group_patients"})
    st_ = st_.merge(cnt, on=list(sby), how="left")
    R.tables["summary"] = suppress_small_cells(st_, m, columns=["group_patients", "n"])
    counts = summ.counts.copy()
    R.tables["group_counts"] = suppress_small_cells(counts.rename(columns={"patients": "n_patients"}), m)
    try:
        pub = published.load_published()
        summ_tx = summarize(ep, by=("treatment",), filters=filters) if by != ("treatment",) else summ
        cmp = published.compare_with_published(summ_tx, pub)
        R.tables["published_comparison"] = cmp
        R.charts.append(_Item("published_comparison",
                              lambda st, c=cmp: figures.published_comparison_figure(c, style=st), ""))
    except DatasetError as e:
        R.warnings.append(f"Comparison with published figures skipped: {e}")

    # Table 1 -------------------------------------------------------------------------------------
    say(0.36, "Table 1")
    group = by[0] if by else "treatment"
    t1 = cohort.cohort_summary(ep, group=group, filters=filters)
    sizes_all = views.group_sizes(ep, (group,), filters, included_only=False)
    t1 = t1.merge(sizes_all[["label", "patients"]].rename(columns={"label": "group", "patients": "group_patients"}),
                  on="group", how="left")
    t1.loc[t1["group"] == cohort.ALL_LABEL, "group_patients"] = int(ep.table.pipe(
        lambda t: apply_filters(t, filters))["patient_id"].nunique())
    t1s = suppress_small_cells(t1, m, columns=["group_patients", "n"])
    R.tables["table1"] = t1s
    small_t1 = views.small_group_labels(sizes_all, m)
    wide = cohort.table1_wide(t1s.assign(display=t1s["display"].where(~t1s["suppressed"], f"<{m}")))
    wide = wide[[c for c in wide.columns if c not in small_t1]]
    R.tables["table1_wide"] = wide
    R.headline[f'"Table 1" by {group}'] = wide

    # Secondary measures ------------------------------------------------------------------------
    say(0.42, "secondary outcomes")
    for m_index, measure in enumerate(dataset.measures):
        if measure == d.measure:
            continue
        md = d.replace(measure=measure)
        # A measure name comes from the data: it never becomes a path as it is (issue 15).
        stem = safe_slug(measure, m_index)
        if stem != measure:
            R.names[stem] = measure
        try:
            mep = build_episodes(dataset, md)
            msizes = views.group_sizes(mep, by, filters)
            mgroups = msizes["label"].tolist()
            mgroup_n = dict(zip(msizes["label"], msizes["episodes"]))
            scores = secondary.score_over_time(mep, by, filters)
        except AnalysisError as e:
            R.warnings.append(f"{measure}: skipped ({e})")
            continue
        if not msizes["episodes"].sum():
            R.warnings.append(f"{measure}: no episode has a baseline score; no figure.")
            continue
        R.tables[f"{stem}_scores"] = _named(_suppressed_table(scores, by, msizes, m), stem, measure)
        R.methods_used |= _methods_of(scores)
        s_sc = views.suppress(scores, by, msizes, m)
        for stat in ("mean_score", "mean_change"):
            R.charts.append(_Item(f"{stem}_{stat}", lambda st, s=s_sc, me=measure, sa=stat, g=mgroups,
                                  gn=mgroup_n: figures.score_over_time_figure(
                s.shown, by, measure=me, statistic=sa, groups=g, group_n=gn, style=st), s_sc.note))
        if measure in secondary.RESPONSE_PCT:
            resp = relief.relief_over_time(mep, by, filters, threshold=secondary.RESPONSE_PCT[measure])
            R.tables[f"{stem}_response"] = _named(_suppressed_table(resp, by, msizes, m), stem, measure)
            s_r = views.suppress(resp, by, msizes, m)
            R.charts.append(_Item(f"{stem}_response", lambda st, s=s_r, me=measure, g=mgroups, gn=mgroup_n:
                                  figures.secondary_response_figure(s.shown, by, measure=me, groups=g, group_n=gn,
                                                                    style=st), s_r.note))
        if measure in secondary.REMISSION_BELOW:
            rem = secondary.remission_over_time(mep, by=by, filters=filters)
            R.tables[f"{stem}_remission"] = _named(_suppressed_table(rem, by, msizes, m), stem, measure)
            R.methods_used |= _methods_of(rem)
            s_rm = views.suppress(rem, by, msizes, m)
            R.charts.append(_Item(f"{stem}_remission", lambda st, s=s_rm, me=measure, g=mgroups, gn=mgroup_n:
                                  figures.remission_figure(s.shown, by, measure=me, groups=g, group_n=gn, style=st),
                                  s_rm.note))
        if measure == "regions_affected":
            spread = duration.time_to_spread(mep, by, filters)
            shide = views.survival_groups_to_hide(spread, msizes, m)
            R.tables["time_to_spread_curves"] = _km_curves_table(spread, by, msizes, m)
            R.tables["time_to_spread_medians"] = _suppressed_table(spread.medians(), by, msizes, m)
            lr2 = _logrank_row(spread, shide, "time to spread")
            if lr2:
                lr_rows.append(lr2)
                R.tests.append(f"{lr2['method']} of time to spread across groups")
            R.charts.append(_Item("time_to_spread_km", lambda st, r=spread, h=shide, g=mgroups, sd=md:
                                  figures.time_to_spread_figure(r, definitions=sd, exclude=h, groups=g, style=st),
                                  views.survival_note(spread, shide, m)))
    R.tables["logrank"] = pd.DataFrame(lr_rows, columns=["analysis", "groups", "chi2", "df", "p_value", "method",
                                                         "note"])
    add_treatment_comparisons(R, ep, filters)   # issue 16: models, estimands, boosters

    # Load report -------------------------------------------------------------------------------
    rep = dataset.report
    R.tables["load_report"] = pd.DataFrame(
        [{"file": f, **c.to_dict()} for f, c in rep.files.items()],
        columns=["file", "rows_read", "rows_used", "rows_excluded"])
    ex = rep.exclusions.copy()
    if not include_episode_table and "value" in ex.columns:
        ex = ex.drop(columns="value")
    R.tables["exclusions"] = ex
    R.tables["exclusions_summary"] = (rep.exclusions.groupby(["file", "column", "reason"], sort=True).size()
                                      .rename("rows").reset_index() if len(rep.exclusions) else
                                      pd.DataFrame(columns=["file", "column", "reason", "rows"]))
    R.tables["episode_exclusions"] = views.episode_exclusion_counts(ep, filters)
    if include_episode_table:
        et = apply_filters(ep.table, filters)
        R.tables["episodes"] = et.reset_index(drop=True)
    R.counts["episodes"] = int(len(apply_filters(ep.table, filters)))
    R.counts["analysable"] = int(apply_filters(ep.table, filters)["included"].sum())
    R.counts["patients"] = int(apply_filters(ep.table, filters)["patient_id"].nunique())
    return R


def _require_analysable(ep, d: Definitions, filters: dict | None) -> None:
    """A clear refusal when the selection holds no episode, or none with a baseline (issue 15)."""
    sel = apply_filters(ep.table, filters)
    if not len(sel):
        raise AnalysisError(f"The filters select no treatment episode ({filters_text(filters)}): there is nothing "
                            "to export. Widen the filters or choose values that occur in the data.")
    if not sel["included"].any():
        raise AnalysisError(
            f"None of the {len(sel):,} treatment episodes selected is analysable: none has a {d.measure} baseline "
            f"score above 0 in the {d.baseline_window_days:g} days before its start (the episode exclusions of the "
            "load report say why for each). Check the scores and the baseline window, or widen the filters.")


def _named(table: pd.DataFrame, stem: str, measure: str) -> pd.DataFrame:
    """Keep a measure's own name inside its table when its file name is a slug of it."""
    if stem == measure or "measure" in table.columns:
        return table
    return table.assign(measure=measure)[["measure", *table.columns]]


# ----------------------------------------------------------------------------------------------
# The bundle
# ----------------------------------------------------------------------------------------------
#: Image size limits: Chromium cannot draw a canvas side over 16,384 px, and a figure narrower than
#: 200 px has no room for its axes; --scale 1e9 once wrote 3-byte PNGs and exited 0 (issue 15).
MAX_SCALE, MIN_SIDE, MAX_SIDE, MAX_PIXELS_SIDE = 10.0, 200, 5000, 16384


def check_image_options(scale, width=None, height=None) -> None:
    """Refuse an image scale or size that cannot make a usable image (ValueError with the ranges)."""
    try:
        s = float(scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a number from 0.1 to {MAX_SCALE:g}, got {scale!r}") from None
    if not (np.isfinite(s) and 0.1 <= s <= MAX_SCALE):
        raise ValueError(f"scale must be a number from 0.1 to {MAX_SCALE:g}, got {scale}")
    for name, v in (("width", width), ("height", height)):
        if v is None:
            continue
        if not (isinstance(v, (int, np.integer)) and MIN_SIDE <= v <= MAX_SIDE):
            raise ValueError(f"{name} must be a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}, got {v}")
        if v * s > MAX_PIXELS_SIDE:
            raise ValueError(f"{name} x scale = {v * s:,.0f} px; Chromium draws at most {MAX_PIXELS_SIDE:,} px a side: "
                             "lower the scale or the size")


def parse_formats(formats) -> tuple[str, ...]:
    if formats is None:
        return ()
    if isinstance(formats, str):
        formats = [f for f in formats.replace(" ", "").split(",") if f]
    out = []
    for f in formats:
        f = str(f).lower().lstrip(".")
        if f in ("none", ""):
            continue
        if f not in IMAGE_FORMATS:
            raise ValueError(f"Unknown image format {f!r}: choose from {', '.join(IMAGE_FORMATS)} (or none).")
        if f not in out:
            out.append(f)
    return tuple(out)


def build_bundle(dataset: Dataset, definitions: Definitions | None = None, by=("treatment",),
                 filters: dict | None = None, formats=IMAGE_FORMATS, scale: float = 2,
                 width: int | None = None, height: int | None = None, include_episode_table: bool = False,
                 progress: Progress | None = None) -> Bundle:
    """Compute everything and return the bundle in memory (see the module docstring).

    Parameters
    ----------
    dataset : Dataset
    definitions : Definitions, optional
        The definitions used (default: the documented defaults).
    by : sequence of str
        Grouping columns (treatment and/or patient covariates); empty for all episodes together.
    filters : dict, optional
        ``{column: [values]}`` or ``{column: (low, high)}``, as :func:`analysis.episodes.apply_filters`.
    formats : sequence of {"png", "svg", "pdf"} or str
        Static image formats ("png,svg,pdf"); empty or "none" for none (no Chromium needed).
    scale : float
        Pixel multiplier of PNGs: a figure ``width`` x ``height`` becomes a PNG of
        ``width * scale`` x ``height * scale`` pixels (publication width 640 -> 1280 px at scale 2,
        i.e. about 380 dpi at a single-column width of 85 mm).
    width, height : int, optional
        Figure size in CSS pixels; default the publication size of each figure (640 wide).
    include_episode_table : bool
        Also write the patient-level derived episode table (pseudonymous patient ids, no direct
        identifiers) and the values of excluded input cells. Off by default.
    progress : callable(fraction, message), optional
        Called as the work advances (fraction in [0, 1]).

    Raises
    ------
    DatasetError, AnalysisError
        The dataset cannot be analysed (e.g. no treatments); the message says why.
    ValueError
        An unknown image format or a bad option.
    """
    d = definitions or Definitions()
    fmts = parse_formats(formats)
    check_image_options(scale, width, height)
    say = progress or (lambda f, msg: None)
    created = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    R = compute_results(dataset, d, by, filters, include_episode_table,
                        progress=lambda f, msg: say(0.5 * f, msg))
    B = Bundle(warnings=list(R.warnings))

    # No browser: say so now and draw no publication versions (they would only feed the images).
    if fmts:
        try:
            check_chromium()
        except ChromiumMissingError as e:
            B.images_skipped = str(e)
            B.warnings.append(f"Images skipped: {e}. Tables, methods and the HTML report were written.")
            fmts = ()

    # Figures (publication style for the images, screen style for the report) -------------------
    say(0.25, "drawing figures")
    pub_figs: dict = {}
    scr_figs: dict = {}
    for item in R.charts:
        try:
            if fmts:  # without images the publication versions are not needed (captions come from either)
                pub_figs[item.name] = publication_figure(item.build("publication"), item.note)
            f = item.build("screen")
            if item.note:
                _add_note(f, item.note)
            scr_figs[item.name] = f
            if not fmts:
                pub_figs[item.name] = f
        except Exception as e:  # noqa: BLE001 - one chart failing must not lose the others
            B.warnings.append(f"Figure {item.name} could not be drawn ({type(e).__name__}: {e}).")
    B.figures = list(pub_figs)

    if fmts:
        n_img = len(pub_figs) * len(fmts)
        try:
            fw = fonts_warning()
            if fw:
                B.warnings.append(fw)
            say(0.3, "starting the image renderer (Chromium)")
            with image_session() as render:
                i = 0
                for name, fig in pub_figs.items():
                    for fmt in fmts:
                        say(0.3 + 0.55 * i / max(n_img, 1), f"figures/{name}.{fmt}")
                        B.files[f"figures/{name}.{fmt}"] = render(fig, fmt, scale, width, height)
                        i += 1
        except ChromiumMissingError as e:
            B.images_skipped = str(e)
            B.warnings.append(f"Images skipped: {e}. Tables, methods and the HTML report were written.")
    say(0.86, "captions, tables, methods, report")
    B.files["figures/captions.md"] = _captions_md(pub_figs, fmts, scale, width, height).encode("utf-8")

    # Tables -----------------------------------------------------------------------------------------
    for name, t in R.tables.items():
        B.files[f"tables/{name}.csv"] = table_csv_bytes(t)
    if xlsx_available():
        B.files["tables/tables.xlsx"] = tables_xlsx_bytes(R.tables)
    else:
        B.warnings.append("Excel tables not written: the openpyxl package is not installed (CSV tables are).")

    # Methods and report -------------------------------------------------------------------------------
    blocks = methods_blocks(dataset, R, created, demo=is_demo(dataset))
    B.files["methods.md"] = blocks_to_markdown(blocks).encode("utf-8")
    B.files["methods.html"] = html_page("Methods - CRPS Outcomes", blocks_to_html(blocks)).encode("utf-8")
    say(0.92, "report.html")
    B.files["report.html"] = _report_html(dataset, R, scr_figs, blocks, created).encode("utf-8")
    manifest = {
        "created": created, "generator": "CRPS Outcomes analysis.export",
        "dataset_fingerprint_sha256": dataset.report.fingerprint, "source": Path(str(dataset.source)).name,
        "definitions": d.to_dict(), "by": list(R.by), "filters": _jsonable(filters),
        "names": dict(R.names),
        "formats": list(fmts), "scale": scale, "width": width, "height": height,
        "include_episode_table": include_episode_table, "images_skipped": B.images_skipped,
        "software": software_versions(), "warnings": B.warnings,
        "figures": {n: {"width": int(width or f.layout.width or 0), "height": int(height or f.layout.height or 0),
                        "title": title_of(f), "caption": caption_of(f)} for n, f in pub_figs.items()},
        "files": {k: hashlib.sha256(v).hexdigest() for k, v in sorted(B.files.items())},
    }
    B.files["manifest.json"] = json.dumps(manifest, indent=2).encode("utf-8")
    say(1.0, "done")
    return B


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    return x


def _captions_md(figs: dict, fmts, scale, width, height) -> str:
    lines = ["# Figure captions", "",
             f"Formats: {', '.join(fmts) or 'none'}; PNG scale {scale:g} "
             f"(pixel size = figure size x {scale:g}).", ""]
    for name, fig in figs.items():
        w = int(width or fig.layout.width or 0)
        h = int(height or fig.layout.height or 0)
        lines += [f"## {name}", "", f"**{md_escape(title_of(fig))}.** {md_escape(caption_of(fig))}", "",
                  f"Size: {w} x {h} px (PNG {int(round(w * scale))} x {int(round(h * scale))} px).", ""]
    return "\n".join(lines)


def _report_html(dataset: Dataset, R: _Results, figs: dict, blocks, created: str) -> str:
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    d = R.definitions
    parts = ["<h1>CRPS Outcomes report</h1>"]
    if is_demo(dataset):
        parts.append("<p class='note'><b>SYNTHETIC DATA</b>: the demo cohort (invented patients). These numbers "
                     "are not evidence about any treatment.</p>")
    parts += [
             f"<p>Created {html.escape(created)}. Dataset fingerprint (SHA-256): "
             f"<code>{html.escape(dataset.report.fingerprint or 'n/a')}</code>. Groups: "
             f"{html.escape(', '.join(R.by) if R.by else 'all episodes together')}; filters: "
             f"{html.escape(filters_text(R.filters))}; responder threshold {d.threshold:g}%; "
             f"{d.conf_level:.0%} confidence intervals.</p>",
             "<p class='note'>This report holds aggregated results only. Groups with fewer than "
             f"{d.min_cell_size} patients are not shown. The figures are interactive (hover for n and intervals) "
             "and work offline.</p>"]
    if R.warnings:
        parts.append("<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in R.warnings) + "</ul>")
    parts.append("<h2>Headline results</h2>")
    for title, t in R.headline.items():
        parts.append(f"<h3>{html.escape(title)}</h3>")
        parts.append(df_html(t) if len(t) else "<p>No group large enough to show.</p>")
    parts.append("<h2>Figures</h2>")
    for i, (name, fig) in enumerate(figs.items()):
        div = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=f"fig-{safe_slug(name, i)}",
                          config={"displaylogo": False, "responsive": True})
        parts.append(f"<div class='fig'>{div}</div><p class='caption'>{html.escape(caption_of(fig))}</p>")
    parts.append("<h2>Methods</h2>")
    parts.append(blocks_to_html([b for b in blocks if b[0] != "h1"]))
    head = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    return html_page("CRPS Outcomes report", "\n".join(parts), head_extra=head)


# ----------------------------------------------------------------------------------------------
# Public faces
# ----------------------------------------------------------------------------------------------
def export_bundle(dataset: Dataset, out_dir, definitions: Definitions | None = None, by=("treatment",),
                  filters: dict | None = None, formats=IMAGE_FORMATS, scale: float = 2, width: int | None = None,
                  height: int | None = None, include_episode_table: bool = False,
                  progress: Progress | None = None) -> ExportResult:
    """Write the bundle into ``out_dir`` (created if needed) plus ``bundle.zip`` of it.

    Parameters are those of :func:`build_bundle`. Existing files of the same names are replaced;
    nothing else in ``out_dir`` is touched.

    Returns
    -------
    ExportResult
        Files written, warnings, and ``images_skipped`` (why no images, e.g. no Chromium).
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    b = build_bundle(dataset, definitions, by, filters, formats, scale, width, height, include_episode_table,
                     progress)
    written = []
    root = out.resolve()
    for name, data in sorted(b.files.items()):
        try:
            p = out / check_member_name(name)
        except UnsafeNameError as e:
            raise ExportError(f"{e}; please report this") from None
        if not p.resolve().is_relative_to(root):  # a symlinked sub-folder pointing elsewhere
            raise ExportError(f"{p} would be written outside {out}: remove the link or choose another --out")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        written.append(p)
    z = out / "bundle.zip"
    z.write_bytes(b.zip_bytes())
    written.append(z)
    return ExportResult(out_dir=out, files=written, warnings=list(b.warnings), images_skipped=b.images_skipped,
                        figures=list(b.figures), seconds=time.perf_counter() - t0)


def export_zip_bytes(dataset: Dataset, definitions: Definitions | None = None, by=("treatment",),
                     filters: dict | None = None, formats=IMAGE_FORMATS, scale: float = 2,
                     width: int | None = None, height: int | None = None, include_episode_table: bool = False,
                     progress: Progress | None = None) -> bytes:
    """The bundle as one zip, in memory (nothing is written to disk). See :func:`build_bundle`."""
    return build_bundle(dataset, definitions, by, filters, formats, scale, width, height, include_episode_table,
                        progress).zip_bytes()


# ----------------------------------------------------------------------------------------------
# Nothing leaves the machine: the Chromium that renders images talks to nobody (issue 15)
# ----------------------------------------------------------------------------------------------
#: Added to the flags choreographer (Kaleido's browser driver) starts Chromium with. choreographer
#: 1.x already passes --disable-component-update, --disable-sync and --metrics-recording-only; these
#: turn off the rest of Chromium's own traffic (background networking: variations, safe browsing
#: lists, certificate transparency, optimisation hints, translation; pings; DNS pre-fetching) and
#: make every host name but localhost unresolvable, so no page can fetch anything from the internet
#: (Kaleido loads plotly.js from the installed plotly package; MathJax is off).
CHROMIUM_OFFLINE_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--dns-prefetch-disable",
    "--disable-features=OptimizationHints,Translate,MediaRouter,DialMediaRouteProvider,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)


def offline_chromium_class():
    """choreographer's ``Chromium`` with :data:`CHROMIUM_OFFLINE_FLAGS` added to its command line.

    Passed to Kaleido as ``browser_cls`` (Kaleido hands its keyword arguments to
    ``choreographer.Browser``, whose ``browser_cls`` builds the command line with ``get_cli``).
    """
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        def get_cli(self):
            cli = list(super().get_cli())
            return cli + [f for f in CHROMIUM_OFFLINE_FLAGS if f not in cli]

    return OfflineChromium


__all__ = [
    "CHROMIUM_HINT", "ChromiumMissingError", "ExportError", "ExportResult", "Bundle", "build_bundle",
    "export_bundle", "export_zip_bytes", "suppress_small_cells", "neutralise_formulas", "table_csv_bytes",
    "find_chromium", "check_chromium", "image_session", "figure_image_bytes", "publication_figure",
    "software_versions",
]


# ------------------------------------------------------------------------------------------------
# Treatment comparisons (issue 16): models, estimands, boosters
# ------------------------------------------------------------------------------------------------
def add_treatment_comparisons(R: _Results, ep, filters: dict | None) -> None:
    """Tables and charts of :mod:`analysis.comparisons` for the export.

    Treatments with fewer than ``min_cell_size`` patients are left out of the models (named in the
    warnings), so no contrast rests on a suppressed group; descriptive rows below the minimum
    (boosters by course, estimands) are suppressed as everywhere else. A model that cannot be fitted
    is reported in the warnings, not as a table.
    """
    from . import comparisons

    d = R.definitions
    m = d.min_cell_size
    rows = relief.select(ep, (), filters)
    per_treatment = rows.groupby("treatment", observed=True)["patient_id"].nunique()
    kept = sorted(per_treatment[per_treatment >= m].index.tolist())
    left_out = sorted(per_treatment[per_treatment < m].index.tolist())
    if len(kept) < 2:
        return
    f = dict(filters or {})
    f["treatment"] = [t for t in kept if "treatment" not in (filters or {}) or t in filters["treatment"]]
    if left_out:
        R.warnings.append(f"Treatment comparisons leave out {', '.join(map(str, left_out))} "
                          f"(fewer than {m} patients).")

    def attempt(name, fn):
        try:
            return fn()
        except AnalysisError as err:
            R.warnings.append(f"{name}: not computed ({err}).")
            return None

    rc = attempt("Responder comparison", lambda: comparisons.responder_comparison(ep, filters=f))
    if rc is not None:
        R.tables["comparison_responders"] = rc
        R.methods_used |= _methods_of(rc)
        rd = rc[(rc["measure"] == "RD") & rc["estimate"].notna()]
        if len(rd):
            R.charts.append(_Item("comparison_responders_rd", lambda st, t=rd: figures.model_terms_figure(
                t, kind="risk_difference", style=st)))
    cox = attempt("Hazard of losing relief", lambda: comparisons.relief_hazard_model(ep, filters=f))
    if cox is not None:
        R.tables["comparison_relief_hazard"] = cox.table
        R.tables["comparison_relief_hazard_ph"] = cox.ph_test.assign(note=cox.ph_note)
        R.methods_used |= _methods_of(cox.table)
        R.tests.append("proportional-hazards check (R cox.zph, Kaplan-Meier transform) of the Cox model")
        R.charts.append(_Item("comparison_hazard_ratios", lambda st, t=cox.table: figures.model_terms_figure(
            t, kind="hazard", style=st)))
    est = attempt("Estimands", lambda: comparisons.estimand_comparison(ep, ("treatment",), filters))
    if est is not None:
        R.tables["relief_estimands"] = suppress_small_cells(est, m, columns=["n_patients"])
    boost = attempt("Boosters", lambda: comparisons.booster_summary(ep, filters))
    if boost is not None:
        R.tables["booster_summary"] = suppress_small_cells(boost, m, columns=["n_patients"])
    nxt = attempt("Time to next course",
                  lambda: comparisons.time_to_next_course(ep, ("treatment",), filters).medians())
    if nxt is not None:
        R.tables["time_to_next_course"] = suppress_small_cells(nxt, m, columns=["n_patients"])
