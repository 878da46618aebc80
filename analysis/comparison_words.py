"""Words for the treatment comparisons (:mod:`analysis.comparisons`): readable names of the course
variables, and why a responder comparison could not be estimated.

A clinician reads "not estimable" as "something went wrong"; the reason in words ("no episode has a
score in week 12", "no responder with Lidocaine in week 4") says whether the data or the model is the
cause, and what more data would change it.
"""
from __future__ import annotations

import re

import pandas as pd

#: Readable names of the columns the comparisons add to the episodes. Exported tables keep the
#: column names; what a reader sees (tables, charts, choices) shows these.
COVARIATE_LABELS = {"course_number": "course number", "course_band": "course (1st, 2nd, 3rd+)"}

#: A model term as a reader sees it: ``course_number`` is a trend (the ratio per additional course).
_TERM_LABELS = {"course_number": "course number (per additional course)"}


def covariate_label(name) -> str:
    """The readable name of a covariate: ``course_band`` -> ``course (1st, 2nd, 3rd+)``; others as they are."""
    return COVARIATE_LABELS.get(str(name), str(name))


def covariate_labels(names: pd.Series) -> pd.Series:
    """:func:`covariate_label` of each value of a column."""
    return names.map(lambda v: COVARIATE_LABELS.get(v, v) if isinstance(v, str) else v)


def adjustment_labels(adjustments: pd.Series) -> pd.Series:
    """``"adjusted for course_number, sex"`` -> ``"adjusted for course number, sex"``."""
    out = adjustments.astype(object)
    for name, label in COVARIATE_LABELS.items():
        out = out.str.replace(rf"(?<=[ ,]){name}(?=,|$)", label, regex=True)
    return out


def term_labels(terms: pd.Series) -> pd.Series:
    """Model terms as read: ``course_number`` -> ``course number (per additional course)``,
    ``course_band: 2nd vs 1st`` -> ``course: 2nd vs 1st``; other terms unchanged."""
    out = terms.astype(object)
    for name, label in _TERM_LABELS.items():
        out = out.where(out != name, label)
    return out.str.replace(r"^course_band:", "course:", regex=True)


def _listed(names) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def not_estimable_reason(rows: pd.DataFrame, outcome_label: str, measure: str, treatments=None,
                         fallback: str | None = None, covariates=()) -> str:
    """Why a responder comparison has no estimate, in words, starting ``"not estimable: "``.

    ``rows``: the episodes the model used (``treatment``, ``responder`` 0/1, ``patient_id``);
    ``outcome_label``: ``"immediate response"`` or ``"response in week k"``; ``treatments``: the two
    treatments of the contrast (default every treatment in ``rows``). The reasons, first that applies:
    no episode has the outcome's score; a treatment of the contrast has no episode with it; no
    responder or only responders in every treatment; a treatment with no responder (no ratio can be
    formed: the log of a 0 risk) or, for an odds ratio, only responders; a covariate adjusted for
    (``covariates``) with one value among the rows; else ``fallback`` (the model's own message, the
    course variables named in words) or "too little variation among the N episodes used".
    """
    week = outcome_label.removeprefix("response in ")
    immediate = week == outcome_label
    scored = "an immediate score" if immediate else f"a score in {week}"
    when = "immediately" if immediate else f"in {week}"
    if not len(rows):
        return f"not estimable: no episode has {scored}"
    counts = rows.groupby("treatment", observed=True)["responder"].agg(["size", "sum"])
    wanted = list(counts.index) if treatments is None else [t for t in treatments if t is not None]
    missing = [t for t in wanted if t not in counts.index]
    if missing:
        return f"not estimable: no {_listed(missing)} episode has {scored}"
    if len(wanted) < 2:
        return f"not estimable: only {_listed(wanted)} has episodes with {scored}"
    c = counts.loc[wanted]
    none = c.index[c["sum"] == 0].tolist()
    every = c.index[c["sum"] == c["size"]].tolist()
    if len(none) == len(c):
        return f"not estimable: no episode responded {when} ({_listed(wanted)})"
    if len(every) == len(c):
        return f"not estimable: every episode responded {when} ({_listed(wanted)})"
    ratio = str(measure).upper() in ("RR", "OR")
    if ratio and none:
        return f"not estimable: no responder with {_listed(none)} {when}, so no ratio can be formed"
    if str(measure).upper() == "OR" and every:
        return f"not estimable: every {_listed(every)} episode responded {when}, so no odds ratio can be formed"
    if rows["patient_id"].nunique() < 2:
        return "not estimable: the episodes used are of one patient"
    for c in covariates:
        values = rows[c].dropna().unique() if c in rows.columns else []
        if len(values) == 1:
            return (f"not estimable: every episode with {scored} has the same {covariate_label(c)} "
                    f"({values[0]}), so it cannot be adjusted for")
    if fallback:
        for name, label in COVARIATE_LABELS.items():
            fallback = re.sub(rf"\b{name}\b", label, fallback)
        return f"not estimable: {fallback}"
    return (f"not estimable: too little variation among the {len(rows)} episodes used (for example a covariate "
            "level in which every or no episode responded)")
