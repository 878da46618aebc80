"""Rows an EHR marks as charted in error: withdrawn before anything of them is read.

Flowsheets and administration records keep an entry charted in error, with a status column saying so
(Epic's and Cerner's ``Result Status``: ``Auth (Verified)`` / ``In Error``; ``Entry Status``,
``Status``): a pain score of 2 charted on the wrong patient and marked ``In Error`` stayed in the
export, and read as a score it became the immediate post-infusion score (75 % relief). Such a column is
the role ``"status"``: a row whose status says the entry is in error, cancelled or deleted
(:data:`ERROR_STATUS`) is withdrawn, whatever else it holds, and listed once with the status as its
reason. Other statuses (verified, final, preliminary, ...) leave the row as it is.

The status is not the action of an administration record (``Begin Bag``, ``Rate Change``): read as the
action, ``Auth (Verified)`` was asked to be a start, and every rate change became an administration.

A column the mapping does not read (no role, ``ignore``, ``covariate``) is read as the entry status when
its name says status and some of its few values say in error: an entry marked in error is never data,
so it is left out (with a note naming the column) rather than read because the mapping was written
before the role existed.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import MappingError
from .spec import Column

#: A status saying the entry is not valid (compared with case and spaces normalised).
ERROR_STATUS = frozenset({
    "in error", "entered in error", "error", "charted in error", "documented in error", "mar in error",
    "canceled", "cancelled", "canceled entry", "cancelled entry", "deleted", "unchart", "uncharted", "invalid",
    "voided", "void", "retracted", "erroneous", "wrong patient",
    # other languages of the exports read here
    "fehlerhaft", "storniert", "gelöscht", "irrtümlich", "annulé", "annule", "supprimé", "erreur", "anulado",
    "eliminado", "erróneo", "annullato", "errore", "geannuleerd", "verwijderd", "foutief"})

#: A column name saying it holds the status of the entry itself (its words, whatever the separators). Not an
#: order's, visit's or patient's status: an 'Order Status' of Canceled says no more doses were to be given, not
#: that those charted were not.
STATUS_NAME = re.compile(r"(?:(?:result|entry|record|row|charting|documentation|admin|administration|mar|value|"
                         r"eintrag|ergebnis)\s)?(?:status|statut|estado|stato)|statut\sdu\sr[ée]sultat")

R_IN_ERROR = "entry marked {status!r} in {column!r} (charted in error): not read"
#: Roles a status column may wrongly have in a mapping written before the role "status".
_NOT_READ_AS_STATUS = ("ignore", "covariate", "action")


def normalised(cells: np.ndarray) -> np.ndarray:
    """Cells case-folded with their spaces collapsed (``'In  Error '`` -> ``'in error'``)."""
    return pd.Series(cells, dtype=object).fillna("").astype(str).str.casefold().str.split().str.join(" ").to_numpy(
        dtype=object)


def in_error(cells: np.ndarray, codes: dict | None = None) -> np.ndarray:
    """The cells saying the entry is in error (``codes`` name more such words: ``{"Storno": "in error"}``)."""
    if codes:
        cells = pd.Series(cells, dtype=object).replace(codes).to_numpy(dtype=object)
    return pd.Series(normalised(cells)).isin(ERROR_STATUS).to_numpy()


def looks_like_status(header: str, cells: np.ndarray) -> bool:
    """A column named as a status (``Result Status``, ``ENTRY_STATUS``) with a few distinct values, at least
    one of which says the entry is in error."""
    if not STATUS_NAME.fullmatch(" ".join(re.split(r"[\W_]+", header.casefold())).strip()):
        return False
    distinct = pd.unique(cells[cells != ""])
    return 1 <= len(distinct) <= 20 and bool(in_error(np.asarray(distinct, dtype=object)).any())


def status_columns(file: str, header: list, roles: dict, column, has_treatment: bool, notes: list) -> list[int]:
    """The positions of the file's status columns: those with the role ``"status"``, and those the mapping
    leaves unread (or reads as a covariate or as the action) that :func:`looks_like_status`; for the latter,
    ``roles`` is changed to ``"status"`` and a note says so. ``column(k)``: the cells of column ``k``.

    Raises
    ------
    MappingError
        When the action column of an administration record is such a status column: its real actions
        (New Bag, Rate Change) would then be read as nothing, and each rate change as an administration.
    """
    found = [k for k, c in roles.items() if c.role == "status"]
    for k, h in enumerate(header):  # a loop over the file's columns
        role = roles[k].role if k in roles else "ignore"
        if not h or k in found or role not in _NOT_READ_AS_STATUS or not looks_like_status(h, column(k)):
            continue
        if role == "action" and has_treatment:
            raise MappingError(
                f"Mapping for {file}: the action column {h!r} holds entry statuses "
                f"({', '.join(repr(str(v)) for v in pd.unique(column(k)[column(k) != ''])[:4])}), not administration "
                "actions (New Bag, Rate Change): give it the role \"status\" (rows in error are then left out) and "
                "the column of the actions the role \"action\" (Cerner: 'Admin Event').", file=file, column=h)
        found.append(k)
        roles[k] = Column("status")
        notes.append(f"{file}: {h!r} says whether each entry is valid: rows it marks in error (In Error, Canceled, "
                     "Deleted, ...) are left out, each listed with its status (the role \"status\" in the mapping).")
    return sorted(found)


def withdrawn(table, roles: dict, ks: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows the status columns ``ks`` withdraw: (mask, column of the status, the status, reason), one
    entry per row (the first status column saying so)."""
    n = table.n
    out, column, reason = np.zeros(n, dtype=bool), np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    value = np.full(n, "", dtype=object)
    for k in ks:  # a loop over the (one or two) status columns
        cells = table.column(k)
        hit = in_error(cells, roles[k].codes) & ~out
        column[hit], value[hit] = table.header[k], cells[hit]
        codes, said = pd.factorize(pd.Series(cells[hit], dtype=object))
        reason[hit] = np.asarray([R_IN_ERROR.format(status=s, column=table.header[k]) for s in said],
                                 dtype=object)[codes] if len(codes) else reason[hit]
        out |= hit
    return out, column, value, reason
