"""Which of this dataset's treatments each published figure is compared with.

The reference file names its treatment as the demo does (``ketamine_iv``); a clinic writes ``Ketamine``,
``Ketamine infusion``, ``IV ketamine`` or ``Ketamin``, and a comparison tied to the file's spelling said "not
available" for every real ketamine clinic. The rule, per published treatment, on this dataset's treatments (those
of the selection):

* a treatment written exactly as the reference file writes it is the one compared (``same name``);
* otherwise the candidates are the treatments that name the same drug or drugs, by the drug words the reader of a
  clinic's export uses (:data:`analysis.io.treatment_columns.DRUG_WORDS`: generic names and brands in any case,
  accents or language: ``Ketamin``, ``Ketalar``, ``Lignocaine``), and no other route or form than the published
  treatment does (:data:`analysis.io.treatment_spellings.OTHER_ROUTE_WORDS`: ``Ketamine lozenge`` is not a
  ketamine infusion; ``iv``, ``infusion`` or no route word at all are);
* one candidate is compared (``by drug name``); two or more are a question (``ambiguous``: nothing is compared
  until the user says which), none is said in words (``none``);
* a user's choice (``matches``: published treatment -> one of this dataset's treatments, or :data:`NOT_COMPARED`)
  wins over the rule (``chosen``; ``not compared``); a choice naming a treatment not in the selection is ignored.

docs/dashboard.md ("Compare with published figures") and docs/methods.md say the same for users.
"""
from __future__ import annotations

import re

import pandas as pd

from .io.column_words import fold
from .io.treatment_columns import DRUG_WORDS, TREATMENT_WORDS
from .io.treatment_spellings import OTHER_ROUTE_WORDS, words

#: A user's choice that a published treatment is compared with none of this dataset's treatments.
NOT_COMPARED = "\u2014 not compared \u2014"
MATCH_COLUMNS = ["treatment", "drugs", "candidates", "dataset_treatment", "how", "text"]

# Each drug word -> the drug's name: TREATMENT_WORDS labels the words it lists ('Ketamine infusion'); DRUG_WORDS
# adds German's 'Lidokain'.
_DRUG_NAMES = {w: label.split()[0].casefold() for w, label in TREATMENT_WORDS.items()} | {"lidokain": "lidocaine"}


#: A ketamine enantiomer or metabolite, another drug than the racemic ketamine of the published figures: the drug
#: word matched inside 'Esketamine' and 'Norketamine' (the third regression review compared an esketamine
#: clinic with them).
_OTHER_KETAMINES = re.compile(r"\b(es|s|r|ar|nor|dehydronor)[\s-]?ketamin\w*")
_OTHER_KETAMINE_NAMES = {"es": "esketamine", "s": "esketamine", "r": "arketamine", "ar": "arketamine",
                         "nor": "norketamine", "dehydronor": "dehydronorketamine"}


def drugs_named(label) -> frozenset:
    """The drugs a treatment's label names (``{'ketamine'}`` for ``Ketamin i.v.``, ``ketamine_iv``, ``Ketalar``;
    ``{'esketamine'}`` for ``Esketamine``, ``S-Ketamin``)."""
    text = fold(label)
    others = frozenset(_OTHER_KETAMINE_NAMES[prefix] for prefix in _OTHER_KETAMINES.findall(text))
    text = _OTHER_KETAMINES.sub(" ", text)
    return frozenset(_DRUG_NAMES.get(w, w) for w in DRUG_WORDS.findall(text)) | others


def _routes(label) -> frozenset:
    return frozenset(words(label)) & OTHER_ROUTE_WORDS


def _quote(names) -> str:
    return ", ".join(f"'{n}'" for n in names)


def match_treatments(published_treatments, dataset_treatments, matches: dict | None = None) -> pd.DataFrame:
    """One row per distinct published treatment: ``treatment``, ``drugs`` (the drug names it names, joined by
    ' + '), ``candidates`` (tuple of this dataset's treatments that name them), ``dataset_treatment`` (the one
    compared, or None), ``how`` (``same name``, ``by drug name``, ``chosen``, ``not compared``, ``ambiguous``,
    ``none``) and ``text`` (a sentence for the page and the verdicts). The rule is the module docstring's."""
    mine = [str(t) for t in dict.fromkeys(dataset_treatments) if pd.notna(t)]
    mine_drugs = {t: drugs_named(t) for t in mine}
    mine_routes = {t: _routes(t) for t in mine}
    chosen = {str(k): v for k, v in (matches or {}).items() if v == NOT_COMPARED or v in mine_drugs}
    rows = []
    for pub in dict.fromkeys(str(p) for p in published_treatments):
        drugs, routes = drugs_named(pub), _routes(pub)
        names = " + ".join(sorted(drugs)) or pub
        cands = tuple(t for t in mine if drugs and mine_drugs[t] == drugs and mine_routes[t] <= routes)
        if pub in chosen and chosen[pub] == NOT_COMPARED:
            row = (None, "not compared", f"The figures for '{pub}' are not compared (your choice).")
        elif pub in chosen:
            row = (chosen[pub], "chosen", f"The figures for '{pub}' are compared with your treatment "
                                          f"'{chosen[pub]}' (your choice).")
        elif pub in mine_drugs:
            row = (pub, "same name", f"The figures for '{pub}' are compared with your treatment '{pub}' (same name).")
        elif len(cands) == 1:
            row = (cands[0], "by drug name", f"The figures for '{pub}' are compared with your treatment "
                                             f"'{cands[0]}': the one that names {names}.")
        elif cands:
            row = (None, "ambiguous", f"Which of your treatments do the figures for '{pub}' describe? "
                                      f"{_quote(cands)} all name {names}: choose one to compare.")
        else:
            have = f" (your treatments: {_quote(mine)})" if mine else ""
            other_way = [t for t in mine if drugs and mine_drugs[t] == drugs]
            what = (f"None of your treatments is {names} given as in the figures ({_quote(other_way)} "
                    f"{'names' if len(other_way) == 1 else 'name'} another route or form)" if other_way else
                    f"None of your treatments names {names}")
            row = (None, "none", f"{what}{have}: the figures for '{pub}' are not compared. If one of them is that "
                                 "treatment under another name, choose it.")
        rows.append((pub, names, cands, *row))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)
