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

import pandas as pd

from ..mapping import canonical
from .column_words import has_word
from .identifiers.names import name_reason

#: An id word after the name of another thing a row may be: an entry, a response, an encounter, an order...
_ANOTHER_THINGS_ID = re.compile(
    r"(?:entry|row|response|observation|obs|encounter|enc|visit|order|event|admin|administration|transaction|"
    r"submission|result|specimen|accession|line|item|question|form|instance|note|document|message|appointment|"
    r"appt|claim|charge|sample|survey|csn|resource|encntr|measurement|condition|procedure|drug[\s_]*exposure|"
    r"visit[\s_]*occurrence|device[\s_]*exposure|specimen|"
    # Who or where treated, and what: a site, a provider, a department, a diagnosis or drug code.
    r"site|centre|center|clinic|location|facility|department|dept|ward|unit|provider|physician|doctor|nurse|"
    r"staff|prescriber|icd[\s_.-]*(?:9|10)?(?:[\s_.-]*cm)?|diagnosis|dx|drug|medication|med|ndc|rxnorm|"
    r"atc|lot|batch|device|study[\s_]*site|arm|group|cohort)[\s_.-]*(?:id|nr|no|number|key|code)")
#: A name that is the patient's (study) id and nothing else: a patient word, then perhaps an id word.
_ID_WORD = r"(?:id|nr|no|n°|number|nummer|numéro|numero|code|key|identifier|ref|reference|pseudonym)"
_PATIENT_ID = re.compile(
    r"(?:patient|patients|patienten|pat|person|subject|subj|participant|pseudonym|proband|probanden|teilnehmer|"
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


def patient_column(scored: list[tuple[int, int]], column) -> int:
    """The patient id column among the ranked names ``scored`` (``(rank, position)``, rank < 3 for candidates;
    :func:`patient_id_rank`), looking at the values too (``column(position)``: the column's cells). Reviews found
    the names alone wrong where a patient-named column came after the right ``ID`` or ``Code`` (the protocol's
    ``Study code``, the same on every row; a ``Study ID`` of two values; a ``Subject`` of visit kinds; initials; a
    database's row counter ``Record No``), and the values alone wrong where each row is another patient (a sheet of
    one row per patient beside a ``site_id``: 24 patients read as 3). So:

    * a candidate with one value on every row is none where another varies without being unique to each row (a
      file of one patient keeps its ``Patient ID`` beside a row counter);
    * one whose every row has its own value (a row counter) is none where another candidate repeats over at
      least five values, two rows each on average (the patients of a long file; not three sites);
    * a patient-named candidate (rank 1) with fewer distinct values than an id-named one (rank 2, ``ID``,
      ``Code``) does not win by its name: the first of them in the file does, as before names were ranked.
    Otherwise the best rank, then the first in the file."""
    shape = {}
    for _, k in scored:
        cells = column(k)
        cells = cells[cells != ""]
        shape[k] = (len(cells), len(pd.unique(cells)))

    def per_row(k):
        return shape[k][0] >= 3 and shape[k][1] == shape[k][0]

    def constant(k):
        return shape[k][0] > 1 and shape[k][1] == 1

    def patients(k):  # values that look like a long file's patients: five or more, two rows each on average
        return shape[k][1] >= 5 and shape[k][0] >= 2 * shape[k][1]

    keep = [(rank, k) for rank, k in sorted(scored) if rank < 3]
    if any(not constant(k) and not per_row(k) for _, k in keep):
        keep = [c for c in keep if not constant(c[1])] or keep
    if any(patients(k) for _, k in keep):
        keep = [c for c in keep if not per_row(c[1])] or keep
    best = keep[0]
    if best[0] == 1 and any(rank == 2 and shape[k][1] > shape[best[1]][1] for rank, k in keep):
        return min(k for _, k in keep)
    return best[1]
