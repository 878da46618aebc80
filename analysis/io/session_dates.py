"""A date column of a later session beside the column naming the treatment: each date is a session of it.

A tracker with a row per patient writes the first infusion and its boosters side by side (``Drug``,
``Infusion date``, ``Pain before``, ``Pain after``, ``Booster 1 date``, ``Booster 1 pain before``, ...); a
REDCap project has an infusion form (``inf_date``, ``inf_drug``) and a repeating ``booster`` instrument
(``booster_date``, ``booster_nrs_pre``, ``booster_nrs_post``) whose rows name no drug. The treatment column is
dated by the first date; read as plain dates, the boosters' dates started no course, and their before and
after scores became follow-up of the first course (fewer courses, relief lasting as long as the boosters).

The mapping says so: such a date column gets ``"treatment"`` naming the file's treatment column
(``"booster_date": {"role": "date", "treatment": "inf_drug"}``). The proposal does not: a review of a rule
that proposed it from the column's name (an infusion, a booster, a session) found more dates so named that are
no session (a follow-up form's ``Today's date`` on a form ``infusion_follow_up``, ``Session cancelled date``,
``Date ketamine first prescribed``, a ``Session date`` on every visit row) than are; the load warns instead of
before/after scores on a day without a treatment (:func:`analysis.io.post_scores.without_treatment`), which
names the mapping's remedy. Loading (:func:`texts`): each date is an administration of the treatment that column names on the same row,
or, where the row names none (a REDCap booster instance), of the patient's latest treatment in that column
before the date; a date before any of them is excluded with its reason. A booster is a session of the same
treatment (as elsewhere: ``Ketamine Booster`` is ``Ketamine``); ``courses.boosters`` labels a patient's
courses after the first as boosters. docs/data-format.md, "Dates of later sessions", says the same for users.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .spec import Column

R_NO_DRUG = ("a session date ({column!r}), but neither its row nor an earlier row of the patient names the treatment in "
             "{named!r}: whose session is it?")


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
