"""Which score a column is: another scale than the measure its name says, or a questionnaire's
items beside (or without) its total. Rules of the proposal (:mod:`analysis.io.propose`); the
proposals are :class:`~analysis.io.propose.ColumnProposal` objects, changed with ``replace``.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES
from ..measures import MEASURES
from ..mapping import canonical
from .column_words import measure_of, split_camel
from .lists import column_codes_verdict, several_listed
from .questionnaires import item_coding, item_numbers, unread_items
from .spec import Column, slug


#: A header or label that gives a 0-100 scale: 'VAS (mm)', 'Pain VAS 0-100', 'Schmerz /100'.
_HUNDRED = re.compile(r"(?i)\bmm\b|\b0\s*[-–]\s*100\b|/\s*100\b")


def other_scale(m: str, filled: np.ndarray, h: str, f, file: str, notes: list,
                what: str = "column") -> tuple[str, str] | None:
    """``(measure name, why)`` when a column that looks like the known measure ``m`` holds many values
    above its range (a 0-100 VAS or REDCap slider named "pain"), or whose name says a 0-100 scale ('VAS 1 wk
    (mm)', whose values may all happen to be 10 or less): it is read under its own name (relief % is
    scale-free), without the words of its visit, so that 'VAS baseline (mm)' and 'VAS 4 wk (mm)' are one
    measure, 'vas_mm', at two visits. One typo (12) is not enough: it is an out-of-range value, excluded
    at loading."""
    nums = pd.to_numeric(pd.Series(filled, dtype=object).astype(str).str.replace(",", ".", regex=False),
                         errors="coerce").dropna()
    hi = KNOWN_MEASURES[m]["max"]
    named = hi is not None and hi < 100 and any(_HUNDRED.search(x) for x in (h, f.label if f is not None else "") if x)
    # A REDCap slider records 0-100 unless its field sets another range (Text Validation Min/Max): a pain slider
    # is a VAS even where every answer happens to be 10 or less.
    slider_top = _number(f.max, 100.0) if f is not None and f.type == "slider" else None
    slider = hi is not None and slider_top is not None and slider_top > hi
    if hi is None or not (named or slider or len(nums) and (nums > hi).mean() >= 0.2):
        return None
    top = nums.max() if len(nums) else float("nan")
    other = slug(f.name if f is not None else _without_visit(h))
    if other in KNOWN_MEASURES:
        # A slider named 'pain_nrs' is not the NRS: under that name its values above 10 were excluded as out of
        # range and those of 10 or less read as NRS scores.
        other = f"{other}_0_{slider_top if slider else 100:g}"
    said = (f"it is a slider from 0 to {slider_top:g}" if slider and not named else
            "its name says a 0-100 scale" if named else f"holds values up to {top:g} (beyond {hi:g})")
    notes.append(f"{file}: {what} {h!r} looks like {m} but {said}: it is read as the measure {other!r}, e.g. a "
                 "0-100 VAS.")
    return other, ("a 0-100 scale by its name" if named else f"a slider from 0 to {slider_top:g}" if slider
                   else f"score up to {top:g}") + \
        f": not the {KNOWN_MEASURES[m]['label']}"


def _number(text: str, default: float) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


_TOTAL = re.compile(r"total|score|sum|gesamt|summe|somme|puntuaci|punteggio|totaal", re.IGNORECASE)


def _numbered_items(headers: list) -> bool:
    """Names that differ only by a final number running 1, 2, ..., n (``PHQ9_1`` ... ``PHQ9_9``,
    ``GAD-7 item 1`` ...): a questionnaire's items."""
    named = item_numbers(headers)
    return named is not None and sorted(named[1]) == list(range(1, len(headers) + 1))


#: A visit named in a column header, the unit before the number ('NRS day 1', 'NRS week 4', 'Schmerz Woche 12',
#: 'EVA J7', 'NRS M3', 'NRS semana 4', 'NRS maand 3').
_VISIT = re.compile(r"(?i)\b(?:(?P<d>day|d|j|jour|tag|dag|d[ií]a|giorno)|(?P<w>week|wk|w|woche|semaine|sem|semana|settimana)"
                    r"|(?P<m>month|mo|m|monat|mois|maand|mes|mese)|(?P<y>year|yr|jahr|jaar|a[ñn]o|anno))\s*(?P<n>\d+)\b")
# The number first, and hours too: 'NRS 2h', 'NRS 24 h', 'NRS 1.5h', 'Schmerz 4 Std.', 'NRS 1 week', 'EVA 3 mois',
# 'NRS 3 mo', 'NRS 1 yr', and the Dutch, Spanish and Italian units ('4 weken', '3 maanden', '4 semanas', '3 meses',
# '3 mesi'). Not a bare 'm' after the number: 'Pain 30m post' is 30 minutes after an infusion, not month 30 (day
# 913); 'NRS 5m' and 'Pain 6 m walk' are no visits either ('M3' before the number, '3 mo', '3 months' are).
# Minutes written out ('Pain 15 min', 'Pain 30 min', '30 minutes post': a nerve block's log) are that many minutes
# after the treatment, so two such columns are two times, not one measure twice; never a walk test ('6 min walk').
# Not a number joined to a name by a hyphen: 'EQ-5D' is no visit at day 5; nor the decimals of a number, '1.5h' is
# no visit at 5 hours.
_VISIT_AFTER = re.compile(
    r"(?i)(?<![-\w.,])(?P<n>\d+(?:[.,]\d+)?)\s*(?:(?P<h>h|hr|hrs|hours?|std|stunden?|heures?|uur|horas?|ore)"
    r"|(?P<mi>min|mins|minutes?|minuten?|minutos?|minuti)(?!\s*(?:walk|gait|test|mwt)\b)"
    r"|(?P<d>d|days?|tage?n?|jours?|dagen|dag|d[ií]as?|giorni)"
    r"|(?P<w>w|wk|wks|weeks?|wochen?|semaines?|weken|semanas?|settimane)"
    r"|(?P<m>mo|mos|mths?|months?|monate?n?|mois|maanden?|mes|meses|mesi)"
    r"|(?P<y>y|yr|yrs|years?|jahre?n?|ans?|jaar|a[ñn]os?|anni))(?![\w])")
# British clinical shorthand, a number over the days of a week, the weeks or the months of a year: '6/52' is
# 6 weeks, '3/12' 3 months, '5/7' 5 days ('NRS 6/52'). Not '7/10' (a score out of 10), nor '24/7' (always): over 7
# only 1-6, the days of a week.
_UK_VISIT = re.compile(r"(?<![\d/.])(?:(?P<n>\d+)\s*/\s*(?P<u>52|12)|(?P<n7>[1-6])\s*/\s*(?P<u7>7))(?![\d/.])")
_BASELINE = re.compile(r"(?i)\b(baseline|pre|before|vor|vorher|voor|avant|initial|ausgangswert|basal|antes|pr[ée]|t0)\b")
#: A recall period, not a visit: 'Pain over the last 7 days', 'NRS past 24h', 'Schmerz letzte 4 Wochen'.
_RECALL = re.compile(r"(?i)\b(last|past|previous|over|letzten?|vergangenen?|derni[eè]re?s?|[úu]ltim[oa]s?|ultimi|"
                     r"afgelopen|laatste)\b")
#: Words that make a duration after them ('Worst pain 24h', 'Pain 24h average', 'Average pain 7d', 'Douleur
#: moyenne 7 jours') the period the score sums up, not its visit: each row's score was taken on the row's date.
#: A visit named unit first stays a visit ('Worst pain week 4', 'Average pain M3'): 'week 4' is no period.
_SUMMARY = re.compile(r"(?i)(?<![^\W_])(average|avg|mean|worst|least|usual|typical|highest|lowest|max|maximum|"
                      r"maximal|min|minimum|minimal|durchschnitt\w*|mittlere[rn]?|st[äa]rkste[rn]?|"
                      r"geringste[rn]?|schlimmste[rn]?|maximale[rn]?|minimale[rn]?|pire|moyenne?|maximale?|minimale?|"
                      r"peor|promedio|medio|media|m[áa]xim[oa]|m[íi]nim[oa]|peggiore|massim[oa]|minim[oa]|ergste|"
                      r"gemiddeld[e]?|hoogste|laagste)(?![^\W_])")
#: Words of a header that name a visit without saying its day ('NRS T1', 'NRS FU', 'NRS V2', 'NRS follow-up').
_VISIT_LIKE = re.compile(r"(?i)\d|^(fu|follow|followup|visit|visite|besuch|kontrolle|control|termin|pre|post|vorher|"
                         r"nachher|voor|na|na[cç]h|antes|despu[eé]s|avant|apr[eè]s|baseline|basal|screening|"
                         r"nachsorge|verlauf|seguimiento|suivi)$")


def visit_of(h: str) -> tuple[str, float | None] | None:
    """``("at", days after the date)`` for a header naming a visit ('NRS week 4' 28; minutes / 1440, hours / 24, weeks x 7, months
    x 365.25/12 and years x 365.25 rounded to a whole day), ``("before_start", None)`` for a baseline ('NRS
    baseline', 'NRS vorher', 'NRS T0'); None for anything else, for a recall period ('pain last 7 days', 'Worst
    pain 24h', 'Average pain 7d': :data:`_SUMMARY`) and for part of a day, week, month or year ('NRS 1.5 wk': which
    day is not known; '1.5h' is 0.0625 days). An underscore separates words as a space does ('nrs_w4', 'nrs_wk4',
    'nrs_week_4', 'nrs_m3', 'nrs_pre': the names R, Stata and SPSS allow)."""
    h = h.replace("_", " ")
    if _RECALL.search(h):
        return None
    summary = _SUMMARY.search(h) is not None
    m = _VISIT.search(h) or _VISIT_AFTER.search(h)
    # 'Worst pain 24h', 'Average pain 7d': the period the worst or the average is over, no visit. A period of
    # weeks or months after such a word is the visit ('Worst pain 4 weeks', 'Average pain 3 months').
    if m and summary and m.re is _VISIT_AFTER and (m.group("h") or (m.group("d") and float(
            m.group("n").replace(",", ".")) <= 7) or (m.group("w") and float(m.group("n").replace(",", ".")) <= 1)):
        return None
    if m:
        n, g = float(m.group("n").replace(",", ".")), m.groupdict()
        if n != int(n) and not (g.get("h") or g.get("mi")):
            return None
        return "at", (n / 1440 if g.get("mi") else n / 24 if g.get("h") else n if g.get("d") else 7.0 * n if g.get("w") else
                      float(round(365.25 / 12 * n)) if g.get("m") else float(round(365.25 * n)))
    m = _UK_VISIT.search(h)
    if m and summary and (m.group("n7") or (m.group("u") == "52" and int(m.group("n")) <= 1)):
        return None  # 'Worst pain 1/52': the week the worst is over, as 'Worst pain 7d'; 'Worst pain 6/52' a visit
    if m:
        if m.group("n7"):
            return "at", float(m.group("n7"))
        n = int(m.group("n"))
        return "at", 7.0 * n if m.group("u") == "52" else float(round(365.25 / 12 * n))
    return ("before_start", None) if _BASELINE.search(h) else None


def _without_visit(h: str) -> str:
    """The header without the words naming its visit: 'VAS 4 wk (mm)' -> 'VAS (mm)' (one measure for all visits)."""
    if visit_of(h) is None:
        return h
    h = h.replace("_", " ")
    for r in (_VISIT, _VISIT_AFTER, _UK_VISIT, _BASELINE):
        h = r.sub(" ", h)
    return " ".join(h.split()) or h


def visit_columns(cols: dict, ks: list, measure: str, file: str, notes: list, dates: list, review: list) -> bool:
    """Score columns named for their visits ('NRS baseline', 'NRS day 1', 'NRS week 4'; one row per patient, or an
    infusion log's 'NRS 24h') beside one date column (the treatment's): each column is placed at its visit, that
    many days after the date (``offset_days``, :func:`visit_of`), the baseline column before the start. Also a
    single such column ('PGIC 4 wk' beside 'NRS baseline', 'NRS 4 wk'), which was read at the date itself, the
    infusion day. Without this the advice was to keep one of several and ignore the others, which threw the
    follow-up away."""
    if len(dates) != 1:
        return False
    placed = {k: visit_of(cols[k].header) for k in ks}
    if any(v is None for v in placed.values()):
        return False
    if len(set(placed.values())) < len(placed):
        return False  # two columns at the same visit: not this layout
    timed = any(c.column.role == "time" and c.column.date in (None, dates[0]) for c in cols.values())
    hours = [k for k, (_, offset) in placed.items() if offset is not None and offset != int(offset)]
    if hours and not timed:
        # Hours after a date without a time of day would count from midnight: 'NRS 2h' at 02:00, before a 09:00
        # infusion, read as the baseline. Asked, not guessed.
        review.append(f"{file}: the columns {', '.join(repr(cols[k].header) for k in hours)} are hours or minutes "
                      f"after the start, but {dates[0]!r} has no time of day: add the start's time as a time column (role \"time\", "
                      f"\"date\": {dates[0]!r}), or set each column's offset_days by hand (days after the date).")
        return True
    for k, (timing, offset) in placed.items():
        cols[k] = replace(cols[k], column=replace(cols[k].column, timing=timing, offset_days=offset),
                          why=f"score of the visit {offset:.4g} days after {dates[0]!r}" if offset is not None
                          else f"baseline score, before the start on {dates[0]!r}")
    notes.append(f"{file}: the column{'s' if len(ks) > 1 else ''} {', '.join(repr(cols[k].header) for k in ks)} "
                 f"{'are' if len(ks) > 1 else 'is'} read as {measure} at {'their' if len(ks) > 1 else 'its'} visit"
                 f"{'s' if len(ks) > 1 else ''}, days after {dates[0]!r} (offset_days; hours / 24, weeks x 7, months "
                 "x 365.25/12, years x 365.25).")
    return True


#: Scores that are the sum of parts: a column named as their total (or a REDCap calculated field) beside columns
#: of their parts is the score. A single rating (the pain NRS, the PGIC) has no parts: of several pain columns
#: ('pain_avg_week', 'pain_worst', 'pain_score_now') none is the total of the others, whatever its name.
_SUMMED = {m for m, x in MEASURES.items() if x.items} | {"css", "regions_affected"}


#: A pain goal or target ('Pain Goal' 3 on a flowsheet, 'Zielwert Schmerz'): the level a patient finds acceptable,
#: set by the care team, never a measurement of the pain.
_GOAL = re.compile(r"(?i)\b(goals?|targets?|ziel|zielwert|objectif|objetivo|obiettivo|doel|acceptable|tolerable)\b")


def _goals(cols: dict, ks: list, measure: str, file: str, notes: list) -> list:
    """``ks`` without the columns named as a goal of the score (ignored, with a note) when another column of
    ``measure`` is no goal: of 'Pain Score' and 'Pain Goal', 'Pain Score' is the measurement."""
    goals = [k for k in ks if _GOAL.search(cols[k].header)]
    if not goals or len(goals) == len(ks):
        return ks
    for k in goals:
        cols[k] = replace(cols[k], column=Column("ignore"), why=f"a goal of {measure}, not a measurement")
    notes.append(f"{file}: {', '.join(repr(cols[k].header) for k in goals)} name{'s' if len(goals) == 1 else ''} a "
                 f"goal or target, not a measurement of {measure}: not read (give it the role \"measure\" if it is "
                 "one).")
    return [k for k in ks if k not in goals]


#: What makes a pain column one of several pain questions, not the pain now: worst, least, average (BPI), at rest,
#: with activity, at night, during the day ('Worst pain', 'pain_avg_week', 'Schmerz in Ruhe', 'Douleur nocturne').
_QUALIFIED = re.compile(r"(?i)(?<![^\W_])(?:worst|least|average|avg|mean|usual|typical|highest|lowest|best|max|maximum|"
                        r"maximal|min|minimum|minimal|rest|resting|activity|activities|active|movement|moving|exercise|"
                        r"exertion|walking|night|nighttime|nocturnal|daytime|durchschnitt\w*|mittlere[rn]?|"
                        r"st[äa]rkste[rn]?|geringste[rn]?|schlimmste[rn]?|maximale[rn]?|minimale[rn]?|ruhe|"
                        r"ruheschmerz|belastung\w*|bewegung\w*|nacht\w*|tags[üu]ber|pire|moindre|moyenne?|repos|"
                        r"activit[ée]|mouvement|nuit|nocturne|journ[ée]e|peor|menor|promedio|medio|media|reposo|"
                        r"actividad|movimiento|noche|nocturno|diurno|peggiore|minore|riposo|attivit[àa]|movimento|"
                        r"notte|notturno|ergste|minste|gemiddeld[e]?|rust|activiteit|beweging|nacht)(?![^\W_])|"
                        r"during\s+the\s+day|m[áa]xim[oa]|m[íi]nim[oa]|massim[oa]|minim[oa]")
#: The words a name of the pain now may have beside its pain words: 'Pain score', 'NRS (0-10)', 'Current pain
#: intensity', 'pain_score_now', BPI's 'Pain right now' ('BPIPainNow'), 'NPRS Current', 'Schmerz aktuell', 'Douleur actuelle'.
_CURRENT = re.compile(r"(?i)score|scores|nrs|nprs|bpi|vas|numeric|rating|scale|intensity|level|current|currently|now|today|"
                      r"the|of|your|pain|schmerz\w*|douleur|dolor|dolore|pijn\w*|eva|aktuell\w*|jetzt|heute|"
                      r"st[äa]rke|intensit[äa]t|wert|actuelle?|maintenant|aujourd|hui|intensit[ée]|niveau|actual|ahora|"
                      r"hoy|intensidad|nivel|puntuaci[oó]n|attuale|ora|oggi|intensit[àa]|livello|punteggio|huidige?|nu|"
                      r"vandaag|\d+")


def _current_pain(cols: dict, ks: list, fields: dict, file: str, notes: list) -> list:
    """Of several pain columns, the one that is the pain now (its name says only pain, score, intensity, current
    ...: :data:`_CURRENT`) when every other is another question about pain (:data:`_QUALIFIED`: 'Pain score',
    'Worst pain', 'Least pain'; REDCap 'pain_score_now' "Pain right now" beside 'pain_avg_week', 'pain_worst'):
    it is read and the others ignored, with a note naming them. Otherwise (two plain names, or a name that is
    neither, 'NRS left') ``ks`` as they are: which one is the measure is asked."""
    def words(k):  # camel case split: 'BPIWorstPain' is worst pain
        f = fields.get(cols[k].header)
        return [split_camel(cols[k].header)] + ([f.label] if f is not None and f.label else [])

    def plain(k):
        # 'right' only in 'right now': 'NRS right' names a side.
        return all(_CURRENT.fullmatch(w) for x in words(k)
                   for w in re.findall(r"[^\W_]+", re.sub(r"(?i)(?<![^\W_])right[\s_-]*now(?![^\W_])", "now", x)))

    def qualified(k):
        return any(_QUALIFIED.search(x) for x in words(k))

    now = [k for k in ks if plain(k)]
    if len(now) != 1 or not all(qualified(k) for k in ks if k != now[0]):
        return ks
    others = [k for k in ks if k != now[0]]
    for k in others:
        cols[k] = replace(cols[k], column=Column("ignore"), why=f"another question about pain than {cols[now[0]].header!r}")
    notes.append(f"{file}: of the pain columns, {cols[now[0]].header!r} (the pain now) is read as pain_nrs; "
                 f"{', '.join(repr(cols[k].header) for k in others)} (worst, least, average, at rest ... : other "
                 "questions) are left out. Give one of them the role \"measure\" and this one \"ignore\" if that is the "
                 "clinic's outcome.")
    return [now[0]]


#: A date column named as the treatment's ('Infusion date', 'Date of first infusion', 'Behandlungsdatum', 'Date
#: de perfusion'), which the visits of a sheet with one row per patient, or an infusion log's 'NRS 24h', count from.
_TREATMENT_DATE = re.compile(r"(?i)(?<![^\W_])(?:infusions?|inf|treatments?|therapy|therapie|th[ée]rapie|terapia|"
                             r"procedures?|block|blockade|injections?|ketamin[ea]?|lidoca[ií]n[ea]?|behandlung\w*|infusion\w*|"
                             r"eingriff|perfusions?|traitement|tratamiento|infusi[oó]n|trattamento|infusione|"
                             r"behandeling|infuus|course|kur)(?![^\W_])|behandlungs|infusions")


def _visit_groups(cols: dict, file: str, notes: list, dates: list, review: list) -> None:
    """The score columns of each measure whose headers name their visits (with a baseline, 'NRS vorher', or
    without) are placed at them (:func:`visit_columns`); pre- and post-treatment columns on a treatment row
    ('NRS pre', 'NRS post' beside 'NRS 24h') may stand beside them. A lone column named for a visit ('PGIC 4 wk',
    an infusion log's 'NRS 24h' beside 'NRS post') only beside a date named as the treatment's ('Infusion date'):
    in a log where each row has its own visit date ('Visit date', 'Date'), the number of its name is no offset
    from that date, and the column is read at it, as before."""
    by_measure: dict = {}
    for k, c in cols.items():
        if c.column.role == "measure" and c.column.measure and c.column.offset_days is None:
            by_measure.setdefault((c.column.measure, c.column.time), []).append(k)
    for (measure, _), ks in by_measure.items():
        read = {k: visit_of(cols[k].header) for k in ks}
        visits = [k for k in ks if read[k] is not None]
        if not any(v is not None and v[0] == "at" for v in read.values()):
            continue
        if len(visits) == 1 and not (len(dates) == 1 and _TREATMENT_DATE.search(dates[0])):
            continue
        if all(read[k] is not None or cols[k].column.timing == "after_start" for k in ks):
            visit_columns(cols, visits, measure, file, notes, list(dates), review)


def _same_scale(cols: dict, file: str, notes: list) -> None:
    """A visit's column of a 0-100 VAS whose values happen to lie within 0-10 ('VAS 1 wk' 5, 8, 9 beside 'VAS
    baseline' 80, 70, 65) was the 0-10 NRS: read as the scale of its other visits (:func:`other_scale`), the
    name without the visit words being the same."""
    other = {}
    for c in cols.values():
        if c.column.role == "measure" and c.column.measure not in KNOWN_MEASURES and visit_of(c.header) is not None:
            name = slug(_without_visit(c.header))
            if c.column.measure == name:
                other[name] = c.header
    for k, c in cols.items():
        name = slug(_without_visit(c.header))
        if c.column.role == "measure" and c.column.measure in KNOWN_MEASURES and name in other and \
                visit_of(c.header) is not None:
            cols[k] = replace(c, column=replace(c.column, measure=name),
                              why=f"the scale of {other[name]!r} at another visit: not the "
                                  f"{KNOWN_MEASURES[c.column.measure]['label']}")
            notes.append(f"{file}: column {c.header!r} is read as {name!r}, as {other[name]!r} is (the same scale at "
                         f"another visit), though its values lie within the range of {c.column.measure}.")


def _visit_like(headers: list) -> bool:
    """Every header differs from the others by words that name a visit ('NRS T1', 'NRS T2'; 'NRS FU'), read or not:
    the columns are one score at several visits, not alternatives to keep one of."""
    words = [set(re.findall(r"[^\W_]+", h.casefold())) for h in headers]
    common = set.intersection(*words)
    return all(w - common and all(_VISIT_LIKE.search(x) for x in w - common) for w in words) or \
        all(visit_of(h) is not None for h in headers)


def _region_flags(cols: dict, file: str, notes: list, column_cells) -> None:
    """A body map's flag columns beside its count (CHOIR's ``X101`` ... ``X238``, 1 for each painful region,
    beside ``BODYREGIONSUM``): columns holding only 0 and 1, not read as a known measure, whose sum is on every row
    the count read as regions_affected, are the regions it counts. They are not read (with a note): proposed as
    covariates, each was left empty for every patient whose regions changed between surveys."""
    count = [k for k, c in cols.items() if c.column.role == "measure" and c.column.measure == "regions_affected"]
    flags = [k for k, c in cols.items() if c.column.role in ("covariate", "measure") and k not in count
             and c.column.measure not in KNOWN_MEASURES]
    if len(count) != 1 or len(flags) < 3 or column_cells is None:
        return
    cells = np.column_stack([pd.Series(column_cells(k), dtype=object).astype(str).str.strip().to_numpy(dtype=object)
                             for k in flags])
    if not np.isin(cells, ["0", "1", ""]).all():
        flags = [k for k, ok in zip(flags, np.isin(cells, ["0", "1", ""]).all(axis=0)) if ok]
        cells = cells[:, np.isin(cells, ["0", "1", ""]).all(axis=0)]
    if len(flags) < 3:
        return
    total = pd.to_numeric(pd.Series(column_cells(count[0]), dtype=object), errors="coerce").to_numpy(dtype=float)
    rows = ~np.isnan(total) & (cells != "").all(axis=1)
    if rows.sum() < 3 or not ((cells[rows] == "1").sum(axis=1) == total[rows]).all():
        return
    for k in flags:
        cols[k] = replace(cols[k], column=Column("ignore"),
                          why=f"a body region (0/1) counted in {cols[count[0]].header!r}")
    shown = ", ".join(repr(cols[k].header) for k in flags[:3])
    notes.append(f"{file}: the {len(flags)} columns of 0 and 1 ({shown}, ...) add up to {cols[count[0]].header!r} on "
                 f"every row: they are the body regions it counts, read as regions_affected; the columns themselves "
                 "are not read.")


def one_column_per_score(cols: dict, file: str, fields: dict, review: list, notes: list,
                          dates: list = (), column_cells=None) -> None:
    """Several columns read as the same measure at the same time (PHQ-9 items 1-9 and their total,
    "NRS" and "NRS comment") would be conflicting values of one score: for a score that is a sum of parts
    (:data:`_SUMMED`) keep the total (a name with total/score/sum, a REDCap calculated field, or the measure's
    own name) and ignore the items, except a REDCap calculated field beside the questionnaire's complete
    items, which are summed instead (:func:`summed_items`: REDCap's sum() skips blank items and adds the
    choices' codes, 1-4 where the answers are 0-3). Without a total, the complete items of a questionnaire
    scored as their sum (every item 1 ... n of the PHQ-9 or GAD-7, their values within the item range) are
    summed; anything else is a point to review. ``column_cells``: column position -> its cells."""
    # A baseline column beside visit columns ('NRS baseline', 'NRS week 4'): the baseline was proposed
    # before the start, so the week-4 column alone was at the date too and both were conflicting values.
    _same_scale(cols, file, notes)
    _region_flags(cols, file, notes, column_cells)
    _visit_groups(cols, file, notes, dates, review)
    groups: dict = {}
    for k, c in cols.items():
        col = c.column
        if col.role == "measure" and col.measure in KNOWN_MEASURES and col.offset_days is None:
            groups.setdefault((col.measure, col.timing, col.time), []).append(k)
    for (measure, _, _), ks in groups.items():
        if len(ks) >= 2 and measure not in _SUMMED:
            ks = _goals(cols, ks, measure, file, notes)
        if len(ks) >= 2 and measure == "pain_nrs":
            ks = _current_pain(cols, ks, fields, file, notes)
        if len(ks) < 2:
            continue

        def rank(k):
            h = cols[k].header
            f = fields.get(h)
            return (0 if canonical(h) == measure else 3 if measure not in _SUMMED else
                    1 if (f is not None and f.type == "calc") else
                    2 if _TOTAL.search(h) or (f is not None and _TOTAL.search(f.label)) else 3, k)
        best = min(ks, key=rank)
        calc = fields.get(cols[best].header)
        if calc is not None and calc.type == "calc" and \
                summed_items(cols, [k for k in ks if k != best], measure, file, notes, column_cells, calc=best):
            cols[best] = replace(cols[best], column=Column("ignore"),
                                 why=f"REDCap calculated field: {measure} is summed from its items instead")
            continue
        others = [cols[k].header for k in ks if k != best]
        if calc is not None and calc.type == "calc" and MEASURES[measure].items == len(others) and \
                _numbered_items(others):
            # Its complete items are there but do not read as 0-3 (codes 1-4 whose labels are not the answers):
            # the calculated field would then be their codes' sum, 9 too many. Asked, not trusted.
            review.append(f"{file}: {cols[best].header!r} is a REDCap calculated field of {measure} beside its items "
                          f"({', '.join(map(repr, others))}), whose values are not all within 0-"
                          f"{MEASURES[measure].item_max}: the field may sum the choices' codes (REDCap numbers choices "
                          f"from 1) or items left blank. Give the items the choices 0-{MEASURES[measure].item_max} "
                          "in the data dictionary (or their \"codes\" in the mapping) and the role \"sum_item\" "
                          f"with the field \"ignore\"; or, if the field is right, keep it and ignore the items.")
            continue
        if rank(best)[0] == 3 and summed_items(cols, ks, measure, file, notes, column_cells):
            continue
        if rank(best)[0] == 3:
            review.append(f"{file}: the columns {', '.join(repr(cols[k].header) for k in ks)} "
                          f"{_advice(cols, ks, measure, dates, column_cells)}")
            continue
        for k in ks:
            if k != best:
                cols[k] = replace(cols[k], column=Column("ignore"),
                                  why=f"an item of {measure}; {cols[best].header!r} is its score")
        notes.append(f"{file}: {cols[best].header!r} is read as {measure}; the other columns that look like it "
                     f"({', '.join(repr(cols[k].header) for k in ks if k != best)}) are ignored as its items.")


def _advice(cols: dict, ks: list, measure: str, dates: list, column_cells) -> str:
    """What to decide about several columns of one measure at one time that are neither a total with its items
    nor summed items nor visits placed after the one date: the end of a point to review."""
    headers = [cols[k].header for k in ks]
    # One item is not the questionnaire's score: never suggest keeping one of them (that advice is for
    # alternative columns of one score). Items some of which are not read are named with what they hold.
    unread = unread_items(cols, ks, measure, column_cells)
    if MEASURES[measure].items and (item_numbers(headers) is not None or unread):
        return (f"look like the items of {measure} without its total ({measure} is the total score, not an "
                f"item), but not its {MEASURES[measure].items or ''} items each 0-{MEASURES[measure].item_max or ''}"
                + "".join(f"; {u}" for u in unread) +
                ": add the total to the export (REDCap: a calculated field), map every item with the role "
                "\"sum_item\" (a cell that is not an answer is then excluded with its line, or read with "
                "values.text), or give them the role \"ignore\".")
    if _visit_like(headers):
        # Visits of one score: keeping one would throw the others away. What is missing is when each was.
        days = [visit_of(h) for h in headers]
        if not dates and all(days):
            # Visits by their time points ('1 wk NRS', '4 wk NRS'), in a file without dates.
            return (f"are {measure} at the visits their names say, but the file has no date to count them from: "
                    "add each patient's treatment date as a column (e.g. 'Infusion date'); the visits are then "
                    "its days (Week 1 = 7, Month 3 = 91).")
        if dates and all(days):
            # Read, but not placed: several dates (which one do the visits count from?), or two at one visit.
            said = ", ".join(f"{h!r} " + ("before the treatment" if d[1] is None else f"{d[1]:g} days after")
                             for h, d in zip(headers, days))
            return (f"are {measure} at the visits their names say ({said}), but not placed: with several dates "
                    f"({', '.join(map(repr, dates))}), which one they count from is not known. Give each column the "
                    "date its visit counts from (\"time\") and its days after that date (\"offset_days\"; a "
                    "baseline: \"timing\": \"before_start\"), rather than keeping one and losing the others.")
        base = (f"days after {dates[0]!r}" if len(dates) == 1 else "days after the date given as its \"time\"" if dates
                else "days after a treatment date, which the file needs as a column")
        return (f"look like {measure} at different visits, but their names do not say all of their days: give each "
                f"column the day of its visit, \"offset_days\" ({base}; Week 4 = 28, Month 3 = 91; a baseline before "
                "the treatment: \"timing\": \"before_start\"), rather than keeping one and losing the others.")
    visits = (f" If they are scores of different visits, give each the date column of its visit "
              f"(\"time\": one of {', '.join(map(repr, dates))})." if len(dates) > 1 else "")
    return f"all look like {measure}: keep one as the measure and give the others the role \"ignore\".{visits}"


def list_column(h: str, names: list, filled: np.ndarray, all_numbers: bool, constant: bool, time_of: str | None,
                file: str, review: list, notes: list) -> Column | None:
    """The role ``"list"`` (the distinct items of each cell counted, :mod:`analysis.io.lists`) for a text
    column named like the body regions (``names``: the header, and a REDCap field's label and name),
    or None where that is not the reading (``filled``: the column's non-empty cells; ``all_numbers``: every
    one of them is a number).

    Certain, with a note: some cells list several items (``left hand, right foot``). A column with one
    item per cell that is the same on every row of a patient ("Region: upper limb") stays a covariate
    (None). One item per cell that changes within patients may be a list or something else: the role
    ``"list"`` is proposed as a point to review, never applied silently. A column of numbers is a
    score column (None), unless its lists of numbers prove codes of the regions (``1,3`` and ``2,4``:
    rule 5 of :mod:`analysis.io.lists`; read as decimal commas they were excluded, and a bare ``2`` beside
    them counted 2 regions instead of one)."""
    if not len(filled) or not any(measure_of(n) == "regions_affected" for n in names if n):
        return None
    codes = column_codes_verdict(filled) == "codes"
    measure = "regions_affected"
    # Codes decided from this file are written into the mapping: next month's file (perhaps without a
    # list) is then read the same way.
    column = Column("list", measure=measure, time=time_of, listed="codes" if codes else None)
    shown = ", ".join(repr(str(v)) for v in pd.unique(filled)[:3])
    if all_numbers and not codes:
        return None
    if several_listed(filled) > 0:
        what = "the codes of body regions" if codes else "body regions"
        notes.append(f"{file}: column {h!r} lists {what} in one cell (e.g. {shown}): it is read as {measure}, "
                     "the number of distinct regions listed (role \"list\"); a cell meaning none is 0, out of "
                     "the measure's range (1 or more), and listed in the report.")
        return column
    if constant:
        return None
    review.append(f"{file}, {h!r}: named like the body regions, with one region per cell that changes within "
                  f"patients (e.g. {shown}). Keep the role \"list\" to count the regions listed in each cell as "
                  f"{measure} (each cell here counts 1; if the file writes a visit's regions one per row, add "
                  f"\"one_per_row\": true to count each visit's rows together, and \"side\": the column of each "
                  f"region's side if there is one), or give it the role \"ignore\".")
    return column


def summed_items(cols: dict, ks: list, measure: str, file: str, notes: list, column_cells, calc=None) -> bool:
    """The columns ``ks``, all read as ``measure`` without its total, become its items summed (the role
    ``sum_item``, :mod:`analysis.io.questionnaires`) when that is certain: the measure is scored as the
    sum of its items, the columns are numbered 1 ... n (``PHQ9_1`` ... ``PHQ9_9``) with n its number of
    items, and (nearly) every number in them lies in the item range: columns of totals per visit
    (``PHQ9_1`` ... with values up to 27) are not items; one typo (a 4) is, and its row is excluded at
    loading with the reason. Returns whether they were changed (with a note).

    ``calc``: the column of a REDCap calculated field of ``measure`` beside them; the note then says why the
    items are summed rather than the field read: REDCap's ``sum()`` skips blank items (3,3 and seven blanks
    made a PHQ-9 of 6, where the documented rule gives no score) and adds the choices' codes, which REDCap
    numbers from 1 in many projects (1-4 for answers scored 0-3: 9 too many)."""
    m = MEASURES.get(measure)
    headers = [cols[k].header for k in ks]
    if m is None or not m.items or len(ks) != m.items or not _numbered_items(headers) or column_cells is None:
        return False
    if not items_in_range(cols, ks, measure, column_cells, from_one=calc is None):
        return False
    for k in ks:
        cols[k] = replace(cols[k], column=replace(cols[k].column, role="sum_item"),
                          why=f"an item of {measure} (0-{m.item_max}): the {m.items} items are summed")
    what = (f"without its total" if calc is None else f"beside the REDCap calculated field {cols[calc].header!r}, "
            f"which is not read (REDCap's sum() adds the items answered, skipping blanks, and adds the choices' codes, "
            f"not the answers' scores)")
    notes.append(f"{file}: the columns {', '.join(map(repr, headers))} are the {m.items} items of {measure} {what}: "
                 f"each row's {measure} is their sum when every item is answered with a whole number "
                 f"0-{m.item_max} (answers read by their labels); a row with an item missing or out of range has no "
                 "score and is listed in the report (no prorating).")
    return True


def items_in_range(cols: dict, ks: list, measure: str, column_cells, from_one: bool = True) -> bool:
    """Whether (nearly) every number in the item columns ``ks`` of ``measure`` (after their ``codes``) lies in the
    item range 0 ... item_max: more than 5% beyond it are no items (``PHQ9_1`` ... holding totals per visit up to
    27); one typo is, its row excluded at loading. ``from_one``: answers coded from 1 (Qualtrics' default, 1-4
    for 0-3; :func:`analysis.io.questionnaires.item_coding` reads them as code - 1 at loading) are in range too;
    without it, a 4 counts as beyond the range."""
    m = MEASURES[measure]
    cells = []
    for k in ks:
        c = column_cells(k)
        cells.append(pd.Series(c, dtype=object).replace(cols[k].column.codes).to_numpy(dtype=object)
                     if cols[k].column.codes else c)
    shift = item_coding(measure, [cols[k].header for k in ks], cells, [bool(cols[k].column.codes) for k in ks])[0] \
        if from_one else 0
    x = pd.concat([pd.to_numeric(pd.Series(c[c != ""], dtype=object).astype(str).str.replace(",", ".", regex=False),
                                 errors="coerce").dropna() for c in cells]) - shift
    return not (len(x) and ((x > m.item_max) | (x < 0)).mean() > 0.05)


_DECIMAL_COMMA = re.compile(r"\s*-?\d+,\d{1,2}\s*")
_DECIMAL_POINT = re.compile(r"\s*-?\d*\.\d+\s*")


def _points_not_commas(t, columns: list) -> bool | None:
    """False (and the table read so) for a file whose decimal comma is only its delimiter's default (a
    ``|``-separated warehouse extract) while its numbers (in any column) write decimals with a point
    (``89.0``) and never with a comma; else None. Read with a decimal comma, its description said "decimal
    comma" and a ``1.234`` could read as a thousand."""
    cells = pd.Series(np.concatenate([t.column(k) for k, h in enumerate(t.header) if h]) if any(t.header) else [],
                      dtype=object)
    if not cells.str.fullmatch(_DECIMAL_POINT).fillna(False).any() or \
            cells.str.fullmatch(_DECIMAL_COMMA).fillna(False).any():
        return None
    t.decimal_comma = False
    return False


def decimal_comma_scores(t, columns: list, notes: list) -> bool | None:
    """True for a comma-separated file whose score columns write decimals with a comma (``7,5``, quoted in
    the file: a spreadsheet in a European language saved as CSV with commas) and never with a point; None
    otherwise (the reader's default: decimal commas in semicolon- and tab-separated files only).

    Why: read with points only, every such score was excluded ("a decimal comma (7,5)") and a patient's
    relief went missing, though nothing else in the file could mean 7,5. Only the columns proposed as
    known scores in points decide: elsewhere a quoted ``1,3`` may be a list (body regions ``1,3``)."""
    if t.decimal_comma and t.delimiter not in (";", "\t"):
        return _points_not_commas(t, columns)
    if t.decimal_comma or t.delimiter != ",":
        return None
    ks = [t.header.index(c.header) for c in columns if c.column.role == "measure" and c.header in t.header
          and c.column.measure in MEASURES and MEASURES[c.column.measure].unit == "points"]  # not a count of regions
    cells = pd.Series(np.concatenate([t.column(k) for k in ks]) if ks else [], dtype=object)
    comma = cells[cells.str.fullmatch(_DECIMAL_COMMA).fillna(False).astype(bool)]
    if not len(comma) or cells.str.fullmatch(_DECIMAL_POINT).fillna(False).any():
        return None
    notes.append(f"{t.file}: the scores write decimals with a comma ({comma.iloc[0].strip()!r}, quoted in this "
                 "comma-separated file): read as decimals, 7,5 = 7.5 (the file's \"decimal_comma\").")
    return True
