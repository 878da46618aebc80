"""What the clinic-export probes check, written once: the one group's summary, a rate against its Wilson
interval from statsmodels (an independent reference), relief by hand, the proposal's columns and roles,
and a measure's scores per patient. Used by test_clinic_export_pitfalls.py, _probe4.py and _probe5.py."""
from __future__ import annotations

import copy

import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.definitions import Definitions
from analysis.io.propose import inspect
from analysis.summary import summarize


def groups(ds) -> list[dict]:
    return summarize(ds, Definitions(), models=False).to_dict()["groups"]


def group(ds) -> dict:
    gs = groups(ds)
    assert len(gs) == 1, [g["group"] for g in gs]
    return gs[0]


def check_rate(result: dict, k: int, n: int) -> None:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert result["n"] == n
    assert result["estimate"] == pytest.approx(k / n)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high))


def columns(files: dict) -> dict:
    return {(f.name, c.header): c.column for f in inspect(files).files for c in f.columns}


def roles(files: dict) -> dict:
    return {key: column.role for key, column in columns(files).items()}


def proposal_doc(files: dict) -> dict:
    return copy.deepcopy(inspect(files).spec.to_json())


def relief(baseline, score) -> float:
    return 100 * (baseline - score) / baseline


def scores(ds, measure: str = "pain_nrs") -> dict:
    """{patient: [(day, value), ...]} of one measure, in time order."""
    a = ds.assessments[ds.assessments["measure"] == measure].sort_values(["patient_id", "day"])
    return {pid: list(zip(g["day"].round(6), g["value"])) for pid, g in a.groupby("patient_id", observed=True)}
