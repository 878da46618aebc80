"""The sidebar's choices of patient characteristics: which covariates can group or filter, their
levels or range, and the values a chosen level stands for."""
from __future__ import annotations

import pandas as pd

from analysis.episodes import MISSING_LABEL


def covariate_kind(patients: pd.DataFrame, column: str, max_levels: int = 12) -> str:
    """``"categorical"`` (text, or few distinct numbers) or ``"numeric"`` for a patient covariate."""
    s = patients[column]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and s.nunique() > max_levels:
        return "numeric"
    return "categorical"

def covariate_levels(patients: pd.DataFrame, column: str) -> list:
    """The levels a categorical covariate takes, as text, with ``(missing)`` when some are missing."""
    s = patients[column]
    levels = sorted({str(v) if not isinstance(v, float) or not v.is_integer() else f"{v:g}"
                     for v in s.dropna().tolist()})
    if s.isna().any():
        levels.append(MISSING_LABEL)
    return levels

def covariate_range(patients: pd.DataFrame, column: str) -> tuple[float, float]:
    """Smallest and largest value of a numeric covariate (slider bounds)."""
    v = pd.to_numeric(patients[column], errors="coerce")
    if not v.notna().any():
        return (0.0, 0.0)
    return (float(v.min()), float(v.max()))

def groupable_covariates(patients: pd.DataFrame, max_levels: int = 12) -> list[str]:
    """Covariates that make sensible groups: categorical, with at most ``max_levels`` levels."""
    out = []
    for c in patients.columns:
        if c == "patient_id":
            continue
        if covariate_kind(patients, c, max_levels) == "categorical" and patients[c].nunique() <= max_levels:
            out.append(c)
    return out

def filter_values_for(patients: pd.DataFrame, column: str, chosen: list) -> list:
    """Map chosen level labels back to the covariate's values (numbers stay numbers) for filtering."""
    s = patients[column]
    out = []
    for lab in chosen:
        if lab == MISSING_LABEL:
            out.append(MISSING_LABEL)
            continue
        match = [v for v in s.dropna().unique().tolist()
                 if (str(v) if not isinstance(v, float) or not v.is_integer() else f"{v:g}") == lab]
        out.extend(match or [lab])
    return out
