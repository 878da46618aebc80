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


#: Words written after a dose that say nothing of which treatment it is: the bag's diluent and volume, the time
#: it runs over, the units ('KETAMINE 200 MG IN NS 250 ML', 'Ketamine 0.5 mg/kg over 4 h').
_BESIDE_A_DOSE = frozenset("in ns nacl saline sodium chloride normal dextrose glucose d5w w water over for at per "
                           "bag premix premixed syringe piggyback ivpb of via rate total dose doses h hr hrs hour hours "
                           "min mins minute minutes day days x mg kg ml mcg ug g units iu mmol meq l".split())


def _base_name(text: str) -> str:
    """The treatment a text with a dose names: the text before the first digit (``Ketamin 0,5 mg/kg`` -> ``Ketamin``,
    ``KETAMINE 200 MG IN NS 250 ML`` -> ``KETAMINE``) where the words after the dose are an infusion's, a diluent's,
    a time's or units; else the whole text without its doses (``Lidocaine 2% 5 ml SGB`` -> ``Lidocaine SGB``,
    ``Ketamine 100 mg IV + Midazolam 2 mg IV`` -> ``Ketamine IV + Midazolam IV``; not a pharmacy's description in
    capitals, ``KETAMINE 10 MG/ML INJ SOLN`` -> ``KETAMINE``), which
    :func:`analysis.io.courses.treatment_labels` finds by the text without its doses. Cut at the digit, a nerve
    block, tablets and a combination were the bare drug's courses, merged with its infusions (the third regression
    review)."""
    from .courses import DOSE_IN_TEXT
    from .treatment_spellings import IV_WORDS, words

    first = re.search(r"\d", text)
    base = (text if first is None else text[:first.start()]).strip(" ,;:-(")
    if first is None or text == text.upper():
        # a pharmacy's description in capitals ('KETAMINE 10 MG/ML ORAL SOLN'): its form words are the product's,
        # and the record's route column says how it was given
        return base
    after = DOSE_IN_TEXT.sub(" ", text[first.start():])
    if text != text.upper():  # 'Ketamine 50 mg IN' is intranasal; 'KETAMINE 200 MG IN NS' in saline
        after = re.sub(r"\bIN\b", "intranasal", after)
    if not set(words(after)) - IV_WORDS - _BESIDE_A_DOSE or not base:
        return base
    return " ".join(DOSE_IN_TEXT.sub(" ", text).split())


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
    from .treatment_columns import DRUG_WORDS
    # ondansetron given beside the ketamine: no course; 'Ketamine IV + Midazolam IV' names the drug studied: a
    # combination, a treatment of its own (the third regression review)
    co = [b for b in merged.values() if co_medication(b) and DRUG_WORDS.search(fold(b)) is None]
    merged = {key: b for key, b in merged.items() if b not in co} or merged
    if co and len(merged) < len(set(bases.values())):
        notes.append(f"{p.name}: {', '.join(map(repr, co[:5]))} look like co-medications and are not treatments.")
    if len(merged) < len(texts):
        treatments.update(merged)
        notes.append(f"{p.name}: treatment texts with doses ({', '.join(map(repr, list(texts)[:3]))}) are read as the "
                     f"treatments {', '.join(map(repr, sorted(set(merged.values()))))}; the dose column (if any) gives "
                     "the doses.")
