"""Which date column of an EHR row says when the score was taken.

An EHR export dates each row several times: when the observation was taken, when it was charted, and
when the row's version was valid or last updated. Only the first is a time of the data; dated by
another, a pre-infusion score charted after a 09:00 start became the immediate post-infusion score
(immediate relief -8 % instead of 40 % in a probe of a Cerner extract). Of the date columns of one
file (:func:`keep_clinical_times`):

* the **bookkeeping** times of the row (:data:`BOOKKEEPING_TIME`: Cerner's ``VALID_FROM_DT_TM`` and
  ``VALID_UNTIL_DT_TM``, the row version's validity, 31-DEC-2100 for the current one; ``UPDT_DT_TM``,
  ``LAST_UPDATE``, ``Modified``, ``Created``, ``Extracted``) are never the time of a score: beside any
  other date column they are not read (role ``ignore``, with a note);
* Cerner's **clinically significant time** (:data:`CERNER_CLINICAL_TIME`: ``EVENT_END_DT_TM``, when the
  observation was taken) dates the rows; beside it, ``PERFORMED_DT_TM`` and ``VERIFIED_DT_TM`` (when the
  result was charted and signed) and any charting time are not read;
* otherwise a time saying when the score was *taken* (:data:`CLINICAL_TIME`: Epic's ``Taken Time``,
  ``Collected``, ``Performed``, ``Observed``) dates the rows, and one saying when it was *charted*
  (:data:`CHARTING_TIME`: ``Recorded Time``, ``Entry Time``, ``Filed``, ``Verified``) is not read.

Other date columns (a visit date, an admission date) are left as they are.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .column_words import header_words as _words  # its patterns ignore case
from .spec import Column

#: Date columns that say when something was *taken* (Epic's 'Taken Time', 'Collected', 'Performed') and those
#: that say when it was *charted* ('Recorded Time', 'Entry Time', 'Filed', 'Verified'): an EHR export often has
#: both.
CLINICAL_TIME = re.compile(r"(?i)\b(taken|collected|performed|observed|measured|obtained|administered|given)\b")
CHARTING_TIME = re.compile(r"(?i)\b(recorded|record|entry|entered|filed|charted|documented|documentation|"
                           r"verified|verify|signed|authenticated)\b")
#: Cerner's clinically significant time of a clinical event (when it was taken): ``EVENT_END_DT_TM``.
CERNER_CLINICAL_TIME = re.compile(r"(?i)\bevent[\s_]*end\b")
#: Cerner's times of charting beside it: ``PERFORMED_DT_TM`` (when the result was charted), ``VERIFIED_DT_TM``.
CERNER_CHARTING_TIME = re.compile(r"(?i)\b(performed|verified|entry|entered)\b")
#: The row's own bookkeeping: when its version was valid (``VALID_FROM_DT_TM``, ``VALID_UNTIL_DT_TM``), last
#: updated (Cerner's ``UPDT_DT_TM``, ``LAST_UPDATE_DTTM``, ``Modified``), created or extracted.
BOOKKEEPING_TIME = re.compile(r"(?i)(?:^|[\W_])(valid[\W_]*(?:from|until|to|thru|through|begin|end|start)|updt|"
                              r"(?:last[\W_]*)?updated?|(?:last[\W_]*|date[\W_]*)?modified|created?|create[\W_]*dt|"
                              r"extract(?:ed)?|load(?:ed)?[\W_]*(?:dt|date|time)|inserted)(?=$|[\W_])")

_WHY_BOOKKEEPING = "when this version of the row was valid or updated, not when the score was taken"
_WHY_CHARTING = "when it was charted, not when it happened"


def bookkeeping(header: str) -> bool:
    """The column's name says it is the row's bookkeeping time, never the time of a score."""
    return bool(BOOKKEEPING_TIME.search(header))


def keep_clinical_times(cols: dict, header: list, date_cols: list, file: str, notes: list) -> list:
    """The date columns ``date_cols`` (positions) less those that are not times of the data (module docstring):
    those are given the role ``ignore`` in ``cols`` (column proposals), with a note. A loop over the few date
    columns."""
    def drop(ks: list, why: str) -> None:
        for k in ks:  # the proposal kept, its role and reason changed (propose.ColumnProposal)
            cols[k] = replace(cols[k], column=Column("ignore"), why=why)

    kept = list(date_cols)
    books = [k for k in kept if bookkeeping(header[k])]
    if books and len(books) < len(kept):
        drop(books, _WHY_BOOKKEEPING)
        kept = [k for k in kept if k not in books]
        notes.append(f"{file}: {', '.join(repr(header[k]) for k in books)} say when this version of each row was "
                     "valid or last updated (the extract's bookkeeping), not when the score was taken: not read "
                     "as dates.")
    if len(kept) < 2:
        return kept
    words = {k: _words(header[k]) for k in kept}
    cerner = [k for k in kept if CERNER_CLINICAL_TIME.search(words[k])]
    if cerner:
        clinical = cerner
        charting = [k for k in kept if k not in cerner and
                    (CERNER_CHARTING_TIME.search(words[k]) or CHARTING_TIME.search(words[k]))]
    else:
        clinical = [k for k in kept if CLINICAL_TIME.search(words[k]) and not CHARTING_TIME.search(words[k])]
        charting = [k for k in kept if CHARTING_TIME.search(words[k]) and not CLINICAL_TIME.search(words[k])]
    if not clinical or not charting:
        return kept
    drop(charting, _WHY_CHARTING)
    notes.append(f"{file}: {', '.join(repr(header[k]) for k in charting)} say when the rows were charted; the times "
                 f"are read from {header[clinical[0]]!r}, when they were taken.")
    return [k for k in kept if k not in charting]
