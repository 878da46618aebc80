"""Validation: one load's checks of every row (the rows excluded go to :mod:`analysis.io.ledger`).

Every data row is **used** or **excluded** with its file, line (as a spreadsheet shows it, header =
line 1), column, value and reason; per file ``rows_read == rows_used + rows_excluded``. Problems that
make the whole dataset unusable raise :class:`~analysis.errors.DatasetError` (a subclass of it) whose
message names the file and column and says what to do. Every check is a vectorised mask over all
rows, and the exclusion table is built from those masks; there is no loop over rows.

The rules are documented for clinics in ``docs/data-format.md``.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import Dataset, LoadReport, WideScores
from ..definitions import KNOWN_MEASURES
from ..errors import DatasetError, EmptyDatasetError, MissingColumnError
from ..mapping import as_mapping, normalize_name, resolve
from .columns import (_CHUNK, _Table, _categorical, _dates, _empty_cells, _is_text_type, _order_and_ties, _pool_empty,
                      _same_texts, _small_int, _sort_order, _tied, _to_numpy, zone_kinds)
from .covariate_values import postal_code
from .csv_reader import _SMALL_FILE, _parse_csv, encoding_note
from .identifiers.guard import IdentifierGuard
from .ledger import Ledger
from .lost_cells import lost_cell_warnings
from .measure_spellings import merge_spellings, other_word_warnings
from .parquet_reader import _parse_parquet
from .dates import parse_datetimes
from .plausibility import (CANONICAL_TIME_ADVICE, measure_name_warnings, mixed_zone_warning, start_day_warning,
                           treatment_warnings)
from .sources import ROLES, collect_files, files_fingerprint

#: Time columns, in order of precedence when a file has more than one.
TIME_COLUMNS = ("day", "datetime", "date")
_DAY_NS = 86_400 * 10 ** 9

# Exclusion reasons (short, stable texts; docs/data-format.md lists them all).
R_PATIENT_ID = "patient_id is missing"
R_DAY = "day is missing or not a number"
R_DATE = "{col} is missing or not an ISO 8601 date (YYYY-MM-DD)"
R_MEASURE = "measure is missing"
R_VALUE_MISSING = "value is missing"
R_NOT_NUMBER = "not a number"
R_NO_MEASURES = "no measure values in this row"
R_TREATMENT = "treatment is missing"
R_DUPLICATE = "exact duplicate of line {line}"
R_CONFLICT = "conflicting values for the same patient, day and measure (lines {lines})"
R_NOT_LISTED = "patient_id not in {file}"
R_PATIENT_TWICE = "patient_id listed more than once with different values (lines {lines})"
R_EXTRA_FIELDS = "row has more fields than the header has columns ({n})"


def _range_reason(measure: str) -> str:
    spec = KNOWN_MEASURES[measure]
    lo, hi = spec["min"], spec["max"]
    valid = f"{lo:g}-{hi:g}" if hi is not None else f"{lo:g} or more"
    return f"out of range for {measure} (valid {valid})"


def _rows_mask(n: int, rows: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def _columns_phrase(names: list[str]) -> str:
    quoted = ", ".join(repr(n) for n in names)
    return f"column {quoted} was" if len(names) == 1 else f"columns {quoted} were"


# --------------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------------

def _measure_names(ds: Dataset):
    """The dataset's measure names, without making a wide file long or scanning millions of rows."""
    if ds.long_assessments is None:
        return ds.wide_scores.names
    m = ds.long_assessments["measure"]
    return m.cat.categories if isinstance(m.dtype, pd.CategoricalDtype) else m.unique()


def load_canonical(files: dict[str, bytes], mapping: object = None, drop_identifiers: bool = False,
                   source: str = "upload") -> Dataset:
    """Validate a dataset in the canonical format, from files held in memory.

    The work of :func:`analysis.load.load_files` once the files are known to be the canonical ones
    (``assessments``/``treatments``/``patients`` ``.csv``/``.parquet``, a zip of them, or one single
    CSV); a clinic export comes here after :mod:`analysis.io.reader` translated it. ``mapping`` is a
    plain column mapping (:func:`analysis.mapping.as_mapping`).
    """
    found, single, ignored = collect_files(files)
    loader = _Loader(as_mapping(mapping), drop_identifiers)
    for name in ignored:
        loader.notes.append(f"{name} was ignored: only assessments, treatments and patients files are read.")
    ds = loader.run(found, single, source)
    zones = mixed_zone_warning([f"{f} {c!r}" for f, c, z, _ in loader.zones if z],
                               [f"{f} {c!r}" for f, c, _, local in loader.zones if local])
    warnings = loader.warnings + ([zones] if zones else []) + treatment_warnings(ds.treatments) + \
        measure_name_warnings(_measure_names(ds)) + other_word_warnings(_measure_names(ds)) + \
        lost_cell_warnings(ds.report.exclusions, {f: c.rows_read for f, c in ds.report.files.items()})
    return replace(ds, report=replace(ds.report, warnings=warnings)) if warnings else ds


def _row_numbers(col) -> bool:
    """A column holding 1, 2, ..., n or 0, 1, ..., n - 1, one per row in order (R's row names, pandas' index)."""
    if not len(col):
        return False
    try:
        n = _to_numpy(pc.cast(pc.utf8_trim_whitespace(col) if _is_text_type(col.type) else col, pa.int64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return n[0] in (0, 1) and bool(np.array_equal(n, n[0] + np.arange(len(n))))


class _Loader:
    """One load: reads the files, runs every check (with the identifier guard and the ledger of
    exclusions) and builds the canonical tables."""

    def __init__(self, cmap: dict[str, str], drop_identifiers: bool):
        self.cmap = cmap
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.zones: list[tuple[str, str, bool, bool]] = []  # (file, date column, has a zone, has a time without one)
        self.used_keys: set[str] = set()
        self.guard = IdentifierGuard(drop_identifiers)
        self.ledger = Ledger()
        self.read = self.ledger.read  # rows read per file
        self.exclude = self.ledger.exclude

    # ---- reading ----------------------------------------------------------------------------------
    def read_table(self, role: str, name: str, data: bytes, combined: bool = False) -> _Table:
        """One file's table (read, blank rows dropped, columns named after the mapping), identifier
        guard included. ``combined``: a single file that may hold the treatments as well."""
        if name.lower().endswith(".parquet"):
            header, cols, lines, too_many = _parse_parquet(name, data)
            decimal_comma = trimmed = False
            raw = None
        else:
            header, cols, lines, too_many, delim, trimmed, raw = _parse_csv(
                name, data, self.numeric_columns if role == "assessments" else None)
            decimal_comma = delim != ","
            note = encoding_note(name, data)
            if note:
                self.notes.append(note)
        # A row whose cells are all empty (e.g. ";;;" left by Excel) is a blank line: not a row.
        if cols:
            cand = np.flatnonzero(_empty_cells(cols[0], trimmed))
            for c in cols[1:]:
                if not len(cand):
                    break
                cand = cand[_empty_cells(c.take(pa.array(cand, type=pa.int64())), trimmed)]
            if len(cand):
                filled = np.ones(len(lines), dtype=bool)
                filled[cand] = False
                keep_rows = pa.array(np.flatnonzero(filled), type=pa.int64())
                cols, lines = [c.take(keep_rows) for c in cols], lines[filled]
        names, keep, shown = [], [], {}
        for i, h in enumerate(header):
            text = " ".join(str(h).split())
            if not text:
                if i == 0 and len(header) > 1 and _row_numbers(cols[0]):
                    # R's write.csv without row.names = FALSE, pandas' to_csv with its index: no data.
                    self.notes.append(f"{name}: the first column has no name and numbers the rows (R's row names, "
                                      "pandas' index): row numbers, not data, so it is not read.")
                    continue
                if not _empty_cells(cols[i], trimmed).all():
                    filled = sum(1 for x in header if str(x).strip())
                    title = (f" Line 1 has only {filled} filled cell(s) of {len(header)}: it looks like a title above "
                             "the table, not the header. Delete the lines above the header row, or load the file as "
                             "a clinic export (python -m analysis inspect), which finds the header row."
                             if filled <= max(1, len(header) // 3) else "")
                    raise MissingColumnError(
                        f"{name}: column {i + 1} has values but no header name.{title} Add a header name to it, "
                        "or delete the column.", file=name)
                continue
            new, mapped = resolve(text, self.cmap)
            if mapped:
                self.used_keys.add(normalize_name(text))
            if new in shown:
                raise DatasetError(
                    f"{name}: the columns {shown[new]!r} and {text!r} both mean {new!r} (names match "
                    "case-insensitively, after the mapping). Rename or delete one of them.", file=name, column=new)
            shown[new] = text
            names.append(new)
            keep.append(i)
        t = _Table(name, {new: cols[i] for new, i in zip(names, keep)}, len(lines), lines, shown, decimal_comma,
                   trimmed, raw=raw, raw_field={new: i for new, i in zip(names, keep)
                                                if raw is not None and not _is_text_type(cols[i].type)})
        self.read[name] = t.n + len(too_many)
        if len(too_many):
            self.ledger.exclude_lines(name, too_many, R_EXTRA_FIELDS.format(n=len(header)))
        if role == "assessments" and not (combined and "treatment" in t.cols):
            # The number casts and the patient ids' codes start now on worker threads, so that they
            # overlap the guard's codes of the other columns (measure) and the reading and checks of
            # the other files; assessment_rows and the guard collect them.
            t.prefetch(self.numeric_candidates(t), ("patient_id",), wait=False)
        self.guard.check(t, role)
        return t

    # ---- shared checks ----------------------------------------------------------------------------
    def require(self, t: _Table, columns: tuple[str, ...], what: str) -> None:
        for c in columns:
            if c not in t.cols:
                found = ", ".join(t.header.values()) or "none"
                dropped = [col for f, col, _ in self.guard.dropped if f == t.file]
                extra = f" (dropped as identifiers: {', '.join(dropped)})" if dropped else ""
                raise MissingColumnError(
                    f"{t.file}: required column {c!r} is missing{what} (columns found: {found}{extra}). Rename "
                    f"the column to {c!r}, or map your column's name to it (mapping file, or --map 'Your name={c}').",
                    file=t.file, column=c)

    def time_column(self, t: _Table) -> str:
        present = [c for c in TIME_COLUMNS if c in t.cols]
        if not present:
            found = ", ".join(t.header.values()) or "none"
            raise MissingColumnError(
                f"{t.file}: required column 'day' is missing (columns found: {found}). Add 'day' (days since the "
                "patient's first treatment) or 'date'/'datetime' (ISO 8601, e.g. 2024-03-01), or map your time "
                "column to one of them.", file=t.file, column="day")
        for other in present[1:]:
            self.notes.append(f"{t.file}: column {t.header[other]!r} was ignored because {t.header[present[0]]!r} "
                              "gives the time.")
        t.drop(present[1:])
        return present[0]

    def check_ids_and_time(self, t: _Table, time_col: str) -> np.ndarray:
        """patient_id and time checks. Returns int64 ns (dates) or float days (``day``)."""
        self.exclude(t, t.empty("patient_id"), "patient_id", R_PATIENT_ID)
        if time_col == "day":
            vals, missing, bad = t.numbers("day")
            self.exclude(t, missing | bad, "day", R_DAY)
            return vals
        codes, uniques = t.codes(time_col)
        ns, bad = _dates(codes, uniques)
        read = np.zeros(len(uniques), dtype=bool)
        read[codes[~bad]] = True  # the distinct texts that are dates
        self.zones.append((t.file, t.header[time_col], *zone_kinds(uniques[read])))
        self.exclude(t, bad, time_col, R_DATE.format(col=t.header[time_col]))
        return ns

    def check_listed(self, t: _Table, listed: pd.Index | None, patients_file: str | None) -> None:
        if listed is not None:
            code, uniq = t.codes("patient_id")  # test the distinct ids, not every cell
            ok = pc.is_in(pa.array(uniq, type=pa.string()),
                          value_set=pa.array(listed.to_numpy(dtype=object), type=pa.string()))
            absent = ~np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool)
            if absent.any():  # else no row to test
                self.exclude(t, absent[code], "patient_id", R_NOT_LISTED.format(file=patients_file))

    def exclude_exact_duplicates(self, t: _Table, keys: list[np.ndarray], among: np.ndarray | None = None) -> None:
        """Among rows still in use (and in ``among``), a row equal on ``keys`` (numbers or codes) to an
        earlier one is excluded."""
        idx = np.flatnonzero(t.alive if among is None else t.alive & among)
        if len(idx) < 2:
            return
        idx = idx[_tied(np.asarray(v)[idx] for v in keys)]  # rows equal to another on every key
        if len(idx) < 2:
            return
        kdf = pd.DataFrame({i: np.asarray(v)[idx] for i, v in enumerate(keys)})
        dup_any = kdf.duplicated(keep=False).to_numpy()
        if not dup_any.any():
            return
        sub = kdf[dup_any]
        sub_idx = idx[dup_any]
        first = (pd.Series(t.line[sub_idx], index=sub.index)
                 .groupby([sub[c] for c in sub.columns], sort=False, dropna=False).transform("first").to_numpy())
        later = sub.duplicated(keep="first").to_numpy()
        mask = np.zeros(t.n, dtype=bool)
        reason = np.empty(t.n, dtype=object)
        mask[sub_idx[later]] = True
        reason[sub_idx] = [R_DUPLICATE.format(line=int(x)) for x in first]
        self.exclude(t, mask, None, reason)

    # ---- tables -----------------------------------------------------------------------------------
    def patients(self, t: _Table) -> tuple[pd.Index, pd.DataFrame]:
        """Returns (patient_ids listed, covariate frame of the rows used)."""
        self.require(t, ("patient_id",), "")
        self.exclude(t, t.empty("patient_id"), "patient_id", R_PATIENT_ID)
        pcode, puniq = t.codes("patient_id")
        listed = pd.Index(puniq[np.bincount(pcode[t.alive], minlength=len(puniq)) > 0])
        self.exclude_exact_duplicates(t, [t.codes(c)[0] for c in t.columns])
        idx = np.flatnonzero(t.alive)
        twice = np.bincount(pcode[idx], minlength=len(puniq))[pcode[idx]] > 1 if len(idx) else np.zeros(0, bool)
        if twice.any():
            rows = idx[twice]
            lines = (pd.Series(t.line[rows]).groupby(pcode[rows], sort=False)
                     .transform(lambda x: ", ".join(map(str, x.iloc[:10]))))
            reason = np.empty(t.n, dtype=object)
            reason[rows] = [R_PATIENT_TWICE.format(lines=s) for s in lines]
            mask = np.zeros(t.n, dtype=bool)
            mask[rows] = True
            self.exclude(t, mask, "patient_id", reason)
        idx = np.flatnonzero(t.alive)
        cov = {"patient_id": puniq[pcode[idx]]}
        for c in t.columns:
            if c != "patient_id":
                # codes 1/2/3 show as "1", not "1.0"; a postal code ('ZIP3' 021) is text, its leading zeros kept
                cov[c] = t.typed(c, idx, whole_as_integers=True, text=postal_code(c))
        return listed, pd.DataFrame(cov, copy=False)  # fresh arrays: no consolidating copy

    def treatments_rows(self, t: _Table) -> tuple[str, np.ndarray]:
        self.require(t, ("patient_id",), "")
        time_col = self.time_column(t)
        self.require(t, ("treatment",), " (one row per treatment course: patient_id, day, treatment)")
        time = self.check_ids_and_time(t, time_col)
        self.exclude(t, t.empty("treatment"), "treatment", R_TREATMENT)
        return time_col, time

    def numeric_columns(self, header: list[str]) -> list[int]:
        """The columns of an assessments file (by number) that :meth:`assessment_rows` reads only as
        numbers (:meth:`numeric_candidates`, from the header as written): the CSV reader may parse
        them straight to numbers."""
        names = [resolve(" ".join(str(h).split()), self.cmap)[0] if str(h).strip() else "" for h in header]
        if "measure" in names or "value" in names:
            return [i for i, n in enumerate(names) if n in ("day", "value")]
        return [i for i, n in enumerate(names) if n and n not in ("patient_id", "treatment", "date", "datetime")]

    @staticmethod
    def numeric_candidates(t: _Table) -> list[str]:
        """The columns :meth:`assessment_rows` will read as numbers: day, and value (long form) or
        every other column (wide form)."""
        cols = list(t.cols)
        if "measure" in cols or "value" in cols:
            return [c for c in ("day", "value") if c in cols]
        return [c for c in cols if c not in ("patient_id", "treatment", "date", "datetime")]

    def assessment_rows(self, t: _Table) -> tuple[str, np.ndarray, "_Measures"]:
        """Per-row checks of assessments. Returns ``(time column, time, measures)``."""
        self.require(t, ("patient_id",), "")
        time_col = self.time_column(t)
        cols = set(t.columns)
        if "measure" in cols or "value" in cols:
            self.require(t, ("measure", "value"), " (long form needs both 'measure' and 'value')")
            extra = [t.header[c] for c in t.columns if c not in ("patient_id", time_col, "measure", "value")]
            if extra:
                self.notes.append(f"{t.file}: {_columns_phrase(extra)} ignored (long form reads patient_id, "
                                  f"{time_col}, measure and value).")
            time = self.check_ids_and_time(t, time_col)
            label_code, labels = t.codes("measure")
            resolved, was_mapped = [], []
            for u in labels:
                new, mapped = resolve(u, self.cmap)
                if mapped:
                    self.used_keys.add(normalize_name(u))
                resolved.append(new)
                was_mapped.append(mapped)
            resolved, merged = merge_spellings(labels, resolved, was_mapped, t.file)  # 'PHQ-9' beside 'PHQ9'
            self.notes += merged
            names = sorted(set(resolved) - {""})
            index = {n: i for i, n in enumerate(names)}
            # The smallest integer type: 8.9 million codes at registry scale, and every array of the
            # load's size that need not be made saves clearing new memory (docs/performance.md).
            to_m = np.array([index.get(n, -1) for n in resolved] + [-1], dtype=_small_int(len(names)))
            mcode = to_m[label_code]
            self.exclude(t, mcode < 0, "measure", R_MEASURE)
            vals, missing, bad = t.numbers("value")
            self.exclude(t, missing, "value", R_VALUE_MISSING)
            self.exclude(t, bad, "value", R_NOT_NUMBER)
            lo = np.full(len(names) + 1, -np.inf)
            hi = np.full(len(names) + 1, np.inf)
            for i, n in enumerate(names):
                if n in KNOWN_MEASURES:
                    lo[i] = KNOWN_MEASURES[n]["min"]
                    hi[i] = KNOWN_MEASURES[n]["max"] if KNOWN_MEASURES[n]["max"] is not None else np.inf
            out = np.zeros(t.n, dtype=bool)
            for start in range(0, t.n, _CHUNK):  # in steps: no float temporaries of the file's size
                part = slice(start, start + _CHUNK)
                m, v = mcode[part], vals[part]
                with np.errstate(invalid="ignore"):
                    out[part] = (v < lo[m]) | (v > hi[m])
            # One exclusion call per measure out of range: a reason text per row would be an array of
            # millions of references at registry size, for the few rows out of range.
            out_rows = np.flatnonzero(out)
            for i in np.unique(mcode[out_rows]):
                self.exclude(t, _rows_mask(t.n, out_rows[mcode[out_rows] == i]), "value", _range_reason(names[i]))
            return time_col, time, _Measures("long", names, mcode=mcode, values=vals)

        # Wide form: every other column is a measure; a column with text but no number at all is not.
        candidates = [c for c in t.columns if c not in ("patient_id", time_col, "treatment")]
        t.prefetch(candidates + ([time_col] if time_col == "day" else []))
        wide, ignored = [], []
        for c in candidates:
            vals, missing, bad = t.numbers(c)
            if c not in KNOWN_MEASURES and bad.any() and not (~missing & ~bad).any():
                ignored.append(t.header[c])
            else:
                wide.append((c, vals, missing, bad))
        if ignored:
            self.notes.append(f"{t.file}: {_columns_phrase(ignored)} ignored (text, not scores).")
        if not wide:
            found = ", ".join(t.header.values())
            raise MissingColumnError(
                f"{t.file}: no measure columns (columns found: {found}). Give the scores in long form (columns "
                "'measure' and 'value') or in wide form (one numeric column per measure, e.g. 'pain_nrs').",
                file=t.file, column="measure")
        time = self.check_ids_and_time(t, time_col)
        for c, vals, missing, bad in wide:
            self.exclude(t, bad, c, R_NOT_NUMBER)
            if c in KNOWN_MEASURES:
                spec = KNOWN_MEASURES[c]
                with np.errstate(invalid="ignore"):
                    out = vals < spec["min"]
                    if spec["max"] is not None:
                        out |= vals > spec["max"]
                self.exclude(t, out, c, _range_reason(c))
        nothing = np.ones(t.n, dtype=bool)
        for _, _, missing, _ in wide:
            nothing &= missing
        self.exclude(t, nothing, None, R_NO_MEASURES)
        names = sorted(c for c, _, _, _ in wide)
        return time_col, time, _Measures("wide", names, wide=[(c, names.index(c), vals, missing)
                                                              for c, vals, missing, _ in wide])

    def cells(self, t: _Table, day: np.ndarray, measures: "_Measures", idx: np.ndarray) -> pd.DataFrame:
        """The scores of rows ``idx``, one per (row, measure), as numbers and codes:
        ``row``, ``col`` (index into ``measures.columns``), ``p`` (patient code), ``day``, ``m``, ``value``."""
        pcode = t.codes("patient_id")[0]
        if measures.form == "long":
            return pd.DataFrame({"row": idx, "col": np.zeros(len(idx), dtype=np.int64), "p": pcode[idx],
                                 "day": day[idx], "m": measures.mcode[idx], "value": measures.values[idx]})
        parts = []
        for k, (c, m, vals, missing) in enumerate(measures.wide):
            rows = idx[~missing[idx]]
            parts.append(pd.DataFrame({"row": rows, "col": np.full(len(rows), k), "p": pcode[rows], "day": day[rows],
                                       "m": np.full(len(rows), m), "value": vals[rows]}))
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["row", "col"], kind="stable").reset_index(drop=True)

    def exclude_conflicts(self, t: _Table, cells: pd.DataFrame, measures: "_Measures") -> pd.DataFrame:
        """Exclude every row holding a value that conflicts with another row's; return cells still in use."""
        keys = ["p", "day", "m"]
        same_key = cells.duplicated(keys, keep=False).to_numpy()
        if not same_key.any():
            return cells
        sub = cells[same_key]
        nuniq = sub.groupby(keys, sort=False)["value"].transform("nunique").to_numpy()
        conf = sub[nuniq > 1].copy()
        if len(conf):
            conf["line"] = t.line[conf["row"].to_numpy()]
            conf["lines"] = conf.groupby(keys, sort=False)["line"].transform(
                lambda x: ", ".join(map(str, pd.unique(x)[:10])) + (", ..." if x.nunique() > 10 else ""))
            first = conf.drop_duplicates("row")
            rows = first["row"].to_numpy()
            cols = [measures.columns[k] for k in first["col"]]
            n = t.n
            mask = _rows_mask(n, rows)
            column = np.empty(n, dtype=object)
            column[rows] = [t.header.get(c, c) for c in cols]
            value = np.empty(n, dtype=object)
            cols_arr = np.asarray(cols, dtype=object)
            for c in dict.fromkeys(cols):
                sel = rows[cols_arr == c]
                value[sel] = t.text(c, sel)
            reason = np.empty(n, dtype=object)
            reason[rows] = [R_CONFLICT.format(lines=s) for s in first["lines"]]
            self.exclude(t, mask, column, reason, value)
            cells = cells[t.alive[cells["row"].to_numpy()]]
        # Same value given twice for one (patient, day, measure) by different rows (wide form): keep one.
        return cells.drop_duplicates(keys, keep="first")

    # ---- the whole load ---------------------------------------------------------------------------
    def run(self, found: dict[str, tuple[str, bytes]], single: bool, source: str) -> Dataset:
        tables = {}
        fingerprint = None
        # Registry-size files: the fingerprint (SHA-256 of every byte) runs on a thread of its own
        # (hashlib releases the GIL), started once the assessments file is parsed, so that it overlaps
        # the one-threaded checks instead of slowing the parse, which uses both cores. A clinic's few
        # MB hash faster than a thread starts. (Parsing the other files on a worker thread while the
        # assessments are checked was tried and dropped: it bought nothing measurable at either size.)
        small = sum(len(d) for _, d in found.values()) < _SMALL_FILE * 4
        for role in ROLES:
            if role in found:
                tables[role] = self.read_table(role, *found[role], combined=single)
                if fingerprint is None:
                    if small:
                        fingerprint = Future()
                        fingerprint.set_result(files_fingerprint(list(found.values())))
                    else:
                        hasher = ThreadPoolExecutor(max_workers=1)
                        fingerprint = hasher.submit(files_fingerprint, list(found.values()))
                        hasher.shutdown(wait=False)
        self.guard.finish()
        a = tables["assessments"]
        t = tables.get("treatments")
        p = tables.get("patients")

        if single and "treatment" in a.cols:
            a, t = self.split_combined(a)
        if self.read[a.file] == 0:
            raise EmptyDatasetError(f"{a.file} has a header but no data rows. Add the assessments.", file=a.file)

        listed, covariates = (None, None)
        if p is not None:
            listed, covariates = self.patients(p)

        t_time_col = t_time = None
        if t is not None:
            t_time_col, t_time = self.treatments_rows(t)
        a_time_col, a_time, measures = self.assessment_rows(a)

        a_dates = a_time_col != "day"
        if t is not None and t.n and (t_time_col != "day") != a_dates:
            raise DatasetError(
                f"{a.file} gives time as {a.header[a_time_col]!r} but {t.file} as {t.header[t_time_col]!r}. "
                "Use the same kind of time column in both files: days (day) or calendar dates (date/datetime).",
                file=t.file, column=t.header[t_time_col])
        t_day = t_time
        if a_dates:
            a_day, t_day = self.dates_to_days(a, a_time, t, t_time)
            if t is not None and t.n:
                self.warnings += self.start_day_warning(a, a_time_col, a_time, t, t_time)
        else:
            a_day = a_time

        patients_file = p.file if p is not None else None
        if t is not None:
            self.check_listed(t, listed, patients_file)
            self.exclude_exact_duplicates(
                t, [t.codes("patient_id")[0], t_day, t.codes("treatment")[0]]
                + [t.codes(c)[0] for c in t.columns if c not in ("patient_id", t_time_col, "treatment")])
        self.check_listed(a, listed, patients_file)
        scores, assessed = self.finish_assessments(a, a_day, measures)
        ids = a.codes("patient_id")[1]

        report = self.report(a, t, fingerprint.result())
        if len(scores) == 0 or (isinstance(scores, tuple) and len(scores[3]) == 0):
            n_ex = report.files[a.file].rows_excluded
            err = EmptyDatasetError(
                f"{a.file}: no usable assessment rows ({n_ex} of {self.read[a.file]} data rows were excluded"
                + Ledger.top_reason(report, a.file) + "). Fix the rows listed in the load report, then load again.",
                file=a.file)
            err.report = report
            raise err

        long_table = wide = None
        if isinstance(scores, WideScores):
            # Patient codes renumbered to the patients in use: the long table's categories.
            code = scores.patient_code
            if not assessed.all():
                code = (np.cumsum(assessed) - 1).astype(code.dtype)[code]
            wide = replace(scores, patient_code=code, patient_ids=pd.Index(ids[assessed], dtype=object))
        else:
            a_p, a_d, a_m, a_v = scores
            # patient_id and measure are categoricals (codes into the sorted distinct texts): the long
            # table has millions of cells at registry scale, and object columns of str were a third of
            # the load. copy=False: the columns are fresh arrays; pandas need not copy them into one block.
            long_table = pd.DataFrame({"patient_id": _categorical(a_p, ids, assessed), "day": a_d,
                                       "measure": _categorical(a_m, measures.names), "value": a_v}, copy=False)
        treatments = self.treatments_frame(t, t_day, t_time_col)
        treated = np.zeros(0, dtype=object)
        if t is not None and t.alive.any():
            t_code, t_ids = t.codes("patient_id")
            treated = t_ids[np.bincount(t_code[t.alive], minlength=len(t_ids)) > 0]
        patients = self.patients_frame(covariates, treated, a.codes("patient_id")[1][assessed])
        return Dataset(long_assessments=long_table, treatments=treatments, patients=patients, report=report,
                       source=source, wide_scores=wide)

    def finish_assessments(self, a: _Table, day: np.ndarray, measures: "_Measures"):
        """Exact duplicates and conflicts, then the used scores sorted by patient, day and measure.

        Both rules need two rows with the same key (patient and day; and measure in long form), so
        one sort (normally only a check that the file is already in order) finds the few candidate
        rows and only those go through the (slower) grouping. Returns the columns of the assessments
        table (patient_id, day, measure, value) and which patients (by code) have a score.
        """
        pcode = a.codes("patient_id")[0]
        long = measures.form == "long"
        # A score is keyed by (patient, day, measure): in long form each row is one key; in wide
        # form a row holds every measure of its (patient, day).
        keys = [pcode, day] + ([measures.mcode] if long else [])
        everyone = bool(a.alive.all())
        idx = None if everyone else np.flatnonzero(a.alive)  # (every row: the row numbers themselves)
        # Long form: the sorted keys come back read off the sort (no gathers of millions of rows in
        # random order); None when the rows are already in order.
        # The values come back in sorted order too (gathered while the keys are read off).
        carry = None if not long else measures.values if everyone else measures.values[idx]
        order, same, *sorted_keys = _order_and_ties(keys if everyone else [k[idx] for k in keys], with_keys=long,
                                                    carry=carry)
        sorted_keys = sorted_keys[0] if sorted_keys and order is not None else None
        if everyone:
            rows = np.arange(a.n) if order is None else order
        else:
            rows = idx if order is None else idx[order]
        in_order = everyone and order is None  # rows == arange(n): gathers can be skipped
        shared = np.zeros(len(rows), dtype=bool)
        shared[1:] |= same
        shared[:-1] |= same
        among = np.zeros(a.n, dtype=bool)
        among[rows[shared]] = True
        kept = None
        if among.any():
            if long:
                dup_keys = [pcode, day, measures.mcode, measures.values]
            else:
                dup_keys = [pcode, day] + [vals for _, _, vals, _ in measures.wide]
            self.exclude_exact_duplicates(a, dup_keys, among)
            cand = np.flatnonzero(among & a.alive)
            kept = self.exclude_conflicts(a, self.cells(a, day, measures, cand), measures)
            still = a.alive[rows]
            rows = rows[still]
            if sorted_keys is not None:
                sorted_keys = [k[still] for k in sorted_keys]
            in_order = False
        a_ids = a.codes("patient_id")[1]
        names = list(measures.names)
        assessed = np.zeros(len(a_ids), dtype=bool)
        if long:  # no duplicate keys are left in long form, and the rows are sorted
            if sorted_keys is not None:
                p_, d_, m_, v_ = sorted_keys
            else:
                p_, d_, m_, v_ = (pcode[rows], day[rows], measures.mcode[rows], measures.values[rows])
            assessed[p_] = True
            return (p_, d_, m_, v_), assessed
        # Wide form: the rows (sorted by patient, day) kept as they are, one array per measure; the
        # long table is built from them only if something asks for it (WideScores.long).
        if in_order:
            rows = slice(None)  # every row, already in order: no gathers
        else:
            rows = rows[~among[rows]]
        by_m = sorted(measures.wide, key=lambda w: w[1])
        pc_rows = pcode[rows]
        values = [vals[rows] for _, _, vals, _ in by_m]
        present = [~missing[rows] for _, _, _, missing in by_m]
        used_m = [k for k, has in enumerate(present) if has.any()]
        if len(pc_rows):
            assessed[pc_rows] = True  # every row left has a score (rows without one were excluded)
        wide = WideScores(patient_code=pc_rows, patient_ids=None, day=day[rows],
                          names=tuple(names[by_m[k][1]] for k in used_m),
                          values=tuple(values[k] for k in used_m), present=tuple(present[k] for k in used_m))
        if kept is None or not len(kept):
            return wide, assessed
        # Rows that shared a (patient, day) with another: their surviving scores are merged in long form.
        long = wide.long_arrays()
        p_ = np.concatenate([long[0], kept["p"].to_numpy()])
        d_ = np.concatenate([long[1], kept["day"].to_numpy(dtype=float)])
        m_ = np.concatenate([np.asarray([by_m[k][1] for k in used_m], dtype=np.int64)[long[2]],
                             kept["m"].to_numpy(dtype=np.int64)])
        v_ = np.concatenate([long[3], kept["value"].to_numpy(dtype=float)])
        order = _sort_order([p_, d_, m_])
        p_, d_, m_, v_ = p_[order], d_[order], m_[order], v_[order]
        assessed[p_] = True
        return (p_, d_, m_, v_), assessed

    @staticmethod
    def start_day_warning(a: _Table, a_time_col: str, a_ns: np.ndarray, t: _Table, t_ns: np.ndarray) -> list[str]:
        """Date-only scores on a treatment start day (analysis.io.plausibility), on the rows kept."""
        code, uniq = a.codes(a_time_col)
        has_time = parse_datetimes(np.asarray(uniq, dtype=object), "YMD")[3][code]
        a_code, a_ids = a.codes("patient_id")
        t_code, t_ids = t.codes("patient_id")
        # Patients as integer codes of the assessments' ids (-1: no score), not millions of id texts.
        t_as_a = pd.Index(a_ids).get_indexer(t_ids)[t_code]
        ka, kt = a.alive, t.alive
        return start_day_warning(a_code[ka], a_ns[ka], has_time[ka], t_as_a[kt], np.asarray(t_ns)[kt],
                                 CANONICAL_TIME_ADVICE)

    def dates_to_days(self, a: _Table, a_ns: np.ndarray, t: _Table | None, t_ns: np.ndarray | None):
        """Calendar times -> days since each patient's earliest treatment row (or first assessment)."""
        a_code, a_ids = a.codes("patient_id")
        ref = np.zeros(len(a_ids), dtype=np.int64)
        has_ref = np.zeros(len(a_ids), dtype=bool)
        t_day = t_ns
        if t is not None:
            t_code, t_ids = t.codes("patient_id")
            first = pd.Series(t_ns[t.alive]).groupby(t_code[t.alive]).min()
            t_ref = np.zeros(len(t_ids), dtype=np.int64)
            t_ref[first.index.to_numpy()] = first.to_numpy(dtype=np.int64)
            t_day = (np.asarray(t_ns, dtype=np.int64) - t_ref[t_code]) / _DAY_NS
            pos = pd.Index(t_ids).get_indexer(a_ids)  # assessment patient -> treatment patient
            known = np.zeros(len(t_ids), dtype=bool)
            known[first.index.to_numpy()] = True
            has_ref = (pos >= 0) & known[np.maximum(pos, 0)] if len(t_ids) else has_ref
            ref = np.where(has_ref, t_ref[np.maximum(pos, 0)] if len(t_ids) else 0, 0)
        first_a = pd.Series(a_ns[a.alive]).groupby(a_code[a.alive]).min()
        fallback = np.zeros(len(a_ids), dtype=bool)
        fallback[first_a.index.to_numpy()] = True
        fallback &= ~has_ref
        ref = np.array(ref, dtype=np.int64)
        a_first = np.zeros(len(a_ids), dtype=np.int64)
        a_first[first_a.index.to_numpy()] = first_a.to_numpy(dtype=np.int64)
        ref[fallback] = a_first[fallback]
        a_day = (np.asarray(a_ns, dtype=np.int64) - ref[a_code]) / _DAY_NS
        files = a.file + (f" and {t.file}" if t is not None and t.file != a.file else "")
        note = (f"Dates in {files} were converted to days since each patient's first treatment; "
                "the calendar dates are not kept.")
        if fallback.any():
            note += (f" {int(fallback.sum())} patient(s) without a usable treatment row were counted from their "
                     "first assessment instead.")
        self.notes.append(note)
        return a_day, t_day

    def split_combined(self, a: _Table) -> tuple[_Table, _Table]:
        """A single combined CSV: rows with a treatment label are treatment courses, the others assessments."""
        is_t = ~a.empty("treatment")
        score_cols = [c for c in a.columns if c in ("measure", "value") or c in KNOWN_MEASURES]
        core = [c for c in ("patient_id",) + TIME_COLUMNS if c in a.cols]
        extras_t = [c for c in a.columns if c not in core and c != "treatment" and c not in score_cols
                    and (~a.empty(c) & is_t).any()]
        scored = [a.header[c] for c in score_cols if (~a.empty(c) & is_t).any()]
        if scored:
            self.notes.append(f"{a.file}: scores on treatment rows (columns {', '.join(scored)}) were not read; "
                              "put each score on a row of its own.")
        cols_a = [c for c in a.columns if c != "treatment" and (c in core or c in score_cols
                                                                or (~a.empty(c) & ~is_t).any())]
        t = a.subset(is_t, core + ["treatment"] + extras_t)
        return a.subset(~is_t, cols_a), t

    # ---- outputs ----------------------------------------------------------------------------------
    def report(self, a: _Table, t: _Table | None, fingerprint: str) -> LoadReport:
        notes = list(dict.fromkeys(self.notes))
        if t is None:
            notes.append("No treatments file: relief analyses (Pain relief, Relief over time, Relief duration, "
                         "Compare treatments, the published comparison, the export) are unavailable; score "
                         "trajectories since the first assessment are on Overview and Secondary outcomes, every "
                         "score on Patient timeline.")
        elif not t.alive.any():
            notes.append(f"{t.file} has no usable treatment rows: relief analyses are unavailable.")
        unused = sorted(set(self.cmap) - self.used_keys)
        if unused:
            notes.append(f"Mapping entries that matched no column or measure: {', '.join(unused)}.")
        return self.ledger.report(notes, self.guard.dropped, fingerprint)

    @staticmethod
    def treatments_frame(t: _Table | None, day: np.ndarray | None, time_col: str | None) -> pd.DataFrame:
        if t is None or not t.alive.any():
            return pd.DataFrame({"patient_id": pd.Series(dtype=object), "day": pd.Series(dtype=float),
                                 "treatment": pd.Series(dtype=object)})
        idx = np.flatnonzero(t.alive)
        pcode, pids = t.codes("patient_id")
        d = np.asarray(day, dtype=float)[idx]
        order = idx[_sort_order([pcode[idx], d])]  # stable; free for a file sorted by patient and day
        tcode, labels = t.codes("treatment")
        out = {"patient_id": pids[pcode[order]], "day": np.asarray(day, dtype=float)[order],
               "treatment": labels[tcode[order]]}
        for c in t.columns:
            if c not in ("patient_id", time_col, "treatment"):
                out[c] = t.typed(c, order)
        # Fresh arrays, each its own block: consolidating them into one 2-d block copied every column
        # (0.08 s for a registry's 300,000 courses, in new memory) for no later use.
        return pd.DataFrame(out, copy=False)

    @staticmethod
    def patients_frame(covariates: pd.DataFrame | None, treated: np.ndarray, assessed: np.ndarray) -> pd.DataFrame:
        """Every patient seen in any file (sorted), with the covariates of those listed in the patients
        file. ``assessed`` and ``treated`` are sorted distinct ids."""
        cov_ids = None if covariates is None else covariates["patient_id"].to_numpy(dtype=object)
        if _same_texts(assessed, treated) and (cov_ids is None or _same_texts(assessed, cov_ids)):
            # The usual dataset: the same patients in every file, the patients file in id order.
            if covariates is None:
                return pd.DataFrame({"patient_id": np.asarray(assessed, dtype=object)})
            return covariates.reset_index(drop=True)
        seen = [assessed, treated] + ([cov_ids] if cov_ids is not None else [])
        ids = pd.Index(np.concatenate([np.asarray(x, dtype=object) for x in seen])).unique().sort_values()
        out = pd.DataFrame({"patient_id": ids.to_numpy(dtype=object)})
        if covariates is not None:
            out = out.merge(covariates, on="patient_id", how="left")
        return out


@dataclass
class _Measures:
    """The scores of an assessments file after the per-row checks.

    ``names`` are the measure names, sorted; measure codes index into it. Long form: ``mcode`` and
    ``values`` per row. Wide form: ``wide`` = [(column, measure code, values, missing mask)].
    """

    form: str
    names: list[str]
    mcode: np.ndarray | None = None
    values: np.ndarray | None = None
    wide: list = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return ["value"] if self.form == "long" else [c for c, _, _, _ in self.wide]
