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
* a row above the first written id has nothing to take: it stays excluded, with that reason;
* a printed report's page label in the id column (``Page 5 of 8``, ``Seite 2 von 8``, ``- 5 -``,
  ``Printed: 6/3/2024``, ``Report run on ...``: :data:`PAGE_LABEL`) is no id. Its row is excluded as a page
  header or footer, and the rows after it take the id above it: a report continues the patient of the
  previous page (a Crystal Reports export with the id on the group header only wrote 'Page 5 of 8' into the
  id column, and the next page's rows were read as a patient of that name).

The rows filled are counted in a note of the load report, so the user sees that it happened.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

#: Exclusion reasons of the rows without an id in a file whose id is filled down.
R_NOTHING_ABOVE = "patient_id is missing, and no row above it has one to fill down"
R_UNDATED = ("patient_id is missing, and not filled down: the row has no date (or day) that reads "
             "(a total or summary row?)")
R_PAGE_LABEL = "a page header or footer of a printed report (its id cell is a page label, not a patient id): not data"

_PAGE_WORD = r"(?:page|pg\.?|seite|pagina|página|blad|sida|side|strona)"
_OF_WORD = r"(?:of|von|/|sur|de|di|van|av|af|z|aus)"
#: A printed report's page label, whole: ``Page 5 of 8``, ``Page 5``, ``Page: 5``, ``Seite 2 von 8``,
#: ``Page 2 sur 8``, ``Página 2 de 8``, ``- 5 -``, ``5 / 8`` after a page word; the print or run stamp of its page
#: header or footer: ``Printed: 6/3/2024 10:22AM``, ``Printed on ...``, ``Print date ...``, ``Report run on ...``,
#: ``Run date: ...``, ``Report date: ...``, ``Generated on ...``, ``Gedruckt am ...``, ``Druckdatum ...``,
#: ``Imprimé le ...``, ``Stand: ...``.
PAGE_LABEL = re.compile(
    rf"(?i)\s*(?:{_PAGE_WORD}\s*:?\s*\d+(?:\s*{_OF_WORD}\s*\d+)?|[-–—]\s*\d+\s*[-–—]|"
    r"(?:printed|print\s*date|date\s*printed|report\s*(?:run|date|printed|generated|created)|run\s*date|"
    r"generated|created|gedruckt|druckdatum|erstellt|imprim[ée]|stand)\b\s*:?\s*\S.*)\s*")


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
        For rows still without an id, why (:data:`R_NOTHING_ABOVE`, :data:`R_UNDATED`, :data:`R_PAGE_LABEL`);
        "" elsewhere.
    """
    pid = np.asarray(pid, dtype=object)
    page = page_labels(pid)
    pid = np.where(page, "", pid).astype(object)
    empty = pid == ""
    above = pd.Series(pid, dtype=object).where(~empty).ffill().to_numpy(dtype=object)
    has_above = pd.notna(above)
    was_filled = empty & has_above & np.asarray(dated, dtype=bool)
    filled = np.where(was_filled, above, pid).astype(object)
    reason = np.full(len(pid), "", dtype=object)
    reason[empty & ~has_above] = R_NOTHING_ABOVE
    reason[empty & has_above & ~was_filled] = R_UNDATED
    reason[page] = R_PAGE_LABEL
    return filled, was_filled, reason


def page_labels(cells) -> np.ndarray:
    """Whether each cell is a printed report's page label (:data:`PAGE_LABEL`), each distinct text tested once."""
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).fillna("").astype(str))
    return pd.Series(uniques, dtype=object).str.fullmatch(PAGE_LABEL).to_numpy(dtype=bool)[codes]


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
        ids = pd.Series(t.column(t.header.index(mark[0])), dtype=object).fillna("").astype(str).str.strip()
        n_ids = int(((ids != "") & ~page_labels(ids)).sum())  # 'Page 5 of 8' is no id (fill_ids)
        _covariates_within_patients(p, t, mark[0], fps, notes)
        notes.append(f"{p.name}: the patient id {mark[0]!r} is written on each patient's first row only ({mark[1]} "
                     f"row(s) with values but no id below one of its {n_ids} ids): it is filled down into the rows "
                     "below it that have a date (fill_down); rows without a date, such as totals, are not filled. "
                     "The load report counts the rows filled.")


def _covariates_within_patients(p, t, id_column: str, fps: list, notes: list) -> None:
    """The covariates of a file whose id is filled down, checked again on the filled ids: a column is a covariate
    when it is the same on each patient's rows, and before the fill each patient had one row ('Infusion #' 1 ... 6
    read as "the same for each patient", then left empty on 166 rows as differing). Such a column named for the
    sessions' number, in an export without a treatment, is the treatment (each number a session:
    :func:`analysis.io.session_rows.numbered_session_codes`); any other is not read (it describes the row)."""
    from .session_rows import numbered_session_codes, session_codes
    from .spec import Column

    dates = [c.header for c in p.columns if c.column.role in ("date", "day") and c.header in t.header]
    if not dates:
        return
    dated = np.zeros(t.n, dtype=bool)
    for h in dates:  # a total row's 'Total' is no date: its row keeps no id, as at the load
        dated |= pd.Series(t.column(t.header.index(h)), dtype=object).astype(str).str.contains(r"\d").to_numpy()
    raw = pd.Series(t.column(t.header.index(id_column)), dtype=object).fillna("").astype(str).str.strip().to_numpy()
    pid = fill_ids(raw, dated)[0]
    from .region_rows import propose_after_fill_down  # body regions one per row, on the filled ids
    propose_after_fill_down(p, t, pid, notes)
    treated = any(c.column.role == "treatment" or c.column.treatment for f in fps for c in f.columns)
    # The condition of analysis.io.visits.session_treatment, which saw this column as a covariate before the fill.
    scored = len(dates) == 1 and any(c.column.role == "dose" or c.column.timing in ("before_start", "after_start")
                                     for c in p.columns)
    for i, c in enumerate(p.columns):  # a loop over the file's columns, a handful
        if c.column.role != "covariate" or c.header not in t.header:
            continue
        cells = t.column(t.header.index(c.header))
        rows = (pid != "") & (cells != "") & dated
        if not (pd.DataFrame({"p": pid[rows], "v": cells[rows]}).groupby("p")["v"].nunique() > 1).any():
            continue
        codes = None if treated else numbered_session_codes(c.header, cells[rows], p.name)
        named = codes is None and not treated and scored
        if named:  # 'Ketamine Infusion' / 'Follow-up Visit': read as the sessions when the id is on every row
            codes = session_codes(cells)
        if codes is not None:
            col = Column("treatment", codes=codes)
            labels = sorted({v for v in codes.values() if v})
            why = (f"the rows it names as sessions are administrations of {', '.join(map(repr, labels))}" if named
                   else f"numbers the sessions: each is an administration of {', '.join(map(repr, labels))}")
            treated = True
            # Said before the fill: now a column gives the treatments.
            notes[:] = [n for n in notes if not n.startswith("No column gives treatments")]
            visits = [k for k, v in codes.items() if not v]
            notes.append(f"{p.name}: {c.header!r} "
                         + ("names each patient's sessions (" + ", ".join(repr(k) for k, v in codes.items() if v)
                            if named else "numbers each patient's sessions (" + ", ".join(repr(k) for k in list(codes)[:3]))
                         + f", ...) once the patient id is filled down: each is read as an administration of "
                         f"{', '.join(map(repr, labels))} on its date"
                         + (f"; the rows {', '.join(map(repr, visits[:3]))} are visits" if named and visits else "")
                         + ". Rename the treatment in the mapping (the column's \"codes\") if needed.")
        else:
            col, why = Column("ignore"), "differs between a patient's rows once the id is filled down: no covariate"
            notes.append(f"{p.name}: {c.header!r} differs between a patient's rows once the patient id is filled "
                         "down, so it is no covariate and is not read; give it a role in the mapping if it is a score "
                         "or the treatment.")
        p.columns[i] = replace(c, column=col, why=why)
        p.spec.columns[c.header] = col
