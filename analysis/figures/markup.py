"""Text from data is drawn, never interpreted (issue 15): Plotly markup in figure texts escaped."""
from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from ..escaping import plotly_text


#: The markup the builders themselves write, and entities (already escaped text): kept as they are.
_OWN_MARKUP = re.compile(r"(</?(?:br|b|i|sup|sub|extra)>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


def escape_markup(text):
    """Escape ``<``, ``>`` and ``&`` of a Plotly text except the builders' own tags.

    Plotly.js renders ``<a href>``, ``<span style>``, ``<img>``-like tags and entities in titles,
    legends, tick and hover labels; a group or measure name from the data must be drawn as it is
    written. The tags the builders use (``<br>``, ``<b>``, ``<i>``, ``<sup>``, ``<sub>``,
    ``<extra>``) and entities pass unchanged, so escaping twice changes nothing.
    """
    if not isinstance(text, str) or not any(c in text for c in "<>&"):
        return text
    parts = _OWN_MARKUP.split(text)
    return "".join(p if i % 2 else plotly_text(p) for i, p in enumerate(parts))


def _escape_array(values):
    """The array with its strings escaped, or None when nothing changes (numbers, plain text)."""
    if values is None or isinstance(values, str):
        return None
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "biufcmM" or values.ndim != 1:
            return None
    elif not (len(values) and isinstance(values[0], str)):
        try:  # Plotly keeps lists as tuples: numbers become a float array here, at C speed
            arr = np.asarray(values)
        except (ValueError, TypeError):  # ragged rows: not text
            return None
        if arr.dtype.kind in "biufcmM" or arr.ndim != 1:
            return None
    try:
        distinct = set(values)  # C speed: a category column has a handful of distinct values
    except TypeError:  # unhashable items: not text
        return None
    bad = {v for v in distinct if isinstance(v, str) and ("<" in v or ">" in v or "&" in v)}
    if not bad:
        return None
    fixed = {v: escape_markup(v) for v in bad}
    return [fixed.get(v, v) for v in values]


def escape_figure_text(fig: go.Figure) -> go.Figure:
    """Escape every text of a figure that Plotly renders as markup, in place; returns it.

    Titles, subtitles, axis titles and tick texts, annotations, legend title, trace names, texts,
    hover texts and templates, and string categories/customdata (see :func:`escape_markup`).
    Called by every builder (through ``_finish``); call it again after adding text from data.
    """
    lay = fig.layout
    if lay.title.text:
        lay.title.text = escape_markup(lay.title.text)
    if lay.title.subtitle and lay.title.subtitle.text:
        lay.title.subtitle.text = escape_markup(lay.title.subtitle.text)
    if lay.legend and lay.legend.title and lay.legend.title.text:
        lay.legend.title.text = escape_markup(lay.legend.title.text)

    def axis(ax):
        if ax.title and ax.title.text:
            ax.title.text = escape_markup(ax.title.text)
        for attr in ("ticktext", "categoryarray"):  # categories must stay equal to the escaped x/y
            new = _escape_array(ax[attr])
            if new is not None:
                ax[attr] = new

    fig.for_each_xaxis(axis)
    fig.for_each_yaxis(axis)
    for ann in lay.annotations or ():
        if ann.text:
            ann.text = escape_markup(ann.text)
    for tr in fig.data:
        for attr in ("name", "hovertemplate", "texttemplate", "text", "hovertext"):
            if attr in tr:
                v = tr[attr]
                if isinstance(v, str):
                    e = escape_markup(v)
                    if e != v:
                        tr[attr] = e
                elif attr in ("text", "hovertext", "hovertemplate"):
                    new = _escape_array(v)
                    if new is not None:
                        tr[attr] = new
        for attr in ("x", "y", "customdata"):
            if attr in tr:
                new = _escape_array(tr[attr])
                if new is not None:
                    tr[attr] = new
        if "legendgrouptitle" in tr and tr.legendgrouptitle.text:
            tr.legendgrouptitle.text = escape_markup(tr.legendgrouptitle.text)
    return fig
