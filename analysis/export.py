"""Researchers' export: publication figures, tidy tables, a methods text and one HTML report.

One pure builder, :func:`build_bundle`, takes every panel of the dashboard for the state given
(:func:`analysis.present.report.compute_results`: the same panel functions the pages draw, so the
same numbers, suppressed by the same rule), draws every chart with the *same* builders as the
dashboard (:mod:`analysis.figures`, publication style), and returns the bundle as
``{relative path: bytes}``. Two thin faces use it:

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
  groups and cells (:func:`analysis.present.suppression.suppress`) and say so in their subtitle and caption.
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

import numpy as np
import pandas as pd

from . import figures
from .figures.style import wrap_text
from .dataset import Dataset
from .definitions import Definitions
from .documents import blocks_to_html, blocks_to_markdown, df_html, html_page, is_demo, md_escape
from .escaping import UnsafeNameError, check_member_name, plotly_text, safe_slug
from .methods import filters_text, methods_blocks, software_versions
from .present.report import Progress, Results as _Results, compute_results  # noqa: F401 (compute_results: public here too)
from .present.suppression import suppress_small_cells  # noqa: F401 (public here too)

CHROMIUM_HINT = "Static images need Chromium: apt-get install chromium fonts-liberation"
IMAGE_FORMATS = ("png", "svg", "pdf")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")



# ----------------------------------------------------------------------------------------------
# Errors and results
# ----------------------------------------------------------------------------------------------
class ExportError(RuntimeError):
    """An export cannot be (fully) made; ``str(err)`` tells the user what to do."""


class ChromiumMissingError(ExportError):
    """Static images were requested but no Chromium/Chrome browser is installed."""


class ChromiumStartError(ChromiumMissingError):
    """Chromium is installed but could not start, or drew no image in :data:`IMAGE_TIMEOUT_SECONDS`.

    A subclass of :class:`ChromiumMissingError`: the export writes everything but the images and
    says why, as when there is no browser."""


#: The longest wait for one image (a figure takes well under a second; the first, with Chromium's
#: start, a few seconds). Past it the export stops waiting instead of hanging.
IMAGE_TIMEOUT_SECONDS = 120.0
CHROMIUM_START_HINT = ("Chromium could not start ({reason}): the figures were not written. Chromium needs about "
                       "1 GB of memory: check the machine's memory and any limit on it (ulimit -v, a container's "
                       "memory limit), or export without images (--format none)")


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
            _start_image_server()

        def render(fig, fmt: str, scale: float = 2, width: int | None = None, height: int | None = None) -> bytes:
            try:
                return _bounded(_to_image, fig, fmt, scale, width, height)
            except ChromiumStartError:
                if not _bounded_failed_by_timeout():
                    # a server whose browser never started is stopped, so the next session tries again
                    kaleido.stop_sync_server(silence_warnings=True)
                raise

        try:
            yield render
        finally:
            if not was_running and not keep_warm and _kaleido_server() is not None and _kaleido_server().is_running():
                kaleido.stop_sync_server(silence_warnings=True)


_TIMED_OUT = threading.local()


def _bounded(fn, *args):
    """``fn(*args)`` in a helper thread, waiting at most :data:`IMAGE_TIMEOUT_SECONDS`.

    Kaleido's server answers through a queue; a browser that hangs would leave the caller waiting
    for ever (and holding the image lock). Raises :class:`ChromiumStartError` on the timeout.
    """
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as e:  # noqa: BLE001 - handed to the caller below
            box["error"] = e

    t = threading.Thread(target=run, daemon=True, name="image-render")
    t.start()
    t.join(IMAGE_TIMEOUT_SECONDS)
    _TIMED_OUT.value = t.is_alive()
    if t.is_alive():
        raise ChromiumStartError(CHROMIUM_START_HINT.format(
            reason=f"no image after {IMAGE_TIMEOUT_SECONDS:g} s"))
    if "error" in box:
        raise box["error"]
    return box["value"]


def _bounded_failed_by_timeout() -> bool:
    return bool(getattr(_TIMED_OUT, "value", False))


def _start_image_server() -> None:
    """Start Kaleido's server so that a browser that fails to start is an error, not a hang.

    Kaleido starts Chromium in a thread of its own; when the start fails (``BrowserFailedError: The
    browser seemed to close immediately``, e.g. under a memory limit) that thread dies with a
    traceback on stderr while the server still counts as running, and every image request then
    waits for ever. The server's coroutine is wrapped: a failed start is kept, with its reason, and
    every request is answered with :class:`ChromiumStartError` until the server is stopped.
    """
    import kaleido

    server = kaleido._global_server
    serve = type(server)._server

    async def guarded(*args, **kwargs):
        try:
            await serve(server, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 - any failure of the browser's start
            # choreographer's BrowserFailedError holds a tuple of sentences: the first says what failed
            first = e.args[0] if e.args else ""
            first = first[0] if isinstance(first, (tuple, list)) and first else first
            reason = " ".join(str(first).split()).rstrip(".") or type(e).__name__
            _refuse_requests(server, ChromiumStartError(CHROMIUM_START_HINT.format(reason=reason)))

    server._server = guarded  # the instance attribute is what open() calls
    try:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True, browser_cls=offline_chromium_class())
    finally:
        del server._server


def _refuse_requests(server, error: Exception) -> None:
    """Answer every request on Kaleido's queue with ``error`` until the server is stopped (``None``)."""
    while True:
        task = server._task_queue.get()
        if task is None:
            server._task_queue.task_done()
            return
        server._return_queue.put(error)
        server._task_queue.task_done()


def _to_image(fig, fmt: str, scale: float, width: int | None, height: int | None) -> bytes:
    width = int(width or fig.layout.width or figures.STYLES["publication"]["width"])
    height = int(height or fig.layout.height or figures.STYLES["publication"]["height"])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server")
        try:
            return fig.to_image(format=fmt, scale=scale, width=width, height=height)
        except ChromiumMissingError:
            raise
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
    wrapped = plotly_text(wrap_text(note, 78)).replace("&lt;br&gt;", "<br>")  # ~78 characters fit 640 px
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
                 progress: Progress | None = None, published_matches: dict | None = None) -> Bundle:
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
    published_matches : dict, optional
        Published treatment -> this dataset's treatment its figures are compared with (the page's choice;
        :func:`analysis.published.compare_with_published`).

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
                        progress=lambda f, msg: say(0.5 * f, msg), published_matches=published_matches)
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
        "definitions": R.definitions.to_dict(), "by": list(R.by), "filters": _jsonable(filters),
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
             f"{d.min_cell_size} patients with an analysable episode are not shown. The figures are interactive "
             "(hover for n and intervals) "
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
    "CHROMIUM_HINT", "ChromiumMissingError", "ChromiumStartError", "ExportError", "ExportResult", "Bundle", "build_bundle",
    "export_bundle", "export_zip_bytes", "suppress_small_cells", "neutralise_formulas", "table_csv_bytes",
    "find_chromium", "check_chromium", "image_session", "figure_image_bytes", "publication_figure",
    "software_versions",
]
