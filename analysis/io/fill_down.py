"""A patient id written on each patient's first row only, filled down into the rows below it.

Spreadsheets laid out as a report (one block of rows per patient) and tables with merged cells are
exported with the id on the first row of each block and empty cells below it. Read as they are, all
the other rows are excluded ("patient_id is missing"). With the file option ``fill_down`` (the
mapping file, :mod:`analysis.io.spec`; proposed by :func:`propose` when the id column has this mark,
:func:`analysis.io.plausibility.ids_written_once`), an empty id cell takes the id written nearest
above it, in the same file, under one rule:

* only a row with a date (or day) that reads is filled. A total or summary row at the bottom of a
  report (``Mean;;;6.1``, ``;;;6.1``, a row without a date) is not a visit of the patient above it:
  it keeps no id and is excluded, with a reason that says why it was not filled;
* a row above the first written id has nothing to take: it stays excluded, with that reason.

The rows filled are counted in a note of the load report, so the user sees that it happened.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

#: Exclusion reasons of the rows without an id in a file whose id is filled down.
R_NOTHING_ABOVE = "patient_id is missing, and no row above it has one to fill down"
R_UNDATED = ("patient_id is missing, and not filled down: the row has no date (or day) that reads "
             "(a total or summary row?)")


def fill_ids(pid: np.ndarray, dated: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill empty patient ids from the nearest id written above them, on dated rows only.

    Parameters
    ----------
    pid : ndarray of object
        The id column's cells in file order ("" = empty).
    dated : ndarray of bool
        The row has a date (or day) that reads.

    Returns
    -------
    filled : ndarray of object
        The ids, with the empty cells of dated rows below a written id filled.
    was_filled : ndarray of bool
        The rows whose id was filled.
    reason : ndarray of object
        For rows still without an id, why (:data:`R_NOTHING_ABOVE`, :data:`R_UNDATED`); "" elsewhere.
    """
    pid = np.asarray(pid, dtype=object)
    empty = pid == ""
    above = pd.Series(pid, dtype=object).where(~empty).ffill().to_numpy(dtype=object)
    has_above = pd.notna(above)
    was_filled = empty & has_above & np.asarray(dated, dtype=bool)
    filled = np.where(was_filled, above, pid).astype(object)
    reason = np.full(len(pid), "", dtype=object)
    reason[empty & ~has_above] = R_NOTHING_ABOVE
    reason[empty & has_above & ~was_filled] = R_UNDATED
    return filled, was_filled, reason


def note(file: str, header: str, was_filled: np.ndarray, reason: np.ndarray) -> str:
    """The load report's note that the id was filled down (and in how many rows not)."""
    left = int((reason != "").sum())
    return (f"The patient id was filled down from the row above in {int(was_filled.sum())} row(s) of {file} "
            f"(fill_down: {header!r} is written on each patient's first row only)"
            + (f"; {left} row(s) without an id were not filled (no date, or no id above them) and are excluded."
               if left else "."))


def _in_blocks(t, id_column: str) -> bool:
    """Whether at least half of the ids are followed by a row without one: a block of rows per patient.
    The warning's mark (:func:`analysis.io.plausibility.ids_written_once`) is weaker: a register of one
    row per patient with two ids left empty has it too, and filling those rows down merged two unknown
    patients into their neighbours; that is left excluded and warned about, not proposed."""
    pid = pd.Series(t.column(t.header.index(id_column)), dtype=object).fillna("").astype(str).str.strip().to_numpy()
    written = np.flatnonzero(pid != "")
    followed = written[written + 1 < len(pid)]
    return bool(len(written)) and (pid[followed + 1] == "").sum() >= len(written) / 2


def propose(fps: list, tables: list, notes: list) -> None:
    """Set ``fill_down`` on the proposed file specs whose id column is written once per patient.

    ``fps``: the :class:`analysis.io.propose.FileProposal` of each file (their ``spec`` replaced);
    ``tables``: the data files' :class:`analysis.io.tables.TextTable`.
    """
    from .plausibility import ids_written_once

    by_name = {t.file: t for t in tables}
    for p in fps:
        t = by_name.get(p.name)
        if t is None or p.spec is None or p.spec.kind != "data":
            continue
        mark = ids_written_once(t, p.spec)
        if mark is None or not _in_blocks(t, mark[0]):
            continue
        p.spec = replace(p.spec, fill_down=(mark[0],))
        _covariates_within_patients(p, t, mark[0], fps, notes)
        notes.append(f"{p.name}: the patient id {mark[0]!r} is written on each patient's first row only ({mark[1]} "
                     f"row(s) with values but no id below one of its {mark[2]} ids): it is filled down into the rows "
                     "below it that have a date (fill_down); rows without a date, such as totals, are not filled. "
                     "The load report counts the rows filled.")


def _covariates_within_patients(p, t, id_column: str, fps: list, notes: list) -> None:
    """The covariates of a file whose id is filled down, checked again on the filled ids: a column is a covariate
    when it is the same on each patient's rows, and before the fill each patient had one row ('Infusion #' 1 ... 6
    read as "the same for each patient", then left empty on 166 rows as differing). Such a column named for the
    sessions' number, in an export without a treatment, is the treatment (each number a session:
    :func:`analysis.io.session_rows.numbered_session_codes`); any other is not read (it describes the row)."""
    from .session_rows import numbered_session_codes
    from .spec import Column

    dates = [c.header for c in p.columns if c.column.role in ("date", "day") and c.header in t.header]
    if not dates:
        return
    dated = np.zeros(t.n, dtype=bool)
    for h in dates:  # a total row's 'Total' is no date: its row keeps no id, as at the load
        dated |= pd.Series(t.column(t.header.index(h)), dtype=object).astype(str).str.contains(r"\d").to_numpy()
    raw = pd.Series(t.column(t.header.index(id_column)), dtype=object).fillna("").astype(str).str.strip().to_numpy()
    pid = fill_ids(raw, dated)[0]
    treated = any(c.column.role == "treatment" or c.column.treatment for f in fps for c in f.columns)
    for i, c in enumerate(p.columns):  # a loop over the file's columns, a handful
        if c.column.role != "covariate" or c.header not in t.header:
            continue
        cells = t.column(t.header.index(c.header))
        rows = (pid != "") & (cells != "") & dated
        if not (pd.DataFrame({"p": pid[rows], "v": cells[rows]}).groupby("p")["v"].nunique() > 1).any():
            continue
        codes = None if treated else numbered_session_codes(c.header, cells[rows], p.name)
        if codes is not None:
            col = Column("treatment", codes=codes)
            labels = sorted({v for v in codes.values() if v})
            why = f"numbers the sessions: each is an administration of {', '.join(map(repr, labels))}"
            treated = True
            # Said before the fill: now a column gives the treatments.
            notes[:] = [n for n in notes if not n.startswith("No column gives treatments")]
            notes.append(f"{p.name}: {c.header!r} numbers each patient's sessions ("
                         f"{', '.join(repr(k) for k in list(codes)[:3])}, ...) once the patient id is filled down: "
                         f"each row is read as an administration of {', '.join(map(repr, labels))} on its date. "
                         "Rename the treatment in the mapping (the column's \"codes\") if needed.")
        else:
            col, why = Column("ignore"), "differs between a patient's rows once the id is filled down: no covariate"
            notes.append(f"{p.name}: {c.header!r} differs between a patient's rows once the patient id is filled "
                         "down, so it is no covariate and is not read; give it a role in the mapping if it is a score "
                         "or the treatment.")
        p.columns[i] = replace(c, column=col, why=why)
        p.spec.columns[c.header] = col
