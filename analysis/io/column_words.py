"""What a column's name says: its role, the measure it names, a covariate's usual name.

The name tables of the proposal (:mod:`analysis.io.propose`), in English, German, French, Spanish,
Italian and Dutch: words that name a role (patient id, date, treatment, item, ...), the known
measures (pain/NRS/NPRS/VAS/EVA/douleur/Schmerz, PHQ-9, GAD-7, ...) and the usual names of covariates.
"""
from __future__ import annotations

import re
import unicodedata

from ..definitions import KNOWN_MEASURES
from ..measures import MEASURES
from ..mapping import canonical
from ..measure_names import named_direction, name_words, sf_family
from .spec import slug


#: Where a name written in camel case (``BPIAveragePain``, ``EpisodeID``, ``PHQ9Total``) starts a word: a capital
#: after a small letter, a capitalised word after an acronym of three capitals or more (``BPIPain``: ``BPI``,
#: ``Pain``; not after two, ``NRSbaseline`` and ``VASmm`` stay one word), a capitalised word after a digit.
_CAMEL = re.compile(r"(?<=[a-zß-öø-ÿ])(?=[A-ZÀ-ÖØ-Þ])|(?<=[A-ZÀ-ÖØ-Þ]{3})(?=[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])|"
                    r"(?<=\d)(?=[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])")


def split_camel(name: str) -> str:
    """A name with its camel-case words apart: ``BPIAveragePain`` -> ``BPI Average Pain``, ``ClientId`` ->
    ``Client Id``, ``PHQ9Total`` -> ``PHQ9 Total``; a name in one case is left as it is (``BODYREGIONSUM``). Read
    as one word, ``EpisodeID`` named no id and became a measure ``episodeid``, ``BPIAveragePain`` no pain."""
    return _CAMEL.sub(" ", str(name))


def words(name: str) -> str:
    """A name's words as the word rules match them: camel case split (:func:`split_camel`), folded
    (:func:`fold`), one space apart: ``EQ-5D-5L Pain/Discomfort`` -> ``eq 5d 5l pain discomfort``."""
    return " ".join(t for t in re.split(r"[\W_]+", fold(split_camel(name))) if t)


def fold(text: str) -> str:
    """A name as its words are matched: lower case, accents dropped (``Régions atteintes`` -> ``regions atteintes``,
    ``Gliedmaßen`` -> ``gliedmassen``). The name tables below are folded the same way when the module loads, so
    a header matches whether or not its export kept the accents (``Regions atteintes``, a cp1252 ``Régions``)."""
    return "".join(c for c in unicodedata.normalize("NFKD", str(text).casefold()) if not unicodedata.combining(c))


def _folded(pattern: str) -> str:
    # A table's regular expression with its words folded as :func:`fold` folds a name (the syntax is ASCII; a
    # casefold of the pattern would turn '\W' into '\w').
    return "".join(c for c in unicodedata.normalize("NFKD", pattern.replace("ß", "ss"))
                   if not unicodedata.combining(c))


# Words in column names (matched on whole words of the folded name: :func:`fold`).
MEASUREWORDS = [
    # 'NPRS' (numeric pain rating scale), the physical therapists' name: 'NPRS Current', 'NPRS Worst'.
    ("pain_nrs", r"pain|nrs|nprs|vas|eva|douleur|schmerz\w*|dolor|dolore|pijn(?:score|intensiteit|niveau)?|smerte|num(?:eric)?\s*rating"),
    # 'PHQ' alone (also with an item, visit or range number: phq_3, PHQ (0-27)) is the PHQ-9; the other
    # scales of the family are told apart by OTHER_SCALES below.
    ("phq9", r"phq"),
    ("gad7", r"gad"),
    ("css", r"crps\s*severity|css"),
    ("pgic", r"pgic|global\s*impression"),
    # Plural "limbs", "body parts": a count or a list; one "limb" is a covariate (the limb with CRPS).
    # English, German, French, Spanish, Italian, Dutch ('Régions atteintes', 'Zonas afectadas', 'Aree colpite',
    # 'Aangedane gebieden'): a regions header the proposal did not know was ignored without a word.
    ("regions_affected", r"regions?|regionen|regioni|regio(?:\s*s)?|body\s*regions?|körperregion\w*|(?<!time )zones?|zonas?|"
                         r"regiones|areas?\s*affected|(?:affected|body)\s*areas?|areas?\s*afectadas|"
                         r"aree\s*(?:colpite|interessate|affette)|aangedane\s*(?:gebieden|regio\w*)|lichaamsregio\w*|"
                         r"lichaamsgebieden|"
                         # CHOIR's body map writes the count in one word: 'BODYREGIONSUM'.
                         r"bodyregions?(?:sum|count|total)?|painfulregions?|regionsum|regioncount|"
                         r"body\s*parts?|körperteile|parties\s*du\s*corps|partes\s*del\s*cuerpo|parti\s*del\s*corpo|"
                         r"lichaamsdelen|limbs|extremities|extremitäten|gliedmaßen|membres\s*atteints|ledematen"),
]
# Questionnaires beside pain, looked for before it ('Pain Catastrophizing', 'EQ VAS' are not the pain score). The
# Pain Catastrophizing Scale's and the Pain Self-Efficacy Questionnaire's totals only by a name that is the total's
# and nothing else ('PCS total', 'Pain Catastrophizing Scale', 'PSEQ', 'PSEQ-10 total'): a bare 'PCS' is as often the
# SF-12/SF-36 Physical Component Summary (a T-score, higher is better), and 'pcs_01', 'PCS Q1', 'PCS rumination',
# 'pseq_01' are items or subscales (read as the total, a file of items was refused as several columns of one
# measure, and a subscale took the total's name: the regression review).
MEASUREWORDS = [
    ("pcs_total", r"pcs\s*(?:total|score|sum|gesamt)(?:\s*score)?(?:\s*0\s*52)?|pcs\s*0\s*52|"
                  r"pain\s*catastroph\w*(?:\s*scale)?(?:\s*pcs)?(?:\s*(?:total|score|sum))?(?:\s*score)?"
                  r"(?:\s*pcs)?(?:\s*0\s*52)?"),
    ("pseq", r"pseq(?:\s*10)?(?:\s*(?:total|score|sum))?(?:\s*0\s*60)?|"
             r"pain\s*self\s*efficacy(?:\s*questionnaire)?(?:\s*pseq(?:\s*10)?)?(?:\s*(?:total|score|sum))?"
             r"(?:\s*score)?(?:\s*0\s*60)?"),
    ("eq_vas", r"eq\s*(?:5\s*d\s*(?:[35]\s*l\s*)?)?vas|euroqol\s*(?:5\s*d\s*)?vas"),
] + MEASUREWORDS
MEASUREWORDS = [(measure, _folded(pattern)) for measure, pattern in MEASUREWORDS]
#: The measures named only by the whole name (above), not by a word of it.
_WHOLE_NAME = frozenset({"pcs_total", "pseq"})
#: A visit beside such a whole name, as a wide sheet names its columns ('PSEQ baseline', 'PSEQ week 4', 'PSEQ 3
#: months', 'PSEQ_wk4', 'PCS total month 3', 'Baseline PSEQ'): the visit's unit spelled out (day, week or wk, month,
#: year, hours) with its number, or a baseline, pre or post (the visit is read from the header as for 'NRS week 4':
#: score_columns.visit_of). A bare number stays an item ('PSEQ 7', 'PCS_3'), and so does a number after a letter
#: ('PSEQ_W1' ... 'PSEQ_W10' are the PSEQ's ten items as often as weeks 1-10, 'PSEQ_M1', 'PSEQ d1', 'PSEQ Y2'; read as
#: visits, a sheet of items and their total became a question: the regression review) and a bare 'm' after one
#: ('3m': minutes or months, as 'Pain 30m').
_VISIT_WORDS = (r"(?:baseline|pre|post|before|after|(?:day|week|wk|month|year)\s?\d+|"
                r"\d+\s?(?:hours?|days?|weeks?|wks?|months?|years?))")
WORDS = {
    "patient_id": r"record[\s_]*id|patient[\s_]*id|pat[\s_]*id|patient|subject|pseudonym|n°\s*patient|client|"
                  r"nr|id|code|study[\s_]*id|participant|pid|fall(?:nummer)?|paciente|patiente?|paziente|"
                  r"patiënt|patiëntnummer",
    "time": r"time|heure|uhrzeit|zeit|hora|ora|tijd",
    # A start's time of day ('Infusion start' 09:00): a time column only with clock times written with a
    # separator, and only when no other column gives the times ('Symptom start' 2021 is a year, not 20:21).
    "start": r"start|begin|beginn|début|debut|inicio|starttijd",
    "date": r"date|datum|fecha|data|datetime|recorded|taken|dt",
    "day": r"day|days|tag|tage|jour|jours|día|dia|días|giorno|dag|study[\s_]*day|day[\s_]*number|"
           r"days[\s_]*since[\s_]*\w+|tag[\s_]*nr",
    "treatment": r"treatment|behandlung|traitement|tratamiento|trattamento|therapy|therapie|thérapie|drug|"
                 r"medication|medikament|médicament|medicamento|farmaco|intervention|procedure|infusion[\s_]*drug|"
                 r"inf[\s_]*drug|medication[\s_]*name|med[\s_]*name|agent|infusion[\s_]*agent|substance|wirkstoff|"
                 r"substanz|produit|principe[\s_]*actif|medicatie|geneesmiddel|medicamentos|farmaci|medicazione",
    "dose": r"dose|dosis|dosage|posologie|dosering|mg|mg/kg",
    # A MAR's 'Status', 'Administration Status', 'Statut' holds its actions (Given, Not Given, New Bag, Held): the
    # proposal gives a status column whose values say whether the entry is valid ('Result Status': Auth (Verified),
    # In Error) the role "status" before the actions (analysis/io/entry_status.py), and the status of an order,
    # result or entry is never the action (read as the action, a 'Result Status' hid the real 'Admin Event').
    # A bare 'Status' / 'Statut' is told by its cells (courses.looks_like_actions: New Bag, Rate Change, Stopped),
    # not by its name: a patient's Active / Completed / Withdrawn made a visit sheet a medication record.
    "action": r"action|mar[\s_]*action|aktion|admin[\s_]*action|admin[\s_]*event|(?<=\w\s)"
              r"(?<!result\s)(?<!order\s)(?<!entry\s)(?<!record\s)(?<!row\s)(?<!value\s)(?<!visit\s)(?<!patient\s)"
              r"(?<!encounter\s)(?<!charting\s)(?<!documentation\s)(?<!eintrag\s)(?<!ergebnis\s)"
              r"(?:status|statut(?!\sdu\sr[ée]sultat))",
    "route": r"route|admin[\s_]*route|route[\s_]*of[\s_]*administration|applikationsweg|applikationsart|"
             r"verabreichungsweg|voie|voie[\s_]*d[\s_']*administration|vía|via[\s_]*de[\s_]*administración|"
             r"via[\s_]*di[\s_]*somministrazione|toedieningsweg",
    "item": r"item|flo[\s_]*meas[\s_]*name|measure[\s_]*name|measure|measurement|observation|parameter|"
            r"component|question|display[\s_]*name|test|variable|mesure|messgröße|assessment|scale|"
            r"score[\s_]*name|kennzahl|paramètre|paramètre|row[\s_]*name|flowsheet[\s_]*row|name|"
            # A hospital system's measurement list in German, Dutch, Spanish, Italian; a UK coded-entry report's Term.
            r"messung|messart|bezeichnung|meting|bepaling|omschrijving|parámetro|medición|misura|misurazione|term",
    "value": r"value|meas[\s_]*value|result|wert|valeur|valor|valore|answer|response|"
             r"messwert|ergebnis|uitslag|waarde|résultat|resultado|risultato|numeric[\s_]*value",
    "before": r"pre|before|vor|avant|prä|prae|antes|prima|voor|baseline",
    "after": r"post|after|nach|après|apres|después|despues|dopo|na",
    "covariate": r"sex|gender|geschlecht|sexe|sexo|sesso|geslacht|age|alter|âge|edad|età|leeftijd|age[\s_]*band|"
                 r"altersgruppe|site|centre|center|zentrum|crps[\s_]*type|typ|type|limb|extremität|membre|"
                 r"inciting|ursache|duration|dauer|durée|group|gruppe|arm|bmi|smoker|raucher",
}
WORDS = {role: _folded(pattern) for role, pattern in WORDS.items()}


def header_words(name: str) -> str:
    """A header's words in lower case, one space apart: ``RESULT_STATUS_CD_DISP`` -> ``result status cd disp``,
    ``ResultStatus`` -> ``result status``."""
    return " ".join(re.split(r"[\W_]+", split_camel(name).casefold())).strip()


#: The roles whose words are also looked for in a name's camel-case words (``ClientId``, ``EpisodeID``,
#: ``VisitDate``, ``DoseMg``, ``AgeGroup``). Not the others: a survey tool's ``RecipientFirstName`` and ``ResponseId``
#: would name an observation's item and value (``name``, ``response``), a ``UserAgent`` a treatment.
CAMEL_ROLES = {"patient_id", "date", "dose", "covariate"}
#: The English words of a score's timing, also looked for in camel case: ``PainNRSPre`` / ``PainNRSPost``, ``NRSPre``,
#: ``preNRS``, ``postNRS`` are the scores before and after the treatment as ``Pain NRS pre`` / ``Pain NRS post`` are
#: (read as one word, they were two columns of one measure, a question). Not every word of the roles: a ``SerumNa``
#: is no score after a treatment (Dutch ``na``), a ``VorName`` none before one.
CAMEL_TIMING = {"before": r"pre|before|baseline", "after": r"post|after"}


def has_word(word: str, name: str) -> bool:
    """Whether ``name`` has a word of the role ``word`` (:data:`WORDS`): split at anything but letters and digits,
    or at spaces only (``Pat.-Nr.``), and for the roles :data:`CAMEL_ROLES` with camel case split too (for
    ``before`` and ``after`` only their English words, :data:`CAMEL_TIMING`)."""
    pattern = rf"(?:^|\s)(?:{WORDS[word]})(?:\s|$)"
    camel = words(name) if word in CAMEL_ROLES or word in CAMEL_TIMING else ""
    if word in CAMEL_TIMING:
        pattern_camel = rf"(?:^|\s)(?:{CAMEL_TIMING[word]})(?:\s|$)"
        if camel and re.search(pattern_camel, camel):
            return True
        camel = ""
    return any(re.search(pattern, tokens) is not None for tokens in (
        " ".join(re.split(r"[\W_]+", fold(name))), " ".join(fold(name).split()), camel))


#: Covariate names in other languages and exports -> the names the product's docs and demo use.
COVARIATE_NAMES = [
    ("sex", r"sex|gender|geschlecht|sexe|sexo|sesso|geslacht"),
    ("age_band", r"age[\s_]*(?:band|group|groupe|class)|altersgruppe|altersklasse|tranche[\s_]*d[\s_]*âge|"
                 r"grupo[\s_]*de[\s_]*edad|fascia[\s_]*d[\s_]*età|leeftijdsgroep"),
    ("crps_type", r"crps[\s_-]*(?:type|typ|tipo)"),
    ("site", r"site|centre|center|zentrum|standort|department(?:[\s_]*name)?|sede|locatie|data[\s_]*access[\s_]*group"),
]
COVARIATE_NAMES = [(name, _folded(pattern)) for name, pattern in COVARIATE_NAMES]


def covariate_name(label: str) -> str:
    """``Geschlecht`` -> ``sex``, ``AGE_GROUP`` -> ``age_band``; otherwise the label as a name."""
    text = words(label)
    for name, pattern in COVARIATE_NAMES:
        if re.fullmatch(rf"(?:{pattern})", text) or re.fullmatch(rf"(?:{pattern})", fold(label).strip()):
            return name
    return slug(label)


def id_like(name: str) -> bool:
    """Whether a name ends with an id word: ``visit_id``, ``Order No``, ``EpisodeID``."""
    tokens = re.split(r"[\W_]+", split_camel(name).casefold())
    return bool(tokens) and tokens[-1] in ("id", "nr", "no", "number", "nummer", "numéro", "code", "key", "csn", "fin")


#: A questionnaire's question by its number ('phq9_10', 'GAD-7 item 8'): a number beyond the questionnaire's
#: items is the "how difficult have these problems made it" question asked after them, no item of its score.
_QUESTION = re.compile(r"(phq|gad)\s*(9|7)\s*(?:item|q|question|frage|no|nr)?\s*(\d+)")
#: The PHQ-2, PHQ-4, PHQ-8, PHQ-15 (somatic symptoms) and GAD-2: other scales, with other ranges, never read
#: as the PHQ-9 or GAD-7. Named so with a hyphen ('PHQ-2'), or as a total ('PHQ2 total'); 15 also as 'PHQ15' (no
#: item of the PHQ-9). 'phq_2' and 'PHQ 2' alone stay item 2 of the PHQ-9, and a number with a unit is a visit
#: ('PHQ 4wk total', 'PHQ_15' beside 'Date_15').
_NOT_A_UNIT = r"(?!\d)(?!\s*(?:w|wk|wks|week|weeks|m|mo|mos|month|months|d|day|days|y|yr|yrs|year|years|h|hr)(?![a-z]))"
OTHER_SCALES = re.compile(rf"(?i)\b(?:(?:phq\s*-\s*(?:2|4|8|15)|gad\s*-\s*2|phq\s?15){_NOT_A_UNIT}|"
                          rf"(?:phq\s*_?\s*(?:2|4|8)|gad\s*_?\s*2){_NOT_A_UNIT}[^0-9]*?(?:total|score|sum|summe|gesamt))")


def question_after_items(name: str) -> str | None:
    """The questionnaire (``phq9``) whose items ``name`` numbers one beyond their count (``phq9_10``,
    ``GAD-7 item 8``: the "how difficult" question asked after them), else None. Only a name: the caller
    checks the values (0-3 answers; a PHQ-9 total of 12 in 'PHQ9_10' is a visit's score)."""
    question = _QUESTION.fullmatch(" ".join(re.split(r"[\W_]+", name.casefold())).strip())
    scale = MEASURES.get(question.group(1) + question.group(2)) if question else None
    return scale.name if scale is not None and scale.items and int(question.group(3)) == scale.items + 1 else None


#: Names about pain that are not its intensity: relief ('Pain relief 4 wk', 'Schmerzlinderung', 'Soulagement
#: douleur', a 0-10 relief rating or a percent), interference (BPI), a goal or acceptable level, a change.
#: Read as the 0-10 pain score, a relief of 7 became a pain of 7 (a clinic's best responders its worst) and a
#: relief of 50% a pain of 0.5.
NOT_PAIN_INTENSITY = re.compile(_folded(
    r"(?:^|\s|schmerz)(?:relie\w*|reduc\w*|improv\w*|chang\w*|interfer\w*|goals?|acceptab\w*|tolerab\w*|"
    r"catastroph\w*|behavio\w*|detect|linderung|besserung|verbesserung|reduktion|veränderung|beeinträchtigung|ziel|soulag\w*|"
    r"amélior\w*|ameli\w*|diminution|interférence|objectif|alivio|mejor\w*|reducci\w*|objetivo|verlicht\w*|"
    r"vermindering|verbetering|doel|sollievo|riduzion\w*|migliora\w*|obiettivo)(?:\s|$|\d)"))
#: Names about pain that are no intensity unless the name also says it is one: its quality, duration, onset or
#: frequency ('Pain duration (months)', 'Schmerzdauer'), but 'Pain Score (Duration 24h)' is a score.
PAIN_ASPECT = re.compile(_folded(r"(?:^|\s|schmerz)(?:qualit\w*|duration|dauer|onset|frequen\w*|häufigkeit)(?:\s|$|\d)"))
PAIN_INTENSITY_WORDS = re.compile(_folded(r"(?:^|\s)(?:score|nrs|vas|eva|intensity|intensität|intensité|intensidad|"
                                          r"level|rating|scale|skala|échelle|escala|niveau|stärke)(?:\s|$|\d)"))


#: Names of a pain that is not the score of the visit: an earlier or usual one ('PreviousPain', 'Previous Pain',
#: 'Prior pain', 'Usual pain', 'Pain history', 'History of pain'; not 'Last pain score', an EHR's latest score). Read as the pain score beside
#: 'Pain pre' / 'Pain post', it was a third, untimed score at the infusion: the rows' scores clashed and 15 of 18
#: infusions were dropped as duplicates (the regression review). The word comes before the pain ('Pain prior to
#: infusion' is the score before it; 'Worst pain in the last 24 h' a BPI severity item).
PAIN_HISTORY = re.compile(_folded(
    r"(?:^|\s)(?:previous|prior|usual|past|earlier|former|historical|vorherige\w*|frühere\w*|"
    r"vorige|eerdere)(?:\s(?:nrs|vas|numeric|average|avg))?\s(?:pain|nrs|nprs|vas|schmerz\w*|pijn)(?:\s|$)|"
    r"(?:^|\s)(?:douleur|dolor|dolore)\s(?:précédente|antérieure|habituelle|anterior|previo|habitual|precedente|"
    r"abituale)(?:\s|$)|"
    r"(?:^|\s)(?:pain|schmerz)\s?(?:history|hx|anamnese)(?:\s|$)|(?:^|\s)history\sof\s(?:the\s)?pain(?:\s|$)"))


def _not_intensity(tokens: str) -> bool:
    return NOT_PAIN_INTENSITY.search(tokens) is not None or PAIN_HISTORY.search(tokens) is not None or \
        (PAIN_ASPECT.search(tokens) is not None and PAIN_INTENSITY_WORDS.search(tokens) is None)


#: The EQ-5D (EuroQol) by its name: 'EQ-5D-5L', 'EQ5D', 'eq5d_pd', 'EuroQol'; its visual analogue scale 'EQ VAS',
#: 'EQ-VAS', 'eq_vas'.
EQ5D = re.compile(r"(?:^|\s)(?:eq\s?5\s?d\w*|euro\s?qol\w*|eq\s?vas|eqvas)(?:\s|$)")
#: The word of the EQ-5D's pain dimension beside pain: 'Pain/Discomfort' (and its German, French, Spanish, Italian and
#: Dutch versions: 'Schmerzen/Körperliche Beschwerden', 'Douleurs/gêne', 'Dolor/Malestar', 'Dolore/Fastidio',
#: 'Pijn/Klachten'); the name of a score says it is one ('Pain/discomfort NRS').
_DISCOMFORT = re.compile(_folded(r"(?:^|\s)(?:discomfort|beschwerden|gêne|malestar|fastidio|klachten|ongemak)(?:\s|$)"))
_SAYS_NRS = re.compile(r"(?:^|\s)(?:nrs|nprs|numeric|intensity|0 10|1 10)(?:\s|$)")
#: A T-score (PROMIS: 50 is the reference population's mean, 10 its standard deviation): 'PROMIS Pain Intensity 3a
#: T-score', 'promis_pain_intensity_tscore', 'PROMIS_PAIN_BEHAVIOR', 'Pain T-Wert'.
T_SCORE = re.compile(_folded(r"(?:^|\s)(?:promis(?:\d\w*)?|t\s?scores?|t\s?werte?)(?:\s|$|\d)"))


def named_scale(name: str) -> str | None:
    """What a column is when its name says a scale that is none of the known measures, else None: an EQ-5D
    dimension (``EQ-5D-5L Pain/Discomfort``, ``EQ5D Pain``, ``Pain/Discomfort``: a level 1-5, 1 = none), its index,
    the EQ VAS (``EQ VAS``: the patient's health today, 0-100), a T-score (``PROMIS Pain Intensity 3a T-score``,
    ``PROMIS_PAIN_BEHAVIOR``: 50 is the reference population's mean). None of them is the 0-10 pain score
    (:func:`measure_of`): read as it, the EQ-5D levels of a file without any pain score made its "pain"
    responders, and a T-score read as a 0-100 VAS gave a percent relief that means nothing. A pain of another time
    (:data:`PAIN_HISTORY`: ``Previous Pain``, ``Usual pain``, ``Pain history``) is no score of the visit either."""
    tokens = words(name)
    if PAIN_HISTORY.search(tokens):
        return "a pain of another time (previous, prior, usual, a history): not the score at this visit"
    eq5d, pain = EQ5D.search(tokens), re.search(rf"(?:^|\s)(?:{dict(MEASUREWORDS)['pain_nrs']})(?:\s|$)", tokens)
    if eq5d and re.search(r"(?:^|\s)(?:eq\s?vas|eqvas|vas)(?:\s|$)", tokens):
        return "the EQ VAS: the patient's health today, 0-100 (100 = the best imaginable), not pain"
    if eq5d and re.search(r"(?:^|\s)(?:index|utility|value|tariff)(?:\s|$)", tokens):
        return "the EQ-5D index: a utility, 1 = full health"
    if (eq5d and pain) or (_DISCOMFORT.search(tokens) and (eq5d or (pain and not _SAYS_NRS.search(tokens)))):
        return ("the EQ-5D's pain/discomfort dimension: a level 1-5 (1-3 in the EQ-5D-3L), 1 = none, not the 0-10 "
                "pain score")
    if eq5d:
        return "an EQ-5D dimension: a level 1-5 (1-3 in the EQ-5D-3L), 1 = no problems"
    # A name saying T-score, or a PROMIS measure's (its short forms are scored as T-scores); not PROMIS's 0-10 ratings
    # (PROMIS-29's pain intensity item, Global07 'Pain', a name with 0-10), refused as T-scores in the reviews.
    if sf_family(name):
        # 'SF-36 Bodily Pain' is 0-100 with a higher score for less pain: read as the pain score, its relief turned over.
        return "a scale of the SF-36 / SF-12: higher is better health, not the 0-10 pain score"
    if re.search(_folded(r"(?:^|\s)t\s?(?:scores?|werte?)(?:\s|$)"), tokens) or (
            T_SCORE.search(tokens) and not re.search(r"(?:^|\s)(?:0 10|1 10|29|global0?7|nrs|numeric|item)(?:\s|$)",
                                                     tokens)):
        way = named_direction(name)
        return "a T-score (PROMIS: 50 = the reference population's mean, 10 its SD), neither a 0-10 score nor a VAS" + \
            (f"; {'higher' if way[0] else 'lower'} is better ({way[1]})" if way else "")
    return None


#: The LOINC codes of the known measures, as research data warehouses write an observation's item (OMOP's
#: ``measurement_source_value``, PCORnet's ``OBSCLIN_CODE``, i2b2's ``concept_cd`` ``LOINC:72514-3``): the 0-10
#: numeric pain rating (not 38208-5 'Pain severity - Reported', of any scale), the PHQ-9 and GAD-7 totals.
LOINC_MEASURES = {"72514-3": "pain_nrs", "44261-6": "phq9", "70274-6": "gad7"}
_LOINC = re.compile(r"(?i)\s*(?:loinc\s*:\s*)?(\d{1,7}-\d)\s*")


def loinc_measure(code: str) -> str | None:
    """The known measure a LOINC code stands for (``72514-3``, ``LOINC:72514-3`` -> ``pain_nrs``), else None."""
    m = _LOINC.fullmatch(str(code))
    return LOINC_MEASURES.get(m.group(1)) if m else None


#: An SF-12 / SF-36 component summary by its name: the version ('SF-12', 'SF12v2', 'SF-36', 'Short Form 12') with the
#: summary ('PCS', 'MCS', 'Physical Component Summary'). A short name with a number and no SF ('PCS-12', 'PCS_12',
#: 'PCS36', 'MCS-12') is not enough: 'PCS-12' is as often the Pain Catastrophizing Scale's item 12 (a sheet of items
#: PCS-1 ... PCS-13 offered its item 12 as the SF-12 summary, higher-is-better: the regression review).
_SF_VERSION = re.compile(r"(?:^| )(?:sf (12|36)(?: v [12])?|short form (12|36))(?: |$)")
_SF_WHICH = re.compile(r"(?:^| )(?:(pcs)|(mcs)|(physical)(?: health)? component (?:summary|score)|"
                       r"(mental)(?: health)? component (?:summary|score))(?: |$)")


def sf_summary(name: str) -> str | None:
    """The registry's SF-12 / SF-36 component summary a name says with its instrument (``SF-12 PCS``, ``SF12_PCS``,
    ``SF-36 MCS``, ``PCS-12 (SF-12)``, ``Physical Component Summary (SF-12)`` -> ``sf12_pcs`` ...), else None: a
    summary without its version ('Physical Component Summary', read under its own name, higher is better by its
    name: :mod:`analysis.measure_names`), a bare ``PCS`` or ``PCS-12`` / ``MCS-12`` (the Pain Catastrophizing Scale
    and its items as often)."""
    w = name_words(name)
    version, which = _SF_VERSION.search(w), _SF_WHICH.search(w)
    if version is None or which is None:
        return None
    return f"sf{version.group(1) or version.group(2)}_{'pcs' if which.group(1) or which.group(3) else 'mcs'}"


#: The Brief Pain Inventory (Cleeland & Ryan 1994): its four severity items ('BPI Worst', 'BPI Least', 'BPI Average',
#: 'BPI Now', and their mean 'BPI Severity') are 0-10 pain ratings, named with or without the word pain; its seven
#: interference items (general activity, mood, walking, work, relations, sleep, enjoyment of life) are no pain score,
#: though 'Brief Pain Inventory - Mood' says pain.
_BPI = re.compile(r"(?:^|\s)(?:bpi\w*|brief pain inventory)(?:\s|$)")
_BPI_SEVERITY = re.compile(r"(?:^|\s)(?:worst|least|average|avg|mean|now|current|currently|severity)(?:\s|$)")
_BPI_INTERFERENCE = re.compile(r"(?:^|\s)(?:general activity|activity|mood|walking|walk|work|relations\w*|sleep|"
                               r"enjoyment|life|interference|interf|relief)(?:\s|$)")
#: The BPI's questions about treatment ('What treatments or medications are you receiving', 'how much relief have
#: they provided'): 'BPI Current Medication', 'BPI Q7 Current Treatment' are no severity item though they say
#: "current" (read as the pain score, a numeric answer or a dose would have been a pain rating).
_BPI_TREATMENT = re.compile(r"(?:^|\s)(?:medic\w*|meds|treatments?|therap\w*|drugs?|analgesi\w*|doses?)(?:\s|$)")


def measure_of(name: str) -> str | None:
    """The known measure a column or item name names (``"Pain Score (0-10)"`` -> ``pain_nrs``; a LOINC code,
    :data:`LOINC_MEASURES`); None for another scale of the PHQ family (:data:`OTHER_SCALES`), for a name
    about pain that is not its intensity (:data:`NOT_PAIN_INTENSITY`: ``Pain relief``, ``Pain interference``,
    ``Pain goal``) and for another pain scale (:func:`named_scale`: ``EQ-5D-5L Pain/Discomfort``, ``EQ VAS``,
    ``PROMIS Pain Intensity 3a T-score``), unless the name also names another measure (``PGIC pain improvement``
    is the PGIC). Camel case is split (``BPIAveragePain`` is a pain score). A Brief Pain Inventory's severity item
    is the pain score without the word pain (``BPI Worst``, ``BPI_avg``), its interference and treatment items never
    are (``BPI Mood``, ``Brief Pain Inventory - Sleep``, ``BPI Current Medication``)."""
    c = canonical(name)
    if c in KNOWN_MEASURES:
        return c
    if _LOINC.fullmatch(str(name)):
        return loinc_measure(name)
    if OTHER_SCALES.search(str(name)):
        return None
    summary = sf_summary(name)
    if summary is not None or sf_family(name):
        return summary  # an SF-12 / SF-36 summary, or another SF scale ('SF-36 Bodily Pain': no pain score)
    tokens = words(name)
    if _BPI.search(tokens):
        if _BPI_INTERFERENCE.search(tokens) or _BPI_TREATMENT.search(tokens) or _not_intensity(tokens):
            return None  # 'BPI Mood', 'BPI Current Medication': an interference or treatment item, no pain score
        if _BPI_SEVERITY.search(tokens):
            return "pain_nrs"  # 'BPI Worst', 'BPI_avg', 'BPI Now': a severity item, a 0-10 pain rating
    for measure, pattern in MEASUREWORDS:
        if measure in _WHOLE_NAME:
            if re.fullmatch(rf"(?:{_VISIT_WORDS}\s)?(?:{pattern})(?:\s{_VISIT_WORDS})?", tokens):
                return measure
            continue
        if re.search(rf"(?:^|\s)(?:{pattern})(?:\s|$|\d)", tokens):
            if measure == "pain_nrs" and (named_scale(name) or _not_intensity(tokens)):
                continue  # not the pain score; perhaps a measure named below ('Pain Catastrophizing Scale')
            return measure
    return None
