"""The unit written beside an administration's dose: which column it is, and whether doses can be summed.

A MAR gives the dose in one column and its unit in another (``Dose Unit``, ``DOSE_UNIT``, ``Einheit``).
A course's dose is the sum of its administrations' doses, and doses are compared across courses: doses of
one treatment in different units (``0.5`` mg/kg/hr for the bag, ``25`` mg for a bolus), or rates, are no
sum; they are left out with a warning (:func:`one_unit_doses`). Called by :func:`analysis.io.translate.read_rows`.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .tables import TextTable


#: A column giving the unit of the dose beside it ('Dose Unit', 'Unit', 'Einheit', 'Unité', 'Unidad'; also
#: 'DOSE_UNIT', 'ADMIN_DOSE_UNIT_C': '_' separates the words of a database column's name).
_UNIT = re.compile(r"(?i)(?:^|[\W_])(?:units?|einheit|unit[ée]|unidad(?:es)?)(?:$|[\W_])")


def unit_columns(table: TextTable, dose_k: int) -> list[int]:
    """The columns giving the dose's unit: named so, every filled cell a dose unit; one naming the dose
    ('Dose Unit', not 'Rate Unit') first."""
    found = [u for u in range(len(table.header)) if u != dose_k and _UNIT.search(table.header[u])
             and _dose_units(table.column(u))]
    return sorted(found, key=lambda u: not re.search(r"(?i)dos", table.header[u]))


def is_unit_column(header: str, cells) -> bool:
    """A column named for a unit ('DOSE_UNIT', 'Dose Unit') whose filled cells are dose units (mg, mg/kg/hr)."""
    return bool(_UNIT.search(header)) and _dose_units(cells)


def dose_columns(table: TextTable, ks: list[int]) -> list[int]:
    """The dose columns, without a unit column the mapping also calls the dose ('DOSE_UNIT' beside 'DOSE',
    both named with "dose"): its cells are units, never a dose."""
    return [k for k in ks if not (_UNIT.search(table.header[k]) and _dose_units(table.column(k)))]


#: A dose's unit as MARs write it: mg, mcg, µg, g, mL, units, IU, mmol, mEq, with /kg, /hr, /min, /day.
_DOSE_UNIT = r"(?i)(?:[mµnu]?c?g|mcg|ml|l|units?|iu|i\.e\.|ie|u|mmol|meq|%)(?:\s*/\s*(?:kg|h|hr|hour|min|d|day|ml)){0,2}"


def _dose_units(cells: np.ndarray) -> bool:
    """Every filled cell is a dose unit: a column named 'Unit' may be the ward (a nursing unit, '5 West')."""
    filled = pd.Series(cells[cells != ""], dtype=object).str.strip()
    return bool(len(filled)) and bool(filled.str.fullmatch(_DOSE_UNIT).all())


def one_unit_doses(dose: np.ndarray, unit: np.ndarray, label: np.ndarray, file: str, header: str,
                    obs) -> np.ndarray:
    """The administrations' doses, left out (NaN) for every treatment whose doses are written in different
    units in the unit column (``0.5`` mg/kg/hr for the bag, ``20`` mg for a bolus): a course's dose is a sum
    and doses are compared across courses, neither of which means anything across units. Warned about."""
    units = pd.Series(unit, dtype=object).str.casefold().str.split().str.join(" ").fillna("").to_numpy(dtype=object)
    given = pd.DataFrame({"label": label, "unit": units})[~np.isnan(dose) & (units != "")]
    per = given.groupby("label", sort=True)["unit"].unique()
    for lab, written in per[per.map(len) > 1].items():  # a loop over the few treatments with mixed units
        dose = np.where(label == lab, np.nan, dose)
        obs.warnings.append(
            f"{file}: the doses of {lab!r} are written in different units in {header!r} "
            f"({', '.join(repr(u) for u in sorted(written))}): they are not summed or compared, so its courses have "
            "no dose. Convert the doses to one unit to use them.")
    # A rate (0.5 mg/kg/hr for each bag) is no amount: summed over a course's bags it would be 1.5 of nothing.
    rates = per[per.map(lambda w: len(w) == 1 and bool(_RATE_UNIT.search(str(w[0]))))]
    for lab, written in rates.items():  # a loop over the few treatments
        dose = np.where(label == lab, np.nan, dose)
        obs.warnings.append(
            f"{file}: the doses of {lab!r} are rates ({written[0]!r} in {header!r}), not amounts: a course's dose is "
            "the sum of its administrations' doses, which rates are not, so its courses have no dose. Give the "
            "amount given (e.g. mg) to use them.")
    return dose


#: A dose unit per time: a rate (mg/kg/hr, mcg/min), no amount given.
_RATE_UNIT = re.compile(r"(?i)/\s*(?:h|hr|hrs|hour|min|minute|d|day)\b")
