"""Who is in each group: patients and episodes per group (the small-cell rule counts patients),
episodes excluded per reason, and patients and episodes per treatment."""
from __future__ import annotations

import pandas as pd

from analysis.episodes import Episodes, apply_filters
from analysis.relief import select

from .labels import row_labels


def group_sizes(episodes: Episodes, by, filters: dict | None = None, included_only: bool = True,
                selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Patients and episodes per group after filters (the small-cell rule counts patients).

    ``selected``: ``analysis.relief.select(episodes, by, filters, included_only)``, when already computed.

    Returns
    -------
    DataFrame
        group columns, ``patients``, ``episodes``, ``label``.
    """
    by = list(by)
    t = select(episodes, by, filters, included_only=included_only) if selected is None else selected
    if by:
        out = (t.groupby(by, sort=True, observed=True)
               .agg(patients=("patient_id", "nunique"), episodes=("episode_id", "size")).reset_index())
    else:
        out = pd.DataFrame({"patients": [t["patient_id"].nunique()], "episodes": [len(t)]})
    out["label"] = row_labels(out, by).to_numpy()
    return out

def episode_exclusion_counts(episodes: Episodes, filters: dict | None = None) -> pd.DataFrame:
    """Episodes excluded from relief analyses, counted per reason (``reason``, ``episodes``)."""
    t = apply_filters(episodes.table, filters)
    ex = t.loc[~t["included"], "exclusion_reason"]
    out = ex.value_counts().rename_axis("reason").rename("episodes").reset_index()
    return out

def treatment_counts(episodes: Episodes, filters: dict | None = None) -> pd.DataFrame:
    """Per treatment: ``patients``, ``episodes``, ``analysable`` episodes (with a baseline)."""
    t = apply_filters(episodes.table, filters)
    return (t.groupby("treatment", sort=True)
            .agg(patients=("patient_id", "nunique"), episodes=("episode_id", "size"), analysable=("included", "sum"))
            .reset_index())
