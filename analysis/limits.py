"""Resource limits for input files: refuse, before parsing, what would exhaust memory or CPU.

A file that the loader cannot hold (a CSV without a line break needs about 440 times its size; a
zip of zeros unpacks to gigabytes; a 600 KB header of 100,000 columns takes minutes to validate)
is refused with a message that says what and how much, instead of a ``MemoryError``, a native
abort or a server that stalls for every user (issue 15, findings 3-5). Every check runs on the raw
bytes, in time linear in the file size and memory independent of it.

The limits (environment variable, default)
-----------------------------------------
``CRPS_MAX_MEMORY_MB`` (2048)
    The memory one dataset may need while it is loaded: the estimate of
    :func:`estimate_text_memory` summed over the files of a dataset.
``CRPS_MAX_UNZIPPED_MB`` (1024)
    The total size of the files read from one zip (declared sizes, and counted while unpacking).
``CRPS_MAX_ZIP_RATIO`` (200)
    The largest ratio of unpacked to packed size of a zip member. Tables of numbers compress 5-20
    times; a zip bomb compresses a thousand times or more.
``CRPS_MAX_COLUMNS`` (2000)
    Columns of one file (counted in its header line). Validation time grows with the number of
    columns (10,000 columns: about 4 s).
``CRPS_MAX_LINE_KB`` (1024)
    The longest line of a text file, in KiB (a file without line breaks is one line).
``CRPS_MAX_ZIP_FILES`` (200)
    The files one zip may hold (folders, ``__MACOSX/`` and hidden files not counted). A clinic's export
    holds a handful (REDCap: the records and the data dictionary; an EHR extract: a table per kind of
    record); one folder per site with a few files each stays under 200 for 50 sites. Each file is read,
    checked and reported on its own (about 10-100 ms each), so 10,000 tiny files in a 2 MB zip took minutes.

Values are read when a check runs, so a test or a server can change them with the environment
(``CRPS_MAX_COLUMNS=5000 python -m analysis validate ...``). Non-numbers or values <= 0 are
ignored (the default applies). See docs/security.md.

API (for every reader: analysis/load.py and analysis/io/)
--------------------------------------------------------
``check_text_file(name, data)``
    Before parsing a CSV/TSV/text file: line length, number of columns and the memory estimate.
``check_columns(name, columns)``
    The column limit alone, for a table whose columns are not separators (column-aligned text).
``check_parquet_file(name, data)``
    Before reading a Parquet file: columns and the uncompressed size from its footer.
``check_dataset_files(files)``
    Before loading several files together: the sum of their memory estimates.
``safe_unzip(name, data, keep=None) -> list[(member name, bytes)]``
    Unpack a zip (the members ``keep(member name)`` accepts), refusing bombs from the declared
    sizes before anything is unpacked and counting while unpacking (declared sizes can lie).
``check_archive(name, zf, members)``
    The declared-size part of ``safe_unzip`` for a caller that unpacks by itself.

Every refusal raises :class:`analysis.errors.ResourceLimitError` (a ``DatasetError``), whose
message names the file, the amount, the limit and the environment variable that changes it.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

import numpy as np

from .errors import ResourceLimitError

__all__ = ["Limits", "current", "check_text_file", "check_columns", "check_parquet_file", "check_dataset_files",
           "estimate_text_memory", "safe_unzip", "check_archive", "ResourceLimitError"]

MB = 1024 ** 2

#: name -> (environment variable, default, unit in bytes)
_SETTINGS = {
    "max_memory": ("CRPS_MAX_MEMORY_MB", 2048, MB),
    "max_unzipped": ("CRPS_MAX_UNZIPPED_MB", 1024, MB),
    "max_zip_ratio": ("CRPS_MAX_ZIP_RATIO", 200, 1),
    "max_columns": ("CRPS_MAX_COLUMNS", 2000, 1),
    "max_line": ("CRPS_MAX_LINE_KB", 1024, 1024),
    "max_zip_files": ("CRPS_MAX_ZIP_FILES", 200, 1),
}

# Memory model of the loader (analysis/load.py), fitted on the growth of the peak resident memory
# while loading generated files: the benchmark registry of 100,000 patients in long form (195 MB,
# 8.9 million rows x 4 columns: +1,405 MB) and wide (64 MB, 3.0 million rows x 8: +584 MB), 200,000
# rows x 43 columns (20 MB: +176 MB) and 5 rows x 10,000 columns (+68 MB); with a margin of 20%:
#   bytes needed = 2 x file size + 77 x rows + 9.4 x cells + 8 KiB x columns.
# It is within about 30% of the measured growth for these shapes (under it for files full of
# duplicate rows, whose exclusions cost more). Refitting: bench/ and docs/security.md.
_PER_BYTE, _PER_ROW, _PER_CELL, _PER_COLUMN, _MARGIN = 2.0, 77.0, 9.4, 8192.0, 1.2


@dataclass(frozen=True)
class Limits:
    """The limits in force (bytes, or a count / ratio). See the module docstring."""

    max_memory: int
    max_unzipped: int
    max_zip_ratio: float
    max_columns: int
    max_line: int
    max_zip_files: int = 200

    def env(self, field: str) -> str:
        """The environment variable of a limit, e.g. ``CRPS_MAX_COLUMNS``."""
        return _SETTINGS[field][0]


def current() -> Limits:
    """The limits now: defaults, overridden by the environment variables."""
    vals = {}
    for field, (var, default, unit) in _SETTINGS.items():
        raw = os.environ.get(var, "")
        try:
            v = float(raw)
            v = v if np.isfinite(v) and v > 0 else default
        except ValueError:
            v = default
        vals[field] = v * unit if field == "max_zip_ratio" else int(v * unit)
    return Limits(**vals)


def _size(n: float) -> str:
    """Bytes as a short human amount: ``1.4 GB``, ``310 MB``, ``12 KB``."""
    for unit, f in (("GB", 1024 ** 3), ("MB", MB), ("KB", 1024)):
        if n >= f:
            v = n / f
            return f"{v:.1f} {unit}" if v < 10 else f"{v:,.0f} {unit}"
    return f"{int(n)} bytes"


@dataclass(frozen=True)
class TextShape:
    """What the checks learn from a text file's bytes: rows (line breaks), header columns, longest line."""

    size: int
    rows: int
    columns: int
    longest_line: int  # length of a line longer than the limit asked for (0: none)
    longest_at: int    # its 1-based line number


def _count_byte(data: bytes, byte: int, chunk: int = 4 * MB) -> int:
    """Occurrences of one byte value, counted with numpy in 4 MB chunks (3-8 times faster than
    ``bytes.count``, with 4 MB of scratch memory)."""
    mv = memoryview(data)
    return sum(int(np.count_nonzero(np.frombuffer(mv[i:i + chunk], dtype=np.uint8) == byte))
               for i in range(0, len(data), chunk))


def text_shape(data: bytes, max_line: int | None = None) -> TextShape:
    """Count lines and the header's columns, and find a line longer than ``max_line`` bytes.

    A line ends at ``\\n`` (or at ``\\r`` in a file with no ``\\n``: old Mac line endings). The
    header's columns are the separators of the most frequent kind (comma, semicolon, tab) in the
    first line, plus one (quoted separators are counted too: an upper bound). ``longest_line`` is
    the length of the first line longer than ``max_line`` (0 when there is none, or without
    ``max_line``). Time: a few memchr passes over the bytes; memory: none beyond them.
    """
    nl = b"\n" if b"\n" in data or b"\r" not in data else b"\r"
    n = len(data)
    first_end = data.find(nl)
    header = data[: first_end if first_end >= 0 else min(n, 64 * MB)]
    columns = max(header.count(b","), header.count(b";"), header.count(b"\t")) + 1 if header.strip() else 0
    rows = _count_byte(data, nl[0]) + (1 if n and not data.endswith(nl) else 0)
    longest, longest_at = 0, 0
    if max_line is not None:
        # Jump from line break to the last line break within max_line bytes: a window without one
        # holds part of a line longer than max_line. Two jumps advance at least max_line bytes.
        pos = 0
        while n - pos > max_line:
            last = data.rfind(nl, pos, pos + max_line + 1)
            if last < 0:
                end = data.find(nl, pos)
                longest = (end if end >= 0 else n) - pos
                longest_at = data.count(nl, 0, pos) + 1
                break
            pos = last + 1
    return TextShape(n, rows, columns, longest, longest_at)


def estimate_text_memory(shape: TextShape) -> int:
    """Bytes the loader needs for a text file of this shape (see the model above)."""
    data_rows = max(shape.rows - 1, 0)
    cols = max(shape.columns, 1)
    need = (_PER_BYTE * shape.size + _PER_ROW * data_rows + _PER_CELL * data_rows * cols
            + _PER_COLUMN * cols)
    return int(_MARGIN * need)


def _refuse(name: str, message: str) -> None:
    raise ResourceLimitError(f"{name}: {message}", file=name)


def check_text_file(name: str, data: bytes, limits: Limits | None = None) -> int:
    """Refuse a text file that would need too much memory or CPU; return its memory estimate.

    Checks, in this order: the longest line (``CRPS_MAX_LINE_KB``), the header's columns
    (``CRPS_MAX_COLUMNS``), the memory estimate (``CRPS_MAX_MEMORY_MB``).

    Raises
    ------
    ResourceLimitError
        With a message such as "assessments.csv: this file would need about 3.1 GB of memory to
        load; the limit is 2.0 GB (CRPS_MAX_MEMORY_MB)".
    """
    lim = limits or current()
    shape = text_shape(data, max_line=lim.max_line)
    if shape.longest_line > lim.max_line:
        if shape.rows <= 1:
            _refuse(name, f"no line break in the first {_size(shape.longest_line)}, so it is not a table of rows "
                          f"(the longest line allowed is {_size(lim.max_line)}, {lim.env('max_line')}). "
                          "Is it a CSV file? Save the table as CSV and load that file.")
        _refuse(name, f"line {shape.longest_at:,} is {_size(shape.longest_line)} long; the limit is "
                      f"{_size(lim.max_line)} ({lim.env('max_line')}). Check that the file is a CSV table with "
                      "one row per line.")
    check_columns(name, shape.columns, lim, about=True)
    need = estimate_text_memory(shape)
    if need > lim.max_memory:
        _refuse(name, f"this file ({_size(shape.size)}, {shape.rows:,} lines x {shape.columns:,} columns) would "
                      f"need about {_size(need)} of memory to load; the limit is {_size(lim.max_memory)} "
                      f"({lim.env('max_memory')}). Split it (e.g. by year), or raise the limit on a machine "
                      "with more memory.")
    return need


def check_columns(name: str, columns: int, limits: Limits | None = None, about: bool = False) -> None:
    """Refuse a table whose header has more than ``CRPS_MAX_COLUMNS`` columns (``about``: the count is an upper
    bound, as separators counted in the raw header line). Used for delimited text and for column-aligned text
    (:mod:`analysis.io.fixed_width`, whose columns are the runs of its line of dashes)."""
    lim = limits or current()
    if columns > lim.max_columns:
        _refuse(name, f"the header has {'about ' if about else ''}{columns:,} columns; the limit is {lim.max_columns:,} "
                      f"({lim.env('max_columns')}). Keep only the columns the analysis needs (patient_id, day, "
                      "scores, treatment, covariates).")


def check_parquet_file(name: str, data: bytes, limits: Limits | None = None) -> int:
    """Refuse a Parquet file with too many columns or too large unpacked; return its estimate.

    Reads only the footer (the metadata); the estimate is the uncompressed size of its row groups
    times 4 (Arrow buffers, then the loader's text and number views), plus the per-column cost.
    A footer that cannot be read is left to the reader (which says why).
    """
    lim = limits or current()
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(io.BytesIO(data)).metadata
    except Exception:  # noqa: BLE001 - not our verdict: the reader explains unreadable files
        return 0
    if meta.num_columns > lim.max_columns:
        _refuse(name, f"{meta.num_columns:,} columns; the limit is {lim.max_columns:,} ({lim.env('max_columns')}). "
                      "Keep only the columns the analysis needs.")
    raw = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    need = int(_MARGIN * (4 * raw + _PER_ROW * meta.num_rows + _PER_COLUMN * meta.num_columns))
    if need > lim.max_memory:
        _refuse(name, f"this file ({meta.num_rows:,} rows x {meta.num_columns:,} columns, {_size(raw)} unpacked) "
                      f"would need about {_size(need)} of memory to load; the limit is {_size(lim.max_memory)} "
                      f"({lim.env('max_memory')}). Split it, or raise the limit on a machine with more memory.")
    return need


def check_dataset_files(files, limits: Limits | None = None) -> int:
    """Check every file of a dataset and their memory estimates together; return the total.

    ``files``: ``(name, bytes)`` pairs or a ``{name: bytes}`` dict. Parquet files (by name) are
    checked with :func:`check_parquet_file`, zips are skipped (unpack them with
    :func:`safe_unzip` first), every other file as text.
    """
    lim = limits or current()
    items = list(files.items()) if isinstance(files, dict) else list(files)
    total = 0
    for name, data in items:
        low = str(name).lower()
        if low.endswith(".zip"):
            continue
        total += (check_parquet_file if low.endswith(".parquet") else check_text_file)(name, data, lim)
    if len(items) > 1 and total > lim.max_memory:
        names = ", ".join(str(n) for n, _ in items)
        raise ResourceLimitError(
            f"These files ({names}) would together need about {_size(total)} of memory to load; the limit is "
            f"{_size(lim.max_memory)} ({lim.env('max_memory')}). Load fewer rows (e.g. one period at a time), or "
            "raise the limit on a machine with more memory.")
    return total


def check_archive(name: str, zf: zipfile.ZipFile, members=None, limits: Limits | None = None) -> None:
    """Refuse a zip whose members (default: all files) declare too much, before unpacking any.

    Checks the sum of the declared unpacked sizes (``CRPS_MAX_UNZIPPED_MB``) and each member's
    ratio of unpacked to packed size (``CRPS_MAX_ZIP_RATIO``).
    """
    lim = limits or current()
    infos = [i for i in (members if members is not None else zf.infolist()) if not i.is_dir()]
    total = sum(i.file_size for i in infos)
    if total > lim.max_unzipped:
        _refuse(name, f"it unpacks to {_size(total)}; the limit is {_size(lim.max_unzipped)} "
                      f"({lim.env('max_unzipped')}). Split the dataset, or give the files unzipped.")
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > MB and ratio > lim.max_zip_ratio:
            _refuse(name, f"{i.filename} unpacks from {_size(i.compress_size)} to {_size(i.file_size)} "
                          f"({ratio:,.0f} times; the limit is {lim.max_zip_ratio:g}, {lim.env('max_zip_ratio')}). "
                          "Such a file is not a table of patient data; re-create the zip from the CSV files.")


def _read_capped(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, lim: Limits) -> bytes:
    """Unpack one member in 1 MB steps, refusing as soon as the budget or the ratio is passed."""
    out = bytearray()
    cap = min(budget, int(lim.max_zip_ratio * max(info.compress_size, 1)) if info.compress_size else budget)
    with zf.open(info) as f:
        while True:
            block = f.read(MB)
            if not block:
                break
            out += block
            if len(out) > budget:
                _refuse(name, f"it unpacks to more than {_size(lim.max_unzipped)} (its declared sizes are "
                              f"wrong); the limit is {lim.env('max_unzipped')}. Re-create the zip.")
            if len(out) > max(cap, MB):
                _refuse(name, f"{info.filename} unpacks to more than {lim.max_zip_ratio:g} times its packed size "
                              f"({lim.env('max_zip_ratio')}). Re-create the zip from the CSV files.")
    return bytes(out)


#: The files of a zip a load may read (tables, workbooks, statistical files, mappings, nested zips).
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".rpt", ".parquet", ".xlsx", ".xlsm", ".xls", ".ods", ".sav",
                  ".zsav", ".por", ".dta", ".sas7bdat", ".xpt", ".json", ".toml", ".zip", ".htm", ".html")


def safe_unzip(name: str, data: bytes, keep=None, limits: Limits | None = None) -> list[tuple[str, bytes]]:
    """Unpack the members of a zip that ``keep(member_name)`` accepts (default: all files).

    Directories, ``__MACOSX/`` and hidden files are skipped. A zip of more such files than
    ``CRPS_MAX_ZIP_FILES`` is refused before any is unpacked. The declared sizes are checked first
    (:func:`check_archive`); while unpacking, the bytes are counted and the unpacking stops at the
    limit, so a zip whose headers lie is refused too.

    Returns
    -------
    list of (member name as stored, bytes)
        Member names are returned as stored: they must never be used as paths as they are.

    Raises
    ------
    ResourceLimitError
        A zip bomb or an archive over the limits.
    zipfile.BadZipFile, RuntimeError, NotImplementedError
        Not a zip, encrypted, unsupported compression (the caller says what to do).
    """
    lim = limits or current()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and "__MACOSX" not in i.filename
                 and not i.filename.rsplit("/", 1)[-1].startswith(".")
                 and (keep is None or keep(i.filename))]
        # Only the files a load reads count (a multi-site study's README, codebook.pdf and logos do not).
        data = [i for i in infos if i.filename.lower().endswith(_DATA_SUFFIXES)]
        if len(data) > lim.max_zip_files:
            _refuse(name, f"it holds {len(data):,} data files; the limit is {lim.max_zip_files:,} ({lim.env('max_zip_files')}). "
                          "A clinic's export has a handful of files: zip only the export's data files, or split the export "
                          "(e.g. by site) and load each part.")
        check_archive(name, zf, infos, lim)
        out, used = [], 0
        for info in infos:
            b = _read_capped(name, zf, info, lim.max_unzipped - used, lim)
            used += len(b)
            out.append((info.filename, b))
        return out
