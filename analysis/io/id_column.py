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

import numpy as np
import pandas as pd

from ..mapping import canonical
from .column_words import has_word, split_camel
from .identifiers.names import name_reason

#: An id word after the name of another thing a row may be: an entry, a response, an encounter, an order...
_ANOTHER_THINGS_ID = re.compile(
    # (a patient's or a client's visit, encounter, session: 'Patient Visit ID', 'PatientEncounterID', 'ClientVisitID')
    r"(?:(?:patient|pat|client)[\s_]*)?"
    r"(?:entry|row|response|observation|obs|encounter|enc|episode|visit|order|event|admin|administration|transaction|"
    r"session|assessment|infusion|treatment|therapy|booster|course|cycle|admission|tx|referral|injection|block|"
    r"behandlung|behandlungs|behandeling|"
    r"submission|result|specimen|accession|line|item|question|form|instance|note|document|message|appointment|"
    r"appt|claim|charge|sample|survey|csn|resource|encntr|measurement|condition|procedure|drug[\s_]*exposure|"
    r"visit[\s_]*occurrence|device[\s_]*exposure|specimen|"
    # Who or where treated, and what: a site, a provider, a department, a diagnosis or drug code.
    r"site|centre|center|clinic|location|facility|department|dept|ward|unit|provider|physician|doctor|nurse|"
    r"staff|prescriber|surgeon|consultant|an(?:a)?esthetist|an(?:a)?esthesiologist|clinician|therapist|physiotherapist|"
    r"physio|practitioner|referrer|referring|rater|assessor|attending(?:[\s_]*physician)?|ordering[\s_]*provider|"
    r"behandler|"
    r"icd[\s_.-]*(?:9|10)?(?:[\s_.-]*cm)?|diagnosis|dx|drug|medication|med|ndc|rxnorm|"
    r"atc|lot|batch|device|study[\s_]*site|arm|group|cohort)[\s_.-]*(?:id|nr|no|number|key|code)")
#: A name that is the patient's (study) id and nothing else: a patient word, then perhaps an id word; 'Pt' only with a
#: number word ('Pt #', 'Pt No': 'PtID' is rank 2 by its id word, as before).
_ID_WORD = r"(?:id|nr|no|n°|number|nummer|numéro|numero|code|key|identifier|ref|reference|pseudonym)"
_PATIENT_ID = re.compile(
    r"(?:patient|patients|patienten|pat|person|(?:study )?subject|subj|participant|pseudonym|proband|probanden|teilnehmer|"
    r"deelnemer|paciente|patiente?|paziente|patiënt|patiëntnummer|anonymat|n° anonymat|proefpersoon|"
    r"deelnemernummer|teilnehmernummer|probandennummer)"
    rf"(?: durable)?(?: {_ID_WORD})?|record id|pt (?:no|nr|number|n°)")
#: The patient of practice software (psychotherapy, physical therapy, ketamine clinics: SimplePractice's 'Client',
#: IntakeQ's 'ClientId'), rank 2: a patient word wins over it (a payer's or an insurer's 'Client' beside 'Patient ID'
#: merged 12 patients into 2 in the regression review). Its 'Client Name', 'ClientEmail' are identifiers the guard
#: refuses (rank 3).
_CLIENT_ID = re.compile(rf"(?:client|klient|cliënt)(?: {_ID_WORD})?")
#: Words of a patient's characteristic or of something else about the patient, not an id.
_CHARACTERISTIC = re.compile(r"(?:^|\s)(?:age|sex|gender|geschlecht|alter|type|typ|status|visit|visits|dob|birth|weight|"
                             r"height|bmi|initials|name|email|phone|address|group|arm|count|years?)(?:\s|$)")
#: A study's or a record's number: an id word, as ``ID`` or ``Code`` is (a study's own code may be the protocol's, the
#: same on every row; REDCap's API writes the record id as ``record``, a database's ``Record No`` counts rows).
_STUDY_OR_RECORD = re.compile(
    rf"(?:study|studien|studie|étude|etude|estudio|studio) {_ID_WORD}|studienummer|studiennummer|studiencode|"
    r"studycode|record(?: (?:no|nr|number|nummer))?")


def patient_id_rank(name: str, header: list[str]) -> int:
    """How strongly ``name`` says patient id: 0, the product's own ``patient_id``; 1, a patient word and perhaps an
    id word (``Patient``, ``Patient ID``, ``PatientID``, ``participant_code``, ``Studien-ID``, ``Pat.-Nr.``,
    ``record_id``, ``record``, ``N° anonymat``, practice software's ``Client``, ``ClientId``); 2, another name with an id word (``ID``, ``Code``, ``Fall``, ``Patient age``);
    3, not a patient id by its name. The first column of the best rank is proposed.

    A name saying the id of another thing (``entry_id``, ``Encounter ID``, ``EpisodeID``: a registry's episode of
    care, ``order_no``) is 3. In a FHIR
    resource flattened to a table (a ``resourceType`` column) only ``subject.reference`` (or
    ``patient.reference``) is one: its ``id`` is the row's own, its ``code.coding.code`` the observation's code.
    A name the identifier guard refuses (a German KIS's ``Fallnummer``, the admission's number, and its
    ``Patienten-Nr.``; ``MRN``) is 3: proposed, it was refused on loading."""
    if canonical(name) == "patient_id":
        return 0
    folded = " ".join(name.casefold().split())
    # A '#' is a number word ('Pt #', 'Patient #'): kept as one, not dropped with the other signs.
    words = " ".join(split_camel(name.replace("#", " no ")).casefold().split())
    tokens = " ".join(t for t in re.split(r"[^\w°]+", words) if t)
    if any(h.casefold() == "resourcetype" for h in header):  # a FHIR resource flattened: its patient is a reference
        return 1 if folded in ("subject.reference", "patient.reference") else 3
    if _ANOTHER_THINGS_ID.fullmatch(tokens) or name_reason(name) is not None:
        return 3
    spaced = tokens.replace("_", " ")
    if _PATIENT_ID.fullmatch(spaced):
        # A warehouse's surrogate 'PatientKey' changes with each version of the patient's record; its
        # 'PatientDurableKey' does not (Epic Caboodle): the durable one first.
        return 2 if spaced.endswith(" key") and " durable " not in f" {spaced} " else 1
    if _CLIENT_ID.fullmatch(spaced) or _STUDY_OR_RECORD.fullmatch(spaced):
        return 2
    # A patient's characteristic ('PatientAge', 'Patient sex', 'ClientVisit') is no id (the second regression review:
    # split from camel case, 'PatientAge' before 'StudyID' merged 16 patients into 6).
    if _CHARACTERISTIC.search(spaced):
        return 3
    # (Another thing's or person's id split from camel case, 'CourseID', 'AnesthesiologistID', 'TxID', is rank 3
    # above; an id of the patient by another word, 'PtID', 'AnonID', 'ResearchID', stays a candidate: the fourth review.)
    return 2 if has_word("patient_id", name) else 3


#: The identifier guard's reason for a patient's record number ('MRN', 'Case number', 'Hospital No').
_MRN_NAME = re.compile(r".*medical record number.*")
_RECORD = re.compile(r"(?i)\s*record[\s_]*(?:id|no|nr|number)?\s*|\s*Record(?:ID|Id|No|Nr)\s*")


def patient_column(scored: list[tuple[int, int]], column, record_names=None) -> int | None:
    """The patient id column among the ranked names ``scored`` (``(rank, position)``, rank < 3 for candidates;
    :func:`patient_id_rank`), looking at the values too (``column(position)``: the column's cells), but never
    against the names: a value rule drops a candidate only for another of the same or a better rank. Reviews found
    the names alone wrong (an ``ID`` or ``Code`` before the protocol's ``Study code``, the same on every row; a row
    counter ``Record``; a patient-named column of initials or visit kinds after the right ``ID``) and the values
    alone wrong (a sheet of one row per patient beside a ``Surgeon ID``; one patient's chart beside a ``Session
    ID``). So, among candidates of the same or a better rank:

    * a candidate with one value on every row is none where another varies without being unique to each row;
    * one whose every row has its own value (a row counter) is none where another repeats, two rows or more per
      value on average (a long file's patients);
    * an id-named candidate (rank 2) whose every row has its own value is a row number where a column named for
      the patient (rank 1, ``Patient Number``, ``Pt #``) or for the patient's record number (``MRN``, ``Case
      number``, which the identifier guard refuses) writes one of its ids on two rows or more, or on the first
      row of a block of rows only (filled down), ids with digits (``1001``, ``P-07``): a sheet of one row per
      treatment course, a few patients with a second course (the ``ID`` 1, 2, 3, ... was taken, and each course
      became a patient). Only a record number left: no column is proposed (asked), rather than the counter;
    * in the two rules above, a candidate unique to each row is a row counter only where its values count the rows
      (:func:`_counts_rows`) or the repeating column is no list's places (:func:`_list_places`): codes
      ``CRPS-001`` ... beside a ``Pt #`` counting 1 ... 12 at each of two clinics are the patients (the third
      regression review: 24 patients read as 12);
    * a patient-named candidate (rank 1) with fewer distinct values, two or more, than an id-named one (rank 2,
      ``ID``, ``Code``) does not win by its name: the first of them in the file does.
    Otherwise the best rank, then the first in the file. Returns None where no candidate is left."""
    names = record_names or (lambda k: None)
    evidence = [k for rank, k in scored if rank <= 1 or _MRN_NAME.fullmatch(name_reason(names(k) or "") or "")]
    shape, digits, blocks, counts, places = {}, {}, {}, {}, {}
    for rank, k in scored:
        if rank >= 3 and k not in evidence:
            continue
        cells = column(k)
        written = np.flatnonzero(cells != "")
        followed = written[written + 1 < len(cells)]
        # Written on each block's first row only, blank below (filled down: analysis/io/fill_down.py).
        blocks[k] = len(written) >= 2 and (cells[followed + 1] == "").sum() >= len(written) / 2
        cells = cells[cells != ""]
        uniq = pd.unique(cells)
        shape[k] = (len(cells), len(uniq))
        counts[k], places[k] = _counts_rows(cells), _list_places(cells)
        digits[k] = bool(len(uniq)) and float(pd.Series(uniq, dtype=object).astype(str).str.contains(r"\d").mean()) \
            >= 0.9

    def per_row(k):
        return shape[k][0] >= 3 and shape[k][1] == shape[k][0]

    def counter(k, o):  # a row number beside o: a coded id (CRPS-001) is a patient's own beside places on a list
        return per_row(k) and (counts[k] or not places[o])

    def constant(k):
        return shape[k][0] > 1 and shape[k][1] == 1

    def record(k):  # a record's number counting the rows ('RecordID' 1, 2, 3 before 'StudyID'): a counter by any rank
        return bool(record_names is not None and _RECORD.fullmatch(record_names(k) or ""))

    def repeats(k):  # a long file's patients: two or more, with two rows or more each on average
        return shape[k][1] >= 2 and shape[k][0] >= 2 * shape[k][1]

    def patients_repeat(k):  # some patient's id on two rows or more (a second treatment course)
        return shape[k][1] >= 2 and (shape[k][0] > shape[k][1] or blocks[k]) and digits[k]

    named = [(rank, k) for rank, k in sorted(scored) if rank < 3]
    counters = {k for rank, k in named if rank >= 2 and any(counter(k, o) and patients_repeat(o) for o in evidence)}
    keep = [(rank, k) for rank, k in named
            if not (constant(k) and any(r <= rank and not constant(o) and not per_row(o) for r, o in named))
            and not any(counter(k, o) and (r <= rank or record(k)) and repeats(o) for r, o in named)
            and k not in counters] or [(rank, k) for rank, k in named if k not in counters]
    if not keep:
        return None
    best = keep[0]
    if best[0] == 1 and shape[best[1]][1] >= 2 and \
            any(rank == 2 and shape[k][1] > shape[best[1]][1] for rank, k in keep):
        return min(k for _, k in keep)
    return best[1]


def _counts_rows(cells: np.ndarray) -> bool:
    """Whether a column's written cells count the rows: whole numbers, each (but a few) one more than the row's
    before (1, 2, 3 ...; 000001, 000002; 5000, 5001 ...), or the numbers 1 to n (0 to n - 1) in any order (a sorted
    sheet). An id unique to each row but coded (``CRPS-001``, ``P0001``, text) is a patient's own id, not a row's
    number: the third regression review's sheet of one row per patient, ``ID`` CRPS-001 ... CRPS-024 beside a
    ``Pt #`` restarting at each clinic, read the two clinics' patients as one (24 patients as 12)."""
    values = pd.to_numeric(pd.Series(cells, dtype=object).astype(str).str.strip(), errors="coerce").to_numpy(float)
    if not len(values) or not np.isfinite(values).all() or (values % 1 != 0).any():  # 'inf' is no row number
        return False
    if len(values) < 2 or (np.diff(values) == 1).mean() >= 0.8:
        return True
    ordered = np.sort(values) - values.min()
    return values.min() in (0, 1) and np.array_equal(ordered, np.arange(len(values)))


def _list_places(cells: np.ndarray) -> bool:
    """Whether a column's written cells are places on a list counted again from 1 in file order (1 ... 12 at one
    clinic, 1 ... 12 at the next; 1 ... 4 each day): whole numbers, each (but a few) one more than the row's before
    or 1 again, going back to 1 at least once. A patient number of a long file (1001, 1001, 1002; P-07) is none."""
    values = pd.to_numeric(pd.Series(cells, dtype=object).astype(str).str.strip(), errors="coerce").to_numpy(float)
    if len(values) < 3 or np.isnan(values).any() or values.min() != 1:
        return False
    again = values[1:] == 1
    return bool(again.any()) and ((np.diff(values) == 1) | again).mean() >= 0.9
