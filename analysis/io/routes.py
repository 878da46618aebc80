"""An administration's route: a route known not to be intravenous is no infusion.

An administration record gives the route of each administration in a column of its own (``ROUTE``:
``Intravenous``, ``Oral``, ``Subcutaneous``), while the medication text may name only the drug
(``ketamine``). Read without it, ``ketamine, Oral, Given 20 mg`` two weeks after an infusion became a
second infusion course (ending the first course's follow-up), and ``lidocaine (PF) 1 % injection 0.5 mL,
Subcutaneous`` (a skin wheal before the cannula) a "Lidocaine infusion" group.

A row of a chosen treatment is left out (listed with its route) only when its route is **known** not to be
intravenous (:data:`NOT_INTRAVENOUS`: oral, subcutaneous, intramuscular, topical, intranasal, epidural,
a nerve block, ..., in English, German, French, Spanish, Italian and Dutch) and names no intravenous route
(:data:`INTRAVENOUS`). Every other route stays an administration: the intravenous ones, however a clinic
writes them (``IVP``, ``IV PCA``, ``Infusion``, ``IV Infusion over 4 hours``, ``Perfusion IV``, ``e.v.``,
``i.v. Perfusor``, Epic's ``ROUTE_C`` code ``6``), and the routes not known here, with a warning naming them
(:func:`unknown`). Left out, an unknown way of writing "intravenous" lost the clinic's courses; kept, an
unknown route is at worst one administration too many, and the warning says which to check.

A column the mapping does not mention is read as the route where its name says so (``Route``, ``Admin
Route``, ``Applikationsweg``, ``Voie``) and the file has a treatment column: the routes are then not a
description to skip but what tells an infusion from a tablet. A column the mapping mentions with another role
(``ignore`` included) is not read as the route: that is the mapping's decision (a warning says when it names
routes that are not intravenous).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import has_word
from .spec import Column

#: Words of an intravenous route (searched as whole words, any case): IV, i.v., IVP, IVPB, IV PCA, intravenous
#: and its other languages (intravenös, intraveineux, endovenosa, intraveneus), EV/e.v. (endovenous), a
#: peripheral or central line (PICC, CVC, ZVK). Beside another route's word (``IV/PO``) the route is neither
#: known intravenous nor known otherwise: kept, with the warning of an unknown route.
INTRAVENOUS = re.compile(
    r"(?i)(?<![\w.])(?:iv|i\.\s?v\.?|ivp|ivpb|iv[\s/-]?pca|intrav[eé]n\w*|intraveineu\w*|endoven\w*|e\.?\s?v\.?|"
    r"picc|cvc|zvk|central\s+line|peripheral\s+line)(?!\w)")
#: Words of an infusion without its route (``Infusion``, ``Continuous Infusion``, ``Perfusor``, ``infuus``, a
#: pump, push or drip): intravenous unless another route's word is beside them (``Subcutaneous infusion``,
#: ``Epidural infusion``).
INFUSED = re.compile(r"(?i)(?<![\w.])(?:infusion|infus\w*|inf\.?|infuus|perfusion|perfus\w*|perfusor|drip|push|"
                     r"bolus|pump|pca|tropfinfusion|kurzinfusion|dauerinfusion|goteo|flebo\w*)(?!\w)")
#: Epic's numeric route code (``ROUTE_C``) for intravenous.
EPIC_IV_CODES = frozenset({"6"})
#: The route codes of research data warehouses: SNOMED CT (PCORnet's ``MEDADMIN_ROUTE``) and OMOP's standard
#: route concepts (``route_concept_id``). Intravenous: SNOMED 47625008, OMOP 4171047.
CODED_IV = frozenset({"47625008", "4171047"})
#: Not intravenous. SNOMED: oral 26643006, subcutaneous 34206005, intramuscular 78421000, topical 6064005, nasal
#: 46713006, sublingual 37839007, transdermal 45890007, rectal 37161004, epidural 404820008, intrathecal 72607000;
#: OMOP: oral 4132161, subcutaneous 4142048, intramuscular 4302612, topical 4263689, transdermal 4262099,
#: sublingual 4292110, rectal 4290759.
CODED_NOT_IV = frozenset({"26643006", "34206005", "78421000", "6064005", "46713006", "37839007", "45890007",
                          "37161004", "404820008", "72607000", "4132161", "4142048", "4302612", "4263689", "4262099",
                          "4292110", "4290759"})
#: Routes known not to be intravenous (searched as whole words, any case). The short abbreviations that are
#: also words (IN, ID, IT) only as the whole cell.
NOT_INTRAVENOUS = re.compile(
    r"(?i)(?<![\w.])(?:"
    # by mouth, under the tongue, in the cheek, by tube
    r"oral\w*|oraal|peroral\w*|per\s*os|p\.?\s?o\.?|sublingu\w*|s\.?\s?l\.?|bu[ck]+a\w*|bucal|enteral\w*|"
    r"n\.?\s?g\.?|ng\s*tube|g[\s-]*tube|j[\s-]*tube|peg|feeding\s*tube|nasogastr\w*|"
    # into or under the skin, on the skin
    r"sub[\s-]?[ck]ut\w*|subq|sub[\s-]q|s\.?\s?c\.?|s\.?\s?q\.?|sous[\s-]*cutan\w*|sottocut\w*|"
    r"intraderm\w*|i\.\s?d\.?|intradermique|t[oó]pi\w*|cutan\w*|cutaan|kutan|transderm\w*|t\.?\s?d\.?|patch|"
    # into a muscle
    r"intramus\w*|i\.?\s?m\.?|intramuscol\w*|intramusculair|intramuskul\w*|"
    # nose, airways, eyes, ears
    r"intranas\w*|nas(?:al|ale|aal|ally)|i\.\s?n\.?|inhal\w*|inalat\w*|inalazione|nebuli[sz]\w*|neb|"
    r"verneve\w*|vernebel\w*|ophthalm\w*|ophtalm\w*|oftalm\w*|ocular|okular|oculair|otic|[óo]tic[ao]|otisch|"
    r"auricul\w*|"
    # spine and nerves
    r"epidur\w*|[ée]pidur\w*|peridur\w*|p[ée]ridur\w*|intrat[h]?e[ck]a\w*|intrath[ée]cal\w*|i\.\s?t\.?|"
    r"perineur\w*|p[ée]rinerv\w*|nerve\s*block|nervenblock\w*|bloc\s*nerveux|bloqueo\s*nervioso|"
    r"blocco\s*nervoso|zenuwblok\w*|plexus\w*|infiltra\w*|local|locale|lokal\w*|lokaal|"
    # other body routes
    r"rect\w*|rekt\w*|rett\w*|p\.?\s?r\.?|vagin\w*|intraartic\w*|intra-artic\w*|intraarticul\w*|"
    r"intravesic\w*|intraoss\w*|"
    # written otherwise: S/C, s/q, continuous subcutaneous infusion (CSCI), an intrathecal pump, a wound or
    # nerve catheter, regional blocks, by mouth, tablets, drops
    r"s/c|s/q|csci|i/t|it\s+(?:pump|infusion)|wound\s*cath\w*|interscalene|nerve\s*cath\w*|pcea|caudal|"
    r"spinal|ganglion\s*block|stellate\s*ganglion|by\s+mouth|mouth|tablets?|gastrostom\w*|jejunostom\w*|"
    r"oromucos\w*|eye\s*drops?|ear\s*drops?)(?!\w)"
    r"|^\s*(?:in|id|it)\s*$")

R_ROUTE = "route {route!r} is not intravenous: not an infusion of {label!r}"


def route_columns(file: str, header: list, roles: dict, has_treatment: bool, notes: list, column=None,
                  warnings: list | None = None) -> list[int]:
    """The positions of the route columns: the role ``"route"``, and, in a file with a treatment column, a
    column the mapping does not mention whose name says route (``roles`` is changed to ``"route"``, with a
    note). A column the mapping gives another role (``"ignore"`` too) is not read: with ``column(k)`` (its
    cells) and ``warnings``, a warning says when such a column names routes known not to be intravenous."""
    found = [k for k, c in roles.items() if c.role == "route"]
    if found or not has_treatment:
        return found
    for k, h in enumerate(header):  # a loop over the file's columns
        if not h or not has_word("route", h):
            continue
        if k in roles:
            if column is not None and warnings is not None and not_intravenous(column(k)).any():
                shown = ", ".join(repr(str(v)) for v in pd.unique(column(k)[not_intravenous(column(k))])[:3])
                warnings.append(f"{file}: {h!r} names routes that are not intravenous ({shown}), but the mapping gives "
                                f"it the role {roles[k].role!r}: rows of a chosen treatment given so are read as "
                                "infusions. Give the column the role \"route\" to leave them out.")
            continue
        roles[k] = Column("route")
        notes.append(f"{file}: {h!r} gives each administration's route: rows of a route known not to be intravenous "
                     "(oral, subcutaneous, ...) are left out, each listed with its route; intravenous, unwritten and "
                     "unknown routes are administrations (the role \"route\" in the mapping).")
        return [k]
    return []


def _routes(route: np.ndarray, codes: dict | None) -> pd.Series:
    s = pd.Series(route, dtype=object).fillna("").astype(str)
    return s.replace(codes) if codes else s


def _kinds(route: np.ndarray, codes: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: (known not intravenous, intravenous or unwritten); a cell that is neither is unknown. Each
    distinct route is matched once."""
    codes_, uniques = pd.factorize(_routes(route, codes), use_na_sentinel=False)
    u = pd.Series(uniques, dtype=object).astype(str)
    said_iv = u.str.contains(INTRAVENOUS) | u.str.strip().isin(EPIC_IV_CODES | CODED_IV)
    said_other = u.str.contains(NOT_INTRAVENOUS) | u.str.strip().isin(CODED_NOT_IV)
    # Both said ('IV/PO'): neither, so kept with the warning of an unknown route.
    other = said_other & ~said_iv
    iv = (u.str.strip() == "") | ((said_iv | u.str.contains(INFUSED)) & ~said_other)
    return other.to_numpy(dtype=bool)[codes_], iv.to_numpy(dtype=bool)[codes_]


def not_intravenous(route: np.ndarray, codes: dict | None = None) -> np.ndarray:
    """The cells naming a route known not to be intravenous (an empty cell, an unknown route and a route that
    also names an intravenous one are not)."""
    if not len(route):
        return np.zeros(0, dtype=bool)
    return _kinds(route, codes)[0]


def unknown(route: np.ndarray, codes: dict | None = None) -> np.ndarray:
    """The cells naming a route neither known to be intravenous nor known not to be (kept, with a warning)."""
    if not len(route):
        return np.zeros(0, dtype=bool)
    other, iv = _kinds(route, codes)
    return ~other & ~iv


def unknown_warning(route: np.ndarray, file: str, header: str) -> list[str]:
    """The warning naming the unknown routes of rows kept as administrations (``route``: those rows' cells)."""
    if not len(route):
        return []
    counts = pd.Series(route, dtype=object).value_counts()
    return [f"{file}: {int(counts.sum())} administration(s) have a route in {header!r} not known here "
            f"({', '.join(repr(str(r)) for r in counts.index[:5])}): read as infusions. If a route is not "
            "intravenous, give it a known name under the route column's \"codes\" (e.g. {\"" + str(counts.index[0])
            + "\": \"Oral\"}) to leave its rows out."]


def reasons(route: np.ndarray, label: np.ndarray) -> np.ndarray:
    """The reason of each row left out by its route (one text per distinct route and treatment)."""
    if not len(route):
        return np.zeros(0, dtype=object)
    codes, uniques = pd.MultiIndex.from_arrays([pd.Series(route, dtype=object).astype(str),
                                                pd.Series(label, dtype=object).astype(str)]).factorize()
    said = np.asarray([R_ROUTE.format(route=r, label=lab) for r, lab in uniques], dtype=object)
    return said[codes] if len(codes) else np.zeros(0, dtype=object)
