"""Two columns of one file named for the treatment: which one the proposal reads.

A German KIS exports ``Medikament`` (``Ketanest S 25 mg/ml``) beside ``Wirkstoff`` (``Esketamin``); a registry
``Treatment`` (``Infusion`` / ``Booster``) beside ``Medication`` (the drug); a sheet ``Drug class`` (``NMDA
antagonist``) beside ``Drug``. The loader reads one treatment column per file (two were refused), and a review found
the first one read where the second named the drugs (a booster's group instead of lidocaine's). A column whose name
says it is a history (``Previous treatment``, ``Prior therapy``, ``Allergies (drug)``) is never the one read. So: the column
whose cells name a drug studied (ketamine, lidocaine, by :data:`DRUG_WORDS`) is read, and the other not, with its
reason; where both or neither do, the first is read, and where neither names a drug, the choice is a point to
review. docs/data-format.md, "What the proposal decides by itself".
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import fold
from .spec import Column

#: Words of a medication text that name the treatment studied (generic names and brands), with its label: the
#: proposal's patterns for courses.treatments (analysis/io/propose.py, mar_treatments.py).
TREATMENT_WORDS = {"ketamin": "Ketamine infusion", "ketalar": "Ketamine infusion", "ketanest": "Ketamine infusion",
                   "lidocain": "Lidocaine infusion", "xylocain": "Lidocaine infusion",
                   "lignocain": "Lidocaine infusion"}
#: Words of a treatment's text that name a drug studied (accents folded): those above, and German's 'Lidokain'.
DRUG_WORDS = re.compile("|".join([*TREATMENT_WORDS, "lidokain"]))


#: A treatment column's name that says it is a history, not the row's treatment: a previous, prior or failed treatment,
#: an allergy (English, German, French, Spanish, Italian, Dutch).
HISTORY = re.compile(r"previous|prior|past|history|former|earlier|failed|allerg\w*|contraindicat\w*|vorherige?|"
                     r"fr[uü]her\w*|bisherige?|vorbehandlung|anamnes\w*|ant[ée]rieur\w*|ant[ée]c[ée]dent\w*|"
                     r"pr[ée]c[ée]dent\w*|previo|previa|anterior|precedente|eerdere|vorige")


def is_history(header: str) -> bool:
    """Whether a column's name says it holds a history of treatments (``Previous treatment``), not the row's."""
    return HISTORY.search(fold(header)) is not None


def names_drugs(cells: np.ndarray) -> bool:
    """Whether some cell of a treatment column names a drug studied."""
    texts = pd.Series(pd.unique(cells[cells != ""]), dtype=object).map(fold)
    return bool(texts.str.contains(DRUG_WORDS).any())


def another(cols: dict, k: int, header: str, time_of, ex, table, review: list, ColumnProposal):
    """``None`` when column ``k`` (``header``) is the file's first treatment-named column (the caller proposes it);
    otherwise the proposal of the two columns settled in ``cols`` and the proposal for ``k`` returned
    (``ColumnProposal``: the proposal's class, passed in as warehouse_tables gets it)."""
    first = next((j for j, c in cols.items() if c.column.role == "treatment"), None)
    if first is None:
        return None
    a, b = cols[first].header, header
    if is_history(b):  # 'Previous treatment' beside 'Treatment': the patient's history, never the row's treatment
        return ColumnProposal(b, Column("ignore"), f"a history of treatments ({a!r} is the row's)", ex)
    if is_history(a):
        cols[first] = ColumnProposal(a, Column("ignore"), f"a history of treatments ({b!r} is the row's)",
                                     cols[first].examples)
        return ColumnProposal(b, Column("treatment", time=time_of), "treatment name", ex)
    drugs_a, drugs_b = names_drugs(table.column(first)), names_drugs(table.column(k))
    if drugs_b and not drugs_a:  # the second names the drugs: it is the treatment, the first not read
        cols[first] = ColumnProposal(a, Column("ignore"), f"names the treatment's kind ({b!r} names the drug)",
                                     cols[first].examples)
        return ColumnProposal(b, Column("treatment", time=time_of), "treatment name", ex)
    if not drugs_a and not drugs_b:
        review.append(f"{table.file}: two columns name the treatment ({a!r}, {b!r}) and neither names a drug studied: "
                      f"keep the one that says which treatment each row is (give the other the role \"ignore\").")
    return ColumnProposal(b, Column("ignore"), f"names the treatment again ({a!r} is read)", ex)
