"""Rows an EHR marks as charted in error: withdrawn before anything of them is read.

Flowsheets and administration records keep an entry charted in error, with a status column saying so
(Epic's and Cerner's ``Result Status``: ``Auth (Verified)`` / ``In Error``; ``Entry Status``,
``Status``; Cerner's extracts name the code and its display text apart, ``RESULT_STATUS_CD`` and
``RESULT_STATUS_CD_DISP``, and both are read as the status): a pain score of 2 charted on the wrong patient and marked ``In Error`` stayed in the
export, and read as a score it became the immediate post-infusion score (75 % relief). Such a column is
the role ``"status"``: a row whose status says the entry is in error, cancelled or deleted
(:data:`ERROR_STATUS`) is withdrawn, whatever else it holds, and listed once with the status as its
reason. So is a Cerner result ``Not Done`` (no result) or ``Superseded`` (the version its correction
replaced). Other statuses (verified, final, preliminary, Cerner's ``Modified``/``Altered`` current version
of a corrected result, ``Unauth``, ``In Progress``, ...) leave the row as it is.

The status is not the action of an administration record (``Begin Bag``, ``Rate Change``): read as the
action, ``Auth (Verified)`` was asked to be a start, and every rate change became an administration.

A column whose values are administration actions (:data:`ADMINISTRATION_ACTIONS`: ``Given``, ``Not Given``,
``Held``, ``Refused``, ``New Bag``, ``Rate Change``, ``Stopped``, ...) is the action column, whatever its name
(``Status``, ``Administration Status``, ``Statut``) and even when some of its values say ``Canceled`` or
``Documented in Error``: those are the record's corrections, which withdraw the administration they correct.
Read as the entry status, its ``Not Given`` and ``Held`` rows became administrations and the bag a
``Documented in Error`` row withdraws stayed.

An appointment's status (:mod:`analysis.io.appointment_status`: SimplePractice's ``Status`` of Show / Canceled /
No Show) is no entry's: its ``Canceled`` is an appointment that did not take place, not an entry charted in
error, and its ``No Show`` no valid entry of an infusion. Such a column is never proposed as the status; given the
role ``"status"`` in a mapping, it is read as the action of a file with a treatment and no action column (the rows
whose appointment took place are the administrations, the others listed with their status), and not read
otherwise (a score on a cancelled appointment's row is read as any visit's), with a note.

A column the mapping does not read (no role, ``ignore``, ``covariate``) is read as the entry status when
its name says status and some of its few values say in error (and none is an administration action): an entry marked in error is never data,
so it is left out (with a note naming the column) rather than read because the mapping was written
before the role existed.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import MappingError
from .appointment_status import is_appointment_status
from .column_words import header_words
from .spec import DEFAULT_START_ACTIONS, Column

#: A status saying the entry is not valid (compared with case and spaces normalised).
ERROR_STATUS = frozenset({
    "in error", "entered in error", "error", "charted in error", "documented in error", "mar in error",
    "canceled", "cancelled", "canceled entry", "cancelled entry", "deleted", "unchart", "uncharted", "invalid",
    "voided", "void", "retracted", "erroneous", "wrong patient",
    # Cerner's result statuses (code set 8) that leave no result: the CDF meanings of In Error ('INERROR',
    # 'INERRNOMUT', 'INERRNOVIEW'), a result 'Not Done', and 'Superseded', the version a correction replaced.
    # 'Modified', 'Altered' (the corrected version), 'Auth (Verified)', 'Unauth', 'In Progress', 'Transcribed'
    # leave the row as it is, as Epic's 'Final' and 'Preliminary' do.
    "inerror", "inerrnomut", "inerrnoview", "in error no mut", "in error no view", "not done", "notdone",
    "superseded",
    # other languages of the exports read here
    "fehlerhaft", "storniert", "gelöscht", "irrtümlich", "annulé", "annule", "supprimé", "erreur", "anulado",
    "eliminado", "erróneo", "annullato", "errore", "geannuleerd", "verwijderd", "foutief"})

#: A column name saying it holds the status of the entry itself (its words, whatever the separators). Not an
#: order's, visit's or patient's status: an 'Order Status' of Canceled says no more doses were to be given, not
#: that those charted were not.
#: Cerner writes a coded column's code and its display text apart, as suffixes of its name: ``RESULT_STATUS_CD``,
#: ``RESULT_STATUS_CD_DISP``, ``EVENT_STATUS_DISP`` (the display text is the one that says ``In Error``).
STATUS_NAME = re.compile(r"(?:(?:result|entry|record|row|charting|documentation|admin|administration|mar|value|event|"
                         r"eintrag|ergebnis)\s)?(?:status|statut|estado|stato)(?:\s(?:cd|code))?"
                         r"(?:\s(?:disp|display|desc|description|text|meaning|mean))?|statut\sdu\sr[ée]sultat")

#: Actions of an administration record that no entry status says (normalised): a column holding one is the action
#: column. Besides the start actions (``courses.start_actions``): a bolus from the bag, what says a dose was not
#: given, and the running infusion's changes. Corrections (``Canceled``, ``Documented in Error``) are left out:
#: an entry status says them too, so they tell neither column apart.
ADMINISTRATION_ACTIONS = frozenset({" ".join(a.casefold().split()) for a in DEFAULT_START_ACTIONS} | {
    "bolus from bag", "bag bolus", "bolus from infusion", "bolus from pump", "given", "administered",
    "not given", "not administered", "held", "hold", "on hold", "refused", "patient refused", "missed", "omitted",
    "not done", "rate change", "rate changed", "rate verify", "rate verified", "stopped", "stop", "paused", "pause",
    "restarted", "resumed", "restart", "site change", "waste", "wasted", "continued", "infusing", "new bag",
    "infuse",
    "bolus", "push", "self administered", "patient's own med",
    # other languages of the exports read here
    "verabreicht", "gegeben", "nicht gegeben", "nicht verabreicht", "pausiert", "gestoppt", "abgelehnt",
    "administré", "administre", "non administré", "non administre", "refusé", "refuse", "suspendu", "arrêté",
    "administrado", "no administrado", "rechazado", "somministrato", "non somministrato", "rifiutato",
    "toegediend", "niet toegediend", "geweigerd"})

R_IN_ERROR = "entry marked {status!r} in {column!r} (charted in error): not read"
#: Statuses that withdraw a row for another reason than an error (normalised), and what the reason says instead.
_NOT_AN_ERROR = {"not done": "no result", "notdone": "no result",
                 "superseded": "a version replaced by its correction"}
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


def holds_actions(cells: np.ndarray, start_actions=()) -> bool:
    """Some cell is an administration action (:data:`ADMINISTRATION_ACTIONS`, or one of ``start_actions``, a
    mapping's ``courses.start_actions``)."""
    known = ADMINISTRATION_ACTIONS | {" ".join(str(a).casefold().split()) for a in start_actions}
    return bool(pd.Series(normalised(pd.unique(cells[cells != ""]))).isin(known).any())


def named_as_status(header: str) -> bool:
    """The column's name is an entry's status (:data:`STATUS_NAME`: ``Result Status``, ``RESULT_STATUS_CD_DISP``)."""
    return STATUS_NAME.fullmatch(header_words(header)) is not None


def looks_like_status(header: str, cells: np.ndarray, start_actions=()) -> bool:
    """A column named as a status (``Result Status``, ``ENTRY_STATUS``) with a few distinct values, at least
    one of which says the entry is in error and none of which is an administration action
    (:func:`holds_actions`: such a column is the action column)."""
    if not named_as_status(header):
        return False
    distinct = pd.unique(cells[cells != ""])
    distinct = np.asarray(distinct, dtype=object)
    # 'Not Done' is both a result's status and an administration's action: it tells neither column apart.
    either = pd.Series(normalised(distinct)).isin(ERROR_STATUS & ADMINISTRATION_ACTIONS).to_numpy()
    return 1 <= len(distinct) <= 20 and bool(in_error(distinct).any()) and \
        not holds_actions(distinct[~either], start_actions) and not is_appointment_status(distinct, header)


#: Statuses of a valid entry (normalised): Epic's and Cerner's results, verified, preliminary or corrected.
VALID_STATUS = frozenset({"auth (verified)", "auth", "authenticated", "verified", "final", "preliminary", "prelim",
                          "modified", "altered", "corrected", "amended", "unauth", "unverified", "in progress",
                          "transcribed", "signed", "validated"})


def only_statuses(header: str, cells: np.ndarray) -> bool:
    """A column named as a status whose every value is an entry's status, valid (:data:`VALID_STATUS`) or not: the
    status of an extract without rows in error (``Auth (Verified)``, ``Modified``), not a covariate."""
    if not named_as_status(header):
        return False
    distinct = pd.unique(cells[cells != ""])
    return 1 <= len(distinct) <= 20 and bool(pd.Series(normalised(distinct)).isin(VALID_STATUS | ERROR_STATUS).all()) \
        and not is_appointment_status(np.asarray(distinct, dtype=object), header)


def status_columns(file: str, header: list, roles: dict, column, has_treatment: bool, notes: list,
                   start_actions=()) -> list[int]:
    """The positions of the file's status columns: those with the role ``"status"``, and those the mapping
    leaves unread (or reads as a covariate or as the action) that :func:`looks_like_status` (``start_actions``:
    the mapping's); for the latter, ``roles`` is changed to ``"status"`` and a note says so. ``column(k)``: the
    cells of column ``k``. A column holding administration actions is never taken for the status, nor refused
    as the action.

    Raises
    ------
    MappingError
        When the action column of an administration record is such a status column: its real actions
        (New Bag, Rate Change) would then be read as nothing, and each rate change as an administration.
    """
    found = _not_appointments(file, header, roles, column, has_treatment, notes,
                              [k for k, c in roles.items() if c.role == "status"])
    for k, h in enumerate(header):  # a loop over the file's columns
        role = roles[k].role if k in roles else "ignore"
        if not h or k in found or role not in _NOT_READ_AS_STATUS or \
                not looks_like_status(h, column(k), start_actions):
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


def _not_appointments(file: str, header: list, roles: dict, column, has_treatment: bool, notes: list,
                      ks: list[int]) -> list[int]:
    """The columns ``ks`` (given the role ``"status"``) less those holding an appointment's status (module
    docstring): each of these becomes the file's action where it has a treatment and no action column, else is
    not read; ``roles`` is changed so, and a note says it."""
    keep = []
    for k in ks:  # a loop over the (one or two) status columns
        if not is_appointment_status(column(k), header[k]):
            keep.append(k)
            continue
        action = has_treatment and not any(c.role == "action" for c in roles.values())
        roles[k] = Column("action", codes=roles[k].codes) if action else Column("ignore")
        shown = ", ".join(repr(str(v)) for v in pd.unique(column(k)[column(k) != ""])[:5])
        notes.append(f"{file}: {header[k]!r} holds appointment statuses ({shown}), not whether an entry was charted "
                     "in error: " + ("read as whether each appointment took place (the role \"action\"): the "
                                     "treatment of an appointment that did not take place is no administration, listed "
                                     "with its status." if action else "not read (a score on a cancelled "
                                                                         "appointment's row is read as any visit's)."))
    return keep


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
        reason[hit] = np.asarray([_reason(s, table.header[k]) for s in said], dtype=object)[codes] \
            if len(codes) else reason[hit]
        out |= hit
    return out, column, value, reason


def _reason(status: str, column: str) -> str:
    """The listing's reason for a row withdrawn by its ``status`` (one call per distinct status)."""
    why = _NOT_AN_ERROR.get(" ".join(str(status).casefold().split()))
    return R_IN_ERROR.format(status=status, column=column) if why is None else \
        R_IN_ERROR.format(status=status, column=column).replace("charted in error", why)
