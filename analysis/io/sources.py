"""Where a dataset's files come from: a folder, a ``.zip`` or files held in memory (uploads).

Sorts the files into their roles (assessments, treatments, patients) by name, refuses what cannot be
a dataset file before anything is parsed (links out of the folder, zip bombs, workbooks, files over
the resource limits of :mod:`analysis.limits`), and computes the load's fingerprint. The readers
(:mod:`analysis.io.csv_reader`, :mod:`analysis.io.parquet_reader`) then parse each file.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from .. import limits
from ..errors import DatasetError, MissingFileError, ResourceLimitError, UnreadableFileError
from ..mapping import canonical
from .csv_reader import _SAVE_AS_CSV

#: The three tables of a dataset, by file stem.
ROLES = ("assessments", "treatments", "patients")
CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
#: SSMS's Results to File, column-aligned text (analysis/io/fixed_width.py).
TEXT_EXTENSIONS = (".rpt",)
TABLE_EXTENSIONS = CSV_EXTENSIONS + TEXT_EXTENSIONS + (".parquet",)
#: The statistical packages' data files (read as CSV files by analysis.io.stat_files), and what each is called.
STAT_SUFFIXES = {".sav": "an SPSS data file", ".zsav": "a compressed SPSS data file",
                 ".por": "an SPSS portable file", ".dta": "a Stata data file",
                 ".sas7bdat": "a SAS data set", ".xpt": "a SAS transport file"}


def refuse_outside_link(f: Path) -> None:
    """A data file that is a link to a file outside its own folder is not read: its content (its
    first line would be quoted in an error message) is not the dataset's (issue 15)."""
    if f.is_symlink():
        folder = f.parent.resolve()
        if not f.resolve().is_relative_to(folder):
            raise UnreadableFileError(
                f"{f.name} in {folder} is a link to a file outside that folder, which is not read. Copy the file "
                "into the folder instead of linking to it.", file=f.name)


def _basename(name: str) -> str:
    return PureWindowsPath(PurePosixPath(str(name)).name).name


def role_of(name: str) -> str | None:
    p = PurePosixPath(_basename(name).lower())
    return p.stem if p.suffix in TABLE_EXTENSIONS and p.stem in ROLES else None


def _unzip(name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()
                       and "__MACOSX" not in i.filename and not _basename(i.filename).startswith(".")]
            known = [i for i in members if role_of(i.filename) is not None]
            # Zip bombs: declared sizes and ratios before unpacking, counted while unpacking (issue 15).
            limits.check_archive(name, zf, known)
            if not members and any("__MACOSX" in i.filename for i in zf.infolist()):  # the files were left out
                raise MissingFileError(
                    f"{name} holds no data file, only the hidden copies macOS adds (__MACOSX): zip the export's "
                    "files themselves (select them, then Compress) and load that zip.", file=name)
            if not known:
                listed = ", ".join(_basename(i.filename) for i in members[:10]) or "nothing"
                raise MissingFileError(
                    f"{name} holds no known file (found: {listed}). A dataset zip must hold assessments.csv "
                    "(and optionally treatments.csv and patients.csv), or the same names as .parquet.", file=name)
            return [(_basename(n), b) for n, b in limits.safe_unzip(name, data, keep=lambda f: role_of(f) is not None)]
    except DatasetError:
        raise
    except Exception as e:  # BadZipFile, encrypted members, unsupported compression, corrupt data
        raise UnreadableFileError(f"{name} {zip_problem(data, e)}. Re-create the zip, or give the CSV files "
                                  "directly.", file=name) from None


def zip_problem(data: bytes, err: Exception) -> str:
    """Why a zip cannot be read, in plain words (not the reader's class names)."""
    if not data:
        return "is empty (0 bytes): nothing was written into it, or the copy was cut off"
    if "encrypted" in str(err).lower() or "password" in str(err).lower():
        return "is protected by a password: make the zip again without one"
    if isinstance(err, NotImplementedError) or "compression" in str(err).lower():  # Deflate64, 7-Zip's LZMA/PPMd
        return ("uses a compression method this reader does not know (Windows' Deflate64, 7-Zip's LZMA or PPMd; "
                "Windows' Send to > Compressed folder makes an ordinary zip)")
    return "is not a readable zip file: it is damaged or incomplete (cut off while it was copied or downloaded?)"


def collect_files(files: dict[str, bytes]) -> tuple[dict[str, tuple[str, bytes]], bool, list[str]]:
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
        role = role_of(name)
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
            # (a statistical file is read as a CSV by load_files before it comes here: analysis.io.stat_files)
            what = "an Excel workbook" if suffix in (".xlsx", ".xls", ".xlsm", ".ods") else \
                STAT_SUFFIXES.get(suffix) or f"a '{suffix or name}' file"
            raise UnreadableFileError(f"{name} is {what}, not a CSV or Parquet file. {_SAVE_AS_CSV}", file=name)
        role = role_of(name)
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


def files_fingerprint(files: list[tuple[str, bytes]]) -> str:
    """SHA-256 over the files' names, lengths and bytes, in name order (the report's fingerprint)."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _is_table(name: str, data: bytes) -> bool:
    """A ``.txt`` file is a table (Excel's "Unicode Text" or "Text (Tab delimited)") when its header has
    several columns; a ``notes.txt`` is not."""
    from .tables import read_table

    if not data:
        return False
    try:
        return sum(1 for h in read_table(name, data[:65536]).header if h) >= 2
    except DatasetError:
        return False


def looks_canonical(files: dict[str, bytes]) -> bool:
    """True when the files are in the product's own format (docs/data-format.md), or cannot be told
    (the canonical loader then gives its own messages): an ``assessments`` file is among them, or
    every CSV is one of the three canonical names, or the one CSV given has ``patient_id`` and ``day``
    (or ISO dates) in its first line. Anything else is a clinic export."""
    names = [_basename(n) for n in files]
    zips = [n for n in files if n.lower().endswith(".zip")]
    if zips:
        try:
            with zipfile.ZipFile(io.BytesIO(bytes(files[zips[0]]))) as zf:
                names = [_basename(i.filename) for i in zf.infolist()
                         if not i.is_dir() and "__MACOSX" not in i.filename and not _basename(i.filename).startswith(".")]
        except Exception:
            return True
    if not names:
        return True
    stems = {PurePosixPath(n.lower()).stem for n in names}
    if "assessments" in stems:
        return True
    by_name = {} if zips else {_basename(n): bytes(d) for n, d in files.items()}
    csvs = [n for n in names if n.lower().endswith((".csv", ".tsv") + TEXT_EXTENSIONS) or
            (n.lower().endswith(".txt") and _is_table(n, by_name.get(n, b"")))]
    others = [n for n in csvs if PurePosixPath(n.lower()).stem not in ROLES]
    if not others:
        return True
    if len(files) == 1 and not zips:
        from .tables import read_table  # only for a single file of another name: its first line decides

        name, data = next(iter(files.items()))
        try:
            t = read_table(_basename(name), bytes(data)[:65536])
        except ResourceLimitError:
            return False  # over a limit (a column-aligned text of 5,000 columns): the export reader says which
        except DatasetError:
            return True
        keys = [canonical(h) for h in t.header]
        if t.header_row != 1 or "patient_id" not in keys:
            return False
        if "day" in keys:
            return True
        for k, key in enumerate(keys):
            if key in ("date", "datetime"):
                from .dates import detect_date_format
                values = t.column(k)
                return detect_date_format(values[values != ""][:2000]).order == "YMD"
    return False
