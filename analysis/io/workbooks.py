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
* text as it is (``007`` stays ``007``; ``1,3`` stays ``1,3``: it may list two region codes), except a
  number written as text with a decimal comma (``4,5``, from a French or German sheet) in a column that
  also writes decimals with a point, or in a sheet of our own format: there it is the number (``4.5``)
  like the number cells around it (:func:`analysis.io.sheet_reader.decimal_commas` says why); TRUE/FALSE; an empty cell empty. An error cell (``#N/A``) is empty: calamine gives no value for
  it, so a score there is missing, not reported as excluded. A percentage cell is its value (0.3).

Which sheets: every visible sheet with a table (at least two columns with a value). A sheet named
``assessments``, ``treatments`` or ``patients`` whose first line is in the product's own format
becomes that file; otherwise the only table of a workbook becomes ``<workbook>.csv`` and several
become ``<workbook> (<sheet>).csv``. Hidden sheets and sheets without a table are not read, and the
load report says so (:func:`expand_workbooks` returns the notes). Beside files in our own format
(``assessments.csv``, ...), a workbook is not read (it is listed as ignored, as before workbooks were
read: e.g. the workbook those CSV files were saved from); Excel's and LibreOffice's lock files
(``~$x.xlsx``) are never read. A header of two rows (visits merged over their columns, the columns' names
below) is one header, ``Week 4 NRS``, with a note (:func:`analysis.io.sheet_reader.two_row_header`).

The reader is python-calamine (Rust's calamine): it reads all these formats, evaluates no formula
(cells hold the values Excel saved; an .xlsx formula saved without a value, as openpyxl writes it, is
empty, and the notes name those cells and say to save the file in Excel or LibreOffice) and runs no macro, and its XML parser expands no entities (no
"billion laughs"). A workbook is a zip (except .xls): its declared sizes and compression ratios are
checked against :mod:`analysis.limits` before it is opened, as for any zip. The sheets are read in a
child process whose memory is capped (:mod:`analysis.io.sheet_reader` says why). A file named .xls
that is text (what some "Export to Excel" buttons write) is read as the text table it is.
"""
from __future__ import annotations

import csv
import io
import pickle
import re
import subprocess
import sys
import zipfile
from importlib.resources import as_file, files
from pathlib import PurePosixPath

from .. import limits
from ..errors import DatasetError, ResourceLimitError, UnreadableFileError
from ..mapping import canonical
from . import workbook_sheets
from .html_tables import html_table_csv, is_spreadsheet_ml, looks_like_html_table
from .sources import _basename as basename  # the one rule for a file's name inside a path or zip
from .sources import role_of
from .tables import two_row_header_note


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_ROLES = ("assessments", "treatments", "patients")
#: Files that only look like workbooks: the lock files Excel (``~$Visits.xlsx``) and LibreOffice
#: (``.~lock.Visits.xlsx#``) keep beside a workbook while it is open.
_LOCK_FILE = re.compile(r"^(~\$|\.~lock\.)")
#: Seconds a workbook may take to read (a child process: analysis.io.sheet_reader).
_TIMEOUT = 300
#: A text cell written with a decimal comma ("4,5"; not "1,234") as the sheet's CSV quotes it: ``"4,5"``.
_QUOTED_DECIMAL_COMMA = re.compile(rb'(?m)(?:^|(?<=,))"\s*([+-]?\d+),(\d{1,2}|\d{4,})\s*"(?=,|$)')
#: The streams an encrypted .xlsx (an OLE container, not a zip) holds, as its directory writes their names.
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_PASSWORD = ("is protected by a password: open it in Excel, remove the password (File > Info > Protect Workbook > "
             "Encrypt with Password: clear it), save, and load (upload) the file again.")
_DAMAGED = ("is not a readable workbook: it is damaged or incomplete (cut off while it was copied, downloaded or "
            "uploaded?).")
_RESAVE = ("Open it in Excel (or LibreOffice) and save it again, or save the sheet as 'CSV UTF-8 (Comma "
           "delimited) (*.csv)' and load that file.")


def is_workbook(name: str) -> bool:
    base = basename(name)
    return PurePosixPath(base.lower()).suffix in WORKBOOK_SUFFIXES and not _LOCK_FILE.match(base)


def _safe_name(text: str) -> str:
    """A sheet or workbook name as part of a file name in memory (never a path): no separators or
    control characters."""
    return re.sub(r"[\\/\x00-\x1f\x7f]+", " ", str(text)).strip() or "sheet"


def _shown(text: str) -> str:
    """A sheet name in a message: control characters (a terminal's escape codes) as spaces."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", str(text))


def _read_in_child(name: str, data: bytes) -> tuple[list[tuple[str, str, bytes, int, list[str], list[int]]], dict]:
    """:func:`analysis.io.sheet_reader.convert` in a child process whose memory is capped at the
    loader's limit (``CRPS_MAX_MEMORY_MB``), so that no workbook can take the reading process down. Returns
    the sheets and ``{sheet: (row, names)}`` for those whose header of two rows was read as one."""
    lim = limits.current()
    script = files("analysis.io") / "sheet_reader.py"
    try:
        with as_file(script) as path:
            proc = subprocess.run([sys.executable, "-I", str(path), str(lim.max_memory)], input=data,
                                  capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ResourceLimitError(f"{name}: reading this workbook took longer than {_TIMEOUT} s, so it was stopped. "
                                 f"Save the sheet that holds the data as CSV and load that file.", file=name) from None
    too_big = (f"{name}: reading this workbook needs more memory than the limit of "
               f"{limits._size(lim.max_memory)} ({lim.env('max_memory')}). ")
    far = ("A sheet reaches very far right or down (a value or a format in a far cell counts): delete the empty "
           "rows and columns after the table and save it again, or save the sheet as CSV and load that file.")
    if proc.returncode != 0:  # the child was killed: an allocation over its cap aborts it
        raise ResourceLimitError(too_big + (_ods_repeats(data) or far), file=name)
    try:
        result = pickle.loads(proc.stdout)  # our own child's output, never a file's bytes
    except Exception:  # noqa: BLE001 - a child that printed nothing usable
        raise UnreadableFileError(f"{name} is not a readable workbook. {_RESAVE}", file=name) from None
    if result[0] == "ok":
        return result[1], result[2]
    kind, detail = result[1], result[2]
    if kind == "memory" and not detail:  # a real MemoryError (it has no message): the cells hold more than they show
        raise ResourceLimitError(too_big + (_ods_repeats(data) or (
            "Its cells hold more than the sheet's size shows (a long text repeated in many cells, or many sheets): "
            "save the sheet that holds the data as CSV and load that file.")), file=name)
    if kind == "memory":
        sheet, rows, cols = (detail.split("\0") + ["", "0", "0"])[:3]
        raise ResourceLimitError(too_big + f"The sheet '{_shown(sheet)}' spans {int(rows):,} rows x {int(cols):,} "
                                 "columns from A1. " + far, file=name)
    if kind == "password":
        raise UnreadableFileError(f"{name} {_PASSWORD}", file=name)
    # The reader's own words (a class name such as CalamineError) mean nothing to a clinic: plain words.
    raise UnreadableFileError(f"{name} {_DAMAGED} {_RESAVE}", file=name)


def _ods_repeats(data: bytes) -> str | None:
    """What makes an .ods too large when its cells are repeated (``table:number-rows-repeated`` and
    ``number-columns-repeated``: one written cell stands for many), in words; None for anything else."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as f:
            most = {"rows": 1, "columns": 1}
            tail = b""
            for block in iter(lambda: f.read(1 << 20), b""):  # 1 MB at a time: the parent's memory stays small
                for kind, n in re.findall(rb"number-(rows|columns)-repeated=\"(\d{1,9})\"", tail + block):
                    most[kind.decode()] = max(most[kind.decode()], int(n))
                tail = block[-64:]
    except Exception:  # noqa: BLE001 - not an .ods: the general message applies
        return None
    if most["rows"] * most["columns"] < 10_000:
        return None
    return (f"A sheet repeats its cells: a row written once stands for {most['rows']:,} rows and a cell for "
            f"{most['columns']:,} cells across (number-rows-repeated, number-columns-repeated), each copy held in "
            "memory. Delete the repeated rows and columns after the table and save it again, or save the sheet as "
            "CSV and load that file.")


def _formulas_note(name: str, sheet: str, cells: list[str]) -> str:
    """What to do about cells that hold a formula without a saved value (a follow-up date ``=B3+28``
    written by a script): without it the user sees only "no date in this row", where Excel shows a date."""
    shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10:,} more" if len(cells) > 10 else "")
    return (f"{name}: in the sheet '{_shown(sheet)}', {len(cells):,} cell(s) hold a formula without a saved value "
            f"({shown}): they were read as empty: formulas are not computed here, and the program that wrote "
            "the file did not store their values. Open the workbook in Excel or LibreOffice and save it, so that the values are "
            "stored with the formulas, then load it again.")


def _spans(rows: list[int]) -> str:
    """Row numbers as spans: ``17, 43-46``."""
    spans: list[list[int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:12]]
    return ", ".join(shown) + (f" and {len(spans) - 12:,} more spans" if len(spans) > 12 else "")


def _hidden_rows_note(name: str, sheet: str, rows: list[int]) -> str:
    """Rows the clinic hid (a screen failure, an entry corrected below it) or a filter hides: left out as the
    clinic sees the sheet, and named, so that nothing is lost unsaid."""
    return (f"{name}: in the sheet '{_shown(sheet)}', {len(rows):,} hidden row(s) were not read (row(s) {_spans(rows)}): "
            "rows hidden by hand or by a filter are left out, as the sheet shows them. If they hold data, unhide "
            "them (or clear the filter), save the workbook and load it again.")


def _two_row_header_note(name: str, sheet: str, header: tuple[int, list[str]]) -> str:
    """A header of two rows (visits merged over the columns of row 2) read as one (:func:`two_row_header_note`)."""
    return two_row_header_note(f"{name}: in the sheet '{_shown(sheet)}',", *header)


def _in_our_format(role: str, csv_bytes: bytes) -> bool:
    """Whether a sheet's first line is the header of that file of our format: ``patient_id`` (or a name
    the loader maps to it) first of all, and for assessments and treatments a day or date column."""
    first = csv_bytes.lstrip(b"\n").split(b"\n", 1)[0].decode("utf-8", "replace")
    keys = {canonical(h) for h in next(csv.reader([first]), [])}
    return "patient_id" in keys and (role == "patients" or bool(keys & {"day", "date", "datetime"}))


def workbook_tables(name: str, data: bytes) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The tables of workbook ``name`` as ``[(csv name, csv bytes)]``, and notes for the load report.

    Raises :class:`~analysis.errors.UnreadableFileError` for a file that is not a readable workbook
    (damaged, encrypted) and :class:`~analysis.errors.ResourceLimitError` for one over the limits.
    """
    stem = _safe_name(PurePosixPath(basename(name)).stem)
    if data[:4] == b"PK\x03\x04":  # .xlsx, .xlsm, .xlsb and .ods are zips: bombs refused before opening
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                limits.check_archive(name, zf, zf.infolist())
        except DatasetError:
            raise
        except Exception:  # noqa: BLE001 - a damaged zip: said below, like any unreadable workbook
            raise UnreadableFileError(f"{name} {_DAMAGED} {_RESAVE}", file=name) from None
    elif data[:4] == b"\xd0\xcf\x11\xe0" and all(s in data for s in _ENCRYPTED_STREAMS):
        # An .xlsx saved with a password is not a zip but an OLE container of its encrypted package.
        raise UnreadableFileError(f"{name} {_PASSWORD}", file=name)
    elif data[:4] != b"\xd0\xcf\x11\xe0":
        # Not a workbook at all: "Export to Excel" buttons write tab-separated text or an HTML page and
        # name it .xls. A page's table is read as the sheet Excel shows; text as the CSV it is; anything
        # else is refused by the CSV reader's checks.
        if is_spreadsheet_ml(data):
            raise UnreadableFileError(
                f"{name} is not a workbook but an Excel 2003 XML spreadsheet (SpreadsheetML), which is not read: open it "
                "in Excel or LibreOffice, save it as .xlsx (or as CSV UTF-8) and load that file.", file=name)
        if looks_like_html_table(data):
            table = html_table_csv(data, name)
            if table is not None:
                limits.check_text_file(name, table)  # refused here, naming the page the user gave, not {stem}.csv
                return [(f"{stem}.csv", table)], [
                    f"{name} is not a workbook but a web page (HTML) holding a table, as \"Export to Excel\" "
                    f"buttons write: its largest table was read, as {stem}.csv (a cell spanning rows or columns "
                    "written once, as a merged cell saved as CSV), and line numbers in messages are that table's rows."]
        return [(f"{stem}.txt", data)], [f"{name} is not a workbook but a text file: it was read as text."]
    sheets, headers = _read_in_child(name, data)
    notes, tables = [], []
    for sheet, status, csv_bytes, rows, formulas, hidden in sheets:
        if sheet in headers and status == "table":
            notes.append(_two_row_header_note(name, sheet, headers[sheet]))
        if formulas:
            notes.append(_formulas_note(name, sheet, formulas))
        if hidden:
            notes.append(_hidden_rows_note(name, sheet, hidden))
        if status == "hidden":
            notes.append(f"{name}: the hidden sheet '{_shown(sheet)}' was not read.")
        elif status == "no table":
            notes.append(f"{name}: the sheet '{_shown(sheet)}' holds no table (fewer than two columns with values) "
                         "and was not read.")
        else:
            tables.append((sheet, csv_bytes, rows))
    if not tables:
        raise UnreadableFileError(
            f"{name} holds no table: none of its visible sheets has two columns with values. Give the workbook "
            "that holds the data (a header row, then one row per visit or per score).", file=name)
    tables = workbook_sheets.sheets_not_data(tables, name, notes)
    tables, combined = workbook_sheets.sheets_per_patient(tables, stem, name, notes)
    tables = workbook_sheets.sheets_per_treatment(tables, name, notes)
    out = combined
    for sheet, csv_bytes, rows in tables:
        role = sheet.strip().lower()
        # A sheet named after a file of our format is that file only when its first line says so (a clinic's
        # sheet called "Assessments" with Patient, Date, NRS columns is an export, as its CSV would be).
        ours = role in _ROLES and _in_our_format(role, csv_bytes)
        if ours:  # no column of our format lists items: a text "4,5" there is the number 4.5
            csv_bytes = _QUOTED_DECIMAL_COMMA.sub(rb"\1.\2", csv_bytes)
        # The only table is named after the workbook; not beside the table of a workbook's patient sheets,
        # which has that name.
        csv_name = (f"{role}.csv" if ours else f"{stem}.csv" if len(tables) == 1 and not combined
                    else f"{stem} ({_safe_name(sheet)}).csv")
        out.append((csv_name, csv_bytes))
        notes.append(f"{name}: the sheet '{_shown(sheet)}' was read as {csv_name} ({rows:,} rows).")
    return out, notes


#: The note :func:`workbook_tables` writes for each sheet read (the one place that says where a table came from).
_READ_AS = re.compile(r"(?P<book>.+?): the sheet '(?P<sheet>.*)' was read as (?P<table>.+?) \([\d,]+ rows\)\.")


def sheet_origins(notes: list[str]) -> dict[str, str]:
    """Each table read from a workbook sheet (by the name the load report gives it, ``infusion_log.csv``) -> the
    workbook and sheet it is, as a user knows them (``infusion_log.xlsx, sheet 'Infusions'``), from the load
    report's ``notes``: a list of excluded rows should name the file the user gave, not a CSV they never had."""
    found = (_READ_AS.fullmatch(str(n)) for n in notes)
    return {m["table"]: f"{m['book']}, sheet '{m['sheet']}'" for m in found if m}


def _zip_members_if(name: str, data: bytes, wanted) -> list[tuple[str, bytes]] | None:
    """The members of zip ``name`` (folder parts dropped) when one of them is ``wanted`` (a predicate on its
    name), else None (the zip is then read as before: a dataset zip or a clinic export's zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(wanted(i.filename) for i in zf.infolist() if not i.is_dir()):
                return None
        members = limits.safe_unzip(name, data)
    except DatasetError:
        raise
    except Exception:  # noqa: BLE001 - not a readable zip: the zip readers say so, as before
        return None
    return [(basename(m), b) for m, b in members]


def unpack_zips_holding(files: dict[str, bytes], wanted) -> dict[str, bytes]:
    """``files`` with each zip that holds a file ``wanted`` (a predicate on its name: a workbook, a statistical
    file) replaced by its members, read then as if given one by one. Two files of the same name after that
    (``visits.xlsx`` given with ``visits.csv``) are refused: one of them would be silently lost."""
    zips = {n: _zip_members_if(n, bytes(d), wanted) for n, d in files.items() if str(n).lower().endswith(".zip")}
    if not any(m is not None for m in zips.values()):
        return files
    unpacked: dict[str, bytes] = {}
    for n, d in files.items():
        for member, b in (zips.get(n) or [(n, d)]):
            if member in unpacked:
                raise DatasetError(f"Two files are named {member} (in {n} and another): keep only one.", file=n)
            unpacked[member] = b
    return unpacked


def expand_workbooks(files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """``files`` with each workbook replaced by its tables (:func:`workbook_tables`), and the notes.
    A zip that holds a workbook is unpacked first (its members are then read as if given one by one).

    Two files of the same name after that (``visits.xlsx`` given with ``visits.csv``) are refused:
    one of them would be silently lost."""
    files = unpack_zips_holding(files, is_workbook)
    if not any(is_workbook(n) for n in files):
        notes: list[str] = []  # a folder of CSV files, one per patient (a Numbers export): one table
        return workbook_sheets.csv_files_per_patient(files, notes), notes
    if any(role_of(n) is not None for n in files if not is_workbook(n)):
        return files, []  # files of our own format: the workbook is not the data (listed as ignored)
    out: dict[str, bytes] = {}
    notes: list[str] = []
    locks = [n for n in files if _LOCK_FILE.match(basename(n))]
    if locks:
        notes.append(f"{', '.join(locks)}: lock file(s) that Excel or LibreOffice keep while a workbook is open, "
                     "not read.")
        files = {n: d for n, d in files.items() if n not in locks}
    for name, data in files.items():
        parts = workbook_tables(name, bytes(data)) if is_workbook(name) else ([(name, data)], [])
        for csv_name, csv_bytes in parts[0]:
            if csv_name in out:
                raise DatasetError(f"Two files would both be read as {csv_name} (from {name} and another file): "
                                   "give only one of them, or rename one.", file=name)
            out[csv_name] = csv_bytes
        notes += parts[1]
    return out, notes
