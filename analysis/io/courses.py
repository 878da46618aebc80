"""Treatment courses from administration records or one row per treatment day.

A medication-administration record has a row per bag, rate change, hold and stop; a clinic
spreadsheet often has a row per infusion day. A *course* (what the analyses call a treatment and
what starts an episode) is a run of administrations of one treatment:

* only rows that start an administration count (with an action column: the ``start_actions``;
  "Rate Change", "Stopped", "Held" are not administrations);
* only chosen treatments count (``treatments`` patterns: ondansetron or midazolam given with the
  ketamine are not treatments unless chosen), and a cell naming a visit (``Office Visit - Est``,
  ``Follow Up``: :func:`analysis.io.session_rows.names_a_visit`) is never one;
* administrations of the same treatment at most ``gap_days`` apart (start to start) form one course,
  which starts at its first administration. The gap is counted in calendar days, the difference of the
  administrations' dates, whatever their times of day: weekly infusions at 09:00 and, a week later, at 09:30
  (7.02 days by the clock), or across a change to or from daylight saving time, are 7 days apart and one
  course with a gap of 7 (compared by the clock, a weekly series fell into a course per infusion). Day numbers
  are compared by their difference rounded to whole days (they have no calendar: day 0 may be a 14:00 infusion, and
  day 7.83 the next one on the 8th morning after: 8 days), so whole day numbers are compared as written; a gap
  given in parts of a day (``gap_days`` 0.5: a bag every 12 hours) is a length of time, compared by the clock;
* the dose of a course is the sum of its administrations' doses; ``administrations`` counts them;
* with ``boosters``, a patient's courses of a treatment after their first are labelled as boosters.

The action column of a record is found by its name or, whatever its name (Cerner's "Admin Event"), by
its values (:func:`looks_like_actions`).

docs/methods.md, "Courses from administrations", gives the same rules for readers of a paper.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import fold
from .session_rows import names_a_visit
from .treatment_spellings import spelling_key, treatment_keys
from .values import CHECKED

_DAY_NS = 86_400 * 10 ** 9


#: A dose written in a treatment text: '5%', '0.5 mg/kg', '200 MG', '250 ml', '1,5 mg/kg/h'.
_DOSE_IN_TEXT = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*(?:%|(?:mg|mcg|µg|ug|g|ml|l|iu|units?|meq|mmol)"
                           r"(?:\s*/\s*(?:kg|h|hr|hour|min|ml|l|24\s*h))*(?![\w]))?")


def treatment_labels(text: np.ndarray, patterns: dict) -> np.ndarray:
    """The treatment label of each row's treatment text ("" = not a chosen treatment).

    ``patterns`` maps a text to look for (case- and accent-insensitive, anywhere in the cell) to a label; the
    first pattern that matches wins. Without patterns every non-empty text is its own label. A text that
    names a visit, not a treatment (an encounter report's ``Office Visit - Est``, ``New Patient Consult``,
    ``Follow Up``: :func:`analysis.io.session_rows.names_a_visit`), is never a treatment, even where a
    pattern matches it (``Ketamine follow-up``): its row is a plain visit.
    """
    s = pd.Series(text, dtype=object).fillna("").astype(str)
    visit = names_a_visit(s.to_numpy(dtype=object))
    if not patterns:
        return s.where(~visit, "").to_numpy(dtype=object)
    out = np.full(len(s), "", dtype=object)
    out[visit] = "-"  # taken: no pattern gives a visit a label
    low = s.map(fold)  # accents too: 'lidocain' finds a French record's 'Lidocaïne', 'ketamin' its 'KÉTAMINE'
    # ... and a text that, without its doses, IS the pattern: the proposal names 'Lidocaine 5% patch' by 'lidocaine
    # patch' (else the bare 'lidocaine' took the patches: the second regression review). Only the whole text: found
    # inside it, 'ketamine infusion' took 'Esketamine 0.25 mg/kg infusion' and 'lidocaine infusion' took 'Ketamine
    # 50 mg + Lidocaine 100 mg infusion' (the third)
    bare = low.str.replace(_DOSE_IN_TEXT, " ", regex=True).str.split().str.join(" ")
    for pattern, label in patterns.items():
        p = fold(pattern)
        hit = (low.str.contains(p, regex=False) | (bare == " ".join(p.split()))).to_numpy()
        hit &= out == ""
        out[hit] = label
    out[visit] = ""
    return out


def one_spelling(labels: np.ndarray) -> tuple[np.ndarray, dict]:
    """Treatment labels that are one treatment written differently as one, written as its most frequent spelling
    (ties: the one written first): labels that differ only in case, spacing, accents, punctuation, word order or
    the language of the drug's name (``Ketamine``, ``KETAMINE ``, ``Ketamin``, ``Kétamine``, ``IV ketamine`` and
    ``Ketamine IV``), or only by the words of an infusion (``Ketamine IV``, ``ketamine infusion``; a bare ``Ketamine``
    beside them stays apart, with a warning):
    :mod:`analysis.io.treatment_spellings`. Returns the labels and ``{spelling: the label it became}`` for the
    spellings that changed. Why: typed by hand, one drug's courses fell into groups of a few patients each, and
    every comparison by treatment split it (a review: sites in Graz and Boston, 'Ketamin' and 'Ketamine', two
    groups; a sheet with 'Ketamine IV', 'IV ketamine', 'ketamine infusion' and 'Ketamine', four)."""
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object).fillna("").astype(str))
    if len(uniques) < 2:
        return labels, {}
    keys = treatment_keys(uniques)[0]
    if keys.nunique() == len(uniques):
        return labels, {}
    count = np.bincount(codes[codes >= 0], minlength=len(uniques))
    spellings = pd.DataFrame({"key": keys, "text": uniques, "n": count})
    best = spellings.sort_values("n", ascending=False, kind="stable").drop_duplicates("key").set_index("key")["text"]
    chosen = best.reindex(keys).to_numpy(dtype=object)
    merged = {u: c for u, c in zip(uniques, chosen) if u != c}
    return chosen[codes], merged


def spelling_notes(labels: np.ndarray, merged: dict) -> list[str]:
    """The load report's notes on :func:`one_spelling`'s merges of ``labels`` (the labels before), each rule
    named: a merge by route words said to be one "only in case or spacing" hid a judgement from its reader; and a
    warning where a bare name was kept apart from its drug's infusion labels because another route is written."""
    if not len(labels):
        return []
    uniques = pd.unique(pd.Series(labels, dtype=object).fillna("").astype(str))
    why = dict(zip(uniques, treatment_keys(uniques)[1]))
    out = []
    spelled = [f"{a!r} -> {b!r}" for a, b in merged.items() if spelling_key(a) == spelling_key(b)]
    if spelled:
        out.append("Treatment names that differ only in case, spacing, punctuation, word order, accents or the language "
                   "of the drug's name are one treatment: " + ", ".join(spelled[:8])
                   + (f" and {len(spelled) - 8} more" if len(spelled) > 8 else "") + ".")
    routed = [f"{a!r} -> {b!r}" for a, b in merged.items() if spelling_key(a) != spelling_key(b)]
    if routed:
        out.append("Treatment names that differ only by the words of an infusion (IV, i.v., intravenous, infusion, "
                   "drip) are one treatment: " + ", ".join(routed[:8]) + (f" and {len(routed) - 8} more" if len(routed) > 8 else "")
                   + ". If one of them is given another way, say so in its label (e.g. 'Ketamine oral').")
    kept = [u for u in uniques if why[u]]
    if kept:
        out.append(f"Treatment name(s) {', '.join(map(repr, kept[:5]))} name no route, beside the same drug's "
                   "infusion labels: they are kept apart (such a name may be the infusion, another form, or a text "
                   "cut at its dose such as a combination). If they are the infusion, write them so (e.g. "
                   "'Ketamine IV'; mapping: courses.treatments).")
    return out


def route_warnings(labels: np.ndarray) -> list[str]:
    """The warnings of :func:`spelling_notes` that a route or form decided (merged by infusion words, or a bare
    name kept apart), for a clinic export's load warnings: judgements, not spellings."""
    merged = one_spelling(labels)[1]
    return [n for n in spelling_notes(labels, merged) if not n.startswith("Treatment names that differ only in case")]


def twin_labels_warning(labels) -> list[str]:
    """The canonical files' warning where labels look like one treatment written differently (the rules of
    :func:`one_spelling`, which a clinic export applies): the canonical files' labels are taken as written, so
    ``Ketamine IV``, ``IV ketamine`` and ``ketamine infusion`` are three treatments, and only the warning says so."""
    labels = pd.unique(pd.Series(labels, dtype=object).astype(str))
    merged = one_spelling(labels)[1]
    twins = [[name] + [s for s, into in merged.items() if into == name] for name in dict.fromkeys(merged.values())]
    if not twins:
        return []
    named = "; ".join(" / ".join(map(repr, t)) for t in twins[:3])
    return [f"Treatment labels that look like one treatment written differently (in case, spacing, word order, or "
            f"only by the words of an infusion: IV, infusion, drip) ({named}) are analysed as different treatments. "
            "If they are one, write them the same way in the treatments file."]


def build_courses(patient: np.ndarray, time: np.ndarray, label: np.ndarray, dose: np.ndarray,
                  gap: float, boosters: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """Merge administrations into courses.

    Parameters
    ----------
    patient, label : arrays of str
        One entry per administration.
    time : array of float or int64
        The administration's time (nanoseconds since 1970 for dates, or days).
    dose : array of float
        NaN where no dose was given; -inf where one was written that is no amount (the course then has no dose).
    gap : float
        Largest gap, in the unit of ``time``, between two administrations of one course. A gap of whole days
        compares the administrations by their calendar days (dates: the days since 1970 of the times, which are
        UTC where zoned; day numbers: their difference rounded to whole days), not by their exact times; a gap in
        parts of a day compares them by the clock.

    Returns
    -------
    courses : DataFrame
        ``patient_id``, ``start`` (time of the first administration), ``treatment``, ``dose`` (sum;
        NaN when no administration had a dose), ``administrations``; sorted by patient and start, and courses
        that start at the same time in the order of their first administrations in the input.
    course_of : ndarray of int64
        For each administration, the row of its course in ``courses``.
    """
    n = len(patient)
    if n == 0:
        return (pd.DataFrame({"patient_id": pd.Series(dtype=object), "start": pd.Series(dtype=time.dtype),
                              "treatment": pd.Series(dtype=object), "dose": pd.Series(dtype=float),
                              "administrations": pd.Series(dtype=np.int64)}), np.zeros(0, dtype=np.int64))
    df = pd.DataFrame({"p": patient, "t": time, "l": label, "d": dose, "i": np.arange(n)})
    df = df.sort_values(["p", "l", "t", "i"], kind="stable")
    same = (df["p"].to_numpy() == np.roll(df["p"].to_numpy(), 1)) & (df["l"].to_numpy() == np.roll(df["l"].to_numpy(), 1))
    same[0] = False
    # Calendar days, not the clock: 09:00 and 09:30 a week later are 7 days apart (module docstring).
    t = df["t"].to_numpy()
    per_day = _DAY_NS if np.issubdtype(t.dtype, np.integer) else 1.0
    if float(gap / per_day) % 1:
        # A gap in parts of a day (0.5: a bag every 12 hours is one course) is a length of time, by the clock.
        step = np.diff(t, prepend=t[:1]) / per_day
    elif per_day == _DAY_NS:
        day = t // _DAY_NS  # calendar days: the dates' difference
        step = np.diff(day, prepend=day[:1])
    else:
        # Day numbers have no calendar (day 0 may be a 14:00 infusion): their difference in whole days, rounded
        # (7.02 is 7; 7.83, the next infusion on the 8th morning after, is 8).
        step = np.rint(np.diff(t, prepend=t[:1]))
    new = ~same | (step > gap / per_day)
    cid = np.cumsum(new) - 1
    df["c"] = cid
    g = df.groupby("c", sort=True)
    courses = pd.DataFrame({
        "patient_id": g["p"].first(), "start": g["t"].min(), "treatment": g["l"].first(),
        "dose": g["d"].sum(min_count=1), "administrations": g["i"].size(),
    }).reset_index(drop=True)
    # -inf: a dose written but not an amount (translate.py): the course's total is not known.
    courses["dose"] = courses["dose"].where(courses["dose"] != -np.inf)
    # Courses that start at the same time keep the order of their first rows in the source (a stable order,
    # not the labels' alphabet): the follow-up of a day's courses goes to the last one written (docs/methods.md,
    # "Two courses on the same day"), and sorted by label it went to lidocaine before ketamine whatever the file.
    order = np.lexsort((g["i"].first().to_numpy(), courses["start"].to_numpy(),
                        courses["patient_id"].to_numpy(dtype=object).astype(str)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    courses = courses.iloc[order].reset_index(drop=True)
    if boosters:
        first = ~courses.duplicated(["patient_id", "treatment"], keep="first")
        lab = courses["treatment"].to_numpy(dtype=object).copy()
        for base, booster in boosters.items():
            lab[(courses["treatment"].to_numpy() == base) & ~first.to_numpy()] = booster
        courses["treatment"] = lab
    course_of = np.empty(n, dtype=np.int64)
    course_of[df["i"].to_numpy()] = rank[cid]
    return courses, course_of


def same_day_follow_up(pid: np.ndarray, day: np.ndarray, label: np.ndarray, close: np.ndarray) -> str:
    """The sentence that names which of a patient's courses on one day got the follow-up ("" if none share a day).

    ``pid``, ``day``, ``label``: the courses in the loader's order (by patient and day, courses of one day in the
    order they were written); ``close``: the courses followed closely by another treatment's. Of a day's courses
    the follow-up goes to the last one written (docs/methods.md, "Two courses on the same day"): a warning that
    only said the first "has little or none" left a reader to guess that the numbers of 'lidocaine' were really
    those of the combined infusion, or of 'ketamine' alone."""
    n = len(pid)
    if n < 2 or not close.any():
        return ""
    same = np.zeros(n, dtype=bool)
    same[1:] = (pid[1:] == pid[:-1]) & (day[1:] == day[:-1])
    first = np.flatnonzero(~same)
    last = np.append(first[1:] - 1, n - 1)
    shared = (last > first) & close[first] & (label[first] != label[last])
    if not shared.any():
        return ""
    pairs = pd.Series([f"{b!r} after {a!r}" for a, b in zip(label[first[shared]], label[last[shared]])]).value_counts()
    told = ", ".join(f"{k} ({v})" for k, v in pairs.iloc[:3].items())
    return (f" Of {int(shared.sum())} day(s) with courses of several treatments, the follow-up went to the course "
            f"written last that day: {told}; the earlier course has none.")


#: What a medication-administration record writes in its action column (Epic, Cerner, others).
MAR_ACTION = re.compile(r"new bag|begin bag|start bag|rate change|rate verify|stopped|stop|held|hold|paused|restarted|"
                        r"restarted after hold|given|not given|bolus|bolus from bag|infuse|site change|waste|missed|"
                        r"canceled entry|cancelled entry|refused|completed|due", re.IGNORECASE)
#: Actions only an infusion record writes (a spreadsheet's yes/no column may say "Given" / "Not given").
INFUSION_ACTION = re.compile(r"new bag|begin bag|start bag|rate change|rate verify|bolus from bag|site change|held|"
                             r"paused|stopped|restarted|restarted after hold", re.IGNORECASE)


#: A column name that says nothing but "status": its cells tell an administration's action from a patient's status.
_BARE_STATUS = re.compile(r"(?i)\s*(?:status|statut|estado|stato)\s*")
#: Actions a spreadsheet's yes/no column ('Given' / 'Not given') or a patient's status ('Completed') also writes.
_YES_NO_STATUS = re.compile(r"(?i)given|not given|completed|due")
#: A patient's status in a study or a clinic's list, or a visit's attendance (English, German, French, Spanish,
#: Italian, Dutch): no administration's action ('Completed' is a patient who finished, 'Missed' a visit).
_PATIENT_STATUS = re.compile(
    r"(?i)\s*(?:active|inactive|completed?|finished|withdrawn|withdrew|screen(?:ing)?[\s-]*fail(?:ed|ure)?|"
    r"lost[\s-]*to[\s-]*follow[\s-]*up|ltfu|discharged|enrolled|enroled|ongoing|deceased|died|dropped[\s-]*out|"
    r"drop[\s-]*out|excluded|included|terminated|on[\s-]*hold|closed|open|waiting[\s-]*list|referred|"
    r"attended|arrived|checked[\s-]*in|seen|missed|cancell?ed|dna|did[\s-]*not[\s-]*attend|no[\s-]*show|"
    r"rescheduled|scheduled|booked|"
    r"aktiv|inaktiv|abgeschlossen|ausgeschieden|abgebrochen|entlassen|verstorben|laufend|eingeschlossen|"
    r"ausgeschlossen|erschienen|nicht[\s-]*erschienen|abgesagt|"
    r"actif|active|inactif|termin[ée]e?|retir[ée]e?|sortie?|perdue?[\s-]*de[\s-]*vue|en[\s-]*cours|d[ée]c[ée]d[ée]e?|"
    r"inclus|exclue?|pr[ée]sente?|absente?|annul[ée]e?|"
    r"activ[oa]|inactiv[oa]|completad[oa]|retirad[oa]|alta|perdid[oa]|en[\s-]*curso|fallecid[oa]|asisti[oó]|"
    r"no[\s-]*asisti[oó]|cancelad[oa]|"
    r"attiv[oa]|completat[oa]|ritirat[oa]|dimess[oa]|decedut[oa]|assente|annullat[oa]|"
    r"actief|afgerond|gestopt|uitgevallen|overleden|aanwezig|afwezig|afgezegd)\s*")
#: What a row's 'Status' writes when it says whether the treatment of its row was given: a yes, or done/given
#: (English, German, French, Spanish, Italian, Dutch) ...
GIVEN_WORDS = re.compile(
    r"(?i)\s*(?:yes|y|ja|j|oui|s[ií]|x|✓|✔|true|done|given|administered|performed|gegeben|verabreicht|erfolgt|"
    r"durchgef[üu]hrt|fait|faite|administr[ée]e?|r[ée]alis[ée]e?|realizad[oa]|administrad[oa]|somministrat[oa]|"
    r"gedaan|toegediend|gegeven)\s*")
#: ... or a no, or not given, postponed, cancelled.
NOT_GIVEN_WORDS = re.compile(
    r"(?i)\s*(?:no|n|nein|non|false|not[\s-]*given|not[\s-]*done|not[\s-]*administered|postponed|deferred|"
    r"cancell?ed|rescheduled|missed|refused|declined|held|nicht[\s-]*gegeben|nicht[\s-]*erfolgt|verschoben|"
    r"nicht[\s-]*verabreicht|nicht[\s-]*durchgef[üu]hrt|niet[\s-]*toegediend|"
    r"abgesagt|ausgefallen|annul[ée]e?|report[ée]e?|non[\s-]*administr[ée]e?|non[\s-]*fait|cancelad[oa]|"
    r"aplazad[oa]|pospuest[oa]|no[\s-]*administrad[oa]|rinviat[oa]|annullat[oa]|non[\s-]*somministrat[oa]|"
    r"niet[\s-]*gegeven|uitgesteld|geannuleerd)\s*")


def bare_status(name: str | None) -> bool:
    """A column named only 'Status' (or 'Statut', 'Estado', 'Stato')."""
    return name is not None and _BARE_STATUS.fullmatch(str(name)) is not None


def status_kind(values: np.ndarray) -> str:
    """What a bare 'Status' column's cells say: ``"given"`` when each is a yes or a no of the treatment given
    (Yes / No, Done / Postponed, Given / Cancelled / Not given), with at least one yes; ``"patient"`` when most
    are a patient's or a visit's status (Active / Completed / Withdrawn; Attended / Missed / Cancelled) and none
    only an infusion record writes; else ``"other"``."""
    distinct = [str(v).strip() for v in pd.unique(values[values != ""])]
    if not distinct:
        return "other"
    yes = [GIVEN_WORDS.fullmatch(v) is not None for v in distinct]
    no = [NOT_GIVEN_WORDS.fullmatch(v) is not None for v in distinct]
    if any(yes) and all(a or b for a, b in zip(yes, no)):
        return "given"
    if np.mean([_PATIENT_STATUS.fullmatch(v) is not None for v in distinct]) >= 0.5 and \
            not any(INFUSION_ACTION.fullmatch(v) for v in distinct):
        return "patient"
    return "other"


def given_codes(values: np.ndarray) -> dict:
    """A "given" status column's codes as actions: each yes -> ``"Given"`` (a start), each no -> ``"Not given"``."""
    distinct = [str(v) for v in pd.unique(values[values != ""])]
    return {v: "Given" if GIVEN_WORDS.fullmatch(v.strip()) else "Not given" for v in distinct}


def looks_like_actions(values: np.ndarray, name: str | None = None) -> bool:
    """A column of a few texts, most of them administration actions, at least one only an infusion record
    writes ("New Bag", "Rate Change"; "Given" / "Not given" alone may be a spreadsheet's yes/no). Under a bare
    ``name`` 'Status' (or 'Statut'): a patient's or a visit's status (Active / Completed / Withdrawn, Attended /
    Missed) never is; a yes/no of the treatment given (Given / Not given, Yes / No, Done / Postponed) is when it
    is written on (nearly) every row, as a MAR writes an action on each entry. A sheet that writes it only on
    its treatment rows is no MAR: :func:`analysis.io.visits.text_column` reads it as the action of those rows."""
    distinct = pd.unique(values[values != ""])
    if not 2 <= len(distinct) <= 20:
        return False
    distinct = [str(v).strip() for v in distinct]  # a few distinct texts
    if bare_status(name):
        kind = status_kind(values)
        if kind == "patient":
            return False
        if kind == "given":
            return bool((values != "").mean() >= 0.9) and any(re.fullmatch(r"(?i)given|administered", v)
                                                              for v in distinct)
    if np.mean([MAR_ACTION.fullmatch(v) is not None for v in distinct]) < 0.5:
        return False
    # An action no yes/no column and no patient's status writes ('Refused', 'Missed', 'Bolus'; not 'Completed').
    return any(INFUSION_ACTION.fullmatch(v) or (MAR_ACTION.fullmatch(v) and not _YES_NO_STATUS.fullmatch(v))
               for v in distinct)


#: Generic and brand names of the treatments studied (ketamine, lidocaine), as medication texts write them.
STUDIED_DRUG = re.compile(r"ketamin|ketalar|lidocain|lignocain|xylocain", re.IGNORECASE)
#: What else a medication text holds: a dose with its unit, a route, or a drug often given with an infusion.
_MEDICATION_TEXT = re.compile(
    r"\d\s*(?:mg|mcg|µg|ug|g|ml|iu|units?|mmol|%)(?![a-z])|\b(?:iv|i\.v\.|po|sc|s\.c\.|im|push|infusion|bolus|drip|"
    r"tablet|tab|injection|inj|solution|soln|ivpb|pca)\b|" + "|".join(
        ("ondansetron", "midazolam", "lorazepam", "diazepam", "propofol", "clonidin", "dexmedetomidin",
         "diphenhydramin", "promethazin", "metoclopramid", "dexamethason", "glycopyrr", "sodium chloride",
         "saline", "dextrose", "ringer", "heparin", "acetaminophen", "paracetamol", "ketorolac", "famotidin",
         "scopolamin", "magnesium", "morphin", "fentanyl", "hydromorphon", "oxycodon",
         # drugs of CRPS care given beside (or instead of) an infusion
         "pamidron", "zoledron", "alendron", "neridron", "bisphosphon", "ivig", "immunoglobulin", "gabapentin",
         "pregabalin", "prednisolon", "prednison", "dmso", "amitriptylin", "duloxetin", "baclofen", "clonazepam",
         "tramadol", "tapentadol", "memantin", "naltrexon", "capsaicin")), re.IGNORECASE)


def medication_text(text: str) -> bool:
    """A text that names a drug, a dose or a route (``ONDANSETRON 4 MG/2 ML IV``, ``midazolam``), as opposed
    to a visit or event word (``Baseline``, ``Follow-up``): only such a text is asked about as a co-medication."""
    return bool(STUDIED_DRUG.search(text) or _MEDICATION_TEXT.search(text))


def looks_like_medications(values: np.ndarray, administrations: bool) -> bool:
    """A text column naming the treatment given, under another name than "treatment". In an administration
    record (``administrations``: the file has an action column, Cerner's ``Order Mnemonic`` beside
    ``Admin Event``) every distinct value names the treatment studied (``ketamine 200 mg in NS 50 mL``) or is
    a medication text (a dose with its unit, a route, a drug given with an infusion: ``ondansetron 4 mg IV
    push``), and at least one names the treatment studied. Elsewhere (a sheet's ``Infusion`` column, empty on
    the rows without one) every value names the treatment studied: a column of the patients' other
    medications (``pregabalin 75 mg``, ``lidocaine 5% plaster``) is not the treatment. Read as anything
    else, every charted drug became a course of the treatment, or no course was read at all."""
    distinct = pd.unique(values[values != ""])
    if not 1 <= len(distinct) <= 200:
        return False
    texts = [str(v).strip() for v in distinct]
    studied = [STUDIED_DRUG.search(v) is not None for v in texts]
    if not administrations:
        return all(studied)
    return any(studied) and all(st or _MEDICATION_TEXT.search(v) is not None for st, v in zip(studied, texts))


#: A value that names a treatment event in a column marking what each row is ("event", "visit type").
_TREATMENT_EVENT = re.compile(r"(?i)\b(infusions?|ketamin\w*|lidocain\w*|treatments?|therapy|booster|block|"
                              r"behandlung|therapie|perfusion|traitement|tratamiento|trattamento|behandeling)\b")


#: A cell that is the treatment event itself, as a visit-type or event column writes it.
_TREATMENT_EVENT_CELL = re.compile(r"(?i)\s*(?:(?:ketamin\w*|lidocain\w*)\s+)?"  # the drug: 'Ketamine infusion'
                                   r"(?:infusions?|ketamin\w*|lidocain\w*|treatments?|therapy|booster|"
                                   r"behandlung|therapie|perfusion|traitement|tratamiento|trattamento|behandeling)"
                                   r"(?:\s+(?:day|tag|jour|\d+))?\s*")


def marked_treatment_rows(file: str, header: list, columns: list, scores: list, candidates: list) -> str | None:
    """A point to review when nothing gives treatments but a text column read as nothing (``candidates``:
    positions; ``columns``: position -> cells) marks what each row is, with exactly one of its few values
    naming a treatment event: a Stata or SPSS long file's ``event`` (``infusion`` / ``score``), a register's
    ``Visit type`` (``Baseline`` / ``Infusion`` / ``Follow-up``). Read as nothing, the infusion rows were
    "nothing to read" (or plain visits) and relief was unavailable without a word. ``scores``: positions of
    the score columns (without any, there is nothing to relieve)."""
    if not scores:
        return None
    no_score = np.logical_and.reduce([columns[k] == "" for k in scores])
    for k in candidates:
        cells = columns[k]
        distinct = pd.unique(cells[cells != ""])
        named = [v for v in distinct if _TREATMENT_EVENT.search(str(v))]
        marked = named if 2 <= len(distinct) <= 10 and len(named) == 1 else []
        # The value is the event itself ('Infusion', not 'Post-infusion' or 'infusion postponed'), or its rows
        # are exactly the rows without a score while the others mostly have one.
        rows = cells == marked[0] if marked else None
        if marked and not (_TREATMENT_EVENT_CELL.fullmatch(str(marked[0]))
                           or (no_score[rows].all() and (~no_score[~rows & (cells != "")]).mean() >= 0.5)):
            marked = []
        if marked:
            return (f"{file}: the column {header[k]!r} marks some rows {str(marked[0])[:40]!r} and nothing else gives the "
                    f"treatments: if those rows are the treatments, give {header[k]!r} the role \"treatment\" and list "
                    f"{{\"{str(marked[0])[:40]}\": \"<treatment name>\"}} under courses.treatments; otherwise give it the "
                    "role \"ignore\".")
    return None



#: A field or column named after a treatment given at a visit ("Ketamine infusion given?", "Infusion").
_GIVEN_NAME = re.compile(r"ketamin\w*|lidocain\w*|infusion|booster|treatment|therapy|given|administered", re.IGNORECASE)
_YES = CHECKED | {"y", "j", "✓", "✔"}  # a box ticked, and the short yes of a hand-typed column
_NO = frozenset({"0", "no", "n", "false", "unchecked", "nein", "non", "-"})


def yes_no_treatment(name: str, cells: np.ndarray, redcap_type: str | None = None) -> dict | None:
    """Codes that read a yes/no column as treatment events (``{"Yes": "Infusion", "No": ""}``), or None.

    A sheet marks the visits at which the treatment was given by a column named after it ("Infusion",
    "Ketamine given") holding Yes or nothing (or X, 1, Ja, Oui; No, 0). Each Yes is an administration of
    the treatment the name says ("Ketamine infusion" where it names ketamine, else the name itself); read
    as a covariate ("the same for each patient" once the blanks are left out) it gave no treatments and
    no relief. ``redcap_type``: a REDCap field's type (then only yesno/truefalse fields, codes 1/0 and
    their labels); None for a spreadsheet column, whose every filled cell must be a yes or a no word,
    with at least one yes."""
    if not _GIVEN_NAME.search(name):
        return None
    label = "Ketamine infusion" if re.search(r"ketamin", name, re.IGNORECASE) else name
    if redcap_type is not None:
        if redcap_type not in ("yesno", "truefalse"):
            return None
        return {"1": label, "Yes": label, "True": label, "0": "", "No": "", "False": ""}
    distinct = [str(v) for v in pd.unique(pd.Series(cells, dtype=object))]  # a handful of distinct answers
    words = {v: " ".join(v.casefold().split()) for v in distinct}
    if not distinct or not all(w in _YES or w in _NO for w in words.values()) or \
            not any(w in _YES for w in words.values()):
        return None
    return {v: label if w in _YES else "" for v, w in words.items()}
