"""One SPSS, Stata or SAS data file as CSV text: run as a script in a child process by analysis.io.stat_files.

Why a child process: ReadStat (through pyreadstat) allocates the data frame from the row count in the
file's header, and a .zsav unpacks its rows as it reads; a small hostile file could ask for gigabytes and
abort the process that reads it, in the dashboard the server of every user. The child runs with its
address space capped (``RLIMIT_AS``), so such a file kills only the child, and the parent says why. The
row count of the header is also checked before the rows are read, and no more rows than the cap allows
are read whatever the header says.

Protocol: ``python -I stat_reader.py SUFFIX CAP_BYTES MAX_COLUMNS`` reads the file's bytes on stdin and
writes one pickle on stdout: ``("ok", csv_bytes, info)`` (``info``: :func:`convert`) or ``("error", kind,
detail)``. It imports nothing of the package (``-I``): the standard library, numpy, pandas and pyreadstat.
pyreadstat reads a path, so the bytes are written to a file of a temporary folder made for this read
(its name is never taken from the data) and removed afterwards. Cells are written as
:mod:`analysis.io.stat_files` documents.
"""
from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import sys
import tempfile

#: Memory of one cell, from the file to the CSV text (the data frame, the cells as text, the CSV): the
#: workbooks' figure (analysis/io/sheet_reader.py), a bound on what pandas needs per cell here.
BYTES_PER_CELL = 200
#: pyreadstat's reader of each suffix, and whether it returns user-missing values (SPSS's ranges, Stata's
#: and SAS's .a-.z) when asked to: .por and .xpt have none to return.
READERS = {".sav": ("read_sav", True), ".zsav": ("read_sav", True), ".por": ("read_por", False),
           ".dta": ("read_dta", True), ".sas7bdat": ("read_sas7bdat", True), ".xpt": ("read_xport", False)}
#: A value label that is a number ("0", "10", "2.5"), not a word: such labels are no names of the values.
_NUMBER = re.compile(r"\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)\s*")


#: The cells pyreadstat makes of a date, date-time or time format.
_DATES = (dt.date, dt.time)


class Refused(Exception):
    """The file is over a limit: ``kind`` ("memory", "columns") and the detail for the parent's message."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


def number_text(values):
    """Numbers as a spreadsheet's CSV writes them: whole numbers without decimals (``7``, not ``7.0``; every
    whole number as the double holds it, up to 2**63: a 16-digit patient id ``2024031500010001`` stays itself,
    where 15 significant digits made six patients' ids two; above 2**53 a double may already have rounded an
    id, :func:`convert` says so), others with up to 15 significant digits (``6.5``; ``0.1 + 0.2`` is ``0.3``);
    missing empty."""
    import numpy as np

    v = np.asarray(values, dtype="float64")
    out = np.full(len(v), "", dtype=object)
    ok = np.isfinite(v)
    whole = ok & (v == np.round(v)) & (np.abs(v) < 2.0 ** 63)
    out[whole] = v[whole].astype(np.int64).astype(str)
    rest = ok & ~whole
    if rest.any():
        out[rest] = np.char.mod("%.15g", v[rest]).astype(object)
    return out


def _is_word(label) -> bool:
    return isinstance(label, str) and bool(label.strip()) and not _NUMBER.fullmatch(label)


def labels_to_write(present, labels: dict) -> str:
    """Whether a variable is written with its value labels: ``"labels"`` when every value present in the data
    has a label and every such label is a word (not a number); ``"anchors"`` when its only labels are the two
    ends of a scale (0 = "No pain", 10 = "Worst pain": whole numbers at least 4 apart), which name no values
    even when the data hold only those two; ``"some"`` when values present have no label or a number for one;
    ``""`` without labels."""
    if not labels:
        return ""
    keys = list(labels)
    if len(keys) == 2 and all(isinstance(k, (int, float)) and float(k).is_integer() for k in keys) \
            and abs(float(keys[0]) - float(keys[1])) >= 4:
        return "anchors"
    if not len(present):
        return ""
    used = [labels.get(v) for v in present]
    return "labels" if all(_is_word(u) for u in used) else "some"


def _user_missing(frame, meta, numeric: dict):
    """Mask SPSS's user-missing values (its missing ranges and discrete missing values) and Stata's and SAS's
    extended missing values (.a-.z, read as the letters): ``{variable: (cells, [values])}``."""
    import numpy as np
    import pandas as pd

    found = {}
    ranges = getattr(meta, "missing_ranges", None) or {}
    for var, spans in ranges.items():
        if var not in frame:
            continue
        col = frame[var]
        mask = np.zeros(len(col), dtype=bool)
        for span in spans:
            lo, hi = span.get("lo"), span.get("hi")
            if isinstance(lo, str) or isinstance(hi, str):
                mask |= (col.astype(object) == lo).to_numpy() | (col.astype(object) == hi).to_numpy()
            else:
                num = pd.to_numeric(col, errors="coerce")
                mask |= ((num >= lo) & (num <= hi)).fillna(False).to_numpy(dtype=bool)
        if mask.any():
            shown = pd.unique(col[mask])[:3]
            found[var] = (int(mask.sum()), [str(x) for x in (shown if col.dtype == object else number_text(shown))])
            frame[var] = col.mask(mask)
    for var, is_number in numeric.items():
        col = frame[var]
        if not is_number or col.dtype != object:
            continue
        # .a-.z (SAS: .A-.Z, ._): pyreadstat gives the letter where a number or a date would be.
        letters = col.astype(str).str.fullmatch(r"[A-Za-z_]").to_numpy(dtype=bool) & col.notna().to_numpy()
        if letters.any():
            cells, values = found.get(var, (0, []))
            found[var] = (cells + int(letters.sum()),
                          values + ["." + str(x) for x in pd.unique(col[letters].astype(str))[:3]])
            col = col.mask(letters)
            filled = col.dropna()
            # the numbers a column of numbers holds (a date column keeps its dates)
            frame[var] = col if len(filled) and isinstance(filled.iloc[0], _DATES) else pd.to_numeric(col, errors="coerce")
    return found


def _column_text(col, fmt: str | None):
    """One variable's cells as text, and whether it was a date ("date"), a date and time ("datetime"), a time
    ("time") or not (""). Dates ``YYYY-MM-DD``, dates with times ``YYYY-MM-DD HH:MM:SS``, times ``HH:MM:SS``
    (pyreadstat converts the cells whose format is a date, date-time or time format of SPSS, Stata or SAS)."""

    import numpy as np
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").to_numpy(dtype=object), "datetime"
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return number_text(col.to_numpy(dtype="float64", na_value=np.nan)), ""
    filled = col.dropna()
    first = filled.iloc[0] if len(filled) else None
    if isinstance(first, dt.datetime):
        return pd.to_datetime(col).dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").to_numpy(dtype=object), "datetime"
    if isinstance(first, dt.date):
        return pd.to_datetime(col).dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object), "date"
    if isinstance(first, dt.time):
        return col.astype(str).where(col.notna(), "").to_numpy(dtype=object), "time"
    return col.astype(object).where(col.notna(), "").astype(str).to_numpy(dtype=object), ""


def convert(path: str, suffix: str, cap: int, max_columns: int) -> tuple[bytes, dict]:
    """The data file at ``path`` as CSV bytes, and ``info``: ``rows``, ``columns``, ``labelled`` (``{variable:
    [(value, label)]}`` written as labels), ``numbers_kept`` (``{variable: (why, [(value, label)])}``: labels
    that name no values), ``missing`` (``{variable: (cells, [values])}`` read as empty), ``dates``
    (``{variable: (kind, format)}``) and ``variable_labels`` (``{variable: label}``). Raises :class:`Refused`
    for a file over ``cap`` bytes of memory or ``max_columns`` columns, before its rows are read."""
    import numpy as np
    import pandas as pd
    import pyreadstat

    reader, has_user_missing = READERS[suffix]
    read = getattr(pyreadstat, reader)
    _, meta = read(path, metadataonly=True)
    n_cols = int(meta.number_columns or 0)
    if n_cols > max_columns:
        raise Refused("columns", f"{n_cols}")
    width = max(n_cols, 1)
    limit = max(cap // (width * BYTES_PER_CELL), 1)  # rows the cap allows, whatever the header says
    declared = meta.number_rows if meta.number_rows is not None and meta.number_rows >= 0 else None
    if declared is not None and declared > limit:
        raise Refused("memory", f"{declared}\0{n_cols}")
    options = {"user_missing": True} if has_user_missing else {}
    if reader in ("read_sav", "read_por", "read_dta"):
        options["apply_value_formats"] = False
    frame, meta = read(path, row_limit=limit + 1, **options)
    if len(frame) > limit:
        raise Refused("memory", f"more than {limit}\0{n_cols}")
    types = meta.readstat_variable_types or {}
    numeric = {v: types.get(v) not in (None, "string") for v in frame.columns}
    missing = _user_missing(frame, meta, numeric)
    missing_values = getattr(meta, "missing_ranges", None) or {}
    value_labels = getattr(meta, "variable_value_labels", None) or {}
    formats = meta.original_variable_types or {}
    out, labelled, kept, dates, scales = {}, {}, {}, {}, []
    for var in frame.columns:
        col = frame[var]
        labels = value_labels.get(var) or {}
        if labels and numeric.get(var):
            labels = {float(k): str(v) for k, v in labels.items() if isinstance(k, (int, float)) and not isinstance(k, bool)}
            spans = missing_values.get(var, [])
            # Labels of user-missing values (99 = "Not asked") name no value of the data: those cells are empty.
            labels = {k: v for k, v in labels.items() if not any(
                not isinstance(s.get("lo"), str) and s.get("lo") <= k <= s.get("hi") for s in spans)}
            present = pd.unique(pd.to_numeric(col, errors="coerce").dropna())
            present = [float(x) for x in present]
        elif labels:
            labels = {str(k): str(v) for k, v in labels.items()}
            present = [str(x) for x in pd.unique(col.dropna().astype(str)) if str(x) != ""]
        else:
            present = []
        rule = labels_to_write(present, labels)
        shown = [(_key_text(k), v) for k, v in list(labels.items())[:4]]
        if rule == "labels":
            keyed = pd.to_numeric(col, errors="coerce") if numeric.get(var) else col.astype(object)
            out[var] = keyed.map(labels).where(keyed.notna(), "").fillna("").astype(str).to_numpy(dtype=object)
            labelled[var] = shown
            if numeric.get(var) and len(labels) >= 5 and all(float(k).is_integer() for k in labels):
                scales.append(var)  # a word for each of 5+ numbered values: a rating scale's labels, perhaps
            continue
        if rule in ("anchors", "some"):
            kept[var] = (rule, shown)
        text, kind = _column_text(col, formats.get(var))
        if kind:
            dates[var] = (kind, formats.get(var) or "")
        out[var] = text
    table = pd.DataFrame(out, columns=list(frame.columns)) if out else pd.DataFrame(columns=list(frame.columns))
    csv_bytes = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    names = {v: " ".join(str(lab).split()) for v, lab in (meta.column_names_to_labels or {}).items()
             if lab and str(lab).strip() and " ".join(str(lab).split()) != v}
    # Whole numbers beyond 2**53 are not all held exactly by a double: ids stored as numbers may have been rounded
    # by the program that saved the file (two patients one id), whatever is written here.
    big = [v for v in frame.columns if numeric.get(v) and pd.api.types.is_numeric_dtype(frame[v])
           and (pd.to_numeric(frame[v], errors="coerce").abs() > 2.0 ** 53).any()]
    info = {"rows": len(frame), "columns": n_cols, "labelled": labelled, "numbers_kept": kept, "missing": missing,
            "dates": dates, "variable_labels": names, "beyond_exact": big, "scales": scales}
    return csv_bytes, info


def _key_text(k) -> str:
    return number_text([k])[0] if isinstance(k, float) else str(k)


def _address_space() -> int:
    """Bytes of address space the process holds now (Linux), 0 where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main() -> None:
    suffix, cap, max_columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    import resource

    import pandas  # noqa: F401 - imported before the cap: the cap is the file's, not the libraries'
    import pyreadstat  # noqa: F401

    held = _address_space()
    limit = (held or 512 << 20) + cap + (256 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    try:
        with tempfile.TemporaryDirectory(prefix="crps-stat-") as folder:
            path = os.path.join(folder, "data" + suffix)
            with open(path, "wb") as fh:
                fh.write(data)
            del data
            csv_bytes, info = convert(path, suffix, cap, max_columns)
        result = ("ok", csv_bytes, info)
    except Refused as e:
        result = ("error", e.kind, str(e))
    except MemoryError:
        result = ("error", "memory", "")
    except Exception as e:  # noqa: BLE001 - ReadStat's errors: the parent says what to do
        # ReadStat's message ("Invalid file, or file has unsupported features"), without the temporary path.
        result = ("error", "unreadable", str(e).replace(os.path.join(folder, "data" + suffix), "")[:200]
                  if "folder" in locals() else type(e).__name__)
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    main()
