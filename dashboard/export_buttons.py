"""Per-chart image downloads (PNG / SVG / PDF) for any dashboard page.

``figure_download_buttons(fig, name)`` draws a small "Download this chart" popover under a chart
with three download buttons. The image is rendered only when a button is clicked (Streamlit runs
the callable then, outside the page's run: no Kaleido work on a rerun), in the journal style of the
export (:func:`analysis.export.publication_figure`), with the process-wide warm Kaleido server of
:mod:`analysis.export`. Without Chromium the popover is replaced by a one-line note saying what to
install, so a page never fails because static export is unavailable.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analysis import export
from analysis.escaping import safe_slug

MIMES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


@st.cache_resource(show_spinner=False, ttl=300)
def chromium_path() -> str | None:
    """The browser Kaleido would use (cached for 5 minutes; None when missing)."""
    return export.find_chromium()


def _safe_name(name: str) -> str:
    # A download's file name: a measure name from the data never reaches it as it is (issue 15).
    return safe_slug(str(name)) or "figure"


def _renderer(fig, fmt: str, scale: float, note: str = ""):
    def render() -> bytes:
        f = fig() if callable(fig) else go.Figure(fig)
        pub = export.publication_figure(f, note)
        return export.figure_image_bytes(pub, fmt, scale=scale, keep_warm=True)
    return render


def figure_download_buttons(fig, name: str, formats=export.IMAGE_FORMATS, scale: float = 2,
                            key: str | None = None, note: str = "") -> None:
    """Offer one chart as PNG/SVG/PDF downloads (rendered on click), or say how to enable them.

    Parameters
    ----------
    fig : plotly Figure or callable
        The chart, or (better) a function returning it built with ``style="publication"``: it is
        called only when a button is clicked. A screen-style figure is exported as it is, 640 px
        wide.
    name : str
        File name stem, e.g. ``"relief_duration_km"``.
    formats : sequence of str
        Any of ``png``, ``svg``, ``pdf``.
    scale : float
        PNG pixel multiplier (pixels = 640 x scale wide).
    key : str, optional
        Widget key prefix (default: the name), needed when one name appears twice on a page.
    note : str
        What the chart leaves out (small groups), printed under its title in the image.
    """
    stem = _safe_name(name)
    if chromium_path() is None:
        st.caption(f":material/info: Image download unavailable: {export.CHROMIUM_HINT} (the charts, tables and "
                   "the HTML report work without it).")
        return
    with st.popover("Download this chart", icon=":material/download:", width="content"):
        st.caption(f"Journal style: white background, fonts for a single column, 640 px wide "
                   f"(PNG {int(640 * scale)} px). SVG and PDF are vector formats.")
        cols = st.columns(len(formats))
        for col, fmt in zip(cols, formats):
            col.download_button(
                fmt.upper(), data=_renderer(fig, fmt, scale, note), file_name=f"{stem}.{fmt}", mime=MIMES[fmt],
                key=f"dl_{key or stem}_{fmt}", icon=":material/download:", on_click="ignore",
                help=f"Download this chart as {fmt.upper()}")
