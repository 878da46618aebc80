"""Load a clinic's dataset: the public entry of the loader (:func:`load_dataset`, :func:`load_files`).

The data format and every rule applied are documented for clinics in ``docs/data-format.md``.
In short:

* A dataset is a folder or a ``.zip`` holding ``assessments.csv`` (required), ``treatments.csv`` and
  ``patients.csv`` (optional), or the same names as ``.parquet``; or one single CSV (assessments only,
  or a *combined* file whose rows with a non-empty ``treatment`` are treatment courses).
* Every data row is **used** or **excluded** with its file, line (as a spreadsheet shows it, header =
  line 1), column, value and reason; per file ``rows_read == rows_used + rows_excluded``.
* Problems that make the whole dataset unusable raise :class:`~analysis.errors.DatasetError`
  (a subclass of it) whose message names the file and column and says what to do.

The work is done in :mod:`analysis.io`, one module per responsibility: ``sources`` (folder, zip,
uploaded bytes; the role of each file), ``csv_reader`` and ``parquet_reader`` (bytes -> columns and
line numbers), ``columns`` (a table's cells and their typed views: numbers, dates, codes, sort
order), ``identifiers`` (the identifier guard), ``validate`` (every check) with ``ledger`` (the
excluded rows and the load report); :mod:`analysis.mapping` maps column names. A clinic's own
export (REDCap, flowsheet, spreadsheet) is first translated into the canonical tables
(:mod:`analysis.io.reader`) and then validated by the same code.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pyarrow as pa

from .dataset import Dataset
from .errors import EmptyDatasetError, MissingFileError, UnreadableFileError
from .memory import numpy_hugepage_switch
from .io.columns import NA_TOKENS
from .io.sources import ROLES, refuse_outside_link, role_of, looks_canonical
from .io.stat_files import expand_file_formats, is_stat_file
from .io.workbooks import is_workbook
from .io.validate import load_canonical

__all__ = ["load_dataset", "load_files", "ROLES", "NA_TOKENS"]


def load_dataset(path: str | Path, mapping: object = None, drop_identifiers: bool = False,
                 date_format: str | None = None, time_zone: str | None = None) -> Dataset:
    """Load and validate a dataset from a folder, a ``.zip`` or a single CSV/Parquet file.

    Parameters
    ----------
    path : str or Path
        A folder holding ``assessments.csv`` (+ optional ``treatments.csv``, ``patients.csv``, or
        the same names as ``.parquet``), a ``.zip`` of those files, or one CSV file (assessments
        only, or a combined file: see docs/data-format.md); a clinic export's folder or file; a
        workbook (read as the CSV files of its sheets).
    mapping : None, dict, str or Path
        Column mapping: a ``{source: target}`` dict or the path of a mapping file
        (``.csv`` with header ``source,target``, or ``.json``). See :mod:`analysis.mapping`.
    drop_identifiers : bool
        Drop columns that look like direct identifiers (listed in the report) instead of refusing
        the dataset.
    date_format : {"YMD", "DMY", "MDY"}, optional
        For a clinic export whose dates read two ways (``03/04/2024``): the order they are written in.
    time_zone : str, optional
        For a clinic export: the clinic's time zone (IANA name, ``America/New_York``); times written with a zone
        are converted to its wall-clock time (the mapping's ``"time_zone"``, docs/data-format.md, "Time").

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
            if not entries:
                # One folder per site or system (North/Ketamine_log.csv, South/Ketamine_log.csv), as a zip holds
                # them: the files of the subfolders are read, named by their folder where their names collide.
                inner = _subfolder_files(p)
                if inner:
                    return load_files(inner, mapping=mapping, drop_identifiers=drop_identifiers, source=str(p),
                                      date_format=date_format, time_zone=time_zone)
            known = [f for f in entries if role_of(f.name) is not None]
            if not known and any(is_workbook(f.name) or is_stat_file(f.name) for f in entries):
                # A workbook is read as the CSV files of its sheets (analysis.io.workbooks), an SPSS, Stata or
                # SAS file as a CSV file (analysis.io.stat_files): every file of the folder goes through
                # load_files, which decides between our format and an export.
                # (Beside files of our format a workbook is not the data: the rule below ignores it.)
                for f in entries:
                    refuse_outside_link(f)
                return load_files({f.name: f.read_bytes() for f in entries}, mapping=mapping,
                                  drop_identifiers=drop_identifiers, source=str(p), date_format=date_format,
                                  time_zone=time_zone)
            # The names decide, except for a single file (its first line then does).
            # (A .txt file's first line says whether it is a table: Excel's "Unicode Text" is a .txt.)
            listed = {f.name: (f.read_bytes() if len(entries) == 1 or f.suffix.lower() == ".txt" else b"")
                      for f in entries}
            if spec is not None or (mapping is None and not looks_canonical(listed)):
                # A clinic export (REDCap, flowsheet, spreadsheet): every file of the folder is read.
                return load_files({f.name: f.read_bytes() for f in entries}, mapping=spec,
                                  drop_identifiers=drop_identifiers, source=str(p), date_format=date_format,
                                  time_zone=time_zone)
            if not known:
                found = ", ".join(f.name for f in entries[:10]) or "nothing"
                if entries and all(f.stat().st_size == 0 for f in entries):
                    raise EmptyDatasetError(f"{entries[0].name} is empty (0 bytes): export the data again, then load it.",
                                            file=entries[0].name)
                if mapping is not None and not looks_canonical(listed):
                    # A plain column mapping (--map Client=patient_id) renames columns of our own files; given
                    # for a clinic export, the export's reading wants a clinic-export mapping instead.
                    raise MissingFileError(
                        f"The folder {p} holds no assessments.csv (found: {found}): a plain column mapping (--map, "
                        "or a .csv/.json of pairs) renames the columns of files in this product's format, named "
                        "assessments.csv, treatments.csv and patients.csv. For a clinic export, let inspect propose "
                        "how each column is read (python -m analysis inspect PATH --write-mapping mapping.json), "
                        "correct that file (e.g. the patient id column) and load with --mapping mapping.json "
                        "(docs/data-format.md, \"The mapping file\").", file=str(p))
                raise MissingFileError(
                    f"The folder {p} holds no assessments.csv (found: {found}). Name the files assessments.csv, "
                    "treatments.csv and patients.csv, or give the path of a single CSV file.", file=str(p))
            for f in known:
                refuse_outside_link(f)
            files = {f.name: f.read_bytes() for f in known}
        else:
            refuse_outside_link(p)
            files = {p.name: p.read_bytes()}
    except OSError as e:
        raise UnreadableFileError(f"Cannot read {p}: {e.strerror or e}.", file=str(p)) from None
    return load_files(files, mapping=mapping, drop_identifiers=drop_identifiers, source=str(p),
                      date_format=date_format, time_zone=time_zone)


def _subfolder_files(p: Path) -> dict[str, bytes]:
    """The files of a folder's subfolders (one level down; hidden ones left out), as ``folder/name``."""
    out = {}
    for sub in sorted(d for d in p.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name != "__MACOSX"):
        for f in sorted(f for f in sub.iterdir() if f.is_file() and not f.name.startswith(".")):
            refuse_outside_link(f)
            out[f"{sub.name}/{f.name}"] = f.read_bytes()
    return out


def load_files(files: dict[str, bytes], mapping: object = None, drop_identifiers: bool = False,
               source: str = "upload", date_format: str | None = None, time_zone: str | None = None) -> Dataset:
    """Load and validate a dataset from files held in memory (e.g. dashboard uploads).

    Parameters
    ----------
    files : dict of str -> bytes
        File name -> content. Either one ``.zip``, or any of ``assessments``/``treatments``/``patients``
        ``.csv``/``.parquet``, or one single CSV of any name, or a clinic export's files; a workbook
        (``.xlsx``, ``.xls``, ``.ods``, ...) is read as the CSV files of its sheets
        (:mod:`analysis.io.workbooks`). Folder parts of names are ignored.
    mapping, drop_identifiers
        As for :func:`load_dataset`.
    source : str
        Where the files came from, kept as ``Dataset.source``.

    Returns
    -------
    Dataset
        See :func:`load_dataset`; both functions run the same code.
    """
    files, format_notes = expand_file_formats(files)
    with _memory_pool_for_loading():
        dataset = _load_files(files, mapping, drop_identifiers, source, date_format, time_zone)
    dataset.report.notes[:0] = format_notes  # which files and sheets were read, first
    return dataset


#: Loads running now (dashboard sessions load on threads of one server) and the settings they replaced:
#: the first load in switches them, the last one out restores them.
_POOL_LOCK = threading.Lock()
_POOL_STATE = {"loads": 0, "before": None, "hugepages_before": None}


@contextmanager
def _memory_pool_for_loading():
    """While datasets load: jemalloc as pyarrow's memory pool (where this pyarrow has it), and numpy's
    large arrays on ordinary pages; afterwards the settings that were in use are restored.

    Why, the pool: pyarrow's default pool (mimalloc) hands the memory of a freed buffer back to the
    system within milliseconds, so the next large buffer of a load (the parse's columns, the sort keys)
    touches new pages again, one page fault at a time; jemalloc keeps freed memory for reuse. A
    registry-size long-form file (8.9 million rows in random order) loaded in 3.1-3.5 s instead of
    5.1-6.3 s; wide form and clinic-size loads were unchanged. The arrays keep the pool they came
    from, so restoring the default afterwards is safe.

    Why, the pages: see :mod:`analysis.memory` (a load makes and drops dozens of arrays of millions
    of elements; on a VM that hands free memory back to its host each new huge page comes back from
    the host; long form at 100,000 patients: 2.4 s -> 1.4 s in the kernel per load).

    Loads on several threads at once share the switch (counted under a lock). A pool chosen by the
    user (``ARROW_DEFAULT_MEMORY_POOL``) and a page setting chosen by the user
    (``NUMPY_MADVISE_HUGEPAGE``) are left alone.
    """
    pool = None
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        try:
            pool = pa.jemalloc_memory_pool()
        except NotImplementedError:  # a pyarrow built without jemalloc (Windows wheels)
            pool = None
    hugepages = numpy_hugepage_switch()
    with _POOL_LOCK:
        if _POOL_STATE["loads"] == 0:
            if pool is not None:
                _POOL_STATE["before"] = pa.default_memory_pool()
                pa.set_memory_pool(pool)
            if hugepages is not None:
                _POOL_STATE["hugepages_before"] = hugepages(False)
        _POOL_STATE["loads"] += 1
    try:
        yield
    finally:
        with _POOL_LOCK:
            _POOL_STATE["loads"] -= 1
            if _POOL_STATE["loads"] == 0:
                if _POOL_STATE["before"] is not None:
                    pa.set_memory_pool(_POOL_STATE["before"])
                    _POOL_STATE["before"] = None
                if _POOL_STATE["hugepages_before"] is not None:
                    hugepages(_POOL_STATE["hugepages_before"])
                    _POOL_STATE["hugepages_before"] = None


def _load_files(files: dict[str, bytes], mapping, drop_identifiers: bool, source: str,
                date_format: str | None, time_zone: str | None = None) -> Dataset:
    from .io.tables import read_once

    with read_once():  # the checks, the proposal and the reading parse each file once
        return _load_files_once(files, mapping, drop_identifiers, source, date_format, time_zone)


def _load_files_once(files: dict[str, bytes], mapping, drop_identifiers: bool, source: str,
                     date_format: str | None, time_zone: str | None) -> Dataset:
    spec = _export_spec(mapping)
    # A clinic export: no assessments/treatments/patients file (also in a zip), and not a single CSV in
    # the canonical format (patient_id and day/date columns).
    if spec is not None or (mapping is None and not looks_canonical(files)):
        from .io.reader import load_export
        from .io.propose import auto_spec

        proposed: list[str] = []
        if spec is None:
            spec = auto_spec(files, date_format, proposed)  # refuses, saying what to review, when not certain
        elif date_format is not None:
            spec = replace(spec, date_format=date_format)
        if time_zone is not None:
            from .io.spec import check_time_zone
            spec = replace(spec, time_zone=check_time_zone(time_zone, "--time-zone"))
        dataset = load_export(files, spec, drop_identifiers=drop_identifiers, source=source)
        dataset.report.notes.extend(_proposal_notes(proposed, dataset.report.notes, drop_identifiers))
        return dataset
    if mapping is None:
        from .io.near_canonical import misfit

        why = misfit(files)
        if why is not None:
            return _as_export(files, why, drop_identifiers, source, date_format, time_zone)
    return load_canonical(files, mapping=mapping, drop_identifiers=drop_identifiers, source=source)


def _as_export(files, why: str, drop_identifiers: bool, source: str, date_format, time_zone) -> Dataset:
    """Files named ``assessments.csv``/``treatments.csv`` that are not in the format (:mod:`analysis.io.near_canonical`),
    read as a clinic export. Where that reading cannot decide, the canonical loader's refusal is given (its
    messages are the ones the format's docs explain), ending with the inspect route."""
    from .errors import DatasetError
    from .io.near_canonical import INSPECT_ADVICE
    from .io.propose import auto_spec
    from .io.reader import load_export

    proposed: list[str] = []
    try:
        spec = auto_spec(files, date_format, proposed)
        if time_zone is not None:
            from .io.spec import check_time_zone
            spec = replace(spec, time_zone=check_time_zone(time_zone, "--time-zone"))
        dataset = load_export(files, spec, drop_identifiers=drop_identifiers, source=source)
    except DatasetError as export_error:
        if "holds dates" in why:
            raise  # the export reading's question (the order of the dates: --date-format) is the one to answer
        try:
            dataset = load_canonical(files, drop_identifiers=drop_identifiers, source=source)
        except DatasetError as e:
            first = str(export_error).split(". ")[0]
            advice = INSPECT_ADVICE.format(path=source if source != "upload" else "PATH")
            e.args = (f"{e}{advice} (Read as a clinic export: {first}.)",) + tuple(e.args[1:])
            raise
        return dataset
    dataset.report.notes.extend(_proposal_notes(proposed, dataset.report.notes, drop_identifiers))
    dataset.report.notes.insert(0, f"{why}: the files were read as a clinic export (the columns as inspect proposes "
                                   "them), not in the product's own format.")
    return dataset


def _proposal_notes(proposed: list[str], loaded: list[str], drop_identifiers: bool) -> list[str]:
    """The proposal's notes for the load report, but those the load says itself (a note on dotted dates, said
    by the reader with an example) and, with ``drop_identifiers``, the warning that loading would refuse an
    identifier column (it was dropped: the report lists it)."""
    known = set(loaded)
    said = " ".join(loaded)
    return [n for n in dict.fromkeys(proposed) if n not in known
            and not ("dotted dates" in n and "dotted dates" in said)
            and not (drop_identifiers and "looks like a direct identifier" in n)]


def _export_spec(mapping):
    """The clinic-export mapping (:mod:`analysis.io.spec`) given as ``mapping``, or None for a plain
    column mapping (``{source: target}`` or a .csv/.json of such pairs)."""
    if mapping is None:
        return None
    from .io import spec as _spec

    if isinstance(mapping, _spec.MappingSpec):
        return mapping
    if isinstance(mapping, dict) and _spec.is_spec_document(mapping):
        return _spec.from_json(mapping, where="mapping")
    if isinstance(mapping, (str, Path)) and Path(mapping).suffix.lower() in (".json", ".toml"):
        return _spec.read(mapping)
    return None

