"""The in-memory dataset: three tidy tables and the load report that accounts for every row.

Canonical tables (what every analysis reads; the loader guarantees these shapes):

``assessments`` (long form, always)
    ``patient_id`` (category of str), ``day`` (float64, days since the patient's first treatment),
    ``measure`` (category of str, e.g. ``pain_nrs``), ``value`` (float64). Sorted by patient_id,
    day, measure. No NaN values, no duplicates of (patient_id, day, measure). The two text columns
    are pandas Categoricals whose categories are exactly the values present, sorted (so ``==``,
    ``isin``, sorting and grouping behave as for str, and no empty groups appear): at registry
    scale this table has tens of millions of cells, and object columns of str were a third of the
    loading time and of its memory. ``.astype(str)`` gives plain text where needed.
``treatments``
    ``patient_id`` (str), ``day`` (float64), ``treatment`` (str), then any extra columns as read.
    Sorted by patient_id, day. Empty (with these three columns) when no treatments were given.
``patients``
    ``patient_id`` (str) then covariate columns (numeric where every value parses as a number,
    otherwise str). One row per patient seen in any file; covariates NaN for patients absent
    from ``patients.csv`` (or when no ``patients.csv`` was given).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EXCLUSION_COLUMNS = ["file", "line", "column", "value", "reason"]


@dataclass(frozen=True)
class FileCounts:
    """Row accounting for one input file: ``rows_read == rows_used + rows_excluded``."""

    rows_read: int
    rows_used: int
    rows_excluded: int

    def to_dict(self) -> dict:
        return {"rows_read": self.rows_read, "rows_used": self.rows_used, "rows_excluded": self.rows_excluded}


@dataclass(frozen=True)
class LoadReport:
    """What happened to every input row.

    Attributes
    ----------
    files : dict[str, FileCounts]
        Per input file name (e.g. ``assessments.csv``).
    exclusions : DataFrame
        One row per excluded input row: ``file``, ``line`` (as a spreadsheet shows it; header = 1),
        ``column``, ``value``, ``reason``.
    dropped_identifier_columns : list of (file, column, why)
        Columns dropped by the identifier guard on request (``drop_identifiers=True``).
    notes : list of str
        Non-fatal remarks (e.g. "dates converted to days relative to the first treatment").
    fingerprint : str
        SHA-256 over the input files' bytes (sorted by name), for traceability in exports.
    """

    files: dict[str, FileCounts]
    exclusions: pd.DataFrame = field(repr=False)
    dropped_identifier_columns: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    fingerprint: str = ""

    @property
    def rows_read(self) -> int:
        return sum(c.rows_read for c in self.files.values())

    @property
    def rows_used(self) -> int:
        return sum(c.rows_used for c in self.files.values())

    @property
    def rows_excluded(self) -> int:
        return sum(c.rows_excluded for c in self.files.values())

    def to_dict(self) -> dict:
        """The JSON document of ``python -m analysis validate --json`` (see docs/cli.md)."""
        ex = self.exclusions
        return {
            "ok": True,
            "error": None,
            "files": {name: c.to_dict() for name, c in self.files.items()},
            "exclusions": [
                {"file": str(r.file), "line": int(r.line), "column": str(r.column),
                 "value": "" if pd.isna(r.value) else str(r.value), "reason": str(r.reason)}
                for r in ex.itertuples(index=False)
            ],
            "dropped_identifier_columns": [
                {"file": f, "column": c, "why": w} for f, c, w in self.dropped_identifier_columns
            ],
            "notes": list(self.notes),
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Dataset:
    """A loaded, validated dataset. Build one with :func:`analysis.load_dataset`."""

    assessments: pd.DataFrame = field(repr=False)
    treatments: pd.DataFrame = field(repr=False)
    patients: pd.DataFrame = field(repr=False)
    report: LoadReport = field(repr=False)
    source: str = ""

    @property
    def measures(self) -> list[str]:
        return sorted(self.assessments["measure"].unique().tolist())

    @property
    def covariates(self) -> list[str]:
        return [c for c in self.patients.columns if c != "patient_id"]

    @property
    def has_treatments(self) -> bool:
        return len(self.treatments) > 0

    @classmethod
    def from_frames(cls, assessments: pd.DataFrame, treatments: pd.DataFrame | None = None,
                    patients: pd.DataFrame | None = None, source: str = "in-memory") -> "Dataset":
        """Build a dataset from canonical frames already in memory (tests, generators).

        No validation beyond dtype normalisation: use :func:`analysis.load_dataset` for files.
        """
        a = assessments.copy()
        a["patient_id"] = a["patient_id"].astype(str)
        a["day"] = a["day"].astype(float)
        a["value"] = a["value"].astype(float)
        a["measure"] = a["measure"].astype(str)
        a = a.sort_values(["patient_id", "day", "measure"], kind="stable").reset_index(drop=True)
        for c in ("patient_id", "measure"):  # the loader's dtype: categories = the values present, sorted
            a[c] = pd.Categorical(a[c], categories=sorted(a[c].unique()))
        if treatments is None:
            treatments = pd.DataFrame({"patient_id": pd.Series(dtype=str), "day": pd.Series(dtype=float),
                                       "treatment": pd.Series(dtype=str)})
        t = treatments.copy()
        t["patient_id"] = t["patient_id"].astype(str)
        t["day"] = t["day"].astype(float)
        t["treatment"] = t["treatment"].astype(str)
        t = t.sort_values(["patient_id", "day"], kind="stable").reset_index(drop=True)
        ids = pd.Index(np.concatenate([a["patient_id"].to_numpy(object), t["patient_id"].to_numpy(object)]),
                       name="patient_id", dtype=object).unique()
        if patients is None:
            p = pd.DataFrame({"patient_id": ids.sort_values()})
        else:
            p = patients.copy()
            p["patient_id"] = p["patient_id"].astype(str)
            missing = ids.difference(p["patient_id"])
            if len(missing):
                p = pd.concat([p, pd.DataFrame({"patient_id": missing})], ignore_index=True)
            p = p.sort_values("patient_id").reset_index(drop=True)
        files = {"assessments": FileCounts(len(a), len(a), 0)}
        report = LoadReport(files=files, exclusions=pd.DataFrame(columns=EXCLUSION_COLUMNS))
        return cls(assessments=a, treatments=t, patients=p, report=report, source=source)
