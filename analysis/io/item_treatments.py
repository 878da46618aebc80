"""The items of a one-row-per-observation export that are treatments given, not scores.

A UK coded-entry report (SystmOne, EMIS: ``Date``, ``Code``, ``Term``, ``Numeric value``) lists a patient's
procedures and scores in one list: ``Intravenous infusion of ketamine`` with no value beside ``Numeric pain
rating scale score`` ``9``. Read as observations only, the infusions were items "not a measure (ignored)" and
the export had no treatments ("relief cannot be computed").

An item mapped to :data:`TREATMENT` (the mapping's ``"items": {"Intravenous infusion of ketamine":
"treatment"}``) is a treatment: each of its rows whose value is empty or a yes (``Given``, ``Yes``, ``1``) is an
administration of the treatment the item names, at the row's date and time, read as a treatment column's text
is (``courses.treatments``, visits and removals left out, courses by the course rules: :mod:`analysis.io.courses`).
A row whose value says it was not given (``Not given``, ``Declined``, ``No``, ``0``) is excluded with that reason,
and so is a row with any other value (a number is no yes: ``50`` may be a dose, and is never guessed to be one).
So is a row whose free text (a ``Text``, ``Comment``, ``Notes``, ``Free text`` column: :data:`COMMENT_NAME`) says it
was not given (``Not given - BP high``, ``Declined``, ``Pt DNA``: :func:`comment_says_not_given`), the value left
empty: read by its value only, such an entry was an infusion. A negation about something else (``No side effects``,
``Not painful``, ``Antiemetic declined``) keeps it.

The proposal maps an item to :data:`TREATMENT` (:func:`treatment_items`) when its name names a drug studied
(:data:`~analysis.io.treatment_columns.DRUG_WORDS`, the words of ``TREATMENT_WORDS``), when it is no measure's
name, and when its values are empty or yes/no words only. Never: an item naming a history (``Previous ketamine
infusion``: :func:`~analysis.io.treatment_columns.is_history`), a visit about the treatment (``Ketamine infusion
review``: :mod:`analysis.io.session_rows`), an entry saying the treatment was not given or only planned
(``Ketamine infusion declined``, ``... not given``, ``... DNA``, ``Referral for ketamine infusion``) or an
infusion record's action that starts nothing (``Ketamine infusion stopped``), another form than an infusion
(``Lidocaine 5% plaster``, ``Esketamine nasal spray``: :data:`~analysis.io.dosage_forms.NOT_INFUSED`), a dose
(``Ketamine dose (mg)``), or a score (``Pain score after ketamine infusion``, its values numbers). An item naming
another procedure or drug (``Stellate ganglion block``) is not proposed, as a medication record's co-medications
are not (:func:`analysis.io.mar_treatments.propose`): a note names it, and the mapping can make it a treatment.
docs/data-format.md, "Procedures listed among the observations".
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import fold, has_word, measure_of
from .courses import GIVEN_WORDS, NOT_GIVEN_WORDS, INFUSION_ACTION, medication_text
from .dosage_forms import NOT_INFUSED
from .questionnaires import each_distinct
from .session_rows import PROCEDURE, VISIT_WORDS, ends_a_treatment, names_a_visit
from .spec import DEFAULT_START_ACTIONS
from .treatment_columns import DRUG_WORDS, TREATMENT_WORDS, is_history
from .values import CHECKED

#: The mapping's "items" target that makes an item a treatment, not a measure.
TREATMENT = "treatment"

#: Words of an entry about a treatment that records none given: it was asked for, planned, booked or offered, or
#: the patient did not come ('Referral for ketamine infusion', 'Ketamine infusion booked', '... DNA'). The words
#: saying it was not given ('declined', 'not given', 'cancelled') are a status column's (:mod:`analysis.io.courses`).
_PLANNED = re.compile(r"referrals?|referred|refer|requests?|requested|planned|plan|booked|scheduled|offered|"
                      r"discussed|considered|consider|advised|advice|suitable|unsuitable|consent|consented|"
                      r"waiting list|wait list|dna|did not attend|no show|not attended|contraindicated|"
                      r"ueberweisung|uberweisung|geplant|demande|planifie|prevu|solicitud|programado|"
                      r"richiesta|programmato|verwijzing|gepland")
#: The actions that start an administration (folded), of those only an infusion record writes.
_STARTS = {fold(a) for a in DEFAULT_START_ACTIONS}
#: A number after 'no' ('Infusion no. 3') numbers the entry; it says nothing was not given.
_NUMBERED = re.compile(r"(?i)\b(?:no|nr|n°)\.?\s*\d+")

R_NOT_GIVEN = "{value!r} in the row of the treatment {item!r}: not given (not an administration)"
R_COMMENT_NOT_GIVEN = "{value!r} in {header!r} of the treatment {item!r}: not given (not an administration)"
R_NOT_A_YES = ("{value!r} in the row of the treatment {item!r} is neither empty nor a yes: not read as an "
               "administration (a number is never guessed to be a dose)")


def _says_not_given(name: str) -> bool:
    """The name holds one to three words saying the treatment was not given or only planned (module docstring), or
    an infusion record's action that starts nothing (``Ketamine infusion stopped``, ``... rate change``: dated when
    the infusion stopped or changed, it would start a course hours late, after its own post score)."""
    tokens = re.findall(r"[^\W_]+", fold(_NUMBERED.sub(" ", name)))
    # (a letter alone, 'n=12', is no 'N' for no)
    windows = [w for k in (1, 2, 3) for i in range(len(tokens) - k + 1) for w in [" ".join(tokens[i:i + k])] if len(w) > 1]
    return any(NOT_GIVEN_WORDS.fullmatch(w) or _PLANNED.fullmatch(w) or
               (INFUSION_ACTION.fullmatch(w) and w not in _STARTS) for w in windows)


#: The words a procedure entry's name is made of besides the drug (folded): the giving of an infusion or injection,
#: its route, a dose and a number ('Intravenous infusion of ketamine', 'Ketamin-Infusion i.v.', 'Perfusion de
#: kétamine', 'Ketamine infuus', 'Lidocaine IV 1.5 mg/kg', 'Infusion no. 3'). A name with any other word
#: ('Ketamine side effects', 'Currently on ketamine', 'Seen in ketamine infusion clinic', 'Ketamine infusion started
#: (Y/N)', '... checklist complete', '... patient tolerated') is a question or a note about the treatment, not its
#: administration: the regression review found each of these proposed, starting courses at reviews and checklists.
_ADMINISTRATION_WORDS = frozenset(
    "intravenous intravenously intraven intravenos intravenose intravenoese intraveneuse endovenous endovenosa "
    "endovenoso endoveineuse iv i v ev infusion infusions infusie infuus infusio infusione infusao perfusion perfusie "
    "infusiones infusioni injection injectie injektion iniezione inyeccion bolus drip administration administered "
    "administration gabe verabreichung toediening somministrazione administracion of de du des der die das di del "
    "della van the a an with met mit con avec by per mg kg ml mcg ug g h hr hrs hour hours min no nr number session "
    "sitzung seance sesion seduta sessie treatment therapy behandlung therapie traitement tratamiento trattamento "
    "behandeling".split())
_TOKEN = re.compile(r"[^\W_]+")
#: The words that make a drug entry an infusion (one of them is needed): 'Ketamine 10 mg' (an oral issue), 'Esketamine
#: 84 mg' (a nasal session), 'Lidocaine 1% injection' (a trigger point) were read as infusions in the second review.
_INFUSION_WORDS = frozenset("intravenous intravenously intraven intravenos intravenose intravenoese intraveneuse "
                            "endovenous endovenosa endovenoso endoveineuse iv ev infusion infusions infusie infuus "
                            "infusio infusione infusao perfusion perfusie infusiones infusioni drip".split())


def _only_administration_words(name: str) -> bool:
    """Every word of the name is a drug word (:data:`~analysis.io.treatment_columns.DRUG_WORDS`), a number, or one of
    :data:`_ADMINISTRATION_WORDS`."""
    tokens = _TOKEN.findall(fold(name))
    return bool(tokens) and all(t in _ADMINISTRATION_WORDS or t.isdigit() or (DRUG_WORDS.search(t) is not None and
                                                                           not t.startswith("esketamin"))
                                for t in tokens) and any(t in _INFUSION_WORDS for t in tokens)


def names_an_administration(name: str) -> bool:
    """Whether an item's name names the giving of a drug studied (module docstring): ``Intravenous infusion of
    ketamine``, ``Ketamine infusion``, ``Lidocaine IV``; not ``Previous ketamine infusion``, ``Ketamine infusion
    declined``, ``Ketamine infusion review``, ``Ketamine dose (mg)``, ``Pain score after ketamine infusion``."""
    name = str(name)
    if DRUG_WORDS.search(fold(name)) is None or measure_of(name) is not None or is_history(name):
        return False
    if NOT_INFUSED.search(name):  # 'Lidocaine 5% plaster', 'Esketamine nasal spray': no infusion studied
        return False
    if VISIT_WORDS.search(name) or names_a_visit(np.asarray([name], dtype=object))[0] or \
            ends_a_treatment(np.asarray([name], dtype=object))[0]:
        return False
    # A dose word without an amount ('Ketamine dose (mg)') is a quantity; with one ('Ketamine 0.5 mg/kg infusion') a
    # medication text.
    if has_word("dose", name) and not re.search(r"\d", name):
        return False
    return not _says_not_given(name) and _only_administration_words(name)


_DAY_NS = 86_400 * 10**9


def entry_times(pid: np.ndarray, t: np.ndarray, has_time: np.ndarray, scores) -> tuple[np.ndarray, np.ndarray]:
    """The time of each administration read from a coded entry (``t`` in nanoseconds, of patients ``pid``), or its
    date only. An entry's time is when it was written, which may be after the post-infusion score (an entry at
    15:30 after pain at 08:30 and 13:00 made the 13:00 score the baseline) or before the pre-infusion one (a row at
    07:55 before pain at 08:30 and 13:00 left the episode without a baseline). Per measure of the patient's scores
    that date (``scores``: the file's, with ``pid``, ``t``, ``measure``), counting those before and after the entry:

    * a measure with scores on both sides (pre 07:40, entry 08:00, post 11:00): the entry's time is kept;
    * else a measure with two or more on one side and none on the other, or a score at the entry's very minute (one
      consultation time for everything): its date only, the day's scores then placed by the rules for a start
      without a time (:mod:`analysis.io.untimed_starts`: their labels, else their order);
    * else (one score on one side: the pre score of an infusion whose post score came the next day, or a week-12
      score taken before the next infusion) the time is kept: read at its date only, the lone morning score was
      taken for the immediate score and the week-12 score lost (the third review).
    """
    t = np.asarray(t, dtype=np.int64)
    day = t - np.mod(t, _DAY_NS)
    keep = np.asarray(has_time, dtype=bool).copy()
    if scores is None or not len(scores) or not len(t) or not keep.any():
        return np.where(keep, t, day), keep
    st = scores["t"].to_numpy(dtype=np.int64)
    sc = pd.DataFrame({"p": scores["pid"].to_numpy(dtype=object), "d": st - np.mod(st, _DAY_NS), "st": st,
                       "m": scores["measure"].to_numpy(dtype=object)})
    rows = np.flatnonzero(keep)
    ad = pd.DataFrame({"a": rows, "p": np.asarray(pid, dtype=object)[rows], "d": day[rows], "t": t[rows]})
    both = ad.merge(sc, on=["p", "d"])  # each entry beside its patient's scores of that date (a few per entry)
    if both.empty:
        return np.where(keep, t, day), keep
    both["before"], both["after"] = both["st"] < both["t"], both["st"] > both["t"]
    both["same"] = both["st"] == both["t"]
    per = both.groupby(["a", "m"])[["before", "after", "same"]].sum()
    inside = per[(per["before"] > 0) & (per["after"] > 0)].index.get_level_values("a")
    lopsided = per[((per["before"] >= 2) & (per["after"] == 0)) | ((per["after"] >= 2) & (per["before"] == 0))]
    # A score at the entry's very minute: one consultation time written on the pre score, the entry and the post score
    # (all 09:00); kept, the two scores of that minute conflicted (the fourth review). Its date: placed by their order.
    same = per[per["same"] > 0].index.get_level_values("a")
    dated = np.setdiff1d(np.union1d(lopsided.index.get_level_values("a").to_numpy(), same.to_numpy()), inside.to_numpy())
    keep[dated.astype(np.int64)] = False
    return np.where(keep, t, day), keep


#: The name of a coded entry's free text ('Text', 'Comment', 'Notes', 'Free text', EMIS's 'Associated text'; German,
#: French, Spanish, Italian, Dutch), folded.
COMMENT_NAME = re.compile(r"\s*(?:(?:free|associated|entry|clinical|clinician|additional|further|staff|nurse)[\s_]*)?"
                          r"(?:text|comments?|notes?|remarks?|free[\s_-]*text|freetext|narrative)|"
                          r"freitext|kommentare?|bemerkung(?:en)?|anmerkung(?:en)?|notiz(?:en)?|commentaires?|"
                          r"remarques?|texte(?:[\s_]+libre)?|comentarios?|notas?|observaci[oó]n(?:es)?|opmerking(?:en)?|"
                          r"toelichting|notitie|commenti|commento|osservazioni|testo(?:[\s_]+libero)?\s*")
#: Words saying an entry was not given besides a status's (:data:`~analysis.io.courses.NOT_GIVEN_WORDS`): an omitted
#: dose, a patient who did not come ('DNA', 'Pt did not attend', 'Nicht erschienen').
_NOT_GIVEN_ALSO = re.compile(r"omitted|omission|dna|did not attend|not attended|no show|not performed|not started|"
                             r"abandoned|absent|nicht erschienen|niet verschenen|non presentat[oa]|no asistio|ausente")
#: A comment's clauses: split at punctuation, a dash between words and the words joining a reason ('Not given - BP
#: high', 'Declined as anxious', 'Antiemetic declined but infusion given').
_CLAUSE = re.compile(r"[,;.:!?()\[\]\n/+&]|\s[-\u2013\u2014]+|[-\u2013\u2014]+\s|\b(?:as|because|due to|since|but|and|"
                     r"then|so|wegen|weil|aber|und|car|mais|et|parce que|porque|pero|perche|ma|omdat|maar)\b")
#: Words a clause about the entry itself is made of besides what it says (the patient, a verb's helper, the giving of
#: the drug): 'Ketamine infusion not given', 'Cancelled by patient', 'Pt refused'. ('no' is none: 'No show'. A bolus is
#: none: 'Bolus declined' on an infusion entry says the infusion was given without its bolus, the regression review.)
_FILLER = (_ADMINISTRATION_WORDS - {"no", "nr", "number", "bolus"}) | frozenset(
    "patient pt pts client was were is has been had it today this dose doses planned scheduled per patienten "
    "patientin patiente paciente paziente wurde ist a ete fue e stato werd is".split())
#: A clause of one of these is no statement about the treatment: 'no side effects' is not 'no'.
_BARE_NO = frozenset({"no", "n", "nein", "non", "false"})
#: Words naming a part of the treatment or something given beside it (folded): a verdict after one ('Top up -
#: declined', 'Bolus: not given', 'Premed - refused') is about that part, not the entry.
_ANOTHER_PART = re.compile(r"\b(?:bolus(?:es)?|top[\s-]*ups?|loading|antiemetics?|anti[\s-]*emetics?|premeds?|"
                           r"premedications?|pre[\s-]*medications?|dose[\s-]*(?:increase|escalation|change)s?|"
                           r"aufsattigung|aufdosierung|dosiserhohung)\b")


def _drug_of(token: str) -> str | None:
    """The drug studied a word names (its label in ``TREATMENT_WORDS``; German's 'Lidokain' is lidocaine), or None."""
    m = DRUG_WORDS.search(token)
    return None if m is None else TREATMENT_WORDS.get(m.group(0), "Lidocaine infusion")


def comment_says_not_given(text: str, item: str = "") -> bool:
    """Whether an entry's free text says its treatment was not given: one of its clauses (:data:`_CLAUSE`) is, besides
    the entry's own words (:data:`_FILLER`, the drug the entry's ``item`` names, a number), only a word or phrase
    saying it was not given (``Not given``, ``Declined``, ``Cancelled``, ``Not done``, ``Refused``, ``Omitted``,
    ``DNA``: the status words of :data:`~analysis.io.courses.NOT_GIVEN_WORDS` and :data:`_NOT_GIVEN_ALSO`), and none
    says it was given (``Not given at 09:00, given at 11:30``). A negation about something else keeps the entry:
    ``Given``, ``Tolerated well``, ``No side effects``, ``Not painful``, ``Antiemetic declined``, ``Refused
    cannulation`` (that last one unclear, it is left as the entry says); so does one about another drug (``Lidocaine
    not given`` on a ketamine entry) or a part of the treatment (``Bolus declined``, ``Top up - declined``: a bare
    verdict after a clause naming another drug or part is that clause's). An item naming no drug studied (mapped by
    hand) takes any drug studied as its own."""
    own = {d for t in _TOKEN.findall(fold(str(item))) for d in [_drug_of(t)] if d}
    said_not = said_given = False
    other = False  # the clause before names another drug or a part of the treatment, and says nothing of it
    for clause in _CLAUSE.split(fold(text)):
        tokens = _TOKEN.findall(clause)
        drugs = {d for t in tokens for d in [_drug_of(t)] if d}
        names_other = bool(drugs - own) if own else False
        names_other = names_other or _ANOTHER_PART.search(clause) is not None
        rest = " ".join(t for t in tokens if not (t in _FILLER or t.isdigit() or (_drug_of(t) is not None and
                                                                                 (not own or _drug_of(t) in own))))
        if not rest or rest in _BARE_NO:
            other = other or names_other
            continue
        verdict_not = NOT_GIVEN_WORDS.fullmatch(rest) or _NOT_GIVEN_ALSO.fullmatch(rest)
        if verdict_not and not (other and not drugs & own and not set(tokens) & _INFUSION_WORDS):
            said_not = True
        elif GIVEN_WORDS.fullmatch(rest):
            said_given = True
        other = names_other and not verdict_not and not GIVEN_WORDS.fullmatch(rest)
    return said_not and not said_given


def _comment_columns(table, item_k: int, value_k: int) -> list[int]:
    return [k for k, h in enumerate(table.header) if k not in (item_k, value_k) and h and
            COMMENT_NAME.fullmatch(fold(str(h)).strip())]


def _yes(values: np.ndarray) -> np.ndarray:
    s = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    return (s.str.fullmatch(GIVEN_WORDS.pattern) | s.str.casefold().isin(CHECKED)).to_numpy(dtype=bool)


def _no(values: np.ndarray) -> np.ndarray:
    s = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    return (s.str.fullmatch(NOT_GIVEN_WORDS.pattern) | (s == "0")).to_numpy(dtype=bool)


def treatment_items(items: np.ndarray, values: np.ndarray | None, candidates: list[str]) -> list[str]:
    """The items among ``candidates`` (names proposed as no measure) that are treatments given: their name names
    an administration (:func:`names_an_administration`) and every one of their values (``values``: the file's value
    column, None without one) is empty, as a procedure entry of a coded-entry report is. Items answered yes or no are
    questions ('Currently on ketamine: Yes', 'Ketamine infusion started (Y/N)'), left to the mapping: the regression
    review found them proposed and starting courses at medication reviews. (A mapped item reads a yes as given.)"""
    out = []
    for name in candidates:  # a loop over the few distinct items
        if not names_an_administration(name):
            continue
        if values is None or not (values[items == name] != "").any():
            out.append(name)
    return out


def unless_other_sources(fps: list, notes: list) -> None:
    """Items proposed as treatments (:func:`treatment_items`) are set aside when another file of the export gives the
    treatments (an administration record, a column naming the treatment, a date named for one): read beside it, a
    flowsheet's documentation rows were the same administrations again, at their own times (a checklist at 08:20
    started the course before the 08:40 baseline score), and their treatment patterns left a dated infusion sheet's
    rows out. The items are then proposed as no measure (an empty target, so that the note on other drugs does
    not name them), with a note saying how to read them."""
    from .visits import TREATMENT_DATE
    other = [p.name for p in fps if p.spec is not None and not p.kind.startswith("observations") and (
        p.kind == "administration record" or any(
            c.column.role == TREATMENT or c.column.treatment or (c.column.role == "date" and TREATMENT_DATE.search(c.header))
            for c in p.columns))]
    if not other:
        return
    for p in fps:
        given = [it for it, (_, m) in p.items.items() if m == TREATMENT]
        for it in given:
            p.items[it] = (p.items[it][0], "")
        if given:
            notes.append(f"{p.name}: {', '.join(map(repr, given[:10]))} {'names' if len(given) == 1 else 'name'} a "
                         f"treatment given, but {other[0]} gives the export's treatments: not read as administrations "
                         "(the same infusions read twice, or at a documentation row's time). If its rows are "
                         "administrations that file does not hold, map it to \"treatment\" under \"items\".")


def treatment_rows(table, item_k: int, value_k: int, measure: np.ndarray, rows: np.ndarray, lines: np.ndarray, obs,
              contributes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of an observation file (``table``: item column ``item_k``, value column ``value_k``) whose item is
    mapped to :data:`TREATMENT` (``measure``: each row's "items" entry): ``(items, given)``, the file's items with
    those rows' blanked (they are no scores), and the text of each administration (the item's name; ``""``
    elsewhere), to be read as a treatment column's. Rows of a treatment not given, or with another value, are
    excluded here with their reason (``obs``, marked in ``contributes``)."""
    item, value = table.column(item_k), table.column(value_k)
    treat = pd.Series(measure, dtype=object).fillna("").astype(str).str.strip().str.casefold().eq(TREATMENT).to_numpy()
    if not treat.any():
        return item, np.full(len(item), "", dtype=object)
    for it, n in pd.Series(item[treat]).value_counts().items():
        obs.item_counts[(table.file, it)] = (int(n), TREATMENT)
    filled = value != ""
    yes, no = np.zeros(len(value), dtype=bool), np.zeros(len(value), dtype=bool)
    yes[treat], no[treat] = _yes(value[treat]), _no(value[treat])  # the value words of the treatment rows only
    for bad, why in ((treat & filled & no, R_NOT_GIVEN), (treat & filled & ~yes & ~no, R_NOT_A_YES)):
        idx = np.flatnonzero(bad)
        reasons = each_distinct(lambda v, i, w=why: w.format(value=v, item=i), value[idx], item[idx])
        obs.exclude(rows[idx], table.file, lines[idx], table.header[value_k], value[idx], reasons)
        contributes[idx] = True
    kept = treat & (~filled | yes)
    for k in _comment_columns(table, item_k, value_k):
        # The value column says nothing of an entry left empty; its free text may ('Not given - BP high'): read as
        # given, the infusion that was not given started a course (io/item_treatments.py, comment_says_not_given).
        text = table.column(k)
        idx = np.flatnonzero(kept & (text != ""))
        if not len(idx):
            continue
        said = each_distinct(comment_says_not_given, text[idx], item[idx]).astype(bool)
        idx = idx[said]
        reasons = each_distinct(lambda v, i, h=table.header[k]: R_COMMENT_NOT_GIVEN.format(value=v, item=i, header=h),
                                text[idx], item[idx])
        obs.exclude(rows[idx], table.file, lines[idx], table.header[k], text[idx], reasons)
        contributes[idx] = True
        kept[idx] = False
    given = np.where(kept, item, "").astype(object)
    return np.where(treat, "", item).astype(object), given


def propose_treatments(items: dict, fps: list, treatments: dict) -> None:
    """The proposal's ``courses.treatments`` (``treatments``, completed here) for the items proposed as treatments
    (``items``: item -> target): each drug studied they name under its label (``TREATMENT_WORDS``: ``Intravenous
    infusion of ketamine`` -> ``Ketamine infusion``, as a medication record's texts are named), an item naming
    none under its own name. Not where another file's treatment column is read without patterns (each text its
    own treatment): a pattern would leave that file's texts out."""
    names = [it for it, m in items.items() if m == TREATMENT]
    if not names or (not treatments and any(c.column.role == TREATMENT and not c.column.codes
                                            for p in fps for c in p.columns)):
        return
    for word, label in TREATMENT_WORDS.items():
        mine = [n for n in names if word in fold(n)]
        if mine and word not in treatments and label in treatments.values():
            # A medication record's drug named by its infused texts only (dosage_forms.only_infused: its oral form
            # is no course): the word again would match that form; the items' own names do not.
            treatments.update({fold(n): label for n in mine})
        elif mine:
            treatments.setdefault(word, label)
    treatments.update({n: n for n in names if not any(fold(w) in fold(n) for w in treatments)})


def item_notes(file: str, items: dict, notes: list) -> None:
    """The proposal's notes on the items of one observation file read as treatments, and on the items naming
    another drug or procedure, not read (``items``: item -> (rows, target))."""
    given = [it for it, (_, m) in items.items() if m == TREATMENT]
    if given:
        notes.append(f"{file}: {', '.join(map(repr, given[:10]))} {'names' if len(given) == 1 else 'name'} a treatment "
                     "given, with no score: each of its rows (the value empty or a yes) is read as an administration of "
                     "that treatment at its date and time (\"items\": \"treatment\"), and the administrations are "
                     "grouped into courses by the course rules; a row saying it was not given (its value, or its "
                     "free text: 'Not given', 'Declined', 'DNA') is excluded with its reason.")
    other = [it for it, (_, m) in items.items() if m is None and (medication_text(str(it)) or PROCEDURE.search(str(it)))
             and measure_of(str(it)) is None]
    if other:
        notes.append(f"{file}: {', '.join(map(repr, other[:10]))} {'names' if len(other) == 1 else 'name'} a drug or a "
                     "procedure but not the giving of a drug studied (another drug or procedure, a dose, a history, or "
                     "an entry saying it was not given or only planned): not read as a treatment. If the rows of one "
                     "are administrations of a treatment studied, map it to \"treatment\" under \"items\" (and add it "
                     "to courses.treatments).")
