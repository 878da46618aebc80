"""The in-memory dataset: three tidy tables and the load report that accounts for every row.

Canonical tables (what every analysis reads; the loader guarantees these shapes):

``assessments`` (long form, always)
    ``patient_id`` (category of str), ``day`` (float64, days since the patient's first treatment),
    ``measure`` (category of str, e.g. ``pain_nrs``), ``value`` (float64). Sorted by patient_id,
    day, measure. No NaN values, no duplicates of (patient_id, day, measure). The two text columns
    are pandas Categoricals whose categories are exactly the values present, sorted (so ``==``,
    ``isin``, sorting and grouping behave as for str, and no empty groups appear): at registry
    scale this table has tens of millions of cells, and object columns of str were a third of the
    loading time and of its memory. ``.astype(str)`` gives plain text where needed. A dataset loaded
    from a wide file builds this table on first use (:class:`WideScores`); analyses that need one
    measure call :meth:`Dataset.measure_scores` instead, which does not build it.
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

from .measures import Measure, measure

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
    warnings : list of str
        Plausibility warnings (:mod:`analysis.io.plausibility`): what usually means the data was read
        wrongly (administrations read as courses, scores on a start day without a time, ...).
    """

    files: dict[str, FileCounts]
    exclusions: pd.DataFrame = field(repr=False)
    dropped_identifier_columns: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    fingerprint: str = ""
    warnings: list = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(c.rows_read for c in self.files.values())

    @property
    def rows_used(self) -> int:
        return sum(c.rows_used for c in self.files.values())

    @property
    def rows_excluded(self) -> int:
        return sum(c.rows_excluded for c in self.files.values())

    def partly_used(self) -> dict[str, int]:
        """Per file, the rows used that still have an entry in the list of exclusions: a value left out of a row
        whose other values are used (an NRS of 14 beside a PHQ-9 that is used). The list names every row excluded
        whole and these, so per file: rows listed = ``rows_excluded`` + ``partly_used``."""
        ex = self.exclusions
        listed = ex[["file", "line"]].drop_duplicates()["file"].astype(str).value_counts().to_dict() if len(ex) else {}
        return {f: max(int(listed.get(f, 0)) - c.rows_excluded, 0) for f, c in self.files.items()}

    def row_table(self) -> pd.DataFrame:
        """The load report's table of files, as the Data page shows it: rows read = rows used + rows excluded (whole
        rows), and the rows used with a value excluded, which the list of exclusions names too."""
        partly = self.partly_used()
        return pd.DataFrame([{"file": f, "rows read": c.rows_read, "rows used": c.rows_used,
                              "rows excluded": c.rows_excluded, "rows used with a value excluded": partly[f]}
                             for f, c in self.files.items()],
                            columns=["file", "rows read", "rows used", "rows excluded",
                                     "rows used with a value excluded"])

    def exclusions_heading(self) -> str:
        """The heading of the list of exclusions, as the CLI and the Data page print it: its rows, split into the rows
        excluded whole and the used rows with a value excluded when there are both kinds (so that it adds up with
        the files' counts), and its entries where they are more (a row may have several values left out, each
        listed)."""
        ex = self.exclusions
        rows = len(ex[["file", "line"]].drop_duplicates()) if len(ex) else 0
        partly = sum(self.partly_used().values())
        head, split = ("Excluded rows and values", f" rows: {rows - partly:,} excluded, {partly:,} used with a value "
                       "excluded") if partly else ("Excluded rows", "")
        return f"{head} ({rows:,}{split})" if rows == len(ex) else \
            f"{head} ({rows:,}{split}; {len(ex):,} entries: a row may have several values left out)"

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
            "warnings": list(self.warnings),
            "fingerprint": self.fingerprint,
        }


def _categorical_codes(codes: np.ndarray, n: int) -> np.ndarray:
    small = np.int8 if n < 127 else np.int16 if n < 32767 else np.int32
    return np.asarray(codes).astype(small, copy=False)


@dataclass(frozen=True, eq=False)
class WideScores:
    """Scores as a wide file holds them: one row per visit (patient, day), one column per measure.

    The loader keeps a wide assessments file this way and builds the long ``assessments`` table only
    when something asks for it: at registry scale (3 million visits, 9 million scores) the long table
    is most of the loading time and memory, while the analyses only ever need one measure's scores
    (:meth:`measure`), which are a column of this table.

    Attributes
    ----------
    patient_code : int array
        Per visit row, the code of its patient in ``patient_ids``; rows sorted by patient, then day.
    patient_ids : Index
        The patients with at least one score, sorted (the long table's ``patient_id`` categories).
    day : float array
        Per visit row.
    names : tuple of str
        The measures with at least one score, sorted.
    values, present : tuple of arrays
        Per measure (in ``names`` order), the value of each visit row and whether it has one.
    """

    patient_code: np.ndarray
    patient_ids: pd.Index
    day: np.ndarray
    names: tuple
    values: tuple
    present: tuple

    def __len__(self) -> int:
        """The number of scores (rows of the long table)."""
        return int(sum(np.count_nonzero(p) for p in self.present))

    def measure(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(patient codes, days, values)`` of the visits with a score of ``name``, in (patient, day) order:
        the same rows as selecting ``measure == name`` from the long table."""
        if name not in self.names:
            empty = np.zeros(0)
            return empty.astype(self.patient_code.dtype), empty, empty
        k = self.names.index(name)
        has = self.present[k]
        return self.patient_code[has], self.day[has], self.values[k][has]

    def long_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(patient codes, days, measure indices into names, values)`` of every score, in long order.

        Rows are sorted by (patient, day) and each row's measures by name, so the rows x measures matrix
        read in row-major order where a score is present is the long table's order: boolean gathers of
        the matrices and repeats of the row columns, with no index arrays.
        """
        n, n_m = len(self.day), len(self.names)
        values = np.empty((n, n_m), dtype=float)
        present = np.empty((n, n_m), dtype=bool)
        for k in range(n_m):
            values[:, k] = self.values[k]
            present[:, k] = self.present[k]
        per_row = np.count_nonzero(present, axis=1)
        value = values[present]
        del values
        measure = np.tile(_categorical_codes(np.arange(n_m), n_m), n).reshape(n, n_m)[present]
        del present
        return np.repeat(self.patient_code, per_row), np.repeat(self.day, per_row), measure, value

    def long(self) -> pd.DataFrame:
        """The canonical long table (``patient_id``, ``day``, ``measure``, ``value``; see the module doc)."""
        code, day, measure, value = self.long_arrays()
        pid = pd.Categorical.from_codes(_categorical_codes(code, len(self.patient_ids)), categories=self.patient_ids,
                                        validate=False)
        names = pd.Index(list(self.names), dtype=object)
        return pd.DataFrame({"patient_id": pid, "day": day,
                             "measure": pd.Categorical.from_codes(measure, categories=names, validate=False),
                             "value": value}, copy=False)


@dataclass(frozen=True)
class Dataset:
    """A loaded, validated dataset. Build one with :func:`analysis.load_dataset`.

    ``assessments`` is the canonical long table (module doc). A dataset loaded from a wide file keeps
    its scores as :class:`WideScores` (``wide_scores``) and builds the long table the first time
    ``assessments`` is read; :meth:`measure_scores` gives one measure's scores without building it.
    ``directions``: ``{measure: higher_is_better}`` as the mapping declared them (``"measures"``),
    for measures the registry does not know; :meth:`measure_entry` gives the entry with it.
    """

    long_assessments: pd.DataFrame | None = field(repr=False)
    treatments: pd.DataFrame = field(repr=False)
    patients: pd.DataFrame = field(repr=False)
    report: LoadReport = field(repr=False)
    source: str = ""
    wide_scores: WideScores | None = field(default=None, repr=False)
    directions: dict = field(default_factory=dict, repr=False, compare=False)

    def measure_entry(self, name: str) -> Measure:
        """The registry entry of a measure, with the direction the mapping declared for one it does not know."""
        return measure(name, self.directions.get(name))

    def __post_init__(self) -> None:
        if self.long_assessments is None and self.wide_scores is None:
            raise ValueError("A Dataset needs its assessments: long_assessments or wide_scores.")

    @property
    def assessments(self) -> pd.DataFrame:
        """The long table: patient_id, day, measure, value (see the module doc)."""
        if self.long_assessments is None:
            # Built once, on first use (frozen dataclass: the cache is set around __setattr__).
            object.__setattr__(self, "long_assessments", self.wide_scores.long())
        return self.long_assessments

    @property
    def n_scores(self) -> int:
        """The number of scores (rows of ``assessments``), without building the long table."""
        return len(self.long_assessments) if self.long_assessments is not None else len(self.wide_scores)

    @property
    def measures(self) -> list[str]:
        if self.long_assessments is None:
            return list(self.wide_scores.names)
        return sorted(self.assessments["measure"].unique().tolist())

    def patient_categories(self) -> pd.Index | None:
        """The sorted patient ids of the scores when they are categorical codes (loader output), else None."""
        if self.long_assessments is None:
            return self.wide_scores.patient_ids
        pid = self.long_assessments["patient_id"]
        return pid.cat.categories if isinstance(pid.dtype, pd.CategoricalDtype) else None

    def measure_scores(self, measure: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(patients, days, values)`` of one measure's scores in (patient, day) order. ``patients`` are
        codes into :meth:`patient_categories` when that is not None, else the patient ids."""
        if self.long_assessments is None:
            return self.wide_scores.measure(measure)
        a = self.long_assessments
        m = a["measure"]
        if isinstance(m.dtype, pd.CategoricalDtype):
            k = m.cat.categories.get_indexer([measure])[0]
            sel = m.cat.codes.to_numpy() == k if k >= 0 else np.zeros(len(a), dtype=bool)
        else:
            sel = np.asarray(m.to_numpy() == measure, dtype=bool)
        pid = a["patient_id"]
        who = pid.cat.codes.to_numpy()[sel] if isinstance(pid.dtype, pd.CategoricalDtype) else pid.to_numpy()[sel]
        return who, a["day"].to_numpy(float)[sel], a["value"].to_numpy(float)[sel]

    @property
    def covariates(self) -> list[str]:
        return [c for c in self.patients.columns if c != "patient_id"]

    @property
    def has_treatments(self) -> bool:
        return len(self.treatments) > 0

    @classmethod
    def from_frames(cls, assessments: pd.DataFrame, treatments: pd.DataFrame | None = None,
                    patients: pd.DataFrame | None = None, source: str = "in-memory",
                    directions: dict | None = None) -> "Dataset":
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
        return cls(long_assessments=a, treatments=t, patients=p, report=report, source=source,
                   directions=dict(directions or {}))
