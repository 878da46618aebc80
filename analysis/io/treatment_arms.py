"""A treatment group written on every row: the patient's arm, not the day of a treatment.

A sheet with one row per visit may carry the patient's treatment on every row (``Treatment``: ``Ketamine``
for one patient, ``Lidocaine`` for another) as a group, not as the mark of the infusion's row. Read as the
treatment, every visit was an administration: the baseline visit started the course (day 0), the
follow-up visits weeks later started new courses, and the week-4 relief was lost, with only the general
warnings about merged administrations and scores on start days. The mark: every row with a score also
names the treatment, the same one on every row of each patient, and the patients' rows have several
dates. (An infusion log whose rows are all infusions holds its scores as before- and after-treatment
scores: not this.) A point to review; called by :func:`analysis.io.propose.inspect`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def arm_columns(fps: list, data_tables: list, review: list) -> None:
    """Add a point to review for each spreadsheet whose treatment column looks like the patients' group."""
    for p in fps:
        if p.spec is None or p.spec.redcap or p.kind != "table":
            continue
        t = next((t for t in data_tables if t.file == p.name), None)
        role = {k: p.spec.columns[h] for k, h in enumerate(t.header) if h in p.spec.columns} if t is not None else {}
        treat = [k for k, c in role.items() if c.role == "treatment"]
        pid_k = [k for k, c in role.items() if c.role == "patient_id"]
        date_k = [k for k, c in role.items() if c.role == "date"]
        # A score placed days after the row's date ('NRS 24h') follows up that row's treatment, as pre and post
        # scores do: no sign of a treatment group written on every visit.
        at_scores = [k for k, c in role.items() if c.role == "measure" and c.timing == "at" and not c.offset_days]
        if len(treat) != 1 or len(pid_k) != 1 or not date_k or not at_scores:
            continue
        text, pid, date = t.column(treat[0]), t.column(pid_k[0]), t.column(date_k[0])
        scored = np.logical_or.reduce([t.column(k) != "" for k in at_scores]) & (pid != "")
        if not scored.any() or (text[scored] == "").any():
            continue
        per = pd.DataFrame({"p": pid, "x": text, "d": date})[pid != ""].groupby("p").nunique()
        if (per["x"] > 1).any() or not (per["d"] > 1).any():
            continue
        h = t.header[treat[0]]
        review.append(
            f"{p.name}: {h!r} names the same treatment on every row of each patient, the rows of the scores too: it "
            "looks like the patient's treatment group, not the day of a treatment (read so, every visit is an "
            "administration: the baseline visit starts the course and later visits start new ones). Give it the "
            f"role \"covariate\" (\"name\": \"group\") and the treatment's days by another column; if every row "
            "really is an administration, keep the role \"treatment\" in the mapping.")
