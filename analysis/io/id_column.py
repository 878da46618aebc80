"""Which column of a file is the patient id: how strongly a column's name says so.

The first column whose name had an id word (``Patient``, ``Subject``, ``ID``, ``Code``, ``Fall``, ...) was taken,
so an id of something else won where it came first: a diary app's ``entry_id`` (000001, 000002: one per row)
before ``participant_code``, a FHIR table's own ``id`` (the Observation's) before ``subject.reference`` (the
patient), a sheet's ``Fall`` (case) before its ``Studien-ID``. Read by it, no patient had two rows and the files
shared no patient. REDCap's API writes the record id as ``record``, which named no patient (the file was left
unread), and a German KIS's ``Fallnummer`` (a record number the loading then refused) was proposed.
docs/data-format.md, "What the proposal decides by itself".
"""
from __future__ import annotations

import re

from ..mapping import canonical
from .column_words import has_word
from .identifiers.names import name_reason

#: An id word after the name of another thing a row may be: an entry, a response, an encounter, an order...
_ANOTHER_THINGS_ID = re.compile(
    r"(?:entry|row|response|observation|obs|encounter|enc|visit|order|event|admin|administration|transaction|"
    r"submission|result|specimen|accession|line|item|question|form|instance|note|document|message|appointment|"
    r"appt|claim|charge|sample|survey|csn|resource)[\s_.-]*(?:id|nr|no|number|key|code)")
#: A name that is the patient's (study) id and nothing else: a patient word, then perhaps an id word.
_ID_WORD = r"(?:id|nr|no|n°|number|nummer|numéro|numero|code|key|identifier|ref|reference|pseudonym)"
_PATIENT_ID = re.compile(
    r"(?:patient|patients|patienten|pat|subject|subj|participant|pseudonym|proband|probanden|teilnehmer|"
    r"deelnemer|paciente|patiente?|paziente|patiënt|patiëntnummer|anonymat|n° anonymat|record|studienummer|"
    r"studiennummer|studiencode|studycode|proefpersoon|deelnemernummer|teilnehmernummer|probandennummer)"
    rf"(?: {_ID_WORD})?|(?:study|studien|studie|étude|etude|estudio|studio) {_ID_WORD}")


def patient_id_rank(name: str, header: list[str]) -> int:
    """How strongly ``name`` says patient id: 0, the product's own ``patient_id``; 1, a patient word and perhaps an
    id word (``Patient``, ``Patient ID``, ``participant_code``, ``Studien-ID``, ``Pat.-Nr.``, ``record_id``,
    ``record``, ``N° anonymat``); 2, another name with an id word (``ID``, ``Code``, ``Fall``, ``Patient age``);
    3, not a patient id by its name. The first column of the best rank is proposed.

    A name saying the id of another thing (``entry_id``, ``Encounter ID``, ``order_no``) is 3. In a FHIR
    resource flattened to a table (a ``resourceType`` column) only ``subject.reference`` (or
    ``patient.reference``) is one: its ``id`` is the row's own, its ``code.coding.code`` the observation's code.
    A name the identifier guard refuses (a German KIS's ``Fallnummer``, the admission's number, and its
    ``Patienten-Nr.``; ``MRN``) is 3: proposed, it was refused on loading."""
    if canonical(name) == "patient_id":
        return 0
    folded = " ".join(name.casefold().split())
    tokens = " ".join(t for t in re.split(r"[^\w°]+", folded) if t)
    if any(h.casefold() == "resourcetype" for h in header):  # a FHIR resource flattened: its patient is a reference
        return 1 if folded in ("subject.reference", "patient.reference") else 3
    if _ANOTHER_THINGS_ID.fullmatch(tokens) or name_reason(name) is not None:
        return 3
    if _PATIENT_ID.fullmatch(tokens.replace("_", " ")):
        return 1
    return 2 if has_word("patient_id", name) else 3
