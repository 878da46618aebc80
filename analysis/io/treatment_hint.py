"""Which column could name the treatment, when the proposal found none.

A physiotherapy appointment report (``Appointment Type``: ``Initial Evaluation``, ``Physical Therapy Session``,
``Re-evaluation``) names its sessions in words no rule of :mod:`analysis.io.session_rows` knows: the column was
proposed "ignore", and the proposal only said "No column gives treatments", leaving the clinician to guess which
column to turn into the treatment. The note names the candidates instead: a column proposed "ignore" whose cells
are a few texts (2 to :data:`MAX_KINDS` kinds, not numbers, not dates) that change between a patient's rows, in a
file with a patient id and a date. Nothing is read from it until a person gives it the role "treatment".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .column_values import is_number
from .identifiers.content import content_kind

#: At most this many kinds of text in a candidate column (a visit type, not free text or names).
MAX_KINDS = 12
#: At most this many candidates named in the note.
MAX_SHOWN = 3

NO_TREATMENTS = "No column gives treatments: relief analyses need treatment courses; score trajectories work."


def no_treatments_note(fps: list, data_tables: list) -> str:
    """The proposal's note for an export without treatments, naming the columns that could give them."""
    found = []
    for p in fps:
        t = next((t for t in data_tables if t.file == p.name), None)
        roles = {c.header: c.column.role for c in p.columns}
        ids = [h for h, r in roles.items() if r == "patient_id"]
        if t is None or not ids or not {"date", "day"} & set(roles.values()) or ids[0] not in t.header:
            continue
        pid = t.column(t.header.index(ids[0]))
        for h in (h for h, r in roles.items() if r == "ignore" and h in t.header):
            examples = _visit_kinds(pid, t.column(t.header.index(h)))
            if examples:
                found.append((p.name, h, examples))
    if not found:
        return NO_TREATMENTS
    said = "; ".join(f"{h!r} in {f} ({', '.join(map(repr, ex))})" for f, h, ex in found[:MAX_SHOWN])
    return (f"{NO_TREATMENTS} A column saying what each visit was may name the treatment: {said}. If the rows of "
            "one of its texts are the treatment sessions, give that column the role \"treatment\" in the mapping; "
            "courses.treatments then says which of its texts are treatments (empty: every text but a visit's).")

def _visit_kinds(pid: np.ndarray, values: np.ndarray) -> list:
    """The kinds of text of a column that could name each visit (module docstring), most frequent first; []
    when it is no such column."""
    filled = values != ""
    if filled.sum() < 2:
        return []
    counts = pd.Series(values[filled]).value_counts()
    if not 2 <= len(counts) <= MAX_KINDS or is_number(counts.index.to_numpy(dtype=object)).any():
        return []
    if pd.Series(counts.index).str.fullmatch(r"[\d\s./:-]+").any() or content_kind(counts.index.to_numpy()):
        return []  # dates, times, codes; names and other identifiers
    per_patient = pd.DataFrame({"p": pid[filled], "v": values[filled]}).groupby("p")["v"].nunique()
    if not (per_patient > 1).any():  # the same on each of a patient's rows: a characteristic, not a visit
        return []
    return list(counts.index[:3])
