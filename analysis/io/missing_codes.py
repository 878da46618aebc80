"""Missing-value codes in the score column of a measure without a known range.

Registries and survey tools write a question left unanswered as a code: ``99``, ``999``, ``-9``,
``-99``, ``-999`` (ePPOC, SPSS-style codebooks). A measure of the registry (:mod:`analysis.measures`)
has a valid range, and a code outside it is excluded as out of range at loading. A clinic's own
scale (``bpiaveragepain``, ``pcs_total``) has none: read as a score, a 99 at baseline made every
follow-up score look like ~95% relief.

The rule (docs/data-format.md, "Missing-value codes"): in the scores of a measure the registry
does not know, a value equal to one of :data:`MISSING_CODES` is a missing-value code when it lies
clearly beyond every other value of that measure:

* a positive code ``c`` when every other value is at most :data:`CODE_SHARE` x ``c`` (99 beside
  scores of at most 79.2; 999 beside scores of at most 799.2);
* a negative code when no other value is negative.

"Every other value" is every value of the measure that is not one of the codes. A measure whose
every value is a code keeps them (nothing to compare with). Each code excluded is listed with its
file, line, column and the reason, and one warning per measure says how many were.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..measures import MEASURES

#: The usual codes of a missing answer.
MISSING_CODES = (99.0, 999.0, -9.0, -99.0, -999.0)
#: A positive code is one when every other value of its measure is at most this share of it.
CODE_SHARE = 0.8


#: A measure's name saying it is scored 0-100: 'vas_pain_mm', 'VAS (0-100)', 'pain_percent', 'QuickDASH'.
_HUNDRED = re.compile(r"(?i)(?:^|[^a-z])(?:vas|mm|100|percent|pct|dash|quickdash)(?:$|[^a-z])|quickdash|eq_vas")


def missing_value_codes(measure: np.ndarray, value: np.ndarray) -> np.ndarray:
    """True where a score is a missing-value code by the rule of the module doc.

    ``measure``: each score's measure name; ``value``: its number (NaN: no number). Measures of the
    registry are left to their range check (always False)."""
    value = np.asarray(value, dtype=float)
    out = np.zeros(len(value), dtype=bool)
    coded = np.isin(value, MISSING_CODES)
    if not coded.any():
        return out
    code, names = pd.factorize(np.asarray(measure, dtype=object))
    # One per measure, not per row. A measure named as a 0-100 scale (a VAS in mm, a percent, the QuickDASH) may
    # score a real 99 above a small cohort's other scores (the regression review: a baseline of 99 dropped).
    unknown = np.array([n not in MEASURES and not _HUNDRED.search(str(n)) for n in names], dtype=bool)
    other = ~coded & np.isfinite(value)
    k = len(names)
    top = np.full(k, -np.inf)
    low = np.full(k, np.inf)
    np.maximum.at(top, code[other], value[other])
    np.minimum.at(low, code[other], value[other])
    has_other = np.bincount(code[other], minlength=k) > 0
    m = code[coded]
    v = value[coded]
    beyond = np.where(v > 0, top[m] <= CODE_SHARE * v, low[m] >= 0)
    out[coded] = beyond & has_other[m] & unknown[m]
    return out


def code_reasons(measure: np.ndarray, value: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The exclusion reason of each code found (``codes``: :func:`missing_value_codes`), and one warning per
    measure with codes: ``"a missing-value code (99; every other bpiaveragepain score is 0 to 10)"``."""
    measure = np.asarray(measure, dtype=object)
    value = np.asarray(value, dtype=float)
    reasons = np.full(len(value), "", dtype=object)
    warnings = []
    if not codes.any():
        return reasons, warnings
    other = ~np.isin(value, MISSING_CODES) & np.isfinite(value)
    frame = pd.DataFrame({"m": measure[other], "v": value[other]})
    span = frame.groupby("m", sort=False)["v"].agg(["min", "max"])
    for name in pd.unique(measure[codes]):  # one pass per measure with codes (a few), not per row
        mine = codes & (measure == name)
        lo, hi = span.loc[name, "min"], span.loc[name, "max"]
        found = sorted(pd.unique(value[mine]))
        for c in found:
            reasons[mine & (value == c)] = (f"a missing-value code ({c:g}; every other {name} score is "
                                            f"{lo:g} to {hi:g})")
        warnings.append(f"{int(mine.sum())} value(s) of {name} were {' or '.join(f'{c:g}' for c in found)}, beyond "
                        f"every other {name} score ({lo:g} to {hi:g}): read as a missing-value code, not a score, and "
                        "excluded (each listed with its line). Check the export's codebook if they are real scores.")
    return reasons, warnings
