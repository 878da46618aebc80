"""Read a clinic's files, map columns, guard against identifiers, validate and account for every row.

The data format and every rule applied here are documented for clinics in ``docs/data-format.md``.
In short:

* A dataset is a folder or a ``.zip`` holding ``assessments.csv`` (required), ``treatments.csv`` and
  ``patients.csv`` (optional), or the same names as ``.parquet``; or one single CSV (assessments only,
  or a *combined* file whose rows with a non-empty ``treatment`` are treatment courses).
* Every data row is **used** or **excluded** with its file, line (as a spreadsheet shows it, header =
  line 1), column, value and reason; per file ``rows_read == rows_used + rows_excluded``.
* Problems that make the whole dataset unusable raise :class:`~analysis.errors.DatasetError`
  (a subclass of it) whose message names the file and column and says what to do.

Design for speed: files are parsed by pyarrow's multi-threaded CSV reader with every column read as
text (a strict-but-forgiving pure Python parser takes over for odd files, e.g. rows with too many
fields); line numbers come from a vectorised scan of the bytes, or, for the usual unquoted export,
from the parse itself. In such a file the assessments' score columns (day, the measures, value) are
parsed straight to float64 when the first 64 KB show them to be numbers (any other cell further down
makes the reader read the file as text); their text as written is read back from the file's lines
only for the cells the report shows. Large arrays are allocated in pyarrow's memory pool, which
reuses the memory the parse has just freed. The cells stay Arrow arrays as read:
numbers come from one Arrow cast per column (the exact text rules below take over only for a column
holding anything but empty cells and finite numbers), text columns are hashed once and trimmed,
compared and converted on their distinct values, and cell texts are only materialised for the rows
that are excluded (the identifier guard checks every row through each column's distinct texts). Parquet float64/integer columns are validated
as numbers without a round-trip through text. Every check is a vectorised mask over all rows, and
the exclusion table is built from those masks. There is no loop over rows. Nothing is ever written
to disk.
"""
from __future__ import annotations

import csv
import hashlib
import os
import io
import re
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import identifiers
from . import limits
from .dataset import EXCLUSION_COLUMNS, Dataset, FileCounts, LoadReport, WideScores
from .definitions import KNOWN_MEASURES
from .errors import (DatasetError, EmptyDatasetError, IdentifierError, MissingColumnError, MissingFileError,
                     UnreadableFileError)
from .mapping import CANONICAL_NAMES, as_mapping, normalize_name, resolve

__all__ = ["load_dataset", "load_files", "ROLES", "NA_TOKENS"]

#: The three tables of a dataset, by file stem.
ROLES = ("assessments", "treatments", "patients")
CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
TABLE_EXTENSIONS = CSV_EXTENSIONS + (".parquet",)
#: Time columns, in order of precedence when a file has more than one.
TIME_COLUMNS = ("day", "datetime", "date")
#: Cell texts that mean "no value" in a numeric cell (compared case-insensitively).
NA_TOKENS = ("", "na", "n/a", "nan", "null", "none")
_NA_TOKEN_ARRAY = pa.array(NA_TOKENS, type=pa.string())
#: Refuse zips that unpack to more than this (protection against zip bombs).
_DAY_NS = 86_400 * 10 ** 9
_STR = pd.StringDtype("pyarrow", na_value=np.nan)

_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file (name it .parquet)"),
)
_TEXT_BYTES = bytes([9, 10, 13]) + bytes(range(32, 127)) + bytes(range(128, 256))
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_AS_CSV = "Save the table as CSV (in Excel: File > Save As > 'CSV UTF-8') and load that file."

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
ROW = "(row)"  # the ``column`` of an exclusion that concerns the whole row


def _range_reason(measure: str) -> str:
    spec = KNOWN_MEASURES[measure]
    lo, hi = spec["min"], spec["max"]
    valid = f"{lo:g}-{hi:g}" if hi is not None else f"{lo:g} or more"
    return f"out of range for {measure} (valid {valid})"


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------

def load_dataset(path: str | Path, mapping: object = None, drop_identifiers: bool = False,
                 date_format: str | None = None) -> Dataset:
    """Load and validate a dataset from a folder, a ``.zip`` or a single CSV/Parquet file.

    Parameters
    ----------
    path : str or Path
        A folder holding ``assessments.csv`` (+ optional ``treatments.csv``, ``patients.csv``, or
        the same names as ``.parquet``), a ``.zip`` of those files, or one CSV file (assessments
        only, or a combined file: see docs/data-format.md).
    mapping : None, dict, str or Path
        Column mapping: a ``{source: target}`` dict or the path of a mapping file
        (``.csv`` with header ``source,target``, or ``.json``). See :mod:`analysis.mapping`.
    drop_identifiers : bool
        Drop columns that look like direct identifiers (listed in the report) instead of refusing
        the dataset.
    date_format : {"YMD", "DMY", "MDY"}, optional
        For a clinic export whose dates read two ways (``03/04/2024``): the order they are written in.

    A folder or zip that is a clinic export (REDCap, flowsheet, spreadsheet; no ``assessments.csv``)
    is read with ``mapping`` when it is a clinic mapping (:mod:`analysis.io.spec`), otherwise with
    the mapping proposed by :func:`analysis.io.propose.inspect` when nothing in it needs review.

    Returns
    -------
    Dataset
        ``assessments`` (``patient_id``, ``day``, ``measure``, ``value``), ``treatments``
        (``patient_id``, ``day``, ``treatment``, extra columns), ``patients`` (``patient_id`` and
        covariates) and ``report`` (:class:`~analysis.dataset.LoadReport`).

    Raises
    ------
    DatasetError
        (or a subclass) when the dataset cannot be used; ``str(err)`` says which file and column
        and what to do. ``err.report`` holds the load report when rows were read but none was usable.
    """
    p = Path(path)
    if not p.exists():
        raise MissingFileError(f"{p} does not exist. Give the path of a dataset folder, a .zip or a CSV file.",
                               file=str(p))
    spec = _export_spec(mapping)
    try:
        if p.is_dir():
            entries = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
            known = [f for f in entries if _role_of(f.name) is not None]
            from .io.propose import looks_canonical

            # The names decide, except for a single file (its first line then does).
            listed = {f.name: (f.read_bytes() if len(entries) == 1 else b"") for f in entries}
            if spec is not None or (mapping is None and not looks_canonical(listed)):
                # A clinic export (REDCap, flowsheet, spreadsheet): every file of the folder is read.
                return load_files({f.name: f.read_bytes() for f in entries}, mapping=spec,
                                  drop_identifiers=drop_identifiers, source=str(p), date_format=date_format)
            if not known:
                found = ", ".join(f.name for f in entries[:10]) or "nothing"
                raise MissingFileError(
                    f"The folder {p} holds no assessments.csv (found: {found}). Name the files assessments.csv, "
                    "treatments.csv and patients.csv, or give the path of a single CSV file.", file=str(p))
            for f in known:
                _refuse_outside_link(f)
            files = {f.name: f.read_bytes() for f in known}
        else:
            _refuse_outside_link(p)
            files = {p.name: p.read_bytes()}
    except OSError as e:
        raise UnreadableFileError(f"Cannot read {p}: {e.strerror or e}.", file=str(p)) from None
    return load_files(files, mapping=mapping, drop_identifiers=drop_identifiers, source=str(p),
                      date_format=date_format)


def _refuse_outside_link(f: Path) -> None:
    """A data file that is a link to a file outside its own folder is not read: its content (its
    first line would be quoted in an error message) is not the dataset's (issue 15)."""
    if f.is_symlink():
        folder = f.parent.resolve()
        if not f.resolve().is_relative_to(folder):
            raise UnreadableFileError(
                f"{f.name} in {folder} is a link to a file outside that folder, which is not read. Copy the file "
                "into the folder instead of linking to it.", file=f.name)


def load_files(files: dict[str, bytes], mapping: object = None, drop_identifiers: bool = False,
               source: str = "upload", date_format: str | None = None) -> Dataset:
    """Load and validate a dataset from files held in memory (e.g. dashboard uploads).

    Parameters
    ----------
    files : dict of str -> bytes
        File name -> content. Either one ``.zip``, or any of ``assessments``/``treatments``/``patients``
        ``.csv``/``.parquet``, or one single CSV of any name. Folder parts of names are ignored.
    mapping, drop_identifiers
        As for :func:`load_dataset`.
    source : str
        Where the files came from, kept as ``Dataset.source``.

    Returns
    -------
    Dataset
        See :func:`load_dataset`; both functions run the same code.
    """
    spec = _export_spec(mapping)
    if spec is not None or (mapping is None and _is_export(files)):
        from .io.reader import load_export
        from .io.propose import auto_spec

        if spec is None:
            spec = auto_spec(files, date_format)  # refuses, saying what to review, when not certain
        elif date_format is not None:
            spec = replace(spec, date_format=date_format)
        return load_export(files, spec, drop_identifiers=drop_identifiers, source=source)
    cmap = as_mapping(mapping)
    found, single, ignored = _collect(files)
    loader = _Loader(cmap, drop_identifiers)
    for name in ignored:
        loader.notes.append(f"{name} was ignored: only assessments, treatments and patients files are read.")
    ds = loader.run(found, single, source)
    from .io.plausibility import treatment_warnings

    warnings = treatment_warnings(ds.treatments)
    return replace(ds, report=replace(ds.report, warnings=warnings)) if warnings else ds


def _export_spec(mapping):
    """The clinic-export mapping (:mod:`analysis.io.spec`) given as ``mapping``, or None for a plain
    column mapping (``{source: target}`` or a .csv/.json of such pairs)."""
    from .io import spec as _spec

    if isinstance(mapping, _spec.MappingSpec):
        return mapping
    if isinstance(mapping, dict) and _spec.is_spec_document(mapping):
        return _spec.from_json(mapping, where="mapping")
    if isinstance(mapping, (str, Path)) and Path(mapping).suffix.lower() in (".json", ".toml"):
        return _spec.read(mapping)
    return None


def _is_export(files: dict[str, bytes]) -> bool:
    """Files that are not the canonical ones: no assessments/treatments/patients file among them (or in
    the zip), and not a single CSV in the canonical format (patient_id and day/date columns)."""
    from .io.propose import looks_canonical

    return not looks_canonical(files)


# --------------------------------------------------------------------------------------------------
# Collecting files (folder, zip, uploads)
# --------------------------------------------------------------------------------------------------

def _basename(name: str) -> str:
    return PureWindowsPath(PurePosixPath(str(name)).name).name


def _role_of(name: str) -> str | None:
    p = PurePosixPath(_basename(name).lower())
    return p.stem if p.suffix in TABLE_EXTENSIONS and p.stem in ROLES else None


def _unzip(name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()
                       and "__MACOSX" not in i.filename and not _basename(i.filename).startswith(".")]
            known = [i for i in members if _role_of(i.filename) is not None]
            # Zip bombs: declared sizes and ratios before unpacking, counted while unpacking (issue 15).
            limits.check_archive(name, zf, known)
            if not known:
                listed = ", ".join(_basename(i.filename) for i in members[:10]) or "nothing"
                raise MissingFileError(
                    f"{name} holds no known file (found: {listed}). A dataset zip must hold assessments.csv "
                    "(and optionally treatments.csv and patients.csv), or the same names as .parquet.", file=name)
            return [(_basename(n), b) for n, b in limits.safe_unzip(name, data, keep=lambda f: _role_of(f) is not None)]
    except DatasetError:
        raise
    except Exception as e:  # BadZipFile, encrypted members, unsupported compression, corrupt data
        raise UnreadableFileError(f"{name} is not a readable zip file ({type(e).__name__}: {e}). "
                                  "Re-create the zip, or give the CSV files directly.", file=name) from None


def _collect(files: dict[str, bytes]) -> tuple[dict[str, tuple[str, bytes]], bool, list[str]]:
    """Sort the given files into roles. Returns ``({role: (name, bytes)}, single, ignored names)``."""
    items = [(_basename(k), bytes(v)) for k, v in files.items()]
    if not items:
        raise MissingFileError("No files were given. Give assessments.csv (and optionally treatments.csv and "
                               "patients.csv), a .zip of them, or a single CSV file.")
    zips = [(n, d) for n, d in items if n.lower().endswith(".zip")]
    from_zip = bool(zips)
    if zips:
        if len(items) > 1:
            raise DatasetError("Give either one .zip file or the CSV/Parquet files, not both.", file=zips[0][0])
        items = _unzip(*zips[0])
    found: dict[str, tuple[str, bytes]] = {}
    ignored = []
    for name, data in items:
        role = _role_of(name)
        if role is None:
            ignored.append(name)
        elif role in found:
            raise DatasetError(f"Two {role} files were given ({found[role][0]} and {name}); keep only one.", file=name)
        else:
            found[role] = (name, data)
    if len(items) == 1 and not from_zip:
        name, data = items[0]
        suffix = PurePosixPath(name.lower()).suffix
        if suffix not in TABLE_EXTENSIONS:
            what = "an Excel workbook" if suffix in (".xlsx", ".xls", ".xlsm", ".ods") else f"a '{suffix or name}' file"
            raise UnreadableFileError(f"{name} is {what}, not a CSV or Parquet file. {_SAVE_AS_CSV}", file=name)
        role = _role_of(name)
        if role in ("treatments", "patients"):
            raise MissingFileError(f"Only {name} was given, but assessments.csv is required. Add the assessments "
                                   "file (and load the files together, as a folder or zip).", file="assessments.csv")
        limits.check_dataset_files([(name, data)])  # memory and CPU limits before any parse (issue 15)
        return {"assessments": (name, data)}, True, []
    if "assessments" not in found:
        given = ", ".join(n for n, _ in items)
        raise MissingFileError(f"No assessments file was given (got: {given}). assessments.csv is required.",
                               file="assessments.csv")
    limits.check_dataset_files(list(found.values()))  # memory and CPU limits before any parse (issue 15)
    return found, len(found) == 1, ignored


# --------------------------------------------------------------------------------------------------
# Parsing one file into text cells + line numbers
# --------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Table:
    """One file's data rows with each row's spreadsheet line number.

    ``cols`` holds the cells as Arrow arrays, column by column: text exactly as read (trimmed lazily,
    only where a value is looked at) or numbers: float64/integer from Parquet, float64 (null = empty
    cell) for the score columns of an unquoted CSV (``raw_field``; their text comes from ``raw``). ``text``, ``empty``,
    ``codes`` and ``numbers`` give the views the checks need, all computed on the trimmed text as a
    spreadsheet shows it (numbers without a round-trip through text where that gives the same result).
    """

    file: str
    cols: dict                            # column (named after mapping) -> pa.Array
    n: int                                # data rows
    line: np.ndarray                      # int64, line of each row
    header: dict[str, str]                # column -> header as written (trimmed)
    decimal_comma: bool = False
    trimmed: bool = False                 # text cells are already trimmed (Python parser)
    alive: np.ndarray = field(default=None)
    _codes: dict = field(default_factory=dict, repr=False)
    _empty: dict = field(default_factory=dict, repr=False)
    _numbers: dict = field(default_factory=dict, repr=False)
    _pending: dict = field(default_factory=dict, repr=False)   # ("numbers"|"codes", column) -> Future
    # Columns parsed straight to float64 by the CSV reader (see _parse_csv): column -> field number in
    # the line. Their text as written (report values) is read back from the file's lines.
    raw: "_RawLines | None" = None
    raw_field: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.alive is None:
            self.alive = np.ones(self.n, dtype=bool)

    @property
    def columns(self) -> list[str]:
        return list(self.cols)

    def drop(self, names) -> None:
        for c in names:
            del self.cols[c]
            for cache in (self._codes, self._empty, self._numbers):
                cache.pop(c, None)
            for kind in ("numbers", "codes"):
                self._pending.pop((kind, c), None)

    def subset(self, mask: np.ndarray, columns: list[str]) -> "_Table":
        idx = np.flatnonzero(mask)
        take = pa.array(idx, type=pa.int64())
        return _Table(self.file, {c: self.cols[c].take(take) for c in columns}, len(idx), self.line[idx],
                      {c: self.header[c] for c in columns}, self.decimal_comma, self.trimmed, raw=self.raw,
                      raw_field={c: f for c, f in self.raw_field.items() if c in columns})

    def is_text(self, name: str) -> bool:
        return _is_text_type(self.cols[name].type)

    def text_array(self, name: str, idx: np.ndarray | None = None):
        """Trimmed text of a column (of rows ``idx``) as an Arrow array ("" = empty cell)."""
        if name in self.raw_field:  # read as numbers: the text as written, from the lines
            lines = self.line if idx is None else self.line[np.asarray(idx, dtype=np.int64)]
            return pc.utf8_trim_whitespace(self.raw.cells(lines, self.raw_field[name]))
        col = self.cols[name]
        if idx is not None:
            col = col.take(pa.array(np.asarray(idx, dtype=np.int64), type=pa.int64()))
        if not _is_text_type(col.type):
            return pc.utf8_trim_whitespace(pc.fill_null(pc.cast(col, pa.string()), ""))
        return col if self.trimmed else pc.utf8_trim_whitespace(col)

    def text(self, name: str, idx: np.ndarray | None = None) -> np.ndarray:
        """Trimmed text of a column (of rows ``idx``) as an object array of str."""
        arr = self.text_array(name, idx)
        if isinstance(arr, pa.ChunkedArray):
            out = arr.to_numpy()
        else:
            out = arr.to_numpy(zero_copy_only=False)
        return np.asarray(out, dtype=object)

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, sorted distinct trimmed texts)`` of a column; codes order like the texts (cached)."""
        key = ("codes", name)
        if key in self._pending:  # started early on a worker thread (prefetch)
            self._codes[name] = self._pending.pop(key).result()
        if name not in self._codes:
            self._codes[name] = self._compute_codes(name)
        return self._codes[name]

    def _compute_codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        col = self.cols[name]
        if not _is_text_type(col.type):
            col, trim = self.text_array(name), False
        else:
            trim = not self.trimmed
        return _factorize_sorted(col, trim)

    def empty(self, name: str) -> np.ndarray:
        """Cells that are empty after trimming (cached)."""
        if name not in self._empty:
            self._empty[name] = _empty_cells(self.cols[name], self.trimmed)
        return self._empty[name]

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`_numbers` of the column's trimmed text (cached); read-only arrays."""
        key = ("numbers", name)
        if key in self._pending:  # started early on a worker thread (prefetch)
            self._numbers[name] = self._pending.pop(key).result()
        if name not in self._numbers:
            self._numbers[name] = self._compute_numbers(name)
        return self._numbers[name]

    def _compute_numbers(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The work of :meth:`numbers` (no cache: safe on a worker thread)."""
        col = self.cols[name]
        out = None
        if _is_text_type(col.type):
            out = _fast_numbers(col, self.decimal_comma)
        elif pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
            vals, missing = _float_values(col if col.type == pa.float64() else pc.cast(col, pa.float64(), safe=False),
                                          in_place=name in self.raw_field)
            bad = _pool_empty(len(vals), bool)  # = ~missing & ~isfinite(vals), without temporaries
            np.logical_not(np.logical_or(np.isfinite(vals, out=bad), missing, out=bad), out=bad)
            if name in self.raw_field and bad.any():
                # The CSV reader read "nan"/"inf" spellings as numbers: the text rules decide those few
                # cells (an NA token such as "nan" is an empty cell; "inf" is not a number).
                rows = np.flatnonzero(bad)
                na = _na_tokens(self.text_array(name, rows)).to_numpy(zero_copy_only=False)
                missing[rows[na]] = True
                bad[rows[na]] = False
            vals[bad] = np.nan
            out = vals, missing, bad
        if out is None:
            out = _numbers(self.text_array(name), self.decimal_comma)
        for a in out:
            a.flags.writeable = False
        return out

    def prefetch(self, numbers: list[str], codes: tuple[str, ...] = (), wait: bool = True) -> None:
        """Start :meth:`numbers` and :meth:`codes` of columns on worker threads (Arrow's kernels and
        numpy's large operations release the GIL). Text casts are heavy (two threads); columns the
        reader already parsed as numbers and the codes of a column are light (one thread, so the
        GIL is not passed back and forth between two workers and the caller). With ``wait=False``
        the caller goes on (checking the other files) while they run; :meth:`numbers` and
        :meth:`codes` collect each result when it is first asked for."""
        jobs = [(("codes", c), self._compute_codes, c) for c in dict.fromkeys(codes)
                if c in self.cols and c not in self._codes and ("codes", c) not in self._pending]
        jobs += [(("numbers", c), self._compute_numbers, c) for c in dict.fromkeys(numbers)
                 if c in self.cols and c not in self._numbers and ("numbers", c) not in self._pending]
        if not jobs or self.n < 100_000 or (os.cpu_count() or 1) < 2:
            return
        heavy = any(_is_text_type(self.cols[c].type) for _, f, c in jobs if f == self._compute_numbers)
        pool = ThreadPoolExecutor(max_workers=2 if heavy else 1)
        for key, f, c in jobs:
            self._pending[key] = pool.submit(f, c)
        pool.shutdown(wait=wait)

    def typed(self, name: str, idx: np.ndarray) -> np.ndarray:
        """A kept extra column, rows ``idx``: numbers where every non-empty cell is a number, otherwise
        text (NaN when empty). Decided and converted on the distinct texts of those rows."""
        code, uniq = self.codes(name)
        sub = code[idx]
        used = np.flatnonzero(np.bincount(sub, minlength=len(uniq)) > 0) if len(sub) else np.array([], np.int64)
        where = np.full(len(uniq), -1, dtype=np.int64)
        where[used] = np.arange(len(used))
        texts = np.asarray(uniq[used], dtype=object)
        empty = texts == ""
        if not empty.all():
            arr = pa.array(texts, type=pa.string())
            # A finite number needs a digit (for Arrow's cast and pandas alike): a cell without one
            # that is no NA token makes the column text, decided without trying to read numbers.
            no_digit = texts[~_holds_digit(arr) & ~empty]
            if all(v.isascii() and v.lower() in NA_TOKENS for v in no_digit):
                vals, missing, bad = _numbers(arr, self.decimal_comma)
                if not bad.any():
                    return vals[where[sub]]
        out = texts.copy()
        out[empty] = np.nan
        return out[where[sub]]


def _is_text_type(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _to_numpy(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        return arr.to_numpy()
    return arr.to_numpy(zero_copy_only=False)


def _empty_cells(col, trimmed: bool) -> np.ndarray:
    if not _is_text_type(col.type):
        return _to_numpy(col.is_null()).astype(bool)
    if trimmed:
        return _empty_strings(col)
    empty = pc.or_(pc.equal(col, ""), pc.utf8_is_space(col))  # only white space: empty once trimmed
    return _to_numpy(empty).astype(bool)


def _fast_numbers(col, decimal_comma: bool):
    """:func:`_numbers` for the usual column (every cell empty or a finite number): one Arrow cast of
    the cells as read. None when any cell is anything else, and the caller takes the exact slow path."""
    empty = _empty_strings(col)
    x = pc.replace_substring(col, ",", ".") if decimal_comma else col
    if empty.any():
        x = _with_nulls(x, pa.array(empty, type=pa.bool_()))
    try:
        cast = pc.cast(x, pa.float64())
    except (pa.ArrowException, ValueError):
        return None
    if isinstance(cast, pa.ChunkedArray):
        cast = cast.combine_chunks()
    # The data buffer as a numpy view (null slots hold whatever the cast left there), then NaN
    # written into the empty cells: no null-aware conversion and no bit unpacking by Arrow.
    vals = np.frombuffer(cast.buffers()[1], dtype=np.float64, count=len(cast), offset=8 * cast.offset).copy()
    vals[empty] = np.nan
    if np.count_nonzero(np.isfinite(vals)) + np.count_nonzero(empty) != len(vals):
        return None  # a cell is inf/nan (or an NA token such as "nan"): the exact path decides
    return vals, empty, np.zeros(len(vals), dtype=bool)


def _pool_empty(n: int, dtype) -> np.ndarray:
    """``np.empty(n, dtype)`` in pyarrow's memory pool. The CSV reader has just freed the memory of
    its parse there; a large numpy allocation would instead touch pages new to the process, which
    costs more than the copy itself on a virtual machine (docs/performance.md: 0.02 s instead of
    0.03-0.37 s for the seven score columns of 3 million rows)."""
    dtype = np.dtype(dtype)
    if n == 0:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(pa.allocate_buffer(n * dtype.itemsize), dtype=dtype, count=n)


def _float_values(arr, in_place: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A float64 Arrow array -> ``(values with NaN where null, null mask)`` as numpy arrays, read
    from its buffers chunk by chunk (Arrow's null-aware conversion was the slow part of typed
    columns, and combining the chunks first would copy every value twice).

    ``in_place``: the array is private to the caller (a column our CSV parse just made). If it is
    one chunk with a writable buffer, the values are that buffer itself, NaN written into the null
    slots (which Arrow leaves undefined): no copy, and no fresh memory, which costs more than the
    copy on this VM (docs/performance.md). Never for buffers that may be the caller's bytes."""
    chunks = [ch for ch in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]) if len(ch)]
    n = sum(len(ch) for ch in chunks)
    vals = None
    if in_place and len(chunks) == 1:
        ch = chunks[0]
        view = np.frombuffer(ch.buffers()[1], dtype=np.float64, count=n, offset=8 * ch.offset)
        vals = view if view.flags.writeable else None
    if vals is None:
        vals = _pool_empty(n, np.float64)
        if chunks:
            np.concatenate([np.frombuffer(ch.buffers()[1], dtype=np.float64, count=len(ch), offset=8 * ch.offset)
                            for ch in chunks], out=vals)
    missing = _pool_empty(n, bool)
    pos = 0
    for ch in chunks:
        m = len(ch)
        if ch.null_count:
            bits = np.frombuffer(ch.buffers()[0], dtype=np.uint8)
            np.equal(np.unpackbits(bits, count=ch.offset + m, bitorder="little")[ch.offset:], 0,
                     out=missing[pos:pos + m])
        else:
            missing[pos:pos + m] = False
        pos += m
    if pos and arr.null_count:
        vals[missing] = np.nan
    return vals, missing


def _empty_strings(col) -> np.ndarray:
    """Cells equal to "" (not trimmed), from the string offsets: no comparison of the texts."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if col.type == pa.string() and col.null_count == 0 and len(col):
        offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=len(col) + 1, offset=4 * col.offset)
        return offsets[1:] == offsets[:-1]
    return np.asarray(_to_numpy(pc.equal(col, "")), dtype=bool)


def _with_nulls(col: pa.Array, null: pa.BooleanArray) -> pa.Array:
    """``col`` (text without nulls) with the cells in ``null`` made null, sharing ``col``'s buffers."""
    valid = pc.invert(null)
    if (col.null_count == 0 and col.offset == 0 and valid.offset == 0 and valid.null_count == 0
            and isinstance(col, pa.Array) and col.type == pa.string()):
        return pa.Array.from_buffers(pa.string(), len(col), [valid.buffers()[1]] + col.buffers()[1:])
    return pc.if_else(null, pa.scalar(None, col.type), col)


def _factorize_sorted(col, trim: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a text column whose order is the (trimmed) texts' sorted order.

    Arrow hashing of the cells as read, then trimming and sorting only the distinct texts. A column
    already sorted (as exports sorted by patient are) needs no hashing: its codes count the changes
    between neighbours, once the runs' texts are checked to be strictly increasing.
    """
    sorted_runs = _sorted_runs(col, trim)
    if sorted_runs is not None:
        return sorted_runs
    enc = pc.dictionary_encode(col)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks() if enc.num_chunks else pa.array([], pa.string()).dictionary_encode()
    indices = enc.indices.to_numpy(zero_copy_only=False)  # int32, zero-copy
    dic = enc.dictionary
    # Everything below works on the distinct texts; the cells are gathered once, at the end.
    to_dic = np.arange(len(dic), dtype=np.int64)
    if trim:
        dic = pc.utf8_trim_whitespace(dic)
        inner = pc.dictionary_encode(dic)
        to_dic = inner.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        dic = inner.dictionary
    order = pc.array_sort_indices(dic).to_numpy().astype(np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    uniques = dic.take(pa.array(order)).to_numpy(zero_copy_only=False).astype(object)
    code_of = rank[to_dic].astype(np.int32 if len(order) < 2**31 else np.int64)
    return code_of[indices], uniques


def _sorted_runs(col, trim: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_factorize_sorted` of a column whose (trimmed) texts are in strictly increasing runs
    (each distinct text in one run, runs in sorted order); None for any other column."""
    if not isinstance(col, pa.Array) or col.type != pa.string() or col.null_count or len(col) < 2:
        return None
    n = len(col)
    change = np.asarray(_to_numpy(pc.not_equal(col.slice(1), col.slice(0, n - 1))), dtype=bool)
    starts = np.concatenate([[0], np.flatnonzero(change) + 1])
    runs = col.take(pa.array(starts, type=pa.int64()))
    if trim:
        runs = pc.utf8_trim_whitespace(runs)
    if len(runs) > 1 and not pc.all(pc.less(runs.slice(0, len(runs) - 1), runs.slice(1))).as_py():
        return None  # not sorted, or two runs of one text (e.g. only white space differs)
    codes = _pool_empty(n, np.int32 if len(runs) < 2**31 else np.int64)
    codes[0] = 0
    np.cumsum(change, out=codes[1:])
    return codes, runs.to_numpy(zero_copy_only=False).astype(object)


def _categorical(codes: np.ndarray, labels, used: np.ndarray | None = None) -> pd.Categorical:
    """Codes into sorted distinct ``labels`` -> a Categorical whose categories are the labels in use
    (sorted, so sorting the column sorts the texts; no unused categories, so grouping by it never
    makes empty groups)."""
    labels = np.asarray(labels, dtype=object)
    codes = np.asarray(codes)
    if used is None:
        used = np.bincount(codes.astype(np.int64, copy=False), minlength=len(labels)) > 0 if len(codes) \
            else np.zeros(len(labels), dtype=bool)
    k = int(used.sum())
    small = np.int8 if k < 127 else np.int16 if k < 32767 else np.int32
    if k == len(labels):  # every label in use (the usual case): the codes are already right
        new = codes.astype(small, copy=False)
    else:
        new = (np.cumsum(used) - 1).astype(small)[codes] if len(codes) else np.array([], dtype=small)
    return pd.Categorical.from_codes(new, categories=pd.Index(labels[used], dtype=object), validate=False)


def _order_and_ties(keys: list[np.ndarray]) -> tuple[np.ndarray | None, np.ndarray]:
    """``(order, ties)``: the stable order sorting by ``keys`` (None when the rows are already in
    that order, the usual case: nothing is gathered), and for each pair of neighbours in that order
    whether they are equal on every key."""
    n = len(keys[0])
    greater = np.zeros(max(n - 1, 0), dtype=bool)
    equal = np.ones(max(n - 1, 0), dtype=bool)
    for k in keys:
        a, b = k[:-1], k[1:]
        greater |= equal & (b > a)
        equal &= b == a
    if (greater | equal).all():
        return None, equal
    order = _sort_order(keys)
    equal = np.ones(n - 1, dtype=bool)
    for k in keys:
        ks = k[order]
        equal &= ks[1:] == ks[:-1]
    return order, equal


def _tied(keys) -> np.ndarray:
    """Mask of the rows equal on every key to at least one other row (NaN equal to NaN, as pandas'
    ``duplicated`` has it): one sort (free when the rows are in order) and a comparison of neighbours,
    so that the grouping that names each duplicate's first line only sees these few rows."""
    keys = list(keys)
    n = len(keys[0])
    order = _sort_order(keys)
    equal = np.ones(max(n - 1, 0), dtype=bool)
    for k in keys:
        k = k[order]
        same = k[1:] == k[:-1]
        if k.dtype.kind in "fc":
            same |= np.isnan(k[1:]) & np.isnan(k[:-1])
        equal &= same
    tied = np.zeros(n, dtype=bool)
    tied[order[1:][equal]] = True
    tied[order[:-1][equal]] = True
    return tied


def _same_texts(a: np.ndarray, b: np.ndarray) -> bool:
    """Two arrays of str hold the same texts in the same order."""
    return len(a) == len(b) and bool((np.asarray(a, dtype=object) == np.asarray(b, dtype=object)).all())


def _sort_order(keys: list[np.ndarray]) -> np.ndarray:
    """Stable order sorting by ``keys`` (first key first); free when the rows are already sorted."""
    n = len(keys[0])
    if n < 2:
        return np.arange(n)
    greater = np.zeros(n - 1, dtype=bool)
    equal = np.ones(n - 1, dtype=bool)
    for k in keys:
        a, b = k[:-1], k[1:]
        greater |= equal & (b > a)
        equal &= b == a
    if (greater | equal).all():
        return np.arange(n)
    table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
    return pc.sort_indices(table, sort_keys=[(f"k{i}", "ascending") for i in range(len(keys))]).to_numpy()


def _decode(file: str, data: bytes) -> tuple[str | None, bytes]:
    """Check the bytes are CSV text; return ``(text, utf-8 bytes of that text)``.

    ``text`` is None for plain ASCII (the usual export): the bytes are the text, and the Python
    string is only made if the pure Python parser needs it (``blob.decode("ascii")``).
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFileError(f"{file} is not a CSV file: it looks like {what}. {_SAVE_AS_CSV}", file=file)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(f"{file}: cannot read its text encoding (broken UTF-16). {_SAVE_AS_CSV}",
                                      file=file) from None
        if _CONTROL_CHARS.search(text):
            raise UnreadableFileError(f"{file} is not a CSV text file (it holds binary data). {_SAVE_AS_CSV}", file=file)
        blob = None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        data = data.rstrip(b"\x1a")  # DOS end-of-file marker
        if data.translate(None, _TEXT_BYTES):  # anything left is a control byte: binary content
            raise UnreadableFileError(f"{file} is not a CSV text file (it holds binary data). {_SAVE_AS_CSV}", file=file)
        if data.isascii() and (b"\n" in data or b"\r" not in data):
            return None, data
        try:
            text, blob = data.decode("utf-8"), data
        except UnicodeDecodeError:
            text, blob = _decode_not_utf8(file, data), None
    if "\n" not in text and "\r" in text:  # old Mac line endings
        text, blob = text.replace("\r", "\n"), None
    return text, (blob if blob is not None else text.encode("utf-8"))


_STRAY = re.compile("[\udc80-\udcff]")
_UTF8_CHAR = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _stray_bytes(data: bytes) -> tuple[str, int, int]:
    """``data`` decoded as UTF-8 with its invalid bytes kept as lone surrogates (``surrogateescape``);
    the number of such stray bytes, and of characters that were valid multi-byte UTF-8."""
    s = data.decode("utf-8", "surrogateescape")
    stray = len(_STRAY.findall(s))
    return s, stray, len(_UTF8_CHAR.findall(s))


def _decode_not_utf8(file: str, data: bytes) -> str:
    """Text of a file that is not valid UTF-8: a UTF-8 file with a few stray Windows-1252/Latin-1
    bytes (an edit in another program) keeps its UTF-8 text and only those bytes are read as
    Windows-1252; a file with more stray bytes than UTF-8 characters is read as Windows-1252.
    :func:`encoding_note` tells the user which (issue 15)."""
    s, stray, utf8 = _stray_bytes(data)
    if utf8 >= stray:
        return _STRAY.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "replace"), s)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFileError(
            f"{file}: cannot read its text encoding (it is neither UTF-8 nor Windows-1252/Latin-1). "
            f"{_SAVE_AS_CSV}", file=file) from None


def encoding_note(file: str, data: bytes) -> str | None:
    """A load-report note when a text file is not plain UTF-8 (None when it is)."""
    if data.isascii() or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        line = body.count(b"\n", 0, e.start) + 1
    s, stray, utf8 = _stray_bytes(body)
    if utf8 >= stray:
        return (f"{file} is UTF-8 text with {stray:,} byte(s) that are not UTF-8 (the first on line {line:,}); "
                "they were read as Windows-1252/Latin-1 (e.g. \u00e9). Check those values, and save the file as "
                "UTF-8 to remove this note.")
    return (f"{file} is not UTF-8; it was read as Windows-1252/Latin-1 (the first non-UTF-8 byte is on line "
            f"{line:,}). If accented letters look wrong, save the file as CSV UTF-8.")


def _sniff_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: whichever occurs most often in the header outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = [(unquoted.count(d), -i, d) for i, d in enumerate((",", ";", "\t"))]
    n, _, best = max(counts)
    return best if n > 0 else ","


def _split_records(blob: bytes) -> tuple[np.ndarray, np.ndarray, bool]:
    """Start/end byte offsets of every CSV record; a newline inside double quotes does not end one."""
    buf = np.frombuffer(blob, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    embedded = False
    if b'"' in blob:
        quotes = np.flatnonzero(buf == 34)
        odd = (np.searchsorted(quotes, nl) & 1).astype(bool)  # an odd number of quotes before it: inside a field
        embedded = bool(odd.any())
        nl = nl[~odd]
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(buf)]))
    return starts, ends, embedded


def _fingerprint(files: list[tuple[str, bytes]]) -> str:
    """SHA-256 over the files' names, lengths and bytes, in name order (the report's fingerprint)."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _header_cells(header_text: str, delim: str) -> list[str] | None:
    try:
        return next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delim), [""])
    except csv.Error:
        return None


def _simple_start(blob: bytes) -> int | None:
    """The usual export: no quotes, the header on the first line, no lone CR. Then, unless there are
    blank lines, every line is one record and :func:`_split_records` (a scan of every byte into
    offset arrays) is not needed. Returns the offset of the first newline, or None when the file is
    not that simple."""
    first_nl = blob.find(b"\n")
    if first_nl <= 0 or blob.startswith(b"\r\n") or b'"' in blob:
        return None
    if b"\r" in blob and blob.count(b"\r") != blob.count(b"\r\n"):
        return None  # a lone CR also ends a row for pyarrow: lines and rows would not match
    return first_nl


def _block_size(n: int, typed: bool = False) -> int:
    """The CSV reader parses blocks in parallel; its 1 MB default leaves one of two cores idle on a
    clinic-size file (a 650 KB file is one block). Four blocks from 64 KB up; 1 MB from 4 MB on.

    ``typed`` (score columns read as numbers) from 16 MB to 1 GB: one block, so each column is one
    chunk and :func:`_float_values` uses the reader's numbers in place. The parse itself is ~0.1 s
    slower at 3 million rows, but copying seven columns out of a thousand chunks into fresh memory
    took 0.3-0.7 s there (0.05 s in place); below ~16 MB the copies are cheap and blocks win."""
    if typed and _ONE_BLOCK <= n <= 1 << 30:
        return n + 1
    return min(max(n // 4 + 1, 1 << 16), 1 << 20)


_ONE_BLOCK = 16 << 20


def _fast_parse(blob: bytes, offset: int, ncols: int, delim: str, embedded: bool, expected: int | None,
                numeric: tuple[int, ...] = (), skip_empty: bool = True):
    """pyarrow's CSV reader, every column as text exactly as read (untrimmed), except the columns
    ``numeric``, read as float64 (null = empty cell) and left in the reader's chunks. None if it
    cannot (for ``numeric`` columns: a cell that is not a number; with ``skip_empty=False`` and more
    than one column: an empty line), or if it reads another number of rows than ``expected``; with
    ``expected=None``, ``(columns, rows)``."""
    names = [f"c{i}" for i in range(ncols)]
    types = {n: pa.string() for n in names}
    for i in numeric:
        types[names[i]] = pa.float64()
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(blob).slice(offset)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=_block_size(len(blob) - offset,
                                                                                      bool(numeric))),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=embedded,
                                             ignore_empty_lines=skip_empty),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    # Text contiguous: cheap takes and zero-copy numbers. Numbers stay chunked: _float_values copies
    # them out chunk by chunk, and combining would copy them twice.
    cols = [table.column(n) if i in numeric else table.column(n).combine_chunks() for i, n in enumerate(names)]
    if expected is None:
        return cols, table.num_rows
    return cols if table.num_rows == expected else None


_SMALL_FILE = 1 << 20


def _numeric_start(blob: bytes, offset: int, ncols: int, delim: str, candidates: list[int]) -> tuple[int, ...]:
    """The ``candidates`` (column numbers) whose cells in the first rows of the file (64 KB) are all
    empty or numbers: :func:`_fast_parse` reads those as float64. A column with other text further
    down makes that parse fail, and the file is read as text instead (same result, slower)."""
    head = blob[offset:offset + (1 << 16)]
    head = head[:head.rfind(b"\n") + 1]
    parsed = _fast_parse(head, 0, ncols, delim, False, None) if head else None
    if parsed is None:
        return ()
    out = []
    for i in candidates:
        col = parsed[0][i]
        empty = _empty_strings(col)
        try:
            pc.cast(_with_nulls(col, pa.array(empty, type=pa.bool_())) if empty.any() else col, pa.float64())
        except (pa.ArrowException, ValueError):
            continue
        out.append(i)
    return tuple(out)


class _RawLines:
    """The lines of an unquoted CSV whose every line is one record (the :func:`_parse_csv` shortcut),
    to read back the cells of columns parsed as numbers, as written, for the rows that need them
    (values in the exclusion report). Line starts are found on first use."""

    def __init__(self, blob: bytes, delim: str):
        self.blob, self.delim = blob, delim
        self._lines: pa.Array | None = None

    def _all_lines(self) -> pa.Array:
        if self._lines is None:
            buf = np.frombuffer(self.blob, dtype=np.uint8)
            step = 1 << 24  # newline positions block by block: no temporary the size of the file
            nl = np.concatenate([np.flatnonzero(buf[i:i + step] == 10) + i for i in range(0, len(buf), step)]
                                or [np.zeros(0, dtype=np.int64)])
            offsets = np.concatenate([[0], nl + 1, [len(buf)]]).astype(
                np.int32 if len(buf) < 2**31 - 1 else np.int64)
            kind = pa.string() if offsets.dtype == np.int32 else pa.large_string()
            # Line k + 1 (spreadsheet numbering) is element k, its newline included (trimmed later).
            self._lines = pa.Array.from_buffers(kind, len(offsets) - 1, [None, pa.py_buffer(offsets),
                                                                           pa.py_buffer(self.blob)])
        return self._lines

    def cells(self, lines: np.ndarray, field: int) -> pa.Array:
        """Field ``field`` (0-based) of the given lines (1-based), untrimmed."""
        rows = self._all_lines().take(pa.array(np.asarray(lines, dtype=np.int64) - 1, type=pa.int64()))
        parts = pc.split_pattern(rows, self.delim)
        return pc.list_element(parts, field)


def _slow_parse(file: str, text: str, delim: str):
    """Python's csv module: tolerates ragged rows. Returns ``(header, trimmed columns, lines, too_many_lines)``."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as e:
        raise UnreadableFileError(f"{file} is not a readable CSV file ({e}). {_SAVE_AS_CSV}", file=file) from None
    lens = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    nonblank = np.flatnonzero(lens > 0)
    if len(nonblank) == 0:
        raise EmptyDatasetError(f"{file} is empty: it has no header row. Add the header row and data rows.", file=file)
    h = int(nonblank[0])
    header = records[h]
    ncols = len(header)
    data_idx = nonblank[nonblank > h]
    lines = data_idx + 1
    rows = list(map(records.__getitem__, data_idx.tolist()))
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(index=pd.RangeIndex(0))
    too_many = np.zeros(len(rows), dtype=bool)
    if frame.shape[1] > ncols:
        extra = frame.iloc[:, ncols:].fillna("")
        too_many = extra.apply(lambda c: c.astype(str).str.strip() != "").any(axis=1).to_numpy(dtype=bool)
    keep = ~too_many
    cols = []
    for i in range(ncols):
        c = frame[i] if i < frame.shape[1] else pd.Series([""] * len(frame), dtype=object)
        s = pd.Series(c.fillna("").to_numpy(dtype=object), dtype=_STR).str.strip()
        cols.append(pa.array(s.to_numpy(dtype=object)[keep], type=pa.string()))
    return header, cols, lines[keep], lines[too_many]


def _parse_csv(file: str, data: bytes, numeric=None):
    """Returns ``(header cells, columns, lines, lines of rows with too many fields, delimiter, trimmed,
    raw)``.

    ``numeric(header cells)`` may name columns (by number) that will only be read as numbers: in a
    comma-separated file without quotes whose every line is a record, those are parsed straight to
    float64 (the text casts were a quarter of loading a registry-size file), and ``raw`` gives back
    their text as written (:class:`_RawLines`); otherwise every column is text and ``raw`` is None."""
    if not data[:4096].strip(b" \t\r\n\xef\xbb\xbf") and not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise EmptyDatasetError(f"{file} is empty. Give a file with a header row and data rows.", file=file)
    limits.check_text_file(file, data)
    text, blob = _decode(file, data)
    # (ASCII without control bytes: bytes.strip() removes exactly what str.strip() would)
    shown = blob if text is None else text
    if not shown[:4096].strip() and not shown.strip():
        raise EmptyDatasetError(f"{file} is empty. Give a file with a header row and data rows.", file=file)
    pyarrow_failed = False
    first_nl = _simple_start(blob)
    if first_nl is not None:
        header_text = blob[:first_nl].decode("utf-8").rstrip("\r")
        delim = _sniff_delimiter(header_text)
        header = _header_cells(header_text, delim)
        if header is not None:
            ncols = len(header)
            # With more than one column an empty line fails the parse instead of being skipped, so a
            # parse that succeeds has read every line as a row: line numbers without counting lines.
            strict = ncols > 1
            cand = [i for i in (numeric(header) if numeric is not None and delim == "," else ()) if i < ncols]
            # A file of up to 1 MB is parsed typed straight away (a failed try costs a few ms); a larger
            # one only if its first 64 KB show those columns to be numbers.
            typed = () if not cand else tuple(cand) if len(blob) <= _SMALL_FILE else _numeric_start(
                blob, first_nl + 1, ncols, delim, cand)
            parsed = None
            if typed:
                parsed = _fast_parse(blob, first_nl + 1, ncols, delim, False, None, typed, skip_empty=not strict)
            if parsed is None:  # no numeric columns, or a cell further down is not a number: all text
                parsed = _fast_parse(blob, first_nl + 1, ncols, delim, False, None, skip_empty=not strict)
            if parsed is not None and parsed[1]:
                n = parsed[1]
                if strict or n == blob.count(b"\n") - (1 if blob.endswith(b"\n") else 0):
                    raw = _RawLines(blob, delim) if any(not _is_text_type(c.type) for c in parsed[0]) else None
                    # ASCII cells without a space or tab are already trimmed (control bytes were refused
                    # and CR/LF end lines): every trim and white-space test can be skipped.
                    trimmed = text is None and blob.find(b" ", first_nl) < 0 and blob.find(b"\t", first_nl) < 0
                    return (header, parsed[0], np.arange(2, n + 2, dtype=np.int64), np.array([], dtype=np.int64),
                            delim, trimmed, raw)
            # Otherwise: blank lines (found the general way below), no data rows, or pyarrow cannot read
            # it; then (one column) it would not on the general path either (same bytes and options).
            pyarrow_failed = parsed is None and not strict
    starts, ends, embedded = _split_records(blob)
    buf = np.frombuffer(blob, dtype=np.uint8)
    lengths = ends - starts
    first = buf[np.minimum(starts, len(buf) - 1)]
    blank = (lengths == 0) | ((lengths == 1) & (first == 13))
    nonblank = np.flatnonzero(~blank)
    h = int(nonblank[0])
    header_text = blob[starts[h]:ends[h]].decode("utf-8").rstrip("\r")
    data_rec = nonblank[nonblank > h]
    delim = _sniff_delimiter(header_text)
    header = _header_cells(header_text, delim)
    cols = None
    if header is not None:
        if len(data_rec) == 0:
            cols = [pa.array([], type=pa.string()) for _ in header]
        elif not pyarrow_failed:
            cols = _fast_parse(blob, int(starts[h + 1]), len(header), delim, embedded, len(data_rec))
    if cols is None:
        header, cols, lines, too_many = _slow_parse(file, blob.decode("ascii") if text is None else text, delim)
        trimmed = True
    else:
        lines, too_many, trimmed = data_rec + 1, np.array([], dtype=np.int64), False
    return header, cols, lines.astype(np.int64), too_many.astype(np.int64), delim, trimmed, None


def _parse_parquet(file: str, data: bytes):
    """Returns ``(header, columns, lines, [])``: float64 (without NaN) and integer columns stay numbers,
    every other column becomes text as before (``""`` for a null)."""
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as e:  # pyarrow raises several types for corrupt or non-Parquet bytes
        raise UnreadableFileError(f"{file} is not a readable Parquet file ({type(e).__name__}: {e}). "
                                  "Write it again with pandas/pyarrow, or give a CSV file.", file=file) from None
    header = list(table.column_names)
    cols = []
    for name, col in zip(header, table.columns):
        col = col.combine_chunks()
        if pa.types.is_integer(col.type) or (pa.types.is_float64(col.type) and not pc.any(pc.is_nan(col)).as_py()):
            cols.append(col)
            continue
        try:
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            text = pc.cast(col, pa.string())
        except (pa.ArrowException, ValueError):
            raise UnreadableFileError(f"{file}: column {name!r} has type {col.type}, which cannot be read as "
                                      "text or numbers. Store it as text or numbers.", file=file, column=str(name)) from None
        cols.append(pc.fill_null(text, ""))
    lines = np.arange(table.num_rows, dtype=np.int64) + 2  # as the same table would be numbered in a CSV
    return header, cols, lines, np.array([], dtype=np.int64)


# --------------------------------------------------------------------------------------------------
# Typed views of text cells
# --------------------------------------------------------------------------------------------------

def _na_tokens(arr) -> pa.BooleanArray:
    """Cells that are one of :data:`NA_TOKENS` in any case (NaN, N/A, Null). ASCII lower-casing finds
    exactly what Unicode lower-casing would: the tokens are ASCII, and no other character lower-cases
    to one of their letters (tests/analysis/test_load_numeric.py); Arrow's Unicode tables cost ~2 ms
    to set up on first use."""
    return pc.is_in(pc.ascii_lower(arr), value_set=_NA_TOKEN_ARRAY)


def _holds_digit(arr: pa.Array) -> np.ndarray:
    """Cells (of a string array without nulls) holding an ASCII digit, from the string buffers."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset)
    data = arr.buffers()[2]
    digit = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    run = np.concatenate(([0], np.cumsum((digit >= 48) & (digit <= 57))))
    return run[offsets[1:]] > run[offsets[:-1]]


def _numbers(s, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text cells (an Arrow string array, or anything ``pa.array`` reads as one) -> ``(float values,
    missing mask, not-a-number mask)``.

    Missing = empty or one of :data:`NA_TOKENS`; not a number = anything else that does not parse as
    a finite number. With ``decimal_comma`` (semicolon/tab files) ``7,5`` reads as 7.5. Arrow's
    kernels throughout (pandas' string methods cost ~1 ms a call, even on a handful of texts).
    """
    arr = s if isinstance(s, (pa.Array, pa.ChunkedArray)) else pa.array(s, type=pa.string())
    na = _na_tokens(arr)
    missing = np.asarray(_to_numpy(na), dtype=bool)
    t = pc.if_else(na, "0", arr) if missing.any() else arr
    if decimal_comma:
        t = pc.replace_substring(t, ",", ".")
    try:
        vals = _to_numpy(pc.cast(t, pa.float64()))
    except (pa.ArrowException, ValueError):
        # Arrow refuses the whole column if one cell is not a number: pandas reads the others.
        vals = pd.to_numeric(np.asarray(_to_numpy(t), dtype=object), errors="coerce")
    vals = np.array(vals, dtype=float, copy=True)
    vals[missing] = np.nan
    bad = ~missing & ~np.isfinite(vals)
    vals[bad] = np.nan
    return vals, missing, bad


def _dates(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 text (as codes into distinct texts) -> ``(int64 nanoseconds since 1970 UTC, unparseable mask)``."""
    codes = np.asarray(codes, dtype=np.int64)
    if len(uniques) == 0:
        return np.zeros(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=bool)
    texts = pd.Index(np.asarray(uniques, dtype=object)).astype(str)
    # Values with and without a time zone are parsed apart: in one call, pandas (2.3) gives a value
    # without a zone the offset of a zoned value parsed before it (10:00 after 10:00-00:30 became
    # 10:30 UTC). Without a zone a time is taken as written.
    zoned = np.asarray(texts.str.contains(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$",
                                          case=False, regex=True), dtype=bool)
    ns = np.zeros(len(texts), dtype=np.int64)
    ok = np.zeros(len(texts), dtype=bool)
    for part in (zoned, ~zoned):
        if part.any():
            parsed = pd.to_datetime(texts[part], format="ISO8601", errors="coerce", utc=True)
            good = ~np.asarray(parsed.isna())
            ns[np.flatnonzero(part)[good]] = parsed.asi8[good]
            ok[np.flatnonzero(part)[good]] = True
    return ns[codes], ~ok[codes]


def _columns_phrase(names: list[str]) -> str:
    quoted = ", ".join(repr(n) for n in names)
    return f"column {quoted} was" if len(names) == 1 else f"columns {quoted} were"


# --------------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------------

class _Loader:
    """One load: reads files, runs every check and keeps the ledger of exclusions."""

    def __init__(self, cmap: dict[str, str], drop_identifiers: bool):
        self.cmap = cmap
        self.drop_identifiers = drop_identifiers
        self.notes: list[str] = []
        self.dropped: list[tuple[str, str, str]] = []
        # The exclusions, one part per call of exclude: (file, lines, {column: array or one value}).
        self.parts: list[tuple[str, np.ndarray, dict]] = []
        self.read: dict[str, int] = {}
        self.used_keys: set[str] = set()
        self.content_answers: dict = {}  # the identifier guard's answers by set of values, for all files of the load
        self.guard_later: list = []  # (table, columns, date columns) the guard checks in finish_guard

    # ---- the ledger -------------------------------------------------------------------------------
    def exclude(self, t: _Table, mask: np.ndarray, column: str | None | np.ndarray, reason: str | np.ndarray,
                value: np.ndarray | None = None) -> None:
        """Exclude the rows of ``t`` in ``mask`` that are still in use, recording one entry per row."""
        m = np.asarray(mask, dtype=bool) & t.alive
        if not m.any():
            return
        idx = np.flatnonzero(m)
        if isinstance(column, np.ndarray):
            col_text = column[idx]
        else:
            col_text = ROW if column is None else t.header.get(column, column)
        if value is not None:
            val = np.asarray(value, dtype=object)[idx]
        elif column is None or isinstance(column, np.ndarray):
            val = ""
        else:
            val = t.text(column, idx)
        why = reason[idx] if isinstance(reason, np.ndarray) else reason
        self.parts.append((t.file, t.line[idx], {"column": col_text, "value": val, "reason": why}))
        t.alive &= ~m

    # ---- reading ----------------------------------------------------------------------------------
    def read_table(self, role: str, name: str, data: bytes, parsed: Future | None = None) -> _Table:
        """One file's table, identifier guard included. ``parsed``: :func:`_parse_csv` of it, started
        earlier on a worker thread."""
        if name.lower().endswith(".parquet"):
            header, cols, lines, too_many = _parse_parquet(name, data)
            decimal_comma = trimmed = False
            raw = None
        else:
            header, cols, lines, too_many, delim, trimmed, raw = parsed.result() if parsed is not None else (
                _parse_csv(name, data, self.numeric_columns if role == "assessments" else None))
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
            self.parts.append((name, np.asarray(too_many, dtype=np.int64),
                               {"column": ROW, "value": "", "reason": R_EXTRA_FIELDS.format(n=len(header))}))
        self.guard(t, role)
        return t

    def guard(self, t: _Table, role: str) -> None:
        """The identifier guard: refuse (or drop) columns that look like direct identifiers.

        Every row is checked: the content checks take each column's distinct values, whose set
        decides the verdict (analysis/identifiers.py). For a text column these are the sorted
        distinct trimmed texts of ``t.codes``, which the later checks use anyway (computed once,
        cached on the table). A column read as numbers (the CSV reader's score columns, Parquet
        numbers) can only be flagged if it holds a number of 7 digits or more: one min and max
        decide, and only then is its text read back. The patient ids of a registry-size
        assessments file are checked by :meth:`finish_guard`, once their codes (started on a
        worker thread right after this file is read) are ready, before any check uses them.
        """
        dates = {c for c in ("date", "datetime") if c in t.columns} if role != "patients" else set()
        # A combined file (assessments with a treatment column) is split into two tables before the
        # checks, which compute their own codes: here Arrow's distinct texts are cheaper.
        reuse = not (role == "assessments" and "treatment" in t.cols)
        later = ("patient_id",) if (reuse and role == "assessments" and t.n >= 100_000 and "patient_id" in t.cols
                                    and t.is_text("patient_id")) else ()  # 100_000: as in _Table.prefetch
        distinct = {}
        for c in t.columns:
            col = t.cols[c]
            if c in later:
                continue
            if _is_text_type(col.type):
                distinct[c] = t.codes(c)[1] if reuse else pc.unique(t.text_array(c))
            elif identifiers.numbers_never_flagged(col):
                distinct[c] = []
            else:
                distinct[c] = pc.unique(t.text_array(c))
        self.refuse_identifiers(t, distinct, dates, mappable=role != "patients")
        if later:
            self.guard_later.append((t, later, dates))

    def finish_guard(self) -> None:
        """The checks :meth:`guard` left for later (registry-size patient ids)."""
        for t, columns, dates in self.guard_later:
            self.refuse_identifiers(t, {c: t.codes(c)[1] for c in columns if c in t.cols}, dates)
        self.guard_later = []

    def refuse_identifiers(self, t: _Table, distinct: dict, dates: set[str], mappable: bool = True) -> None:
        """Refuse (or drop) the columns of ``distinct`` (column -> distinct texts) that look like identifiers.
        ``mappable``: the file may hold visit or treatment dates (not the patients file)."""
        found = identifiers.find_identifier_columns(
            distinct, t.header, skip_name_check={c for c in distinct if c in CANONICAL_NAMES}, date_columns=dates,
            cache=self.content_answers, distinct=True, dates_mappable=mappable)
        if not found:
            return
        if not self.drop_identifiers:
            listed = "; ".join(f"column {t.header[c]!r}: {why}" for c, why in found)
            first = t.header[found[0][0]]
            raise IdentifierError(
                f"{t.file}: {'a column looks' if len(found) == 1 else 'columns look'} like direct identifiers "
                f"({listed}). The data must be anonymised: remove the column from the file, or load with "
                "drop_identifiers=True (CLI: --drop-identifiers) to drop it.", file=t.file, column=first)
        for c, why in found:
            self.dropped.append((t.file, t.header[c], why))
            del t.header[c]
        t.drop([c for c, _ in found])

    # ---- shared checks ----------------------------------------------------------------------------
    def require(self, t: _Table, columns: tuple[str, ...], what: str) -> None:
        for c in columns:
            if c not in t.cols:
                found = ", ".join(t.header.values()) or "none"
                dropped = [col for f, col, _ in self.dropped if f == t.file]
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
        ns, bad = _dates(*t.codes(time_col))
        self.exclude(t, bad, time_col, R_DATE.format(col=t.header[time_col]))
        return ns

    def check_listed(self, t: _Table, listed: pd.Index | None, patients_file: str | None) -> None:
        if listed is not None:
            code, uniq = t.codes("patient_id")  # test the distinct ids, not every cell
            ok = pc.is_in(pa.array(uniq, type=pa.string()),
                          value_set=pa.array(listed.to_numpy(dtype=object), type=pa.string()))
            absent = ~np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool)[code]
            self.exclude(t, absent, "patient_id", R_NOT_LISTED.format(file=patients_file))

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
                cov[c] = t.typed(c, idx)
        return listed, pd.DataFrame(cov)

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
            resolved = []
            for u in labels:
                new, mapped = resolve(u, self.cmap)
                if mapped:
                    self.used_keys.add(normalize_name(u))
                resolved.append(new)
            names = sorted(set(resolved) - {""})
            index = {n: i for i, n in enumerate(names)}
            to_m = np.array([index.get(n, -1) for n in resolved] + [-1], dtype=np.int64)
            mcode = to_m[label_code]
            self.exclude(t, mcode < 0, "measure", R_MEASURE)
            vals, missing, bad = t.numbers("value")
            self.exclude(t, missing, "value", R_VALUE_MISSING)
            self.exclude(t, bad, "value", R_NOT_NUMBER)
            lo = np.full(len(names) + 1, -np.inf)
            hi = np.full(len(names) + 1, np.inf)
            reasons = np.array([_range_reason(n) if n in KNOWN_MEASURES else "" for n in names] + [""], dtype=object)
            for i, n in enumerate(names):
                if n in KNOWN_MEASURES:
                    lo[i] = KNOWN_MEASURES[n]["min"]
                    hi[i] = KNOWN_MEASURES[n]["max"] if KNOWN_MEASURES[n]["max"] is not None else np.inf
            with np.errstate(invalid="ignore"):
                out = (vals < lo[mcode]) | (vals > hi[mcode])
            self.exclude(t, out, "value", reasons[mcode])
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
            mask = np.zeros(n, dtype=bool)
            mask[rows] = True
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
        # Clinic-size files: the other CSV files are parsed on a worker thread while this one parses
        # and checks the assessments (Arrow's parser releases the GIL; ~1 ms of 20 at 1,000 patients).
        # At registry size the parses already fill both cores, and this was slower. Errors surface
        # when a file's turn comes, in the same order as reading one after the other.
        small = sum(len(d) for _, d in found.values()) < _SMALL_FILE * 4
        early = {role: found[role] for role in ROLES[1:]
                 if role in found and not found[role][0].lower().endswith(".parquet")}
        parsed = {}
        if small and early and (os.cpu_count() or 1) > 1:
            reader = ThreadPoolExecutor(max_workers=1)
            parsed = {role: reader.submit(_parse_csv, *found[role]) for role in early}
            reader.shutdown(wait=False)
        for role in ROLES:
            if role in found:
                tables[role] = self.read_table(role, *found[role], parsed=parsed.get(role))
                if role == "assessments" and not (single and "treatment" in tables[role].cols):
                    # The number casts start now, on two threads, and overlap the reading and checks of
                    # the other files; assessment_rows collects them.
                    tables[role].prefetch(self.numeric_candidates(tables[role]), ("patient_id",), wait=False)
                if fingerprint is None:
                    # The fingerprint (SHA-256 of every byte) runs on a thread of its own (hashlib
                    # releases the GIL), started once the assessments file is parsed: it then overlaps
                    # the one-threaded checks instead of slowing the parse, which uses both cores.
                    # A few MB hash in a few ms: cheaper here than starting a thread.
                    if small:
                        fingerprint = Future()
                        fingerprint.set_result(_fingerprint(list(found.values())))
                    else:
                        hasher = ThreadPoolExecutor(max_workers=1)
                        fingerprint = hasher.submit(_fingerprint, list(found.values()))
                        hasher.shutdown(wait=False)
        self.finish_guard()
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
                + self.top_reason(report, a.file) + "). Fix the rows listed in the load report, then load again.",
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
        idx = np.arange(a.n) if everyone else np.flatnonzero(a.alive)
        order, same = _order_and_ties(keys if everyone else [k[idx] for k in keys])
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
            rows = rows[a.alive[rows]]
            in_order = False
        a_ids = a.codes("patient_id")[1]
        names = list(measures.names)
        assessed = np.zeros(len(a_ids), dtype=bool)
        if long:  # no duplicate keys are left in long form, and the rows are sorted
            p_ = pcode[rows]
            assessed[p_] = True
            return (p_, day[rows], measures.mcode[rows], measures.values[rows]), assessed
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
        # Built with numpy and made a DataFrame once: a handful of pandas calls here were ~2 ms of a
        # small clinic's load even with nothing excluded.
        order = {name: i for i, name in enumerate(self.read)}
        sizes = [len(lines) for _, lines, _ in self.parts]
        fcode = np.repeat(np.array([order[f] for f, _, _ in self.parts], dtype=np.int64), sizes)
        lines = np.concatenate([np.zeros(0, np.int64)] + [np.asarray(x, dtype=np.int64) for _, x, _ in self.parts])
        rank = np.lexsort((lines, fcode))  # by file (in reading order), then line; stable

        def column(name: str) -> np.ndarray:
            out = np.empty(len(lines), dtype=object)
            pos = 0
            for size, (_, _, part) in zip(sizes, self.parts):
                out[pos:pos + size] = part[name]
                pos += size
            return out[rank]

        files_col = np.array(list(order), dtype=object)[fcode[rank]] if len(lines) else np.empty(0, dtype=object)
        ex = pd.DataFrame(dict(zip(EXCLUSION_COLUMNS, (files_col, lines[rank], column("column"), column("value"),
                                                       column("reason")))), copy=False)  # fresh arrays
        counts = np.bincount(fcode, minlength=len(order))
        files = {}
        for name, n in self.read.items():
            k = int(counts[order[name]])
            files[name] = FileCounts(rows_read=n, rows_used=n - k, rows_excluded=k)
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
        return LoadReport(files=files, exclusions=ex, dropped_identifier_columns=list(self.dropped),
                          notes=notes, fingerprint=fingerprint)

    @staticmethod
    def top_reason(report: LoadReport, file: str) -> str:
        ex = report.exclusions[report.exclusions["file"] == file]
        if len(ex) == 0:
            return ""
        top = ex["reason"].value_counts().index[0]
        line = int(ex.loc[ex["reason"] == top, "line"].iloc[0])
        return f"; most often: {top}, e.g. line {line}"

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
        return pd.DataFrame(out)

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
