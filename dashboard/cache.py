"""Streamlit cache wrappers around the analysis API, keyed by the dataset's content and the definitions.

Every wrapper takes ``key`` (a SHA-256 of the input files' bytes plus the column mapping and the
identifier option: the *content* of the dataset) and the unhashed dataset object ``_dataset``; the
remaining arguments (definitions, grouping, filters) are part of the cache key. Nothing is kept in
module-level state: Streamlit's cache is keyed by content, so two sessions share a cached result
only when they loaded identical bytes. Everything stays in memory (nothing is written to disk).

Two kinds of cache: the loaded dataset and the episode tables are *shared* objects
(``st.cache_resource``): at 100,000 patients they are 150-200 MB, and ``st.cache_data`` would
pickle them once and unpickle a fresh copy for every page run that uses them (0.1-0.2 s each). They
are read-only: no analysis modifies its input (``analysis.episodes.with_definitions`` already shares
the tables between definitions). The page results (small tables and figures) are ``st.cache_data``,
so a page can never change what another session sees.

The functions only call ``analysis/``; they compute nothing themselves. A page's analyses
(``analysis.present.<page>_results``) are cached; its panel (``<page>_panel``: suppression, tables,
notes, figure specifications) is made from them on each run, with the page's minimum group size.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import streamlit as st

from analysis import figures, present
from analysis.definitions import Definitions
from analysis.episodes import build_episodes, build_episodes_by_measure, episode_definitions, with_definitions
from analysis.load import load_dataset, load_files
from analysis.resources import demo_path

DEMO_PATH = demo_path()

DATA_ENV = "CRPS_OUTCOMES_DATA"

_TTL = 3600  # seconds; results of a dataset nobody looked at for an hour are dropped


def default_data_path() -> Path | None:
    """The clinic's data folder the server was started on, or None for the demo cohort.

    ``streamlit run dashboard/app.py -- --data PATH`` (the script's own arguments) wins over the
    environment variable ``CRPS_OUTCOMES_DATA=PATH``. Read on every run (cheap), not kept in module state.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    args, _ = parser.parse_known_args(sys.argv[1:])
    raw = args.data or os.environ.get(DATA_ENV, "").strip()
    return Path(raw).expanduser().resolve() if raw else None


def _folder_stamp(path: Path) -> tuple:
    """Names, sizes and modification times of the folder's files: a changed file is read again."""
    try:
        return tuple(sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in path.iterdir() if f.is_file()))
    except OSError:
        return ()


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
@st.cache_resource(max_entries=2, show_spinner=False)
def load_demo():
    """The SYNTHETIC demo cohort (data/demo/), loaded once per server."""
    return load_dataset(DEMO_PATH)


@st.cache_resource(max_entries=2, show_spinner=False)
def _load_folder(path: str, stamp: tuple):
    return load_dataset(Path(path))


def load_folder(path: Path):
    """The data folder given at start (``--data`` / ``CRPS_OUTCOMES_DATA``), loaded once per server
    (and again when one of its files changes)."""
    return _load_folder(str(path), _folder_stamp(path))


@st.cache_resource(max_entries=8, ttl=_TTL, show_spinner=False)
def load_upload(key: str, _files: dict, mapping_json: str, drop_identifiers: bool):
    """An uploaded dataset (bytes held in the session; ``key`` = :func:`content_key`)."""
    from dashboard.uploads import LOAD_SLOTS

    mapping = json.loads(mapping_json) or None
    with LOAD_SLOTS:  # one upload parsed at a time: two large ones cannot add up (issue 15)
        return load_files(dict(_files), mapping=mapping, drop_identifiers=drop_identifiers, source="upload")


@st.cache_resource(max_entries=4, ttl=_TTL, show_spinner=False)
def inspect_upload(key: str, _files: dict, date_format: str | None = None):
    """What an uploaded clinic export is and the mapping proposed for it (``key`` = :func:`content_key`)."""
    from analysis.io.propose import inspect

    return inspect(dict(_files), date_format=date_format)


# ---------------------------------------------------------------------------------------------- analyses
@st.cache_resource(max_entries=12, ttl=_TTL, show_spinner=False)
def _episodes(key: str, _dataset, episode_definitions: Definitions):
    return build_episodes(_dataset, episode_definitions)


@st.cache_resource(max_entries=6, ttl=_TTL, show_spinner=False)
def _episode_set(key: str, _dataset, episode_definitions: Definitions, measures: tuple):
    return build_episodes_by_measure(_dataset, episode_definitions, measures)


def episodes(key: str, _dataset, definitions: Definitions, measures: tuple | None = None):
    """The episodes, built once per dataset and episode-relevant definitions (windows, measure, first
    episode only): a new threshold, CI type or minimum group size reuses them.

    ``measures`` (containing ``definitions.measure``): the measures a page shows together (Secondary
    outcomes: the chosen measure and body regions); their episodes are built in one pass
    (``build_episodes_by_measure``) and cached together.
    """
    ed = episode_definitions(definitions)
    if not measures or tuple(measures) == (definitions.measure,):
        return with_definitions(_episodes(key, _dataset, ed), definitions)
    if definitions.measure not in measures:
        raise ValueError(f"measures {measures!r} do not include {definitions.measure!r}")
    built = _episode_set(key, _dataset, ed.replace(measure=Definitions().measure), tuple(measures))
    return with_definitions(built[definitions.measure], definitions)


def _ep(key, dataset, d, measures=None):
    return episodes(key, dataset, d, measures)


def overview(key: str, _dataset, d: Definitions, group: str, filters):
    """Table 1, group sizes and exclusions: they depend on the episode definitions only, so a new
    threshold or CI option reuses them."""
    return _overview(key, _dataset, episode_definitions(d), group, filters)


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def _overview(key: str, _dataset, d: Definitions, group: str, filters):
    return present.overview_results(_ep(key, _dataset, d), group, filters)


def overview_panel(key: str, _dataset, d: Definitions, group: str, filters):
    """The Overview page (:func:`analysis.present.overview_panel`)."""
    return present.overview_panel(overview(key, _dataset, d, group, filters), d, group)


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def pain_relief(key: str, _dataset, d: Definitions, by: tuple, filters, cumulative_week):
    return present.pain_relief_results(_ep(key, _dataset, d), by, filters, cumulative_week)


def pain_relief_panel(key: str, _dataset, d: Definitions, by: tuple, filters, cumulative_week):
    """The Pain relief page, with the cumulative responder curve at ``cumulative_week`` (None: immediately)."""
    return present.pain_relief_panel(pain_relief(key, _dataset, d, by, filters, cumulative_week), d, by,
                                     cumulative_week)


@st.cache_resource(max_entries=2, ttl=_TTL, show_spinner=False)
def _weekly_relief(key: str, _dataset, episode_definitions: Definitions, by: tuple, filters):
    """The included episodes, their weekly mean relief and its grouping: the common input of the Relief
    over time analyses, independent of the threshold and CI options. Shared objects (~200 MB at 100,000
    patients, hence only the two latest views), read-only like the episodes."""
    return present.weekly_inputs(episodes(key, _dataset, episode_definitions), by, filters)


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def _over_time_fixed(key: str, _dataset, episode_definitions: Definitions, by: tuple, filters):
    """Group sizes and attrition: independent of the threshold and CI options."""
    return present.over_time_fixed(episodes(key, _dataset, episode_definitions), by, filters,
                                   _weekly_relief(key, _dataset, episode_definitions, by, filters))


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def over_time(key: str, _dataset, d: Definitions, by: tuple, filters):
    ed = episode_definitions(d)
    return present.over_time_results(_ep(key, _dataset, d), by, filters,
                                     inputs=_weekly_relief(key, _dataset, ed, by, filters),
                                     fixed=_over_time_fixed(key, _dataset, ed, by, filters))


def over_time_panel(key: str, _dataset, d: Definitions, by: tuple, filters):
    """The Relief over time page."""
    return present.over_time_panel(over_time(key, _dataset, d, by, filters), d, by)


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def relief_duration(key: str, _dataset, d: Definitions, by: tuple, filters):
    return present.duration_results(_ep(key, _dataset, d), by, filters, d)


def relief_duration_panel(key: str, _dataset, d: Definitions, by: tuple, filters):
    """The Relief duration page."""
    return present.duration_panel(relief_duration(key, _dataset, d, by, filters), d, by)


def secondary_measure(key: str, _dataset, d: Definitions, by: tuple, filters, measures: tuple | None = None):
    """Analyses of one secondary measure (``d.measure``). ``measures``: the measures the page shows, whose
    episodes are built together (see :func:`episodes`).

    None of these results reads the responder threshold (response uses the measure's conventional
    cut-off) or the minimum group size, so they are cached without them: moving the threshold
    reuses them."""
    base = Definitions()
    d = d.replace(threshold=base.threshold, thresholds=base.thresholds, min_cell_size=base.min_cell_size)
    return _secondary_measure(key, _dataset, d, by, filters, measures)


@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def _secondary_measure(key: str, _dataset, d: Definitions, by: tuple, filters, _measures: tuple | None = None):
    # ``_measures`` is not part of the cache key: the results of ``d.measure`` do not depend on it.
    return present.secondary_results(_ep(key, _dataset, d, _measures), by, filters)


def secondary_panel(key: str, _dataset, d: Definitions, by: tuple, filters, measures: tuple | None = None):
    """The Secondary outcomes page for ``d.measure`` (its minimum group size and CI level are the page's)."""
    return present.secondary_panel(secondary_measure(key, _dataset, d, by, filters, measures), d, by, d.measure)


@st.cache_data(max_entries=16, ttl=_TTL, show_spinner=False)
def comparison(key: str, _dataset, d: Definitions, filters):
    return present.published_results(_ep(key, _dataset, d), filters)


def comparison_panel(key: str, _dataset, d: Definitions, filters, matches: dict | None = None):
    """The Compare with published figures page (``matches``: the user's choice of the treatment compared with
    each published one; the comparison is redone from the cached summary)."""
    return present.published_panel(comparison(key, _dataset, d, filters), d, matches=matches)


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


# ---------------------------------------------------------------------------------------------- comparisons
@st.cache_data(max_entries=16, ttl=_TTL, show_spinner=False)
def compare_treatments_panel(key: str, _dataset, d: Definitions, filters, covariates: tuple, reference: str | None,
                       subgroup: tuple | None):
    """The "Compare treatments" panel: responder models, the Cox model of relief, estimands, boosters,
    subgroups (``subgroup``: (treatment, reference, covariates, measure) or None)."""
    return present.compare_panel(present.compare_results(_ep(key, _dataset, d), d, filters, covariates, reference,
                                                         subgroup, treatments=_dataset.treatments), d)


# ---------------------------------------------------------------------------------------------- one patient
@st.cache_data(max_entries=64, ttl=_TTL, show_spinner=False)
def patient_timeline(key: str, _dataset, d: Definitions, patient_id: str):
    """One patient's timeline (:func:`analysis.timeline.patient_timeline`) under the page's definitions."""
    from analysis.timeline import patient_timeline as derive
    return derive(_dataset, d, patient_id)


@st.cache_data(max_entries=4, ttl=_TTL, show_spinner=False)
def patient_ids(key: str, _dataset) -> list:
    """The dataset's patient identifiers, sorted (the timeline page's chooser)."""
    from analysis.timeline import patient_ids as ids
    return ids(_dataset)


# ---------------------------------------------------------------------------------------------- no treatments
@st.cache_data(max_entries=32, ttl=_TTL, show_spinner=False)
def trajectories(key: str, _dataset, d: Definitions, measure: str, by: tuple, filters):
    """Score trajectories by weeks since the first assessment (datasets without treatments)."""
    from analysis import trajectories as tj
    return {"sizes": tj.trajectory_sizes(_dataset, measure, by, filters, d),
            "table": tj.score_trajectories(_dataset, measure, by, filters, d)}
