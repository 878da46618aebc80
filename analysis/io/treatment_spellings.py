"""Which treatment labels are one treatment written differently.

Typed by hand, one drug's courses are written many ways, and each way was a treatment group of its own: a
review's sheet gave six groups of two drugs (``Ketamine IV`` 9, ``ketamine infusion`` 9, ``IV ketamine`` 8,
``Ketamine`` 7; ``lidocaine infusion`` 17, ``Lidocaine`` 13), and the headline "Ketamine: n = 7" was what a
reader took away. The rules, on the labels' words (after :func:`analysis.io.column_words.fold`: case and
accents; the drug's name in another language as in English: ``Ketamin``, ``Kétamine``, ``Lignocaine``):

* labels with the same words in another order or with other punctuation are one spelling (``Ketamine IV``,
  ``IV ketamine``, ``Ketamine (IV)``);
* labels that differ only by the words of an intravenous infusion (``iv``, ``i.v.``, ``intravenous``,
  ``infusion``, ``drip``) are one treatment (``Ketamine IV``, ``ketamine infusion``);
* a label with none of these words (``Ketamine``, ``Ketamine 0.5 mg/kg``) beside such a group stays apart, with
  a warning saying to write the route (or map it): it may be the infusion, or another form, or a dose text cut at
  its dose (``Ketamine 100 mg IV + Midazolam 2 mg IV`` read as ``Ketamine``); joined, a combination and a nerve
  block were analysed as the infusion (the third regression review);
* nothing else: ``ketamine`` and ``esketamine``, ``lidocaine`` and ``lidocaine patch``, ``ketamine 0.5 mg/kg``
  and ``ketamine 1 mg/kg`` stay apart.

docs/data-format.md ("treatment names that differ only in ...") gives the same rules for users.
"""
from __future__ import annotations

import re

import pandas as pd

from .column_words import fold

#: A drug's name as another language writes it -> as English does (after :func:`fold`): German ``Ketamin``,
#: French ``Kétamine``, Spanish and Italian ``Ketamina``; ``Lidocain``, ``Lidocaïne``, ``Lidocaína``, and the
#: British ``Lignocaine``.
_DRUG_SPELLINGS = ((re.compile(r"\b(es|s-)?ketamin[ae]?\b"), r"\1ketamine"),
                   (re.compile(r"\b(?:lidocain[ae]?|lignocain[ae]?)\b"), "lidocaine"))

#: A word: letters and digits, with inner dots or commas (``0.5``, ``0,5``, ``i.v``) and an ``s-``/``r-``
#: prefix (``s-ketamine`` is one word, not ``s`` and ``ketamine``).
_WORD = re.compile(r"(?:\b[rs]-)?[^\W_]+(?:[.,][^\W_]+)*")
#: Words of an intravenous infusion (abbreviations without their dots: ``i.v.`` is ``iv``).
IV_WORDS = frozenset({"iv", "intravenous", "intravenously", "infusion", "infusions", "drip", "ivi"})
#: Words naming another route or form than an infusion (abbreviations without their dots: ``p.o.`` is ``po``;
#: ``IN``, intranasal, only in capitals in a label that is not all capitals, where ``in`` is a word).
OTHER_ROUTE_WORDS = frozenset({
    "oral", "orally", "po", "peroral", "nasal", "intranasal", "im", "intramuscular", "sc", "sq", "subcut",
    "subcutaneous", "topical", "cream", "creme", "gel", "ointment", "lozenge", "lozenges", "troche", "troches",
    "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "spray", "patch", "patches", "plaster", "transdermal",
    "sublingual", "sl", "buccal", "drops", "syrup", "mouthwash", "lollipop", "suppository", "rectal",
    "inhaled", "nebulised", "nebulized",
    # injections and blocks (the second regression review: a bare 'Ketamine' beside 'Ketamine epidural' or
    # 'Lidocaine nerve block' joined the IV group)
    "epidural", "intrathecal", "it", "caudal", "block", "blocks", "nerve", "sgb", "stellate", "ganglion", "plexus",
    "injection", "injections", "inj", "injected", "intradermal", "infiltration", "local", "trigger", "ivra", "bier",
    "regional", "perineural", "intraarticular", "joint", "catheter", "pump", "spinal"})
#: Words of a dose beside the drug (not the drug's name): units, and anything with a digit.
_DOSE_WORDS = frozenset({"mg", "kg", "ml", "mcg", "ug", "g", "h", "hr", "hrs", "min", "units", "iu", "per", "dose"})


def words(label: str) -> tuple:
    """A label's words after :func:`fold` and the drug spellings, abbreviations without their dots."""
    label = str(label)
    if label != label.upper():  # 'Ketamine IN' is intranasal; 'KETAMINE 200 MG IN NS' is in saline
        label = re.sub(r"\bIN\b", "intranasal", label)
    text = " ".join(fold(label).split())
    for pattern, english in _DRUG_SPELLINGS:
        text = pattern.sub(english, text)
    out = []
    for w in _WORD.findall(text):
        out.append(w.replace(".", "") if re.fullmatch(r"(?:[a-z]\.)+[a-z]?", w + ".") else w)
    return tuple(out)


def spelling_key(label: str) -> str:
    """The words of a label in sorted order: labels differing in case, spacing, accents, punctuation, the
    drug's language or word order have one key."""
    return " ".join(sorted(words(label)))


def treatment_keys(labels) -> tuple[pd.Series, pd.Series]:
    """For distinct ``labels``: ``(key, kept)``, one key per treatment (the module's rules), and whether a bare
    label was kept apart from its drug's infusion labels (always: see below)."""
    labels = pd.Series(labels, dtype=object).astype(str).reset_index(drop=True)
    ws = labels.map(words)
    sets = ws.map(frozenset)
    iv = sets.map(lambda s: bool(s & IV_WORDS))
    other = sets.map(lambda s: bool(s & OTHER_ROUTE_WORDS))
    plain = ws.map(lambda w: " ".join(sorted(w)))
    stripped = ws.map(lambda w: " ".join(sorted(x for x in w if x not in IV_WORDS)))
    grouped = iv & (stripped != "")  # 'IV' or 'Infusion' alone names no drug: left as written
    bare = ~iv & ~other & stripped.isin(set(stripped[grouped]))
    # A bare name ('Ketamine') beside its drug's infusion labels is kept apart, with a warning: it may be the
    # infusion, or a dose text cut at its dose ('Ketamine 100 mg IV + Midazolam 2 mg IV', 'Lidocaine 2% 5 ml SGB'
    # named 'Ketamine', 'Lidocaine'), and joined, a combination or a nerve block was analysed as the infusion (the
    # third regression review); whether it is, the clinic says (its label, or the mapping's courses.treatments)
    kept = bare
    return plain.where(~grouped, "route: " + stripped), kept
