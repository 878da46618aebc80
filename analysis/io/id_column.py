"""Which column of a file is the patient id: how strongly a column's name says so.

The first column whose name has an id word (``Patient``, ``Subject``, ``ID``, ``Code``, ...) was taken, so an
id of something else won where it came first: a diary app's ``entry_id`` (000001, 000002: one per row) before
``participant_code``, a FHIR table's own ``id`` (the Observation's) before ``subject.reference`` (the patient).
Read by it, no patient had two rows and the files shared no patient. And REDCap's API writes the record id as
``record``, which named no patient (the file was left unread). docs/data-format.md, "Columns of an export".
"""
from __future__ import annotations

import re

from ..mapping import canonical
from .column_words import has_word

#: An id word after the name of another thing a row may be: an entry, a response, an encounter, an order...
_ANOTHER_THINGS_ID = re.compile(
    r"(?:entry|row|response|observation|obs|encounter|enc|visit|order|event|admin|administration|transaction|"
    r"submission|result|specimen|accession|line|item|question|form|instance|note|document|message|appointment|"
    r"appt|claim|charge|sample|survey|csn|resource)[\s_.-]*(?:id|nr|no|number|key|code)")


def patient_id_rank(name: str, header: list[str]) -> int:
    """0: the product's own ``patient_id``; 1: a name that says patient id; 2: not a patient id by its name.

    A name saying the id of another thing (``entry_id``, ``Encounter ID``, ``order_no``) is 2. In a FHIR
    resource flattened to a table (a ``resourceType`` column) only ``subject.reference`` (or
    ``patient.reference``) is 1: its ``id`` is the row's own, its ``code.coding.code`` the observation's code.
    ``record`` alone (REDCap's API) is 1."""
    if canonical(name) == "patient_id":
        return 0
    folded = " ".join(name.casefold().split())
    if folded == "record":
        return 1
    if _ANOTHER_THINGS_ID.fullmatch(folded):
        return 2
    if any(h.casefold() == "resourcetype" for h in header):  # a FHIR resource flattened: its patient is a reference
        return 1 if folded in ("subject.reference", "patient.reference") else 2
    return 1 if has_word("patient_id", name) else 2
