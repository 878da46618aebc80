"""Spreadsheet workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) read as the CSV files Excel would save.

A clinic's spreadsheet is usually a workbook, not a CSV: each of its sheets that holds a table becomes
one CSV file in memory, and everything after that (the canonical loader, the clinic-export reader, the
import assistant) reads it exactly as it reads a CSV saved from Excel. Cells are written as Excel's
"CSV UTF-8" would write them, so that a workbook and its CSV give the same dataset:

* numbers: whole numbers without decimals (``7``), others with up to 15 significant digits, as Excel's
  "General" format writes them (``6.5``; ``0.1 + 0.2`` is ``0.3``), never a cell's rounded display
  format (a score of 6.6 shown as ``7`` is still 6.6);
* date cells ``YYYY-MM-DD``, date-time cells ``YYYY-MM-DD HH:MM:SS``, time cells ``HH:MM:SS`` (ISO
  8601: never ambiguous, whatever the workbook's display format or language);
* text as it is (``007`` stays ``007``); TRUE/FALSE; an empty cell empty; an error cell (``#N/A``) as
  its text, so that the loader reports it as a value it could not read.

Which sheets: every visible sheet with a table (at least two columns with a value). A sheet named
``assessments``, ``treatments`` or ``patients`` becomes that file (a workbook in the product's own
format); otherwise the only table of a workbook becomes ``<workbook>.csv`` and several become
``<workbook> (<sheet>).csv``. Hidden sheets and sheets without a table are not read, and the load
report says so (:func:`expand_workbooks` returns the notes).

The reader is python-calamine (Rust's calamine): it reads all these formats, evaluates no formula
(cells hold the values Excel saved) and runs no macro, and its XML parser expands no entities (no
"billion laughs"). A workbook is a zip (except .xls): its declared sizes and compression ratios are
checked against :mod:`analysis.limits` before it is opened, as for any zip.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import PurePosixPath

from .. import limits
from ..errors import DatasetError, ResourceLimitError, UnreadableFileError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_ROLES = ("assessments", "treatments", "patients")
#: Memory of one cell as a Python object in the list of rows calamine gives: 48 bytes on average for a
#: sheet of ids, numbers and dates (tracemalloc, docs/performance.md); 100 leaves room for the CSV text.
_BYTES_PER_CELL = 100
_RESAVE = ("Open it in Excel (or LibreOffice) and save it again, or save the sheet as 'CSV UTF-8 (Comma "
           "delimited) (*.csv)' and load that file.")


def is_workbook(name: str) -> bool:
    return PurePosixPath(str(name).lower()).suffix in WORKBOOK_SUFFIXES


def _cell_text(v) -> str:
    """One cell as Excel's CSV would write it (see the module docstring)."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.15g}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat(timespec="seconds")
    if isinstance(v, dt.timedelta):  # a duration cell ([h]:mm): hours:minutes:seconds
        secs = int(round(v.total_seconds()))
        return f"{'-' if secs < 0 else ''}{abs(secs) // 3600}:{abs(secs) % 3600 // 60:02d}:{abs(secs) % 60:02d}"
    return str(v)


def _safe_name(text: str) -> str:
    """A sheet or workbook name as part of a file name in memory (never a path): no separators or
    control characters."""
    return re.sub(r"[\\/\x00-\x1f\x7f]+", " ", str(text)).strip() or "sheet"


def _has_table(rows: list[list]) -> bool:
    """At least two columns hold a value somewhere (a notes sheet of one column is not a table)."""
    filled = set()
    for row in rows:  # rows of one sheet (a loop over rows, as csv.writer makes anyway)
        filled.update(k for k, v in enumerate(row) if v is not None and v != "")
        if len(filled) >= 2:
            return True
    return False


def workbook_tables(name: str, data: bytes) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The tables of workbook ``name`` as ``[(csv name, csv bytes)]``, and notes for the load report.

    Raises :class:`~analysis.errors.UnreadableFileError` for a file that is not a readable workbook
    (damaged, encrypted) and :class:`~analysis.errors.ResourceLimitError` for one over the limits.
    """
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    if data[:4] == b"PK\x03\x04":  # .xlsx, .xlsm, .xlsb and .ods are zips: bombs refused before opening
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                limits.check_archive(name, zf, zf.infolist())
        except DatasetError:
            raise
        except Exception as e:  # noqa: BLE001 - a damaged zip: said below, like any unreadable workbook
            raise UnreadableFileError(f"{name} is not a readable workbook ({type(e).__name__}). {_RESAVE}",
                                      file=name) from None
    lim = limits.current()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(m.name, m.visible == SheetVisibleEnum.Visible) for m in book.sheets_metadata]
        read = []
        for sheet, visible in sheets:
            if not visible:
                read.append((sheet, None))
                continue
            grid = book.get_sheet_by_name(sheet)
            # Python objects for every cell cost about 100 bytes each: refuse a sheet that would not fit
            # before they are made (the CSV written from it is checked again like any CSV).
            # (from A1: the empty rows and columns above and left of the table are read too)
            n_rows, n_cols = (grid.end[0] + 1, grid.end[1] + 1) if grid.end is not None else (0, 0)
            if n_rows * n_cols * _BYTES_PER_CELL > lim.max_memory:
                raise ResourceLimitError(
                    f"{name}: the sheet '{sheet}' has {n_rows:,} rows x {n_cols:,} columns, more than "
                    f"can be read within the memory limit of {lim.max_memory / 1024 ** 3:.1f} GB "
                    f"({lim.env('max_memory')}). Keep only the columns the analysis needs, or split the sheet.",
                    file=name)
            read.append((sheet, grid.to_python(skip_empty_area=False)))
    except DatasetError:
        raise
    except Exception as e:  # noqa: BLE001 - calamine's errors (password, XML, zip) and anything else
        what = "is protected by a password" if type(e).__name__ == "PasswordError" else \
            f"is not a readable workbook ({type(e).__name__})"
        raise UnreadableFileError(f"{name} {what}. {_RESAVE}", file=name) from None

    stem = _safe_name(PurePosixPath(name).stem)
    notes, tables = [], []
    for sheet, rows in read:
        if rows is None:
            notes.append(f"{name}: the hidden sheet '{sheet}' was not read.")
        elif not _has_table(rows):
            notes.append(f"{name}: the sheet '{sheet}' holds no table (fewer than two columns with values) and "
                         "was not read.")
        else:
            tables.append((sheet, rows))
    if not tables:
        raise UnreadableFileError(
            f"{name} holds no table: none of its visible sheets has two columns with values. Give the workbook "
            "that holds the data (a header row, then one row per visit or per score).", file=name)
    out = []
    for sheet, rows in tables:
        role = sheet.strip().lower()
        csv_name = (f"{role}.csv" if role in _ROLES else f"{stem}.csv" if len(tables) == 1
                    else f"{stem} ({_safe_name(sheet)}).csv")
        texts = [[_cell_text(v) for v in row] for row in rows]
        # The table where it is on the sheet: empty columns left and right of it dropped, an empty row
        # written as an empty line (skipped), so line k of the CSV is row k of the sheet.
        used = [k for k in range(max(map(len, texts), default=0)) if any(k < len(r) and r[k] for r in texts)]
        first, last = used[0], used[-1] + 1
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for row in texts:
            cells = row[first:last]
            if any(cells):
                writer.writerow(cells)
            else:
                buf.write("\n")
        out.append((csv_name, buf.getvalue().encode("utf-8")))
        notes.append(f"{name}: the sheet '{sheet}' was read as {csv_name} ({len(rows):,} rows).")
    return out, notes


def _zip_with_workbooks(name: str, data: bytes) -> list[tuple[str, bytes]] | None:
    """The members of zip ``name`` (folder parts dropped) when one of them is a workbook, else None (the
    zip is then read as before: a dataset zip or a clinic export's zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(is_workbook(i.filename) for i in zf.infolist() if not i.is_dir()):
                return None
        members = limits.safe_unzip(name, data)
    except DatasetError:
        raise
    except Exception:  # noqa: BLE001 - not a readable zip: the zip readers say so, as before
        return None
    return [(PurePosixPath(m.replace("\\", "/")).name, b) for m, b in members]


def expand_workbooks(files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """``files`` with each workbook replaced by its tables (:func:`workbook_tables`), and the notes.
    A zip that holds a workbook is unpacked first (its members are then read as if given one by one).

    Two files of the same name after that (``visits.xlsx`` given with ``visits.csv``) are refused:
    one of them would be silently lost."""
    zips = {n: _zip_with_workbooks(n, bytes(d)) for n, d in files.items() if str(n).lower().endswith(".zip")}
    if any(m is not None for m in zips.values()):
        unpacked: dict[str, bytes] = {}
        for n, d in files.items():
            for member, b in (zips.get(n) or [(n, d)]):
                if member in unpacked:
                    raise DatasetError(f"Two files are named {member} (in {n} and another): keep only one.", file=n)
                unpacked[member] = b
        files = unpacked
    if not any(is_workbook(n) for n in files):
        return files, []
    out: dict[str, bytes] = {}
    notes: list[str] = []
    for name, data in files.items():
        parts = workbook_tables(name, bytes(data)) if is_workbook(name) else ([(name, data)], [])
        for csv_name, csv_bytes in parts[0]:
            if csv_name in out:
                raise DatasetError(f"Two files would both be read as {csv_name} (from {name} and another file): "
                                   "give only one of them, or rename one.", file=name)
            out[csv_name] = csv_bytes
        notes += parts[1]
    return out, notes
