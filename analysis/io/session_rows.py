"""Which rows of a log are the treatment: a column that names the session on some rows and other visits on others.

An infusion log writes what each row is: ``Infusion #1`` ... ``Infusion #10`` and a ``Follow-up`` at day 28;
``Ketamine infusion`` and ``Phone call``. Every row's date read as an administration made each follow-up a
course of its own (16 episodes for 8 patients, no week-4 score); a column not read at all left the file without
treatments ("add a treatments.csv"). Read here: the rows whose cell names a treatment session are the
administrations, the others plain visits.

A cell names a session when it is, whole:

* a numbered session (``Infusion #3``, ``Booster 2``, ``Session no. 4``, ``Sitzung 5``, ``Perfusion n°2``);
* an infusion or treatment, with or without the drug and a day or number (``Infusion``, ``Ketamine infusion``,
  ``Infusion ketamine``, ``Lidocaine infusion day 2``, ``Treatment``, ``Ketamine``).

A cell with a follow-up, call or review word is a visit even where it names the infusion (``Infusion
follow-up``, ``Post-infusion call``, ``Ketamine phone review``, ``Nachsorge Infusion``, ``Suivi perfusion``):
:data:`VISIT_WORDS`. The other cells are visits (``Follow-up``, ``Phone call``, ``Baseline``, ``Post-infusion``); a cell that names
the treatment in any other way (``Infusion postponed``, ``Infusion (half dose)``) leaves the column unread,
since whether it was given cannot be told. At most :data:`MAX_VISIT_KINDS` kinds of other visits, and at least
two session rows.

Each session is an administration of the drug its cell names (``Ketamine infusion`` -> ``Ketamine``), else of
the one drug the column names, else of the treatment the sessions name (``Infusion``; a booster or a session is
one of the same treatment). The result is the column's ``codes``: each cell -> its treatment, ``""`` for the
visits. docs/data-format.md, "A column saying which rows are sessions", says the same for users.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .counted_from import BASELINE, POST
from .form_names import FORM_CELL

_DRUG = r"ketamin\w*|ketalar|lidocain\w*|lignocain\w*|xylocain\w*"
_INFUSION = r"infusions?|infusión|infusione|infuus|perfusi[oó]n|booster"
_TREATMENT = r"treatments?|therapy|therapie|thérapie|behandlung|traitement|tratamiento|trattamento|behandeling"
_SESSION_WORD = r"session|sitzung|séance|seance|sesión|sesion"
_NUMBER = r"(?:\s*(?:#|no\.?|nr\.?|n°|number|day|tag|jour|d[ií]a)?\s*\d+)"
#: What an appointment type adds to a session without making it another thing: its duration (``4hr``,
#: ``4 hr``, ``(2h)``, ``90 min``), the route (``IV``), a dose (``0.5 mg/kg``, ``50mg``), a number (``#3``) or
#: ``Booster``, alone or in brackets, after a dash or a comma. Read as something else, ``Ketamine Infusion 4hr``
#: left an appointment report without treatments.
_QUALIFIER = (r"(?:\s*[-–,/:]?\s*[(\[]?\s*(?:\d+(?:[.,]\d+)?\s*(?:h|hr|hrs|hours?|std|min|mins|minutes?)\.?|"
              r"i\.?v\.?|\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug)(?:\s*/\s*kg)?|(?:#|no\.?|nr\.?|n°)\s*\d+|booster)"
              r"\s*[)\]]?)*")
#: A cell that is a treatment session (see the module docstring).
SESSION_CELL = re.compile(
    rf"(?i)\s*(?:i\.?v\.?\s+)?(?:(?:(?:{_DRUG})\s+)?(?:{_INFUSION}|{_TREATMENT})(?:\s+(?:of\s+|de\s+)?(?:{_DRUG}))?"
    rf"{_NUMBER}?|(?:{_SESSION_WORD}|{_TREATMENT}){_NUMBER}|(?:{_DRUG}){_NUMBER}?){_QUALIFIER}\s*")
#: Any mention of the treatment (a cell mentioning it that is no session leaves the column unread).
_MENTION = re.compile(rf"(?i)\b(?:{_DRUG}|{_INFUSION}|{_TREATMENT}|{_SESSION_WORD})\b")
#: Words of a visit after (or around) the treatment, never a session whatever else the cell says: a follow-up,
#: a call or a review (English, German, French, Spanish, Italian, Dutch). Read as a session, 'Infusion follow-up'
#: left the log unread ("add a treatments.csv").
VISIT_WORDS = re.compile(
    r"(?i)(?:^|[\s\W_])(?:follow[\s-]*ups?|f/?u|calls?|phone|telephone|tel\.?|telefon\w*|anruf|review|check[\s-]*in|"
    r"check[\s-]*up|nachsorge|nachkontrolle|kontrolle|verlaufskontrolle|suivi|appel|t[ée]l[ée]phon\w*|contr[ôo]le|"
    r"seguimiento|llamada|control|revisi[oó]n|controllo|telefonata|richiamo|nacontrole|controle|telefonisch|"
    r"belafspraak)(?:$|[\s\W_\d])")
#: Words of a visit type, as a practice-management or EHR encounter report writes it in its 'Procedure' or
#: 'Appt Type' (English, German, French, Spanish, Italian, Dutch): an office, clinic or new-patient visit, a
#: consult(ation), a telehealth or video visit, a post-op visit, an intake, an evaluation. Read as a treatment,
#: each 'Office Visit - Est' started an episode of its own and ended the infusion's follow-up (no week-4 rate).
VISIT_TYPE_WORDS = re.compile(
    r"(?i)(?:^|[\s\W_])(?:(?:office|clinic|return|virtual|video|telehealth|telemedicine|tele|follow[\s-]*up|"
    r"established|est\.?|new|initial|annual|sick|well|wellness|routine|in[\s-]*person)[\s-]*(?:patient[\s-]*)?"
    r"visits?|(?:new|established|est\.?)[\s-]*(?:patient|pt)\b|consult(?:ation)?s?|telehealth|telemedicine|"
    r"televisit|tele[\s-]*consult\w*|post[\s-]*op(?:erative)?|intake|(?:re[\s-]*)?eval(?:uation)?s?|"
    r"e/m|erstvorstellung|wiedervorstellung|sprechstunde|konsil\w*|konsultation|visite|consulta|visita|"
    r"spreekuur|intakegesprek)(?:$|[\s\W_\d])")
#: A dose or a route in a medication text ('ketamine 50 mg IV push'): such a cell is an order, not a visit.
_DOSE_OR_ROUTE = re.compile(r"(?i)\d\s*(?:mg|mcg|µg|ug|g|ml|iu|units?|%)(?![a-z])|\b(?:iv|i\.v\.|po|push|bolus|drip|"
                            r"pca|ivpb)\b")
#: Procedures and drugs a pain clinic gives besides infusions: a cell naming one is a treatment, never a visit.
#: (A drug's name alone does not: 'Ketamine follow-up', 'Ketamine consult' are visits about it.)
PROCEDURE = re.compile(rf"(?i)\b(?:blocks?|injections?|stimulat\w*|tms|infus\w*|botox|botulinum|ablation|rfa|"
                        rf"epidural|{_SESSION_WORD})\b")
#: Words of a procedure that ends or removes a treatment, as a procedure or appointment report writes it beside the
#: treatment's own rows (English, German, French, Spanish, Italian, Dutch): a lead, device or pump removal, an
#: explant, a lead pull, a trial's end, a discontinuation (``SCS Trial Lead Removal``, ``Pump explant``, ``End of trial``,
#: ``Discontinue ketamine``, ``Elektrodenentfernung``, ``SCS-Explantation``, ``Retrait des électrodes``,
#: ``Retirada de electrodos``, ``Rimozione elettrodi``, ``Verwijdering proefelektrode``). Read as a treatment, the
#: removal 7 days after an SCS trial's lead placement started a course of its own and cut each trial's follow-up at
#: day 7. ('Ablation' is not one: in English a radiofrequency ablation is a treatment.)
REMOVAL_WORDS = re.compile(
    r"(?i)(?:^|[\s\W_])(?:remov(?:al|ed|e)s?|explant(?:ation|ed|s)?|end[\s-]+of[\s-]+(?:the[\s-]+)?trial|"
    r"trial[\s-]+(?:end|ended|over|termination)|leads?[\s-]+pull(?:ed)?|pull(?:ed)?[\s-]+(?:the[\s-]+)?(?:trial[\s-]+)?leads?|"
    r"leads?[\s-]+(?:out|d/c)|discontinu\w*|\w*entfernung|entfernt|\w*explantation|ausbau|"
    r"absetzen|abgesetzt|retrait|fin[\s-]+(?:de[\s-]+l[\s'’]*|du[\s-]+)?(?:essai|test)|retirada|retiro|"
    r"extracci[oó]n|explante|rimozione|espianto|verwijder(?:ing|d)|uitname|explantatie)(?:$|[\s\W_\d])")
#: What a cell with a removal word may still give: a drug, an infusion, an injection or block, or a new device
#: (an implant, a placement, a replacement, a revision). Such a cell is no removal: an Epic MAR's
#: '[DISCONTINUED] ketamine (KETALAR) infusion' (the order's status beside a real infusion), 'Ketamine Infusion -
#: discontinued early (nausea)' (given, and stopped), 'SCS explant and DRG stimulator implant' (a new device), 'SCS
#: lead revision (removal and replacement)'. Read as visits, a review's MAR lost 18 of 24 courses.
_GIVEN_DESPITE_REMOVAL = re.compile(
    r"(?i)infus\w*|perfus\w*|inject\w*|injiz\w*|\bblocks?\b|blockade|\bbotox|botulinum|ketamin\w*|k[ée]tamin\w*|"
    r"lidoca\w*|lidoka\w*|lignoca\w*|xylocain\w*|\bimplant(?:ed|s)?\b|implantation|placement|insertion|inserted|"
    r"replace\w*|revision|\bnew\s+(?:device|ipg|pump|battery)|\bdrg\b|pla[cz]ierung|einlage|neuanlage|wechsel|"
    r"mise\s+en\s+place|pose\b|remplacement|colocaci[oó]n|sustituci[oó]n|impianto|posizionamento|sostituzione|"
    r"plaatsing|vervanging")
#: An order to stop a drug, the whole cell ('Discontinue ketamine', 'D/C lidocaine'): a removal whatever drug it names.
_STOP_ORDER = re.compile(r"(?i)^\s*(?:discontinue|d/c|stop)\s+(?:the\s+)?[a-zäöüéèàç-]+\s*$")
#: 'Pain control' names what a drug is for, not a visit (VISIT_WORDS reads 'control' as the Spanish visit).
_PAIN_CONTROL = re.compile(r"(?i)pain[\s-]*control")


def ends_a_treatment(cells) -> np.ndarray:
    """Whether each cell of a treatment column names a procedure that ends or removes a treatment
    (:data:`REMOVAL_WORDS`: ``SCS Trial Lead Removal``, ``Pump explant``, ``Trial leads D/C``), in a cell that
    writes no dose or route (``Ketamine 0.5 mg/kg/h IV - discontinued`` is a medication order) and names nothing
    given (:data:`_GIVEN_DESPITE_REMOVAL`: a drug, an infusion, a block, a new device: ``[DISCONTINUED] ketamine
    infusion``, ``SCS explant and DRG stimulator implant`` are treatments)."""
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).fillna("").astype(str))
    s = pd.Series(uniques, dtype=object)
    given = s.str.contains(_GIVEN_DESPITE_REMOVAL) & ~s.str.contains(_STOP_ORDER)
    removal = s.str.contains(REMOVAL_WORDS) | s.str.contains(_STOP_ORDER)
    return (removal & ~s.str.contains(_DOSE_OR_ROUTE) & ~given).to_numpy(dtype=bool)[codes]


def removal_notes(file: str, header: str, cells) -> list[str]:
    """The load's note on the rows of a treatment column read as visits because they end or remove a treatment
    (:func:`ends_a_treatment`): one note, or none when there are no such rows."""
    ended = pd.Series(cells, dtype=object)[ends_a_treatment(cells)]
    if not len(ended):
        return []
    shown = ", ".join(repr(str(v)) for v in ended.value_counts().index[:3])
    return [f"{file}, column {header!r}: {len(ended)} row(s) end or remove a treatment ({shown}): read as visits "
            "(their scores kept), not as treatment starts (docs/data-format.md, \"Appointment and encounter "
            "reports\")."]


def names_a_visit(cells) -> np.ndarray:
    """Whether each cell of a treatment column names a visit rather than a treatment: a visit type
    (:data:`VISIT_TYPE_WORDS`: ``Office Visit - Est``, ``New Patient Visit``, ``Consult``, ``Telehealth``) or a
    follow-up, call or review word (:data:`VISIT_WORDS`: ``Follow Up``, ``Phone call``, ``Check-in``) or a form
    filled in (:data:`~analysis.io.form_names.FORM_CELL`: ``Ketamine Progress Check``), in a cell
    that writes no dose or route (``ketamine 50 mg IV`` is an order, whatever else it says) and names no drug,
    infusion, procedure or session (a medication record's ``KETAMINE INFUSION - PAIN CONSULT SERVICE``,
    ``Ketamine infusion - follow-up dose``, ``Lidocaine Infusion Clinic Visit`` are infusions: blanked as visits,
    such a record lost its courses unsaid); or a procedure that ends or removes a treatment and gives none
    (:func:`ends_a_treatment`: ``SCS Trial Lead Removal``, ``Pump explant``). Such a
    row is a plain visit: its scores are read, and it starts no course."""
    # Each distinct text is tested once: a medication record repeats a few drug names over its rows.
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).fillna("").astype(str))
    s = pd.Series(uniques, dtype=object)
    words = s.str.contains(VISIT_TYPE_WORDS) | (s.str.contains(VISIT_WORDS) & ~s.str.contains(_PAIN_CONTROL))
    words |= s.str.contains(FORM_CELL)  # a form filled in: 'Ketamine Progress Check' (io/form_names.py)
    named = s.str.contains(PROCEDURE)
    ends = (s.str.contains(REMOVAL_WORDS) | s.str.contains(_STOP_ORDER)) & \
        ~(s.str.contains(_GIVEN_DESPITE_REMOVAL) & ~s.str.contains(_STOP_ORDER))
    return (((words & ~named) | ends) & ~s.str.contains(_DOSE_OR_ROUTE)).to_numpy(dtype=bool)[codes]


#: The sessions' words that name no treatment of their own (a booster is a session of the same treatment).
_GENERIC = frozenset({"booster", "session", "sitzung", "séance", "seance", "sesión", "sesion", "treatment",
                      "treatments"})
#: The most kinds of other visits (Follow-up, Phone call, Baseline, ...) a column of sessions holds.
MAX_VISIT_KINDS = 8


def session_codes(cells: np.ndarray) -> dict | None:
    """``{cell: treatment}`` for a column whose filled cells are sessions and visits (``""`` for a visit),
    or None when the column is not one (see the module docstring)."""
    filled = pd.Series(cells, dtype=object).fillna("").astype(str)
    filled = filled[filled.str.strip() != ""]
    counts = filled.value_counts(sort=False)
    distinct = pd.Series(counts.index, dtype=object)
    visit = distinct.str.contains(VISIT_WORDS).to_numpy(dtype=bool) | names_a_visit(distinct)
    session = distinct.str.fullmatch(SESSION_CELL).to_numpy(dtype=bool) & ~visit
    around = (distinct.str.fullmatch(POST) | distinct.str.fullmatch(BASELINE)).to_numpy(dtype=bool)
    other = ~session & ~around & ~visit
    if counts.to_numpy()[session].sum() < 2 or distinct[other].str.contains(_MENTION).any() or \
            (~session).sum() > MAX_VISIT_KINDS:
        return None
    drug = distinct.str.extract(rf"(?i)\b({_DRUG})")[0].str.casefold().str.capitalize()
    word = distinct.str.extract(rf"(?i)({_INFUSION}|{_TREATMENT}|{_SESSION_WORD})")[0].str.casefold()
    drugs = pd.unique(drug[session].dropna())
    named = word[session & ~word.isin(_GENERIC).to_numpy()].dropna().str.rstrip("s")
    fallback = drugs[0] if len(drugs) == 1 else named.mode().iloc[0].capitalize() if len(named) else "Infusion"
    label = drug.fillna(fallback).where(session, "")
    return dict(zip(distinct, label))


#: A column named for the sessions' number ('Infusion #', 'Session no.', 'Infusion Nr', 'Sitzung Nr.').
SESSION_NUMBER_NAME = re.compile(
    rf"(?i)\s*(?:(?:{_DRUG})\s+)?(?:{_INFUSION}|{_SESSION_WORD}|{_TREATMENT})\s*(?:#|no\.?|nr\.?|n°|number|num)\s*")


def numbered_session_codes(name: str, cells: np.ndarray, named: str = "") -> dict | None:
    """``{cell: treatment}`` for a column named for the sessions' number (:data:`SESSION_NUMBER_NAME`: ``Infusion
    #``) whose filled cells are the numbers (``1`` ... ``6``) and sessions or visits as :func:`session_codes` reads
    them (``Booster``, ``Follow-up``): each number or session is an administration of the drug the column's name
    names, else of the one drug ``named`` (the file's name: ``Ketamine Infusion Log - 2024.csv``) names, else of
    what the name names (``Infusion``); ``""`` for the visits. None when the column is not one."""
    if not SESSION_NUMBER_NAME.fullmatch(str(name)):
        return None
    filled = pd.Series(cells, dtype=object).fillna("").astype(str).str.strip()
    filled = filled[filled != ""]
    numbered = filled.str.fullmatch(r"\d{1,3}")
    if numbered.sum() < 2:
        return None
    rest = pd.unique(filled[~numbered])
    words = session_codes(np.asarray(list(rest) * 2, dtype=object)) if len(rest) else {}
    if words is None and not all(names_a_visit(np.asarray(rest, dtype=object))):
        return None
    drugs = [d for d in (re.findall(rf"(?i)\b({_DRUG})", str(name)) or re.findall(rf"(?i)\b({_DRUG})", named))]
    kinds = {d.casefold().capitalize() for d in drugs}
    word = re.match(rf"(?i)\s*(?:(?:{_DRUG})\s+)?(\w+)", str(name)).group(1).casefold()
    label = kinds.pop() if len(kinds) == 1 else "Infusion" if word in _GENERIC else word.capitalize()
    codes = {v: label for v in pd.unique(filled[numbered])}
    for v in rest:
        session = bool(SESSION_CELL.fullmatch(v)) and not names_a_visit(np.asarray([v], dtype=object))[0]
        codes[v] = label if session else ""
    return codes
