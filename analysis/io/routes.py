"""An administration's route: only an intravenous one is an infusion.

An administration record gives the route of each administration in a column of its own (``ROUTE``:
``Intravenous``, ``Oral``, ``Subcutaneous``), while the medication text may name only the drug
(``ketamine``). Read without it, ``ketamine, Oral, Given 20 mg`` two weeks after an infusion became a
second infusion course (ending the first course's follow-up), and ``lidocaine (PF) 1 % injection 0.5 mL,
Subcutaneous`` (a skin wheal before the cannula) a "Lidocaine infusion" group. The treatments studied
are infusions: a row of a chosen treatment is an administration only when its route is intravenous
(:data:`INTRAVENOUS`) or not written; any other route (oral, subcutaneous, intramuscular, topical,
intranasal, epidural, or a route not known here) leaves it out, listed with its route, as
:mod:`analysis.io.dosage_forms` leaves out a form named in the text (``KETAMINE 10 MG ORAL SOLUTION``).

A column the mapping does not read (no role, ``ignore``) is read as the route where its name says so
(``Route``, ``Admin Route``, ``Applikationsweg``, ``Voie``) and the file has a treatment column: the
routes are then not a description to skip but what tells an infusion from a tablet.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import has_word
from .spec import Column

#: Routes of an intravenous administration, as records and clinics write them (case-insensitive, the whole
#: cell): IV, i.v., Intravenous, IV infusion, IV push/bolus, IVPB, continuous IV, peripheral/central IV, and
#: German, French, Spanish, Italian and Dutch words.
INTRAVENOUS = re.compile(
    r"(?i)\s*(?:(?:peripheral|central|continuous|cont\.?)\s+)?(?:iv|i\.\s?v\.?|intravenous(?:ly)?|intraven[öo]s|"
    r"intraveineuse?|intravenos[ao]|endoven(?:os[ao]|ous)|intraveneus|ivpb|iv\s*piggy\s*back)"
    r"(?:\s*[-/(,]?\s*(?:infusion|perfusion|drip|continuous|push|bolus|piggyback|pb|line|peripheral|central|"
    r"kurzinfusion|dauerinfusion|\)))*\s*")

R_ROUTE = "route {route!r} is not intravenous: not an infusion of {label!r}"


def route_columns(file: str, header: list, roles: dict, has_treatment: bool, notes: list) -> list[int]:
    """The positions of the route columns: the role ``"route"``, and, in a file with a treatment column, a
    column the mapping leaves unread (no role, ``ignore``) whose name says route (``roles`` is changed to
    ``"route"``, with a note)."""
    found = [k for k, c in roles.items() if c.role == "route"]
    if found or not has_treatment:
        return found
    for k, h in enumerate(header):  # a loop over the file's columns
        if h and (k not in roles or roles[k].role == "ignore") and has_word("route", h):
            roles[k] = Column("route")
            notes.append(f"{file}: {h!r} gives each administration's route: only intravenous (or unwritten) routes are "
                         "administrations of an infusion; the others (oral, subcutaneous, ...) are left out, each "
                         "listed with its route (the role \"route\" in the mapping).")
            return [k]
    return []


def not_intravenous(route: np.ndarray, codes: dict | None = None) -> np.ndarray:
    """The cells naming a route other than an intravenous one (an empty cell names none)."""
    s = pd.Series(route, dtype=object).fillna("").astype(str)
    if codes:
        s = s.replace(codes)
    return ((s.str.strip() != "") & ~s.str.fullmatch(INTRAVENOUS)).to_numpy()


def reasons(route: np.ndarray, label: np.ndarray) -> np.ndarray:
    """The reason of each row left out by its route (one text per distinct route and treatment)."""
    if not len(route):
        return np.zeros(0, dtype=object)
    codes, uniques = pd.MultiIndex.from_arrays([pd.Series(route, dtype=object).astype(str),
                                                pd.Series(label, dtype=object).astype(str)]).factorize()
    said = np.asarray([R_ROUTE.format(route=r, label=lab) for r, lab in uniques], dtype=object)
    return said[codes] if len(codes) else np.zeros(0, dtype=object)
