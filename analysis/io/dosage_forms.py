"""The treatment studied given in another form than an infusion: not a course of the infusion.

An administration record lists every form of a drug a patient received: beside ``KETAMINE 200 MG IN NS 250
ML IV INFUSION`` a ``KETAMINE 10 MG ORAL SOLUTION`` between infusions, beside ketamine infusions a
``LIDOCAINE 5 % PATCH`` for the painful limb. The proposal's treatment patterns (``ketamin``, ``lidocain``)
matched them all: the oral doses became a second ketamine course two weeks after the first (whose follow-up
then ended there, so its week-4 relief was lost) and the patch a lidocaine infusion group. Here the texts of
a drug studied that name a form other than an infusion (patch, plaster, oral, PO, tablet, nasal spray,
cream, ...) are left out of the patterns: the drug's other texts become the patterns, each as written, and
the left-out texts are excluded at loading as not chosen treatments, with a note. Called by
:func:`analysis.io.propose.inspect`.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import fold
from .courses import treatment_labels

#: Words of a medication text naming a form other than an infusion or injection.
NOT_INFUSED = re.compile(
    r"\b(?:patch(?:es)?|plasters?|pflaster|emplâtre|parche|cerotto|oral|po|p\.o\.|per os|tablets?|tabs?|"
    r"capsules?|caps|lozenges?|nasal|intranasal|spray|cream|creme|crème|gel|ointment|salbe|topical|"
    r"transdermal|drops|tropfen|gouttes|sublingual|comprimés?|gélules?|lollipop|mouthwash|viscous|jelly|"
    r"enema|suppositor(?:y|ies))\b", re.IGNORECASE)


def given_otherwise(text: np.ndarray, route: np.ndarray) -> list:
    """The medication texts of a record with a route column (:mod:`analysis.io.routes`) never given
    intravenously: every row of the text names a route known not to be intravenous (``lidocaine (PF) 1 %
    injection``, always ``Subcutaneous``). A text with one row of an intravenous, unwritten or unknown route
    (``IVP``, ``6``) is kept: dropped, a clinic writing its routes in a way not known here lost every course.
    For :func:`only_infused`'s ``otherwise``."""
    from .routes import not_intravenous

    other = pd.Series(not_intravenous(route)).groupby(pd.Series(text, dtype=object).astype(str)).all()
    return [t for t, never in other.items() if never and t]


def only_infused(treatments: dict, texts: list, file: str, notes: list, review: list, otherwise=()) -> dict:
    """``treatments`` (pattern -> label) with each drug's pattern replaced by its infused texts, where some
    of the drug's texts in ``texts`` (the medication texts of ``file``) name another form, or are among
    ``otherwise`` (texts whose route column never says intravenous, :func:`given_otherwise`); a point to
    review where those texts cannot be told apart by patterns (an infused text contained in another one)."""
    out = dict(treatments)
    otherwise = set(map(str, otherwise))
    for word, label in treatments.items():  # a loop over the few drugs studied
        mine = [str(n) for n in texts if word in fold(n)]
        other = [n for n in mine if NOT_INFUSED.search(n) or n in otherwise]
        if not other:
            continue
        del out[word]
        out.update({n.casefold(): label for n in mine if n not in other})
        shown = ", ".join(repr(n) for n in other[:4])
        if (treatment_labels(np.asarray(other, dtype=object), out) != "").any():
            review.append(f"{file}: {shown} give {word!r} in another form than an infusion; say in courses.treatments "
                          f"which medication texts are {label!r} (each text as written).")
        else:
            notes.append(f"{file}: {shown} give {word!r} in another form than an infusion (a patch, by mouth, ...): "
                         f"not read as {label!r}; add them to courses.treatments if they are a treatment studied.")
    return out


#: Words that name the drugs studied, in medication texts.
DRUG_WORDS = re.compile(r"(?i)ketamin|ketalar|lidocain|xylocain")


def unchosen_infusions_warning(texts: np.ndarray, treatments: dict, file: str) -> list[str]:
    """The warning when medication texts left out as not chosen (``texts``, one per row) name a drug studied as
    an infusion (not another form): a mapping that lists a month's exact texts drops next month's new bag
    ('KETAMINE 250 MG IN NS 250 ML') as a co-medication, and its patients lose their courses."""
    if not len(texts) or not treatments:
        return []
    drugs = {m.group(0).casefold()[:6] for m in map(DRUG_WORDS.search, map(str, treatments))
             if m is not None} | {m.group(0).casefold()[:6] for m in map(DRUG_WORDS.search, map(str, treatments.values()))
                                  if m is not None}
    counts = pd.Series(texts, dtype=object).value_counts()
    named = [t for t in counts.index if (m := DRUG_WORDS.search(str(t))) and m.group(0).casefold()[:6] in drugs
             and not NOT_INFUSED.search(str(t))]
    if not named:
        return []
    rows = int(counts[named].sum())
    return [f"{file}: {rows} row(s) name a drug studied as an infusion but match no entry of courses.treatments "
            f"({', '.join(map(repr, named[:3]))}): they are left out as not chosen treatments, and their patients "
            "lose those courses. If they are the treatment studied, add them (or the drug's name, e.g. \"ketamin\") "
            "to courses.treatments."]
