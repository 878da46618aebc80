"""Cohort summary ("Table 1") per treatment group.

Patient-level rows (covariates) count each patient once per group; episode-level rows (baseline
score, follow-up length) count each episode. Categorical covariates: count and % of the group's
patients (missing shown as its own level, so the levels add up to the group). Numeric covariates
and scores: median [Q1, Q3] and mean (SD), with ``n`` the non-missing count.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .episodes import MISSING_LABEL, Episodes, apply_filters, group_labels

ALL_LABEL = "All"
TABLE1_COLUMNS = ["group", "variable", "level", "n", "percent", "median", "q1", "q3", "mean", "sd", "display"]


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _numeric_rows(values: pd.DataFrame, col: str, label: str) -> pd.DataFrame:
    # As float64: a whole-number covariate is nullable Int64 (analysis/io/columns.py), whose groupby
    # statistics are Float64 with <NA>; the numbers are the same, the type of the table is not.
    x = pd.Series(values[col].to_numpy(dtype=float, na_value=np.nan), index=values.index)
    g = x.groupby(values["group"].to_numpy(), sort=False)
    # reindex: with no row at all (a filter that selects nobody) unstack() gives no columns
    q = g.quantile([0.25, 0.5, 0.75]).unstack().reindex(columns=[0.25, 0.5, 0.75])
    out = pd.DataFrame({
        "group": q.index, "variable": label, "level": "",
        "n": g.count().reindex(q.index).to_numpy(),
        "median": q[0.5].to_numpy(), "q1": q[0.25].to_numpy(), "q3": q[0.75].to_numpy(),
        "mean": g.mean().reindex(q.index).to_numpy(), "sd": g.std().reindex(q.index).to_numpy(),
    })
    out["percent"] = np.nan
    out["display"] = [f"{m:.1f} [{a:.1f}, {b:.1f}]" if np.isfinite(m) else "-" for m, a, b in
                      zip(out["median"], out["q1"], out["q3"])]
    return out


def cohort_summary(episodes: Episodes, group: str = "treatment", filters: dict | None = None) -> pd.DataFrame:
    """Table 1: per ``group`` value and overall ("All").

    Returns
    -------
    DataFrame
        ``group``, ``variable``, ``level``, ``n``, ``percent`` (0-100, categorical rows),
        ``median``, ``q1``, ``q3``, ``mean``, ``sd`` (numeric rows), ``display`` (formatted).
        Variables: ``Patients``, ``Episodes``, ``Episodes analysable`` (with a baseline),
        each covariate, ``Baseline <measure>``, ``Follow-up (days)``.
    """
    ep = apply_filters(episodes.table, filters)
    labels = group_labels(ep, [group])[group].astype(str)
    # Only the columns the table uses (copying all episode columns twice was most of the time).
    used = ["patient_id", "episode_id", "included", "baseline", "last_followup_t",
            *[c for c in episodes.covariates if c in ep.columns]]
    ep = ep[list(dict.fromkeys(used))].assign(group=labels.to_numpy())
    both = pd.concat([ep, ep.assign(group=ALL_LABEL)], ignore_index=True)

    rows = []
    counts = both.groupby("group", sort=False).agg(
        patients=("patient_id", "nunique"), episodes=("episode_id", "size"), analysable=("included", "sum"))
    for var, col in (("Patients", "patients"), ("Episodes", "episodes"), ("Episodes analysable", "analysable")):
        rows.append(pd.DataFrame({"group": counts.index, "variable": var, "level": "",
                                  "n": counts[col].to_numpy(), "display": counts[col].astype(int).astype(str).to_numpy()}))

    pts = both.drop_duplicates(["group", "patient_id"])
    for cov in episodes.covariates:
        if cov not in pts.columns:
            continue
        if _is_numeric(pts[cov]):
            rows.append(_numeric_rows(pts, cov, cov))
        else:
            lv = pts[cov].astype(object).where(pts[cov].notna(), MISSING_LABEL).astype(str)
            # Count on the two key columns alone (assigning the level to all the columns copied them all).
            c = (pd.DataFrame({"group": pts["group"].to_numpy(), "level": lv.to_numpy()})
                 .groupby(["group", "level"], sort=True).size().rename("n").reset_index())
            tot = c.groupby("group")["n"].transform("sum")
            c["percent"] = 100.0 * c["n"] / tot
            c["variable"] = cov
            c["display"] = [f"{n} ({p:.0f}%)" for n, p in zip(c["n"], c["percent"])]
            rows.append(c)

    measure = episodes.definitions.measure
    rows.append(_numeric_rows(both[["group", "baseline"]], "baseline", f"Baseline {measure}"))
    rows.append(_numeric_rows(both.loc[both["included"].to_numpy(), ["group", "last_followup_t"]], "last_followup_t",
                              "Follow-up (days)"))
    out = pd.concat(rows, ignore_index=True)
    for c in TABLE1_COLUMNS:
        if c not in out.columns:
            out[c] = np.nan
    order = {g: i for i, g in enumerate([*sorted(set(labels)), ALL_LABEL])}
    out["_o"] = out["group"].map(order)
    out = out.sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return out[TABLE1_COLUMNS]


def table1_wide(summary: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as shown in papers: one row per variable/level, one column per group (display text)."""
    wide = summary.pivot_table(index=["variable", "level"], columns="group", values="display",
                               aggfunc="first", sort=False)
    cols = [c for c in summary["group"].unique()]
    return wide.reindex(columns=cols).reset_index()
