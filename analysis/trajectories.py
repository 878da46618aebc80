"""Score trajectories without treatments: any measure by weeks since each patient's first assessment.

Relief, responders and relief duration need a treatment start (the episode's day 0). A dataset without
treatments (no ``treatments.csv``) still says how scores evolve over follow-up: this module aligns each
patient on their **first assessment** (the first day with any score) instead.

Definitions
-----------
* ``t`` = day of the score - day of the patient's first assessment (any measure), in days.
* Week 0 is ``t <= 0`` (the first assessment day); week k >= 1 covers ``7(k-1) < t <= 7k`` (the
  convention of :mod:`analysis.relief`); scores after ``max_followup_days`` are not used.
* Each patient contributes the mean of their scores in a week (one value per patient and week), so a
  week's mean is over patients and its interval is Student's t (rows are independent); ``n`` and
  ``n_patients`` are the patients with a score that week.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Dataset
from .definitions import Definitions
from .episodes import check_grouping, filter_mask, label_missing
from .errors import AnalysisError
from .intervals import mean_ci_table
from .present.labels import row_labels


def _first_day(dataset: Dataset) -> tuple[np.ndarray, np.ndarray | None]:
    """Per patient code (or id), the day of the first assessment of any measure."""
    cats = dataset.patient_categories()
    frames = []
    for m in dataset.measures:  # a handful of measures
        who, day, _ = dataset.measure_scores(m)
        frames.append(pd.DataFrame({"who": who, "day": day}))
    if not frames:
        return pd.Series(dtype=float), cats
    allr = pd.concat(frames, ignore_index=True)
    return allr.groupby("who", sort=False)["day"].min(), cats


def weekly_patient_scores(dataset: Dataset, measure: str, by=(), filters: dict | None = None,
                          definitions: Definitions | None = None) -> pd.DataFrame:
    """One row per patient and week since the first assessment: ``patient_id``, the group columns,
    ``week``, ``score`` (the patient's mean score of ``measure`` in that week)."""
    d = definitions or Definitions()
    by = [c for c in by if c != "treatment"]
    patients = dataset.patients
    check_grouping(patients, by)
    if measure not in dataset.measures:
        raise AnalysisError(f"No score of {measure!r} in this dataset. Measures: {', '.join(dataset.measures)}.")
    first, cats = _first_day(dataset)
    who, day, value = dataset.measure_scores(measure)
    t = day - first.reindex(pd.Index(who)).to_numpy(float)
    keep = t <= float(d.max_followup_days)
    week = np.where(t <= 0, 0, np.ceil(t / 7.0)).astype(np.int64)
    pid = cats.to_numpy(object)[np.asarray(who)[keep].astype(np.int64)] if cats is not None else np.asarray(who)[keep]
    rows = pd.DataFrame({"patient_id": pid.astype(str), "week": week[keep], "score": value[keep]})
    rows = rows.groupby(["patient_id", "week"], sort=True, as_index=False)["score"].mean()
    # Patient covariates for the groups and filters (the treatment filter has nothing to act on here).
    flt = {k: v for k, v in (filters or {}).items() if k != "treatment"}
    cols = list(dict.fromkeys([*by, *flt]))
    if cols:
        p = patients[["patient_id", *cols]].copy()
        p["patient_id"] = p["patient_id"].astype(str)
        mask = filter_mask(p, flt)
        if mask is not None:
            p = p[mask]
        rows = rows.merge(p, on="patient_id", how="inner")
        for c in by:
            if rows[c].isna().any():
                rows[c] = label_missing(rows[c])
    return rows[["patient_id", *by, "week", "score"]]


def score_trajectories(dataset: Dataset, measure: str, by=(), filters: dict | None = None,
                       definitions: Definitions | None = None) -> pd.DataFrame:
    """Mean score per group and week since each patient's first assessment, with its interval.

    Parameters
    ----------
    dataset : Dataset
        Treatments are not needed (nor used).
    measure : str
    by : sequence of str
        Patient covariates to group by (``treatment`` is ignored: there is none to group by).
    filters : dict, optional
        Covariate filters (see :func:`analysis.episodes.apply_filters`); a ``treatment`` filter is ignored.
    definitions : Definitions, optional
        ``max_followup_days`` (weeks after it are not shown) and ``conf_level``.

    Returns
    -------
    DataFrame
        The group columns, ``week``, ``estimate`` (mean score), ``ci_low``, ``ci_high``, ``n``
        (patients with a score that week), ``n_patients``, ``method``, ``conf_level``.

    Notes
    -----
    Student's t interval over patients (one mean score per patient and week), mean +/- t_{n-1} s/sqrt(n).
    """
    d = definitions or Definitions()
    rows = weekly_patient_scores(dataset, measure, by, filters, d)
    keys = [*[c for c in by if c != "treatment"], "week"]
    return mean_ci_table(rows, "score", by=keys, cluster="patient_id", conf_level=d.conf_level,
                         method=d.cluster_method, n_bootstrap=d.n_bootstrap, seed=d.seed)


def trajectory_sizes(dataset: Dataset, measure: str, by=(), filters: dict | None = None,
                     definitions: Definitions | None = None) -> pd.DataFrame:
    """Patients with a score of ``measure`` per group (the small-cell rule's counts): the group
    columns, ``patients``, ``episodes`` (= patients: there are no episodes here), ``label``."""
    rows = weekly_patient_scores(dataset, measure, by, filters, definitions)
    by = [c for c in by if c != "treatment"]
    if by:
        out = rows.groupby(by, sort=True, observed=True).agg(patients=("patient_id", "nunique")).reset_index()
    else:
        out = pd.DataFrame({"patients": [rows["patient_id"].nunique()]})
    out["episodes"] = out["patients"]
    out["label"] = row_labels(out, by).to_numpy()
    return out
