"""The treatments of a medication-administration record, as the proposal finds them: the medication texts that
name a drug studied (not a co-medication, not given in another form or by another route than an infusion),
and what to ask when the record's actions start no administration.
"""
from __future__ import annotations

import pandas as pd

from . import dosage_forms, mar_actions
from .spec import DEFAULT_START_ACTIONS


def propose(p, t, treatments: dict, treatment_words: dict, notes: list, review: list) -> dict:
    """``treatments`` (pattern -> label) with those of the administration record ``p`` (its table ``t``)
    added; its notes and review points appended."""
    k = next(i for i, h in enumerate(t.header) if p.spec.columns.get(h) and p.spec.columns[h].role == "treatment") \
        if any(c.column.role == "treatment" for c in p.columns) else None
    if k is None:
        return treatments
    names = pd.Series(t.column(k)[t.column(k) != ""]).value_counts()
    from .plausibility import _CO_MED
    main = [n for n in names.index if not _CO_MED.search(str(n))]
    co = [n for n in names.index if _CO_MED.search(str(n))]
    for word, label in treatment_words.items():
        if any(word in str(n).casefold() for n in main):
            treatments[word] = label
    rk = next((i for i, h in enumerate(t.header) if p.spec.columns.get(h) and p.spec.columns[h].role == "route"),
              None)
    if rk is not None:
        # A drug whose every row names a route known not to be intravenous (a subcutaneous lidocaine injection
        # before the cannula, a topical cream) is no infusion studied; one row of an intravenous, unwritten or
        # unknown route ('IVP', Epic's code 6) keeps it (dropped, such a clinic lost every course). A drug
        # given both ways keeps its pattern: the
        # loader leaves its other rows out by their route, with that reason (exact texts instead of the
        # pattern dropped next month's new infusion texts as co-medications).
        otherwise = set(dosage_forms.given_otherwise(t.column(k), t.column(rk)))
        for word in [w for w in treatments if w in treatment_words]:
            texts = [str(n) for n in main if word in str(n).casefold()]
            if texts and all(x in otherwise for x in texts):
                notes.append(f"{p.name}: {', '.join(map(repr, texts[:3]))} are given by a route known not to be "
                             f"intravenous on every row: not read as {treatments.pop(word)!r}.")
    treatments = dosage_forms.only_infused(treatments, main, p.name, notes, review)
    unmatched = [n for n in main if not any(w in str(n).casefold() for w in treatment_words)]
    if treatments and unmatched:
        notes.append(f"{p.name}: {', '.join(map(repr, unmatched[:5]))} match no treatment studied and are "
                     "not read as treatments; add them to courses.treatments if they are one.")
    acts = [i for i, h in enumerate(t.header) if p.spec.columns.get(h) and p.spec.columns[h].role == "action"]
    if acts:
        # Rows of the treatment whose actions hold no known start would all be left out: ask.
        mine = ~pd.Series(t.column(k)).str.contains(_CO_MED.pattern, case=False, regex=True).to_numpy(dtype=bool) \
            & (t.column(k) != "")
        codes = p.spec.columns[t.header[acts[0]]].codes or {}  # a sheet's Status of Yes / No: Given / Not given
        actions = pd.unique(pd.Series(t.column(acts[0])[mine], dtype=object).map(lambda v: codes.get(v, v)))
        starts = {" ".join(a.casefold().split()) for a in DEFAULT_START_ACTIONS} - mar_actions.FROM_BAG
        if len(actions) and not any(" ".join(str(a).casefold().split()) in starts for a in actions):
            review.append(f"{p.name}: none of the actions of the treatment rows ({', '.join(map(repr, actions[:8]))}) "
                          "is known to start an administration: list those that do in courses.start_actions "
                          "(e.g. [\"" + str(actions[0]) + "\"]).")
    if not treatments and main:
        review.append(f"{p.name}: say which medications are the treatment studied (courses.treatments), e.g. "
                      f"{{\"{str(main[0]).split()[0].lower()}\": \"{str(main[0]).split()[0].title()}\"}}.")
    if co:
        notes.append(f"{p.name}: {', '.join(map(repr, co[:5]))} look like co-medications and are not treatments.")
    return treatments
