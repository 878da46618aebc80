"""A date column of a later session beside the column naming the treatment: each date is a session of it.

A tracker with a row per patient writes the first infusion and its boosters side by side (``Drug``,
``Infusion date``, ``Pain before``, ``Pain after``, ``Booster 1 date``, ``Booster 1 pain before``, ...); a
REDCap project has an infusion form (``inf_date``, ``inf_drug``) and a repeating ``booster`` instrument
(``booster_date``, ``booster_nrs_pre``, ``booster_nrs_post``) whose rows name no drug. The treatment column is
dated by the first date; read as plain dates, the boosters' dates started no course, and their before and
after scores became follow-up of the first course (fewer courses, relief lasting as long as the boosters).

The proposal (:func:`propose`): in a file with one treatment column dated by a date column of its own, each
other date column named for a treatment session (an infusion, a booster, a session, a treatment: by its
name, or a REDCap field's label or form), and not for its end, a plan or a visit after it, gets
``"treatment"`` naming that treatment column (``"booster_date": {"role": "date", "treatment": "inf_drug"}``).
Loading (:func:`texts`): each date is an administration of the treatment that column names on the same row,
or, where the row names none (a REDCap booster instance), of the patient's latest treatment in that column
before the date; a date before any of them is excluded with its reason. A booster is a session of the same
treatment (as elsewhere: ``Ketamine Booster`` is ``Ketamine``); ``courses.boosters`` labels a patient's
courses after the first as boosters. docs/data-format.md, "Dates of later sessions", says the same for users.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from .spec import Column

#: A date named for a treatment session ('Booster 1 date', 'Booster infusion date', 'Session 3 date', 'Datum
#: Auffrischung').
SESSION_DATE = re.compile(r"infusi[oó]n|infuus|infusie|perfusi[oó]n|booster|auffrischung|rappel|refuerzo|treatment|"
                          r"behandlung|behandel|traitement|tratamiento|therap|session|sitzung|s[ée]ance|sesi[oó]n|"
                          r"ketamin|lidocain|injection|block", re.IGNORECASE)
#: ... but not for its end, a plan, or a visit after it ('Infusion end date', 'Next infusion due', 'Date of
#: follow-up after infusion', 'Last treatment date').
NOT_A_SESSION = re.compile(r"end|stop|ende|fin\b|discontinu|last|letzte|next|n[äa]chste|plan|schedul|due|geplant|"
                           r"follow|visit|besuch|after|post|nach|since|call|review|assess|survey|question|kontrolle|"
                           r"consult|birth|diagnos|onset|referr|consent|enrol", re.IGNORECASE)

R_NO_DRUG = ("a session date ({column!r}), but neither its row nor an earlier row of the patient names the treatment in "
             "{named!r}: whose session is it?")


def propose(fps: list, dictionary: dict, notes: list) -> None:
    """Date columns of later sessions beside a file's one treatment column get ``"treatment"`` naming it
    (see the module docstring); each file is decided by itself."""
    for p in fps:  # the export's few files
        if p.spec is None or p.kind.startswith(("observations", "administration record")):
            continue
        treated = [c for c in p.columns if c.column.role == "treatment"]
        if len(treated) != 1 or not treated[0].column.time:
            continue
        drug = treated[0]
        found = []
        for i, c in enumerate(p.columns):
            if c.column.role != "date" or c.column.treatment or c.header == drug.column.time:
                continue
            f = (dictionary or {}).get(c.header) if p.spec.redcap else None
            names = (f.label, f.form) if f is not None else (c.header,)
            if any(SESSION_DATE.search(n) for n in names) and not NOT_A_SESSION.search(names[0]):
                found.append(i)
        for i in found:
            c = p.columns[i]
            col = replace(c.column, treatment=drug.header)
            p.columns[i] = replace(c, column=col, why=f"{c.why}; each date is a session of the treatment {drug.header!r} "
                                   "names")
            p.spec.columns[c.header] = col
        if found:
            named = ", ".join(repr(p.columns[i].header) for i in found)
            notes.append(f"{p.name}: each date in {named} is read as a session (an administration) of the treatment "
                         f"{drug.header!r} names on its row, or else of the patient's latest one before it (a booster is "
                         f"a session of the same treatment; \"treatment\": {drug.header!r} on those date columns). "
                         "With courses.boosters, courses after a patient's first are labelled as boosters.")


def of_columns(roles: dict, dated: list, tcols: list, header: list) -> bool:
    """Every date column of ``dated`` names a treatment column of ``tcols`` in its ``"treatment"``."""
    names = {header[k] for k in tcols}
    return all(roles[k].treatment in names for k in dated)


def texts(k: int, table, roles: dict, sources: list, pid: np.ndarray, times, obs, rows, lines) -> np.ndarray:
    """The treatment text of each row for the date column ``k`` (``""``: no administration): the column's
    ``"treatment"``, or, where that names a treatment column of the file (``sources``: its position, role and
    text), the text of that column on the row, else the patient's latest text in it before the date (a date
    before any is excluded, with :data:`R_NO_DRUG`)."""
    date = table.column(k)
    named = roles[k].treatment
    ref = next(((j, col, text) for j, col, text in sources if table.header[j] == named), None)
    if ref is None:
        return np.where(date != "", named, "").astype(object)
    j, col, drug = ref
    drug = np.asarray(drug, dtype=object)
    out = np.where(date != "", drug, "").astype(object)
    need = np.flatnonzero((date != "") & (drug == "") & (pid != ""))
    if not len(need):
        return out
    own = times.for_column(Column("treatment", time=table.header[k]), table, roles)
    given = times.for_column(col, table, roles)
    out[need[~own["ok"][need]]] = named  # a date that does not read: excluded with its reason when placed
    need = need[own["ok"][need]]
    has = np.flatnonzero((drug != "") & given["ok"] & (pid != ""))
    left = pd.DataFrame({"p": pid[need], "t": own["t"][need], "i": need}).sort_values("t", kind="stable")
    right = pd.DataFrame({"p": pid[has], "t": given["t"][has].astype(own["t"].dtype), "d": drug[has]}).sort_values(
        "t", kind="stable")
    found = pd.merge_asof(left, right, on="t", by="p", direction="backward")
    hit = found["d"].notna().to_numpy()
    i = found["i"].to_numpy()
    out[i[hit]] = found["d"].to_numpy(dtype=object)[hit]
    miss = i[~hit]
    obs.exclude(rows[miss], table.file, lines[miss], table.header[k], date[miss],
                R_NO_DRUG.format(column=table.header[k], named=named))
    return out
