"""The codes of a REDCap raw export's choice fields, read against the data dictionary.

A raw export writes each choice as its code (``1, Ketamine | 2, Lidocaine``: the cell holds ``1``), and the
loader decodes it by the dictionary. An export that went through a spreadsheet or a pandas/R round trip
writes the same codes as numbers: ``1.0``, ``2.0`` (or ``01``). Left as written, no cell matches a code and
the treatment is called "1.0", sex "1.0/2.0", on every page, without a word.

Rules (:func:`align_codes`, on every choice field of a raw export: radio, dropdown, yes/no, true/false, and
each checkbox's box, whose codes are 0 and 1):

* a cell equal to a code, as written, is that code;
* a cell whose number equals exactly one code's number (``1.0`` and ``01`` are ``1``) is that code: rewritten
  in place, so that every later reading (treatments, covariates, scores asked as choices, time points)
  decodes it; the load report says so (a note per field);
* a cell that matches no code of a field the mapping reads is kept as written and reported: a load warning
  names the field, the codes and their number of rows (a code the project no longer has, or data and
  dictionary from two projects). REDCap's missing data codes (``UNK``, ``NI``, ...) are not reported here:
  they are read as missing where the value is read.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..mapping import normalize_name
from .redcap import MISSING_DATA_CODES, Field, checkbox_field
from .tables import TextTable

_CHOICE_TYPES = ("radio", "dropdown", "yesno", "truefalse")


def _codes_of(header: str, fields: dict[str, Field]) -> tuple[str, dict] | None:
    """(field name, code -> label) of a raw export's column, for a choice field or a checkbox's box."""
    f = fields.get(header)
    if f is not None and f.type in _CHOICE_TYPES and f.choices:
        return f.name, f.choices
    box = fields.get(checkbox_field(header, fields) or "")
    if box is not None and box.type == "checkbox" and header != box.name:
        return box.name, {"1": "Checked", "0": "Unchecked"}
    return None


def _number(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float)


def align_codes(table: TextTable, fspec, fields: dict[str, Field], notes: list, warnings: list) -> None:
    """Rewrite, in place, the cells of a raw export's choice fields that are a code written as another number
    (``1.0`` for ``1``), and report the cells of mapped choice fields that match no code. See the module
    docstring. ``fspec``: the file's mapping (its columns say which fields are read)."""
    if fspec.redcap != "raw" or not fields:
        return
    read = {normalize_name(h) for h, c in fspec.columns.items() if getattr(c, "role", "ignore") != "ignore"}
    rewritten = []
    for k, header in enumerate(table.header):
        found = _codes_of(header, fields)
        if found is None:
            continue
        name, choices = found
        cells = pd.Series(table.column(k), dtype=object).str.strip()
        written = pd.unique(cells[cells != ""])
        odd = [v for v in written if v not in choices]
        if not odd:
            continue
        codes = list(choices)
        code_num = _number(codes)
        odd_num = _number(odd)
        to = {}
        for v, x in zip(odd, odd_num):  # per distinct value written, not per row
            hit = np.flatnonzero(code_num == x) if not np.isnan(x) else []
            if len(hit) == 1:
                to[v] = codes[hit[0]]
        if to:
            table.cells.iloc[:, k] = cells.map(to).fillna(cells).to_numpy(dtype=object)
        mapped = normalize_name(header) in read
        if to and mapped:
            shown = "; ".join(f"{v} as {c}, {choices[c]!r}" for v, c in list(to.items())[:3])
            rewritten.append(f"{header!r} ({shown}{' ...' if len(to) > 3 else ''})")
        unknown = [v for v in odd if v not in to and str(v).casefold() not in MISSING_DATA_CODES]
        if unknown and mapped:
            rows = int(cells.isin(unknown).sum())
            listed = " | ".join(f"{c}, {lab}" for c, lab in list(choices.items())[:6])
            warnings.append(
                f"{table.file}: {header!r} holds {', '.join(repr(v) for v in unknown[:5])}"
                f"{' ...' if len(unknown) > 5 else ''} ({rows} row(s)), which is no code of the field {name!r} in "
                f"the data dictionary ({listed}{' ...' if len(choices) > 6 else ''}): read as written, so a "
                "treatment or group may carry that code as its name. Check that the data and the dictionary were "
                "exported from the same project at the same time.")
    if rewritten:
        notes.append(f"{table.file}: the choice codes of {', '.join(rewritten)} are written as other numbers than "
                     "the data dictionary's (a spreadsheet or statistics program rewrote them): each was read as the "
                     "code of the same number.")
