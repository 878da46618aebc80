"""The rows and the design matrix of a regression model (shared by Cox and GEE models).

Rows with a missing value in any column the model uses are dropped and counted; a numeric
covariate is one column named after itself; any other (text, category, bool) gives one indicator
column per level against a reference level (R's treatment contrasts; default reference: the first
level in sorted order, as R's ``factor``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import AnalysisError


@dataclass(frozen=True, eq=False)
class ModelFrame:
    """Rows used and their design matrix.

    Attributes
    ----------
    data : DataFrame
        The rows used (no missing value in a column the model uses).
    x : ndarray, shape (n, p)
        Design matrix (no intercept).
    terms : DataFrame
        One row per column of ``x``: ``term``, ``covariate``, ``level``, ``reference``.
    groups : list of (covariate, [column indices])
    n_dropped : int
    dropped : dict
        Column -> rows dropped at it (each row counts once, at its first missing column).
    """

    data: pd.DataFrame = field(repr=False)
    x: np.ndarray = field(repr=False)
    terms: pd.DataFrame = field(repr=False)
    groups: list = field(repr=False)
    n_dropped: int = 0
    dropped: dict = field(default_factory=dict)


def is_categorical(s: pd.Series) -> bool:
    """Text, category and bool columns are categorical; numbers are numeric."""
    return not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))


def model_frame(data: pd.DataFrame, covariates, other_columns=(), reference: dict | None = None,
                caller: str = "model") -> ModelFrame:
    """Drop rows with missing values (counted) and build the design matrix of ``covariates``.

    Raises
    ------
    AnalysisError
        A named column is missing, a reference level does not occur, a covariate has a single
        level among the rows used, or the columns are collinear.
    """
    covariates = list(covariates)
    used_cols = list(dict.fromkeys([*other_columns, *covariates]))
    missing_cols = [c for c in used_cols if c not in data.columns]
    if missing_cols:
        raise AnalysisError(f"{caller}: no column {', '.join(map(repr, missing_cols))} in the data; "
                            f"available: {', '.join(map(str, data.columns))}.")
    if not covariates:
        raise AnalysisError(f"{caller}: name at least one covariate (e.g. covariates=['treatment']).")
    reference = dict(reference or {})
    miss = data[used_cols].isna().to_numpy()
    keep = ~miss.any(axis=1)
    first = np.argmax(miss, axis=1)
    dropped = {}
    for j, c in enumerate(used_cols):
        k = int(np.count_nonzero(~keep & (first == j)))
        if k:
            dropped[c] = k
    d = data.loc[keep]
    columns, rows, groups = [], [], []
    for c in covariates:
        s = d[c]
        if is_categorical(s):
            # the levels as codes, so each indicator compares numbers, not text
            codes, uniques = pd.factorize(s, sort=False)
            position = {v: j for j, v in enumerate(uniques.tolist())}
            levels = sorted(position, key=lambda v: (str(type(v)), v))
            ref = reference.get(c, levels[0] if levels else None)
            if ref not in levels:
                raise AnalysisError(f"{caller}: reference level {ref!r} of {c!r} does not occur among the "
                                    f"rows used ({', '.join(map(str, levels))}).")
            others = [v for v in levels if v != ref]
            if not others:
                raise AnalysisError(f"{caller}: {c!r} has a single level ({ref}) among the rows used; "
                                    "it cannot be compared.")
            idx = []
            for v in others:
                idx.append(len(columns))
                columns.append((codes == position[v]).astype(float))
                rows.append({"term": f"{c}: {v} vs {ref}", "covariate": c, "level": str(v), "reference": str(ref)})
            groups.append((c, idx))
        else:
            groups.append((c, [len(columns)]))
            columns.append(s.to_numpy(dtype=float))
            rows.append({"term": c, "covariate": c, "level": "", "reference": ""})
    x = np.column_stack(columns) if len(d) else np.zeros((0, len(columns)))
    if len(d) and np.linalg.matrix_rank(x - x.mean(axis=0)) < x.shape[1]:
        raise AnalysisError(f"{caller}: some covariates are collinear or constant among the rows used "
                            f"({', '.join(covariates)}); remove one of them.")
    return ModelFrame(data=d, x=x, terms=pd.DataFrame(rows), groups=groups, n_dropped=int((~keep).sum()),
                      dropped=dropped)
