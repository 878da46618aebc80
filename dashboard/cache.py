"""``st.cache_data`` wrappers around the analysis API, keyed by the dataset's content and the definitions.

Every wrapper takes ``key`` (a SHA-256 of the input files' bytes plus the column mapping and the
identifier option: the *content* of the dataset) and the unhashed dataset object ``_dataset``; the
remaining arguments (definitions, grouping, filters) are part of the cache key. Nothing is kept in
module-level state: Streamlit's cache is keyed by content, so two sessions share a cached result
only when they loaded identical bytes. Uploads stay in memory (``persist`` is off: nothing is
written to disk).

The functions only call ``analysis/``; they compute nothing themselves.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from analysis import cohort, duration, figures, published, relief, secondary, summary, views
from analysis.definitions import Definitions
from analysis.episodes import build_episodes
from analysis.load import load_dataset, load_files

ROOT = Path(__file__).resolve().parent.parent
DEMO_PATH = ROOT / "data" / "demo"

_TTL = 3600  # seconds; results of a dataset nobody looked at for an hour are dropped


def content_key(files: dict[str, bytes], mapping: dict | None, drop_identifiers: bool) -> str:
    """SHA-256 over the files (sorted by name), the mapping and the identifier option."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8", "replace") + b"\0")
        h.update(hashlib.sha256(files[name]).digest())
    h.update(json.dumps(mapping or {}, sort_keys=True).encode())
    h.update(b"drop" if drop_identifiers else b"keep")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------- loading
@st.cache_data(max_entries=2, show_spinner=False)
def load_demo():
    """The SYNTHETIC demo cohort (data/demo/), loaded once per server."""
    return load_dataset(DEMO_PATH)


@st.cache_data(max_entries=8, ttl=_TTL, show_spinner=False)
def load_upload(key: str, _files: dict, mapping_json: str, drop_identifiers: bool):
    """An uploaded dataset (bytes held in the session; ``key`` = :func:`content_key`)."""
    mapping = json.loads(mapping_json) or None
    return load_files(dict(_files), mapping=mapping, drop_identifiers=drop_identifiers, source="upload")


# ---------------------------------------------------------------------------------------------- analyses
@st.cache_data(max_entries=24, ttl=_TTL, show_spinner=False)
def episodes(key: str, _dataset, definitions: Definitions):
    return build_episodes(_dataset, definitions)


def _ep(key, dataset, d):
    return episodes(key, dataset, d)


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def overview(key: str, _dataset, d: Definitions, group: str, filters):
    ep = _ep(key, _dataset, d)
    t1 = cohort.cohort_summary(ep, group=group, filters=filters)
    return {
        "table1": t1,
        "table1_wide": cohort.table1_wide(t1),
        "sizes": views.group_sizes(ep, (group,), filters, included_only=False),
        "exclusions": views.episode_exclusion_counts(ep, filters),
        "treatments": views.treatment_counts(ep, filters),
    }


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def pain_relief(key: str, _dataset, d: Definitions, by: tuple, filters, cumulative_week):
    ep = _ep(key, _dataset, d)
    rows = relief.select(ep, by, filters)
    cols = ["episode_id", "patient_id", *by, "immediate_relief_pct"]
    return {
        "sizes": views.group_sizes(ep, by, filters),
        "rows": rows[cols].reset_index(drop=True),
        "immediate": relief.immediate_relief(ep, by, filters),
        "rates": relief.responder_rates(ep, by=by, filters=filters),
        "cumulative": relief.cumulative_responders(ep, by, filters, week=cumulative_week),
    }


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def over_time(key: str, _dataset, d: Definitions, by: tuple, filters):
    ep = _ep(key, _dataset, d)
    return {
        "sizes": views.group_sizes(ep, by, filters),
        "weekly": relief.relief_over_time(ep, by, filters),
        "attrition": relief.attrition(ep, by, filters),
        "sensitivity": relief.responder_sensitivity(ep, by, filters),
    }


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def relief_duration(key: str, _dataset, d: Definitions, by: tuple, filters):
    ep = _ep(key, _dataset, d)
    res = duration.relief_duration(ep, by, filters)
    days = [7.0 * w for w in d.report_weeks]
    return {
        "sizes": views.group_sizes(ep, by, filters),
        "result": res,
        "medians": res.medians(),
        "survival_at": res.survival_at(days),
    }


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def secondary_measure(key: str, _dataset, d: Definitions, by: tuple, filters):
    """Views of one secondary measure (``d.measure``)."""
    ep = _ep(key, _dataset, d)
    out = {"sizes": views.group_sizes(ep, by, filters), "scores": secondary.score_over_time(ep, by, filters)}
    m = d.measure
    if m in secondary.REMISSION_BELOW:
        out["remission"] = secondary.remission_over_time(ep, by=by, filters=filters)
    if m in secondary.RESPONSE_PCT:
        out["response"] = relief.relief_over_time(ep, by, filters, threshold=secondary.RESPONSE_PCT[m])
    if m == "regions_affected":
        res = duration.time_to_spread(ep, by, filters)
        out["spread"] = res
        out["spread_medians"] = res.medians()
    return out


@st.cache_data(max_entries=16, ttl=_TTL, show_spinner=False)
def comparison(key: str, _dataset, d: Definitions, filters):
    ep = _ep(key, _dataset, d)
    s = summary.summarize(ep, by=("treatment",), filters=filters)
    pub = published.load_published()
    return {"summary_table": s.table, "counts": s.counts,
            "comparison": published.compare_with_published(s, pub), "published": pub}


# ---------------------------------------------------------------------------------------------- figures
@st.cache_data(max_entries=256, ttl=_TTL, show_spinner=False)
def _figure_spec(builder: str, *args, **kwargs) -> dict:
    return figures.figure_to_dict(getattr(figures, builder)(*args, **kwargs))


def figure(builder: str, *args, **kwargs):
    """A figure of :mod:`analysis.figures`, cached on its inputs (the results it draws and its options).

    Building a Plotly figure costs far more than drawing it (Plotly validates every property), so a
    filter change that returns to an earlier view reuses the built figure. The cache holds the
    figure as plain data (cheap to copy out of the cache) and returns a fresh ``Figure`` each call.
    """
    return figures.figure_from_dict(_figure_spec(builder, *args, **kwargs))


def publication_figure(builder: str, *args, **kwargs):
    """The same figure in the journal style (for the per-chart downloads; built on click, not cached)."""
    return getattr(figures, builder)(*args, **{**kwargs, "style": "publication"})
