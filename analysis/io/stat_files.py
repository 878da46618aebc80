"""Statistical software's data files (SPSS .sav/.zsav/.por, Stata .dta, SAS .sas7bdat/.xpt) read as CSV files.

A study's data kept in SPSS, Stata or SAS is read as the CSV file a careful export would give, before
anything else runs: everything after (the canonical loader, the clinic-export reader, the import assistant,
the identifier guard) reads it exactly as it reads a CSV, as for a workbook (:mod:`analysis.io.workbooks`).
Saving such a file as CSV by hand loses what the file knows: the names of coded values, the dates. Here:

* a variable whose every value present in the data has a value label, each a word (not a number), is
  written with its labels (treatment ``1`` -> ``Ketamine``, visit ``0`` -> ``Baseline``, a PHQ-9 item ``0``
  -> ``Not at all``); a variable with only some values labelled (an NRS with only 0 = "No pain" and
  10 = "Worst pain"), or whose only two labels are the ends of a scale (whole numbers at least 4 apart),
  keeps its numbers (a note lists them);
* SPSS's user-missing values (its missing values and ranges: ``99``, ``-9 thru -1``) and Stata's and SAS's
  extended missing values (``.a``-``.z``) are empty cells, counted in a note;
* cells whose format is a date, date-time or time format (SPSS ``DATE``, ``ADATE``, ``EDATE``,
  ``DATETIME``, ...; Stata ``%td``, ``%tc``; SAS ``DATE9.``, ``DATETIME20.``, ...) are ISO text
  (``2024-03-04``, ``2024-03-04 09:15:00``, ``09:15:00``), never ambiguous;
* numbers as a spreadsheet's CSV writes them: whole numbers without decimals (``7``, not ``7.0``);
* the variables' names are the header; their labels ("Pain intensity (NRS 0-10) at baseline") go with the
  CSV bytes (:class:`LabelledCSV`) and are read as the columns' descriptions, as Qualtrics' question texts
  are (the proposal and the identifier guard read them: a variable ``v3`` labelled "Date of birth" is refused).

``study.dta`` becomes ``study.csv``. Beside files in our own format (``assessments.csv``, ...) such a file is
not read (listed as ignored, as a workbook is). The reader is pyreadstat (ReadStat) for all six formats: it
gives each variable's value labels, missing values and format, and reads the row count of the file's
header before its rows. The file is read in a child process whose memory is capped
(:mod:`analysis.io.stat_reader` says why); a file over half the memory limit, with more columns than
``CRPS_MAX_COLUMNS`` or more rows than the memory limit allows (200 bytes a cell) is refused with a message.
"""
from __future__ import annotations

import pickle
import re
import subprocess
import sys
from importlib.resources import as_file, files
from pathlib import PurePosixPath

from .. import limits
from ..errors import DatasetError, ResourceLimitError, UnreadableFileError
from .sources import ROLES, STAT_SUFFIXES
from .sources import _basename as basename
#: Seconds a file may take to read (a child process: analysis.io.stat_reader).
_TIMEOUT = 300
_RESAVE = {".sav": "Open it in SPSS and save it again (File > Save As > SPSS Statistics (*.sav)), or export it "
                   "as CSV with the values' labels (File > Export > CSV Data: 'Save value labels where defined') "
                   "and load that file.",
           ".dta": "Open it in Stata and save it again (save, replace), or export it as CSV (export delimited, "
                   "with dates written as YYYY-MM-DD) and load that file.",
           ".sas7bdat": "Export it again from SAS (PROC EXPORT to a CSV file, dates in a YYMMDD10. format) and load "
                        "that file."}
_RESAVE.update({".zsav": _RESAVE[".sav"], ".por": _RESAVE[".sav"], ".xpt": _RESAVE[".sas7bdat"]})


class LabelledCSV(bytes):
    """The CSV bytes of a statistical file, with its variables' labels (``column_labels``: ``{name: label}``),
    which :func:`analysis.io.tables.read_table` reads as the columns' descriptions."""

    column_labels: dict[str, str]

    def __new__(cls, data: bytes, column_labels: dict[str, str]):
        obj = super().__new__(cls, data)
        obj.column_labels = dict(column_labels)
        return obj

    def __reduce__(self):
        return (LabelledCSV, (bytes(self), self.column_labels))


def _suffix(name: str) -> str:
    return PurePosixPath(basename(name).lower()).suffix


def is_stat_file(name: str) -> bool:
    return _suffix(name) in STAT_SUFFIXES


def _shown(text) -> str:
    """A name or label in a message: control characters (a terminal's escape codes) as spaces."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", str(text))


def _read_in_child(name: str, suffix: str, data: bytes) -> tuple[bytes, dict]:
    """:func:`analysis.io.stat_reader.convert` in a child process whose memory is capped at the loader's limit
    (``CRPS_MAX_MEMORY_MB``), so that no file can take the reading process down."""
    lim = limits.current()
    script = files("analysis.io") / "stat_reader.py"
    what = STAT_SUFFIXES[suffix]
    too_big = (f"{name}: reading this file needs more memory than the limit of {limits._size(lim.max_memory)} "
               f"({lim.env('max_memory')}). ")
    split = "Keep only the variables the analysis needs, or split the cases (e.g. by year), and load the parts."
    try:
        with as_file(script) as path:
            proc = subprocess.run([sys.executable, "-I", str(path), suffix, str(lim.max_memory), str(lim.max_columns)],
                                  input=data, capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ResourceLimitError(f"{name}: reading this file took longer than {_TIMEOUT} s, so it was stopped. "
                                 + split, file=name) from None
    if proc.returncode != 0:  # the child was killed: an allocation over its cap aborts it
        raise ResourceLimitError(too_big + split, file=name)
    try:
        result = pickle.loads(proc.stdout)  # our own child's output, never a file's bytes
    except Exception:  # noqa: BLE001 - a child that printed nothing usable
        raise UnreadableFileError(f"{name} is not a readable file of its kind ({what}). {_RESAVE[suffix]}",
                                  file=name) from None
    if result[0] == "ok":
        return result[1], result[2]
    kind, detail = result[1], result[2]
    if kind == "columns":
        raise ResourceLimitError(f"{name}: {int(detail):,} variables; the limit is {lim.max_columns:,} "
                                 f"({lim.env('max_columns')}). Keep only the variables the analysis needs (patient, "
                                 "dates or visits, scores, treatment, covariates) and save the file again.", file=name)
    if kind == "memory":
        rows, cols = (detail.split("\0") + ["", ""])[:2] if detail else ("", "")
        size = ""
        if rows.isdigit():  # the count in the file's header, checked before any row is read
            size = f"Its header declares {int(rows):,} rows x {int(cols or 0):,} variables. "
        elif rows.startswith("more than "):  # a header without a (believable) count: the rows read say it
            size = f"It holds more than {int(rows[10:]):,} rows x {int(cols or 0):,} variables. "
        raise ResourceLimitError(too_big + size + split, file=name)
    if re.search(r"must have magnitude|is out of range|OverflowError", detail):
        # Python's words for a date of the file's own past any calendar (days=-2147483648): damaged bytes.
        raise UnreadableFileError(f"{name} is damaged: it holds a date (or a header value) no date can have ({what}), "
                                  f"as a file cut short or altered does. {_RESAVE[suffix]}", file=name)
    raise UnreadableFileError(f"{name} is not a readable file of its kind ({what}; {_shown(detail)}). It may be "
                              f"damaged, or saved by a version or with an option this reader does not know. "
                              f"{_RESAVE[suffix]}", file=name)


def _listed(items: list[str], k: int = 6) -> str:
    return ", ".join(items[:k]) + (f" and {len(items) - k:,} more" if len(items) > k else "")


def _pairs(pairs) -> str:
    return ", ".join(f"{v} = {_shown(lab)!r}" for v, lab in pairs)


def _notes(name: str, csv_name: str, info: dict) -> list[str]:
    """What the load report says about how the file was read."""
    what = STAT_SUFFIXES[_suffix(name)]
    notes = [f"{name} ({what}) was read as {csv_name} ({info['rows']:,} rows, {info['columns']:,} variables)."]
    labelled = info["labelled"]
    if labelled:
        first = next(iter(labelled))
        notes.append(f"{name}: the values of {_listed([_shown(v) for v in labelled])} were written as their value "
                     f"labels ({_shown(first)}: {_pairs(labelled[first])}): every value of these variables has a "
                     "label that is a word.")
    kept = info["numbers_kept"]
    if kept:
        shown = "; ".join(f"{_shown(v)}: {_pairs(pairs)}" for v, (_, pairs) in list(kept.items())[:4])
        notes.append(f"{name}: {_listed([_shown(v) for v in kept])} kept their numbers: only some of their values "
                     f"have labels, or the labels are the ends of a scale ({shown}).")
    missing = info["missing"]
    if missing:
        cells = sum(c for c, _ in missing.values())
        shown = "; ".join(f"{_shown(v)}: {c:,} ({', '.join(map(_shown, vals))})" for v, (c, vals) in list(missing.items())[:6])
        notes.append(f"{name}: {cells:,} cell(s) hold a user-missing or extended missing value, read as empty "
                     f"({shown}).")
    scales = info.get("scales") or []
    if scales:
        notes.append(f"{name}: {_listed([_shown(v) for v in scales])} give(s) a word to each of 5 or more numbered "
                     "values, as a rating scale's labels do (Wong-Baker FACES: 0 = No hurt ... 10 = Hurts worst), and "
                     "were written as the words. If one is a score, its numbers are not read from the words: save "
                     "the file with values instead of value labels, or map the column as its measure and give each "
                     "word its number under \"values\": {\"text\": {...}} (docs/data-format.md).")
    big = info.get("beyond_exact") or []
    if big:
        notes.append(f"{name}: {_listed([_shown(v) for v in big])} hold(s) whole numbers above 9,007,199,254,740,992 "
                     "(2**53), which the file stores as decimal numbers that cannot hold every such number exactly: "
                     "if they are patient ids, two patients may already share one. Save ids as text (a string "
                     "variable) in the program that wrote the file.")
    dates = info["dates"]
    if dates:
        shown = ", ".join(f"{_shown(v)} ({_shown(fmt) or kind})" for v, (kind, fmt) in list(dates.items())[:8])
        notes.append(f"{name}: the variables with a date or time format were written as ISO dates and times "
                     f"(YYYY-MM-DD, YYYY-MM-DD HH:MM:SS): {shown}" + (" and more." if len(dates) > 8 else "."))
    return notes


def _in_our_format(role: str, csv_bytes: bytes) -> bool:
    from .workbooks import _in_our_format as first_line_ours  # the same rule as a workbook's sheet's

    return first_line_ours(role, csv_bytes)


def stat_file_table(name: str, data: bytes) -> tuple[tuple[str, LabelledCSV], list[str]]:
    """The data of statistical file ``name`` as ``(csv name, csv bytes)``, and notes for the load report.

    Raises :class:`~analysis.errors.UnreadableFileError` for a file that cannot be read (damaged, another
    format) and :class:`~analysis.errors.ResourceLimitError` for one over the limits.
    """
    suffix = _suffix(name)
    lim = limits.current()
    if 2 * len(data) > lim.max_memory:  # the file and its data frame, at least, are held while it is read
        raise ResourceLimitError(
            f"{name}: this file ({limits._size(len(data))}) would need more than {limits._size(2 * len(data))} of "
            f"memory to read; the limit is {limits._size(lim.max_memory)} ({lim.env('max_memory')}). Keep only the "
            "variables the analysis needs, or split the cases (e.g. by year), and load the parts.", file=name)
    if not data:
        raise UnreadableFileError(f"{name} is empty (0 bytes): save the file again, then load it.", file=name)
    csv_bytes, info = _read_in_child(name, suffix, data)
    stem = re.sub(r"[\\/\x00-\x1f\x7f]+", " ", PurePosixPath(basename(name)).stem).strip() or "data"
    # A file named after a file of our format is that file only when its first line says so (as a workbook's sheet).
    if stem.lower() in ROLES and not _in_our_format(stem.lower(), csv_bytes):
        stem = f"{stem} ({suffix[1:]})"
    csv_name = f"{stem}.csv"
    return (csv_name, LabelledCSV(csv_bytes, info["variable_labels"])), _notes(name, csv_name, info)


def expand_stat_files(files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """``files`` with each statistical file replaced by its CSV (:func:`stat_file_table`), and the notes. A zip
    holding one is unpacked first (its members are then read as if given one by one). Two files of the same
    name after that (``study.dta`` given with ``study.csv``) are refused: one of them would be silently lost."""
    from .workbooks import unpack_zips_holding

    files = unpack_zips_holding(files, is_stat_file)
    if not any(is_stat_file(n) for n in files):
        return files, []
    from .sources import role_of

    if any(role_of(n) is not None for n in files):
        return files, []  # files of our own format: the statistical file is not the data (listed as ignored)
    out: dict[str, bytes] = {}
    notes: list[str] = []
    for name, data in files.items():
        if not is_stat_file(name):
            parts = (name, data)
        else:
            parts, more = stat_file_table(name, bytes(data))
            notes += more
        if parts[0] in out:
            raise DatasetError(f"Two files would both be read as {parts[0]} (from {name} and another file): give only "
                               "one of them, or rename one.", file=name)
        out[parts[0]] = parts[1]
    return out, notes


def expand_file_formats(files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """``files`` with each SPSS, Stata or SAS file replaced by its CSV (:func:`expand_stat_files`) and each workbook
    by the CSV files of its sheets (:func:`analysis.io.workbooks.expand_workbooks`), and their notes: what every
    loader, ``inspect`` and the Data page's upload read before anything else."""
    from .workbooks import expand_workbooks

    files, stat_notes = expand_stat_files(files)
    files, book_notes = expand_workbooks(files)
    return files, stat_notes + book_notes
