"""Medication orders loaded as the record of treatments: an order is not a dose given.

Some clinics can export only the medication **orders** (one row per order: ``ORDER_START``, ``ORDER_END``,
``FREQUENCY``, ``ORDER_STATUS``), not the administration record. Each order of a chosen treatment is then
read as one administration at its start date, which is all such a file says. But an order discontinued or
cancelled before it was given is no treatment: read, three boosters ordered and discontinued made three
courses of their own (27 episodes instead of 24, and the week-4 scores of the courses they cut short lost).

So, in a file that looks like orders (:func:`looks_like_orders`: it names a treatment, has no action
column, and dates its rows by an order's date, ``ORDER_START``, ``Ordering Date``, or has a ``FREQUENCY``
column), a row whose order status (:data:`ORDER_STATUS_NAME`: ``ORDER_STATUS``, ``Order Status``,
``ORDER_STATUS_CD_DISP``, whatever its role in the mapping; or the file's column of the role ``status``)
says :data:`NOT_GIVEN` (``Discontinued``, ``Cancelled``/``Canceled``, ``Voided``, ``Deleted``, ...) is
withdrawn, listed once with :data:`R_NOT_GIVEN`; and a warning says the file holds orders
(:func:`orders_warning`). An order discontinued after some doses were given is withdrawn too: an orders
file does not say which were given; the administration record does.

In an administration record (a file with an action column) an order's status says nothing of the doses
charted (``Order Status: Discontinued``: no more doses to come) and is not read.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import header_words as _words
from .entry_status import normalised

#: A column name saying it holds an order's status (its words, whatever the separators).
ORDER_STATUS_NAME = re.compile(r"(?:order|orders|ord)\s(?:status|state)(?:\s(?:cd|code|c))?"
                               r"(?:\s(?:disp|display|desc|description|text|name))?")
#: An order's date (``ORDER_START``, ``Order Date``, ``ORDERING_DATE``, ``ORIG_ORDER_DT_TM``).
_ORDER_DATE = re.compile(r"\b(?:order|ordered|ordering)\b")
#: A date column of an administration: when a dose was taken, given or infused.
_ADMINISTERED = re.compile(r"\b(?:taken|given|admin|administered|administration|infusion|infused|dose|mar|charted)\b")
#: An order's frequency (``FREQUENCY``, ``Order Frequency``, ``FREQUENCY_CD_DISP``).
_FREQUENCY = re.compile(r"(?:order\s)?(?:frequency|freq)(?:\s(?:cd|code))?(?:\s(?:disp|display|name))?")
#: Order statuses saying the order was not carried out (normalised).
NOT_GIVEN = frozenset({"discontinued", "discontinue", "dc", "d/c", "dc'd", "dced", "cancelled", "canceled", "cancel",
                       "voided", "void", "voided without results", "deleted", "not given", "never given",
                       "abgesetzt", "storniert", "annulé", "annule", "arrêté", "cancelado", "suspendido", "annullato",
                       "gestopt", "geannuleerd"})

R_NOT_GIVEN = "order marked {status!r} in {column!r} (discontinued or cancelled): not read as an administration"


def looks_like_orders(header: list, date_ks: list[int], has_treatment: bool, has_action: bool) -> list[str]:
    """The headers saying a file's rows are orders (module docstring), or none. ``date_ks``: the positions of the
    file's date columns."""
    if not has_treatment or has_action:
        return []
    ordered = [header[k] for k in date_ks if _ORDER_DATE.search(_words(header[k]))]
    # Dated by an order's start, never by a dose's time: a MAR of doses given (TAKEN_TIME) or an infusion log
    # (Infusion Date) with a FREQUENCY and an ORDER_STATUS column records administrations, and a dose given before
    # its order was discontinued is still given.
    if not ordered or any(_ADMINISTERED.search(_words(header[k])) for k in date_ks):
        return []
    return ordered + [h for h in header if h and _FREQUENCY.fullmatch(_words(h))]


def status_column(header: list, status_ks: list[int]) -> int | None:
    """The position of the order's status: a column named so, else the file's first column of the role status."""
    named = [k for k, h in enumerate(header) if h and ORDER_STATUS_NAME.fullmatch(_words(h))]
    return (named or list(status_ks) or [None])[0]


def not_given(cells: np.ndarray) -> np.ndarray:
    """The cells saying an order was not carried out (:data:`NOT_GIVEN`)."""
    return pd.Series(normalised(cells)).isin(NOT_GIVEN).to_numpy()


def reasons(cells: np.ndarray, column: str) -> np.ndarray:
    """:data:`R_NOT_GIVEN` for each cell (one format per distinct status)."""
    codes, said = pd.factorize(pd.Series(cells, dtype=object))
    out = np.asarray([R_NOT_GIVEN.format(status=s, column=column) for s in said], dtype=object)
    return out[codes] if len(codes) else np.zeros(0, dtype=object)


def orders_warning(file: str, signs: list[str], status: str | None, n_withdrawn: int) -> str:
    """The warning for a file whose treatment rows are orders."""
    left = (f" {n_withdrawn} order(s) discontinued or cancelled in {status!r} were left out." if status else
            " No column gives the orders' status: orders discontinued or cancelled before they were given are read "
            "as administrations.")
    return (f"{file}: the rows look like medication orders ({', '.join(map(repr, signs[:3]))}), not a record of "
            "administrations: each order of a chosen treatment is read as one administration at its date, but an "
            f"order says a dose was to be given, not that it was.{left} Load the medication administration record "
            "(MAR) if the EHR can export it.")
