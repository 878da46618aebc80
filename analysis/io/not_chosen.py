"""Why a treatment cell is not read as a treatment: its text names a visit, or is no chosen treatment
(``courses.treatments``).

On a row whose scores are read (a physiotherapy report's ``Initial Evaluation`` with its NRS, the baseline of the
course that follows), the reason says so: listed only as "not a chosen treatment", such rows read as lost data,
while only their treatment cell is left out. docs/data-format.md, "Rows excluded", lists the reasons.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .courses import medication_text
from .session_rows import names_a_visit

R_NOT_CHOSEN = "{text!r} is not a chosen treatment (co-medication?)"
#: The same for a text that names no drug ('Baseline', 'Follow-up' in a column marking the visits).
R_NOT_CHOSEN_EVENT = "{text!r} is not a chosen treatment (courses.treatments)"
#: A text naming a visit (``Initial Evaluation``, ``Follow-up``): never a treatment, whatever courses.treatments says.
R_VISIT = "{text!r} names a visit, not a treatment session"
#: Added where the row's scores are read.
SCORES_USED = ": its scores are used; the row is only not a treatment"


def reasons(text: np.ndarray, scored: np.ndarray) -> np.ndarray:
    """The reason of each cell of ``text`` (treatment texts not chosen); ``scored``: its row gave scores."""
    out = np.empty(len(text), dtype=object)
    values = pd.unique(pd.Series(text, dtype=object))
    for value, visit in zip(values, names_a_visit(np.asarray(values, dtype=object))):  # per distinct text
        at = text == value
        why = (R_VISIT if visit else R_NOT_CHOSEN if medication_text(value) else R_NOT_CHOSEN_EVENT).format(text=value)
        out[at] = np.where(scored[at], why + SCORES_USED, why)
    return out


def scored_rows(scores: list, file: str) -> np.ndarray:
    """The rows of ``file`` that gave scores (``scores``: the per-file score tables read so far)."""
    rows = [s["row"].to_numpy() for s in scores if len(s) and s["file"].iloc[0] == file]
    return np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
