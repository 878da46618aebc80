"""Measure labels, and the presentation helpers under their former names.

The helpers live in :mod:`analysis.present` (``labels``, ``formatting``, ``groups``, ``suppression``);
the sidebar's covariate choices in ``dashboard/covariates.py`` and the upload header reader in
``dashboard/uploads.py``. This module re-exports the helpers for the code that still imports them from
here (:mod:`analysis.figures`, tests); ``group_labels`` is :func:`analysis.present.labels.row_labels`
(not :func:`analysis.episodes.group_labels`, which returns the group columns of the episode table).
"""
from __future__ import annotations

from .definitions import KNOWN_MEASURES
from .present.formatting import (  # noqa: F401
    EN_DASH, duration_table, fmt_estimate, fmt_n, fmt_num, fmt_p, format_result, logrank_text, relief_summary_table,
    weekly_n_table,
)
from .present.groups import episode_exclusion_counts, group_sizes, treatment_counts  # noqa: F401
from .present.labels import ALL_GROUPS, group_label, row_labels  # noqa: F401
from .present.suppression import (  # noqa: F401
    Suppressed, small_group_labels, suppress, suppress_rows, survival_groups_to_hide, survival_note,
)

group_labels = row_labels


def measure_label(measure: str) -> str:
    """Human label of a measure, e.g. ``"PHQ-9 depression (0-27)"``; unknown measures as given."""
    return KNOWN_MEASURES.get(measure, {}).get("label", measure)


def measure_short(measure: str) -> str:
    """Short name without the range: ``"PHQ-9 depression"``."""
    return measure_label(measure).split(" (")[0]
