"""A second table beside the first on one sheet: a point to review, never read into the first table's rows.

A hand-kept sheet often holds two tables side by side, separated by an empty column: the scores on the
left (``Patient, Date, NRS``), the infusions on the right (``Patient, Infusion date, Drug``). Saved as CSV
they share lines, and read as one table the right table's row k belongs to the patient of the left
table's row k: B2's and B3's infusions became B1's, with no error. The mark of it is the patient id
column written again (``Patient``, numbered ``Patient.1`` by :func:`analysis.io.headers.number_repeated`)
holding, on the same rows, other patients' ids. Called by :func:`analysis.io.propose.inspect`.
"""
from __future__ import annotations

import numpy as np


def second_tables(fps: list, data_tables: list, review: list) -> None:
    """Add a point to review for each file whose repeated patient-id column names another patient than the
    id column on some row (the first such row is shown)."""
    for p in fps:
        if p.spec is None or p.spec.redcap or p.kind.startswith("observations"):
            continue
        t = next((t for t in data_tables if t.file == p.name), None)
        ids = [k for k, h in enumerate(t.header) if h in p.spec.columns and p.spec.columns[h].role == "patient_id"] \
            if t is not None else []
        if len(ids) != 1:
            continue
        name = t.header[ids[0]]
        pid = np.asarray(t.column(ids[0]), dtype=object)
        for k, h in enumerate(t.header):
            if not h.startswith(name + ".") or not h[len(name) + 1:].isdigit():
                continue
            other = np.asarray(t.column(k), dtype=object)
            differ = np.flatnonzero((pid != "") & (other != "") & (pid != other))
            if not len(differ):
                continue
            i = differ[0]
            review.append(
                f"{p.name}: the columns from {h!r} on look like a second table beside the first: on line "
                f"{int(t.line[i])}, {name!r} is {pid[i]!r} but {h!r} is {other[i]!r}. Read as one table, its rows "
                "would be given to the first table's patients. Save the second table as a file (or sheet) of its own and "
                "load both, or give its columns the role \"ignore\".")
            break
