"""The treatments of a medication-administration record, as the proposal finds them: the medication texts that
name a drug studied (not a co-medication, not given in another form or by another route than an infusion),
and what to ask when the record's actions start no administration.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import dosage_forms, mar_actions
from .appointment_status import is_appointment_status
from .column_words import fold, has_word
from .spec import DEFAULT_START_ACTIONS

#: A drug's strength or form, as a medication record names what it gave (``KETAMINE 50 MG/ML INJ SOLN``,
#: ``gabapentin 300 MG Oral Capsule``, ``LIDOCAINE 2% (20 MG/ML) IV SOLN``): a concentration, or a strength
#: beside a form.
_STRENGTH = re.compile(r"(?i)\d\s*(?:mg|mcg|µg|g|units?)\s*/\s*\d*\s*ml|\d\s*%")
_FORM = re.compile(r"(?i)\b(?:inj|injection|injectable|soln|solution|ij|tab|tablet|caps?|capsule|oral|iv|ivpb|"
                   r"patch|cream|spray|vial|amp|ampoule|premix|bag|infusion)\b")
_DOSE = re.compile(r"(?i)\d\s*(?:mg|mcg|µg|g|ml|units?)\b(?!\s*/\s*kg)")


def names_medications(values: np.ndarray) -> bool:
    """A treatment column that names medications as a medication record does, drug with strength and form
    (``KETAMINE 50 MG/ML INJ SOLN`` beside ``ONDANSETRON HCL 4 MG/2ML IJ SOLN``), with or without an action
    column (PCORnet's MED_ADMIN, OMOP's drug_exposure): read as an administration record's drugs are
    (:func:`propose`), its co-medications are no treatments and the drug studied given by mouth no infusion.
    Not a sheet's ``Ketamin 0,5 mg/kg`` (a dose per kg, no strength nor form)."""
    texts = [str(v) for v in pd.unique(values[values != ""])[:200]]
    return any(_STRENGTH.search(v) or (_FORM.search(v) and _DOSE.search(v)) for v in texts)


def propose(p, t, treatments: dict, treatment_words: dict, notes: list, review: list) -> dict:
    """``treatments`` (pattern -> label) with those of the administration record ``p`` (its table ``t``)
    added; its notes and review points appended."""
    k = next(i for i, h in enumerate(t.header) if p.spec.columns.get(h) and p.spec.columns[h].role == "treatment") \
        if any(c.column.role == "treatment" for c in p.columns) else None
    if k is None:
        return treatments
    names = pd.Series(t.column(k)[t.column(k) != ""]).value_counts()
    from .plausibility import co_medication, co_medications
    main = [n for n in names.index if not co_medication(n)]
    co = [n for n in names.index if co_medication(n)]
    for word, label in treatment_words.items():
        if any(word in fold(n) for n in main):
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
            texts = [str(n) for n in main if word in fold(n)]
            if texts and all(x in otherwise for x in texts):
                notes.append(f"{p.name}: {', '.join(map(repr, texts[:3]))} are given by a route known not to be "
                             f"intravenous on every row: not read as {treatments.pop(word)!r}.")
    treatments = dosage_forms.only_infused(treatments, main, p.name, notes, review)
    unmatched = [n for n in main if not any(w in fold(n) for w in treatment_words)]
    if treatments and unmatched:
        notes.append(f"{p.name}: {', '.join(map(repr, unmatched[:5]))} match no treatment studied and are "
                     "not read as treatments; add them to courses.treatments if they are one.")
    acts = [i for i, h in enumerate(t.header) if p.spec.columns.get(h) and p.spec.columns[h].role == "action"]
    if acts and not is_appointment_status(t.column(acts[0]), t.header[acts[0]]):  # (Show / Arrived: took place)
        # Rows of the treatment whose actions hold no known start would all be left out: ask.
        mine = ~co_medications(t.column(k)) & (t.column(k) != "")
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


def names_medications_in(p, tables: list) -> bool:
    """The file proposal ``p`` (its table among ``tables``) has a treatment column naming medications
    (:func:`names_medications`)."""
    t = next((t for t in tables if t.file == p.name), None)
    if t is None or p.spec is None:
        return False
    ks = [k for k, h in enumerate(t.header) if p.spec.columns.get(h) is not None
          and p.spec.columns[h].role == "treatment" and not p.spec.columns[h].codes]
    return any(names_medications(t.column(k)) for k in ks)


def route_column(t, treatment_ks: list, cols: dict) -> int | None:
    """The route column of a table whose treatment column (among ``treatment_ks``) names medications, its text
    route (``Intravenous``, ``Oral``) before a coded one (PCORnet's SNOMED ``47625008``); None otherwise."""
    if not any(names_medications(t.column(k)) for k in treatment_ks):
        return None
    ks = [k for k, h in enumerate(t.header) if h and k not in cols and has_word("route", h)]
    text = [k for k in ks if not pd.to_numeric(pd.Series(t.column(k)[t.column(k) != ""][:200]),
                                               errors="coerce").notna().all()]
    return (text or ks or [None])[0]


def row_key(header: str, filled: np.ndarray) -> bool:
    """A row's own identifier (PCORnet's ``MEDADMINID``, ``OBSCLINID``): a name ending in ``id`` over
    numbers that differ on every row. Read as a score, it was a measure counting 1, 2, 3, ..."""
    return str(header).casefold().endswith("id") and len(filled) >= 10 and pd.Series(filled).is_unique and \
        bool(pd.Series(filled).str.fullmatch(r"\d+").all())


def _base_name(text: str) -> str:
    """The treatment a text with a dose names: the text before the first digit (``Ketamin 0,5 mg/kg`` -> ``Ketamin``,
    ``Ketamine 0.5 mg/kg booster``, ``KETAMINE 200 MG IN NS 250 ML`` -> ``KETAMINE``), with the words written after the
    dose that name another route or form than an infusion (``Lidocaine 2% 5 ml SGB`` -> ``Lidocaine SGB``,
    ``Ketamine 10 mg PO`` -> ``Ketamine PO``, ``Ketamine 50 mg IN`` -> ``Ketamine IN``); a pharmacy's description in
    capitals keeps its drug's name alone (its form words are the product's: ``KETAMINE 10 MG/ML ORAL SOLN``; the
    record's route column says how it was given). Only route words: any other word after the dose (a booster, a
    cycle, a note, a time in another language) named a treatment of its own per wording (the fourth regression
    review), and cut at the digit, a nerve block and tablets were the drug's infusions (the third)."""
    from .treatment_spellings import IV_WORDS, OTHER_ROUTE_WORDS, words

    first = re.search(r"\d", text)
    base = (text if first is None else text[:first.start()]).strip(" ,;:-(")
    if first is None or not base or text == text.upper():
        return base
    after = text[first.start():]
    if not set(words(text)) & OTHER_ROUTE_WORDS - set(words(text[:first.start()])):
        return base
    nasal = "intranasal" in words(text)
    kept = [tok for tok in after.split() if words(tok) and (
        set(words(tok)) & (OTHER_ROUTE_WORDS | IV_WORDS) or (tok == "IN" and nasal))]
    routes = [tok for tok in kept if set(words(tok)) & OTHER_ROUTE_WORDS or tok == "IN"]
    return " ".join([base, *kept]) if routes else base


def dose_text_treatments(p, t, treatments: dict, arm_column: str, notes: list) -> None:
    """A clinic table whose treatment cells carry the dose or strength (``Ketamin 0,5 mg/kg``, ``Ketamine 50 mg/mL``,
    ``Neridronate 100 mg IV``): one treatment per drug, not one per dose, named by the text before the first digit
    (added to ``treatments``); a co-medication among them (``Ondansetron 4 mg``) is no treatment."""
    from .plausibility import co_medication
    k = next(i for i, h in enumerate(t.header) if p.spec.columns.get(h) and p.spec.columns[h].role == "treatment"
             and h != arm_column)
    texts = pd.unique(t.column(k)[t.column(k) != ""])
    bases = {str(x): _base_name(str(x)) for x in texts}
    if not (any(b != x for x, b in bases.items()) and all(bases.values())):
        return
    merged = {}
    for b in sorted(set(bases.values()), key=len, reverse=True):
        merged[b.casefold()] = b
    co = [b for b in merged.values() if co_medication(b)]  # ondansetron given beside the ketamine: no course
    merged = {key: b for key, b in merged.items() if b not in co} or merged
    if co and len(merged) < len(set(bases.values())):
        notes.append(f"{p.name}: {', '.join(map(repr, co[:5]))} look like co-medications and are not treatments.")
    if len(merged) < len(texts):
        treatments.update(merged)
        notes.append(f"{p.name}: treatment texts with doses ({', '.join(map(repr, list(texts)[:3]))}) are read as the "
                     f"treatments {', '.join(map(repr, sorted(set(merged.values()))))}; the dose column (if any) gives "
                     "the doses.")
