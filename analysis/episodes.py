"""Treatment episodes: treatments x assessments -> one row per episode plus its follow-up scores.

Definitions (docs/methods.md; every window is a field of :class:`~analysis.definitions.Definitions`):

* **Episode.** Each row of ``treatments`` starts an episode at its ``day`` (the *start*). Its
  follow-up scores are those with ``start < day < next start`` of the same patient and
  ``day <= start + max_followup_days``.
* **Baseline.** The last score of the measure with ``start - baseline_window_days <= day <= start``.
  An episode without one, or with baseline 0 (relief undefined), is excluded from relief analyses
  and keeps its reason in ``exclusion_reason``.
* **Relief %** of a follow-up score s: ``100 * (baseline - s) / baseline`` (negative = worse).
* **Immediate** score: the first follow-up score with ``start < day <= start + immediate_window_days``.

Everything is vectorised with sorted ``merge_asof`` joins: no loop over patients or rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dataset import Dataset
from .definitions import Definitions
from .errors import AnalysisError

MISSING_LABEL = "(missing)"

EXCLUDED_NO_BASELINE = "no baseline score in the baseline window"
EXCLUDED_BASELINE_ZERO = "baseline score is 0 (relief % undefined)"


@dataclass(frozen=True)
class Episodes:
    """Derived episode tables for one measure.

    Attributes
    ----------
    table : DataFrame
        One row per treatment course: ``episode_id``, ``patient_id``, ``treatment``, ``start``,
        ``next_start`` (NaN if none), ``course_number`` (1 = the patient's first course of that
        treatment), ``baseline``, ``baseline_day``, ``included`` (bool), ``exclusion_reason``
        ('' when included), ``n_followup``, ``last_followup_t`` (days after start),
        ``next_t`` (next start - start), ``immediate_t``, ``immediate_value``,
        ``immediate_relief_pct``, then the patient covariates.
    followup : DataFrame
        One row per follow-up score of every episode: ``episode_id``, ``patient_id``, ``t``
        (day - start, > 0), ``value``, ``relief_pct`` (NaN for excluded episodes).
    definitions : Definitions
    covariates : list of str
    """

    table: pd.DataFrame = field(repr=False)
    followup: pd.DataFrame = field(repr=False)
    definitions: Definitions
    covariates: tuple = ()

    @property
    def included(self) -> pd.DataFrame:
        return self.table[self.table["included"]]

    def exclusions(self) -> pd.DataFrame:
        """Excluded episodes with their reason (for the report and the dashboard)."""
        t = self.table
        return t.loc[~t["included"], ["episode_id", "patient_id", "treatment", "start", "exclusion_reason"]]


def relief_pct(baseline, score):
    """Relief % = 100 x (baseline - score) / baseline. NaN where baseline is 0 or missing."""
    baseline = np.asarray(baseline, dtype=float)
    score = np.asarray(score, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 100.0 * (baseline - score) / baseline
    return np.where(baseline > 0, out, np.nan)


def build_episodes(dataset: Dataset, definitions: Definitions | None = None) -> Episodes:
    """Derive episodes and their follow-up scores for ``definitions.measure``.

    Parameters
    ----------
    dataset : Dataset
    definitions : Definitions, optional
        Windows and the measure; defaults to :data:`analysis.definitions.DEFAULT`.

    Returns
    -------
    Episodes

    Raises
    ------
    AnalysisError
        When the dataset has no treatments (relief needs a treatment start).
    """
    d = definitions or Definitions()
    tr = dataset.treatments
    if len(tr) == 0:
        raise AnalysisError(
            "This dataset has no treatments, so relief cannot be computed: add a treatments.csv "
            "(patient_id, day, treatment) to the dataset. Score trajectories work without it."
        )
    scores = dataset.assessments.loc[dataset.assessments["measure"] == d.measure, ["patient_id", "day", "value"]]

    ep = tr[["patient_id", "day", "treatment"]].rename(columns={"day": "start"}).copy()
    ep = ep.sort_values(["patient_id", "start"], kind="stable").reset_index(drop=True)
    ep.insert(0, "episode_id", np.arange(len(ep), dtype=np.int64))
    ep["next_start"] = ep.groupby("patient_id", sort=False)["start"].shift(-1)
    ep["next_t"] = ep["next_start"] - ep["start"]
    ep["course_number"] = ep.groupby(["patient_id", "treatment"], sort=False).cumcount() + 1

    # Baseline: the last score at or before the start, no more than the window before it.
    by_day_s = scores.sort_values("day", kind="stable")
    by_start = ep[["episode_id", "patient_id", "start"]].sort_values("start", kind="stable")
    base = pd.merge_asof(
        by_start, by_day_s.rename(columns={"day": "baseline_day", "value": "baseline"}),
        left_on="start", right_on="baseline_day", by="patient_id", direction="backward",
        allow_exact_matches=True, tolerance=float(d.baseline_window_days),
    )
    ep = ep.merge(base[["episode_id", "baseline", "baseline_day"]], on="episode_id", how="left")
    ep["included"] = ep["baseline"].notna() & (ep["baseline"] > 0)
    ep["exclusion_reason"] = np.where(
        ep["baseline"].isna(), EXCLUDED_NO_BASELINE, np.where(ep["baseline"] <= 0, EXCLUDED_BASELINE_ZERO, "")
    )

    # Follow-up: each score belongs to the patient's latest episode that started strictly before it.
    # A score on the next start day falls to no episode (it is that episode's baseline, not follow-up).
    starts = ep[["episode_id", "patient_id", "start", "next_start"]].sort_values("start", kind="stable")
    fu = pd.merge_asof(
        by_day_s, starts, left_on="day", right_on="start", by="patient_id",
        direction="backward", allow_exact_matches=False,
    )
    fu = fu[fu["episode_id"].notna()]
    keep = (fu["day"] <= fu["start"] + d.max_followup_days) & ~(fu["day"] >= fu["next_start"])
    fu = fu[keep]
    fu = pd.DataFrame({
        "episode_id": fu["episode_id"].astype(np.int64).to_numpy(),
        "patient_id": fu["patient_id"].to_numpy(),
        "t": (fu["day"] - fu["start"]).to_numpy(),
        "value": fu["value"].to_numpy(),
    })
    fu = fu.sort_values(["episode_id", "t"], kind="stable").reset_index(drop=True)
    baseline_of = ep.set_index("episode_id")["baseline"].where(ep.set_index("episode_id")["included"])
    fu["relief_pct"] = relief_pct(baseline_of.reindex(fu["episode_id"]).to_numpy(), fu["value"].to_numpy())

    g = fu.groupby("episode_id", sort=False)
    ep["n_followup"] = ep["episode_id"].map(g.size()).fillna(0).astype(np.int64)
    ep["last_followup_t"] = ep["episode_id"].map(g["t"].max())
    first = fu.drop_duplicates("episode_id", keep="first")
    first = first[first["t"] <= d.immediate_window_days].set_index("episode_id")
    ep["immediate_t"] = ep["episode_id"].map(first["t"])
    ep["immediate_value"] = ep["episode_id"].map(first["value"])
    ep["immediate_relief_pct"] = ep["episode_id"].map(first["relief_pct"])

    covariates = [c for c in dataset.patients.columns if c != "patient_id"]
    if covariates:
        ep = ep.merge(dataset.patients, on="patient_id", how="left")

    if d.first_episode_only:
        keep_ids = ep.loc[ep["course_number"] == 1, "episode_id"]
        ep = ep[ep["episode_id"].isin(keep_ids)].reset_index(drop=True)
        fu = fu[fu["episode_id"].isin(keep_ids)].reset_index(drop=True)
    return Episodes(table=ep, followup=fu, definitions=d, covariates=tuple(covariates))


def group_labels(table: pd.DataFrame, by) -> pd.DataFrame:
    """The grouping columns with missing covariate values labelled, so groups add up to the whole."""
    by = list(by)
    missing = [c for c in by if c not in table.columns]
    if missing:
        raise AnalysisError(
            f"Cannot group by {', '.join(missing)}: no such column. Available: "
            + ", ".join(c for c in table.columns if c not in _DERIVED_COLUMNS)
        )
    out = table[by].copy()
    for c in by:
        col = out[c]
        if col.isna().any():
            out[c] = col.astype(object).where(col.notna(), MISSING_LABEL)
    return out


def apply_filters(table: pd.DataFrame, filters: dict | None) -> pd.DataFrame:
    """Keep episodes whose column values are in the given lists, e.g. ``{"sex": ["F"]}``.

    A numeric column may instead be given a ``(low, high)`` tuple (inclusive range).
    """
    if not filters:
        return table
    mask = np.ones(len(table), dtype=bool)
    for col, allowed in filters.items():
        if col not in table.columns:
            raise AnalysisError(f"Cannot filter on {col!r}: no such column.")
        if allowed is None:
            continue
        if isinstance(allowed, tuple) and len(allowed) == 2:
            lo, hi = allowed
            v = pd.to_numeric(table[col], errors="coerce")
            mask &= (v >= lo).to_numpy() & (v <= hi).to_numpy()
        else:
            allowed = list(allowed)
            labels = table[col].astype(object).where(table[col].notna(), MISSING_LABEL)
            mask &= labels.isin(allowed).to_numpy()
    return table[mask]


_DERIVED_COLUMNS = {
    "episode_id", "start", "next_start", "next_t", "course_number", "baseline", "baseline_day", "included",
    "exclusion_reason", "n_followup", "last_followup_t", "immediate_t", "immediate_value", "immediate_relief_pct",
}
