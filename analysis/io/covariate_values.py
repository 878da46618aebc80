"""Covariate values that de-identification writes its own way: top-coded ages and postal codes.

HIPAA's Safe Harbor method groups every age over 89 into one category, written ``90+`` (or ``>89``, ``≥90``,
``90 or older``), and keeps of a ZIP code its first three digits (``021``). Read as they were, one ``90+``
among numbers made the whole age column text (no median, no range filter: Table 1 listed 40 ages as 40
categories), and ``021`` became the number 21.

* A top-coded value in a covariate column whose other values are all whole numbers is read as the lowest value
  it allows (:func:`top_coded`): ``90+``, ``≥90``, ``>=90``, ``90 or older`` as 90, ``>89`` as 90 (whole years),
  ``89+`` as 89; with a note saying how many, so that a median or a mean is read knowing they count at 90. The
  column is then a number like any other.
* A covariate named as a postal code (``zip``, ``ZIP3``, ``zip_code``, ``postcode``, ``PLZ``, ``code postal``)
  is text, its leading zeros kept (:func:`postal_code`): a code, never a quantity.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A top-coded number: ``90+``, ``>89``, ``> 89``, ``≥90``, ``>=90``, ``90 or older``, ``90 and over``, ``90+ years``.
_TOP = re.compile(r"(?i)^\s*(?P<op>>=|≥|=>|>)?\s*(?P<n>\d{1,4})\s*(?P<plus>\+|or\s+(?:older|more|above)|and\s+"
                  r"(?:over|older|above))?\s*(?:y|yr|yrs|years?|j|jahre?|ans|años)?\s*$")
_WHOLE = re.compile(r"^\s*[-+]?\d+(?:\.0*)?\s*$")
#: A postal code's name, one word or two joined (``zip``, ``ZIP3``, ``zip_code``, ``Postal Code``, ``PLZ``).
_POSTAL = re.compile(r"zip\d?|zip\d?code|postcode|postalcode|plz|postleitzahl|codepostal|codigopostal|postnummer")


def postal_code(name: str) -> bool:
    """Whether a covariate's name says it is a postal code (``ZIP3``, ``zip_code``, ``Postal Code``, ``PLZ``)."""
    words = [w for w in re.split(r"[\W_]+", str(name).casefold()) if w]
    return any(_POSTAL.fullmatch(w) for w in words) or any(_POSTAL.fullmatch(a + b) for a, b in zip(words, words[1:]))


def top_coded(values: np.ndarray, file: str, header: str, notes: list) -> np.ndarray:
    """``values`` (one covariate's cells, text) with each top-coded value read as the lowest it allows, where every
    other filled value is a whole number; a note in ``notes`` says how many. Other columns are returned as they are."""
    s = pd.Series(values, dtype=object).fillna("").astype(str)
    filled = s.str.strip() != ""
    whole = s.str.match(_WHOLE)
    m = s[filled & ~whole].str.extract(_TOP)
    top = m["n"].notna() & (m["op"].notna() | m["plus"].notna())
    if not len(top) or not top.all():
        return values
    n = m["n"].astype(int) + (m["op"] == ">").astype(int)
    out = np.asarray(values, dtype=object).copy()
    out[np.flatnonzero((filled & ~whole).to_numpy())] = n.astype(str).to_numpy(dtype=object)
    shown = ", ".join(f"{t!r} as {v}" for t, v in list(dict(zip(s[top.index], n)).items())[:3])
    notes.append(f"{file}: {int(top.sum())} value(s) of {header!r} are top-coded ({shown}; HIPAA's Safe Harbor writes "
                 "every age over 89 as 90+): each is read as the lowest value it allows, so a median or a mean counts "
                 "them at that value.")
    return out
