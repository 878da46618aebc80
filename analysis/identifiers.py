"""The identifier guard: refuse columns that look like direct identifiers.

Outcome data must be anonymised before it is loaded. A column is refused when its **name** says
it is an identifier (``dob``, ``name``, ``email``, ``phone``, ``address``, ``ssn``, ``nhs_number``,
``zip``, ``postcode``, ``mrn``, ...) or when its **content** looks like one: e-mail addresses,
phone numbers, SSN/national-insurance-like numbers, street addresses, full calendar dates (such
as dates of birth), exact ZIP/postcodes or person names.

What is deliberately *not* flagged: the canonical columns by name (``patient_id``, ``day``,
``date``/``datetime`` visit dates, which the loader converts to days and drops), values made only
of digits (they cannot be told apart from measurements and pseudonymous IDs; name such columns
so the name check catches them), and ordinary covariates such as ``age_band`` ``40-49``,
``site`` ``site_A``, ``sex`` ``M``/``F`` or treatment labels such as ``ketamine_iv``.

The content checks look at a sample of at most :data:`SAMPLE_SIZE` distinct non-empty values
per column (the first ones and an evenly spread selection), so they cost the same for 100 or
3 million rows. A kind of identifier is reported when at least half of the sampled values match
it; e-mail addresses are reported when any sampled value holds one.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Distinct values per column examined by the content checks.
SAMPLE_SIZE = 1000
#: Share of sampled values that must match a kind for the column to be flagged.
CONTENT_SHARE = 0.5


def _compact(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(name).casefold())


def _tokens(name: str) -> list[str]:
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(name))  # camelCase -> camel_Case
    return [t for t in re.split(r"[^0-9a-z]+", s.casefold()) if t]


# Whole names (lower-case, punctuation removed) that are identifiers.
_EXACT_NAMES = {
    "name": "person name", "names": "person name", "fullname": "person name", "firstname": "person name",
    "lastname": "person name", "surname": "person name", "forename": "person name", "forenames": "person name",
    "givenname": "person name", "familyname": "person name", "middlename": "person name",
    "maidenname": "person name", "patientname": "person name", "initials": "person initials",
    "dob": "date of birth", "dateofbirth": "date of birth", "birthdate": "date of birth",
    "birthday": "date of birth", "geburtsdatum": "date of birth",
    "email": "e-mail address", "emailaddress": "e-mail address", "mail": "e-mail address",
    "phone": "phone number", "phonenumber": "phone number", "telephone": "phone number",
    "tel": "phone number", "mobile": "phone number", "mobilenumber": "phone number",
    "cellphone": "phone number", "fax": "phone number",
    "address": "street address", "streetaddress": "street address", "street": "street address",
    "homeaddress": "street address", "addressline1": "street address", "addressline2": "street address",
    "ssn": "national ID number", "socialsecuritynumber": "national ID number", "nhsnumber": "national ID number",
    "nhsno": "national ID number", "nationalid": "national ID number", "nationalidnumber": "national ID number",
    "ninumber": "national ID number", "nino": "national ID number", "passport": "national ID number",
    "passportnumber": "national ID number", "insurancenumber": "national ID number",
    "zip": "ZIP/postcode", "zipcode": "ZIP/postcode", "postcode": "ZIP/postcode", "postalcode": "ZIP/postcode",
    "plz": "ZIP/postcode",
    "mrn": "medical record number", "medicalrecordnumber": "medical record number",
    "hospitalnumber": "medical record number", "chinumber": "national ID number",
    "ipaddress": "IP address",
}
# Words that make a name an identifier wherever they appear in it (``patient_email``, ``home_phone``).
_TOKENS = {
    "dob": "date of birth", "birthdate": "date of birth", "birthday": "date of birth",
    "email": "e-mail address", "phone": "phone number", "telephone": "phone number",
    "surname": "person name", "forename": "person name", "firstname": "person name", "lastname": "person name",
    "fullname": "person name", "address": "street address", "street": "street address",
    "ssn": "national ID number", "nhs": "national ID number", "passport": "national ID number",
    "zip": "ZIP/postcode", "zipcode": "ZIP/postcode", "postcode": "ZIP/postcode",
    "mrn": "medical record number",
}
# Word sequences inside a name (``date_of_birth_v2``, ``patient first name``).
_PHRASES = {
    "dateofbirth": "date of birth", "birthdate": "date of birth", "firstname": "person name",
    "lastname": "person name", "givenname": "person name", "familyname": "person name",
    "patientname": "person name", "emailaddress": "e-mail address", "phonenumber": "phone number",
    "postalcode": "ZIP/postcode", "socialsecurity": "national ID number", "nationalid": "national ID number",
    "medicalrecord": "medical record number", "hospitalnumber": "medical record number",
    "mobilenumber": "phone number", "cellphone": "phone number",
}


def name_reason(name: str) -> str | None:
    """Why a column *name* marks an identifier, or None."""
    compact = _compact(name)
    if compact in _EXACT_NAMES:
        return f"its name says it holds a {_EXACT_NAMES[compact]}"
    toks = _tokens(name)
    for t in toks:
        if t in _TOKENS:
            return f"its name says it holds a {_TOKENS[t]}"
    for i in range(len(toks)):
        for j in range(i + 2, min(len(toks), i + 4) + 1):
            phrase = "".join(toks[i:j])
            if phrase in _PHRASES:
                return f"its name says it holds a {_PHRASES[phrase]}"
    return None


# Common given names (lower case) used to recognise person-name values. Words that are also
# ordinary English words or labels (may, june, will, grace, ...) are left out on purpose.
FIRST_NAMES = frozenset("""
aaron abdul adam adrian ahmed aidan aisha alan albert alejandro alex alexander alexandra alfred ali alice
alicia alison amanda amelia amy ana andrea andrew andy angela anna anne annie anthony antonio arthur ashley
barbara ben benjamin bernard beth betty bob brandon brenda brian bruce carl carla carlos carol caroline
carolyn catherine charles charlie charlotte chloe chris christian christina christine christopher claire
clara colin craig daniel david deborah dennis diana diane donald donna dorothy douglas edward elena elizabeth
ella ellen emily emma eric erik eva evelyn fatima frank fred gary george gerald giovanni giuseppe gloria
gordon greg gregory hannah hans harold harry heather helen henry ian isabel isabella jack jacob james jan
jane janet janice jason jean jeffrey jennifer jeremy jessica jim joan joe johann johanna john jonathan jorge
jose joseph joshua juan judith julia julie justin karen karl katherine kathleen kathryn katie keith kelly
kenneth kevin kim kyle larry laura lauren lawrence linda lisa louis louise lucas lucy luis luke lynn
margaret maria marie marilyn mario martha martin mary matthew megan melissa michael michelle mohamed
mohammed muhammad nancy natalie nathan nicholas nicole noah olivia oliver oscar pamela patricia patrick paul
paula peter philip pierre rachel ralph raymond rebecca richard robert roger ronald roy russell ruth ryan
samantha samuel sandra sara sarah scott sean sharon shirley sophia sophie stephanie stephen steven susan
teresa thomas timothy tom tyler victoria vincent virginia walter wayne william yusuf zoe
""".split())

_NUMERIC = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ISO_DATE_START = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_FULL_DATE = re.compile(
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?")
_SSN = re.compile(
    r"\d{3}-\d{2}-\d{4}"                                            # US social security number
    r"|[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]"              # UK national insurance number
    r"|\d{3} \d{3} \d{4}"                                             # NHS number as usually written
    r"|\d{6}[-+A]\d{3}[0-9A-Z]", re.IGNORECASE)                       # Nordic personal identity number
_PHONE = re.compile(r"(?:\+|00)?\(?\d[\d ().\-/]{6,}\d")
_POSTCODE = re.compile(
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"   # UK
    r"|\d{5}-\d{4}"                        # US ZIP+4
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d"            # Canada
    r"|\d{4} ?[A-Z]{2}", re.IGNORECASE)    # Netherlands
_STREET_WORDS = (r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|close|"
                 r"crescent|terrace|square|sq|highway|hwy|parkway|pkwy")
_ADDRESS = re.compile(
    rf"\d+[A-Za-z]?,? +(?:[^\W\d_][\w'.-]* +){{0,4}}(?:{_STREET_WORDS})\b\.?"                 # 221B Baker Street
    r"|[^\W\d_]+(?:strasse|straße|str\.|weg|gasse|platz|allee|laan|straat|gatan|vej)\s*\d+"    # Hauptstraße 5
    r"|(?:rue|avenue|via|calle|chemin|boulevard|carrer|rua)\s+.*\d|\d+,?\s+(?:rue|avenue|via|calle)\b",
    re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]+(?:[ '.,-]+[^\W\d_]+){0,3}\.?")
# Every match of _ADDRESS holds white space or one of its street words (same flags): a value without
# either cannot be an address. Testing that first skips the pattern's backtracking (1-2 ms for a
# column of 1,000 patient ids, in each file) on the usual columns.
_ADDRESS_HINT = re.compile(r"\s|strasse|straße|str\.|weg|gasse|platz|allee|laan|straat|gatan|vej", re.IGNORECASE)
_ADDRESS_WORDS = ("strasse", "str.", "weg", "gasse", "platz", "allee", "laan", "straat", "gatan", "vej")
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what \s matches among ASCII characters


def _may_hold_address(values: list[str]) -> bool:
    """False when no value can match _ADDRESS (no white space and no street word in any of them). For
    ASCII text, plain substring searches of the lower-cased values (IGNORECASE = lower case there);
    otherwise _ADDRESS_HINT on each value."""
    joined = "\0".join(values)  # NUL: neither white space nor part of a word, so a hit lies in one value
    if not joined.isascii():
        return any(_ADDRESS_HINT.search(v) for v in values)
    low = joined.lower()
    return any(c in low for c in _ASCII_SPACE) or any(w in low for w in _ADDRESS_WORDS)


_WORD_TOKEN = re.compile(r"[^\W\d_]+")


def sample_positions(n: int) -> np.ndarray | None:
    """The rows (sorted positions) the content checks look at in a column of ``n`` values; None = all.

    The first 2 x SAMPLE_SIZE rows plus 2 x SAMPLE_SIZE rows spread evenly over the column, so at most
    4 x SAMPLE_SIZE rows whatever the column's length. A caller may pass only these rows (in this
    order) to :func:`content_reason` and gets the same answer as for the whole column.
    """
    if n <= 4 * SAMPLE_SIZE:
        return None
    # Above 4 x SAMPLE_SIZE rows the spread positions are more than 2 apart, so distinct, and the
    # union with the first rows is that simple (= np.unique of both, without its sort).
    spread = np.linspace(0, n - 1, 2 * SAMPLE_SIZE).astype(int)
    return np.concatenate([np.arange(2 * SAMPLE_SIZE), spread[spread >= 2 * SAMPLE_SIZE]])


def _missing(v) -> bool:
    """None, NaN, NaT or pd.NA (whose comparisons are not booleans)."""
    na = pd.isna(v)
    return isinstance(na, (bool, np.bool_)) and bool(na)


def _sample(values) -> list[str]:
    """At most SAMPLE_SIZE distinct non-empty values: from the first rows plus rows spread evenly over
    the column (``values``: a Series or a 1-d array)."""
    pos = sample_positions(len(values))
    if isinstance(values, pd.Series):
        values = values.iloc[pos] if pos is not None else values
        cells = np.asarray(values.to_numpy(), dtype=object)
    else:
        cells = np.asarray(values, dtype=object)
        cells = cells[pos] if pos is not None else cells
    if not len(cells):
        return []
    # Distinct cells first (a dict keeps first-appearance order), then strip only those: the same
    # values in the same order as stripping every cell, at a fraction of the cost for the usual
    # columns of a few distinct values.
    distinct = list(dict.fromkeys(cells.tolist()))
    if set(map(type, distinct)) == {str}:  # the loader's case: text cells (loops in C)
        out = dict.fromkeys(map(str.strip, distinct))
        out.pop("", None)
        return list(out)[:SAMPLE_SIZE]
    if not all(isinstance(v, str) or _missing(v) for v in distinct):
        distinct = cells.tolist()  # numbers (1 == 1.0 == True would merge): every cell, as written
    out = dict.fromkeys(v.strip() if isinstance(v, str) else str(v).strip()
                        for v in distinct if isinstance(v, str) or not pd.isna(v))
    out.pop("", None)
    return list(out)[:SAMPLE_SIZE]


def content_reason(values, *, allow_dates: bool = False) -> str | None:
    """Why a column's *values* look like direct identifiers, or None.

    Parameters
    ----------
    values : Series or 1-d array of str
        The column's cells as text (empty string = empty cell).
    allow_dates : bool
        True for the visit-date column (``date``/``datetime``), whose full dates are expected.
    """
    return _sample_reason(_sample(values), allow_dates)  # bounded: at most SAMPLE_SIZE values


def _whole_lines(pattern: re.Pattern) -> re.Pattern:
    """``pattern`` matching whole lines of a text that starts and ends with a line break, from the
    break before the line (= fullmatch of each line). None of the patterns below matches a line
    break, so a match never spans two lines; the leading literal break lets the regex engine skip
    from line to line instead of trying every position."""
    return re.compile(rf"\n(?:{pattern.pattern})(?=\n)", pattern.flags)


_NUMERIC_LINE, _FULL_DATE_LINE, _SSN_LINE, _POSTCODE_LINE, _PHONE_LINE, _WORDS_LINE = map(
    _whole_lines, (_NUMERIC, _FULL_DATE, _SSN, _POSTCODE, _PHONE, _WORDS))
_ISO_DATE_START_LINE = re.compile(rf"\n(?:{_ISO_DATE_START.pattern})")


def _share(k: int, n: int) -> bool:
    return k > 0 and k / n >= CONTENT_SHARE


def _sample_reason(sample: list[str], allow_dates: bool) -> str | None:
    """:func:`content_reason` of a column's sample (:func:`_sample`): value by value for a few
    values, as lines of one text (:func:`_sample_reason_lines`) for many."""
    if len(sample) < 64:
        return _sample_reason_per_value(sample, allow_dates)
    return _sample_reason_lines(sample, allow_dates)


def _sample_reason_lines(sample: list[str], allow_dates: bool) -> str | None:
    """:func:`_sample_reason`, with the values joined into one text, a value per line: each pattern
    scans that text once (in C) for whole lines, instead of being called value by value in Python
    (a sample of 1,000 patient ids: ~0.75 ms instead of ~1.2 ms, in every file). Values holding a
    line break take the value-by-value path, :func:`_sample_reason_per_value` (the same rules; a
    property test holds the two together)."""
    n = len(sample)
    if n == 0:
        return None
    joined = "\n" + "\n".join(sample) + "\n"
    if joined.count("\n") != n + 1:
        return _sample_reason_per_value(sample, allow_dates)
    if "@" in joined and _EMAIL.search(joined):  # no e-mail match crosses a line break
        return "it holds e-mail addresses"
    lengths = np.fromiter(map(len, sample), dtype=np.int64, count=n)
    breaks = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))  # the line break before each value

    def lines(pattern: re.Pattern) -> np.ndarray:
        """Which values the line pattern (:func:`_whole_lines`) matches."""
        hit = np.zeros(n, dtype=bool)
        at = [m.start() for m in pattern.finditer(joined)]
        if at:
            hit[np.searchsorted(breaks, at)] = True
        return hit

    text = ~lines(_NUMERIC_LINE)  # digits-only values are never flagged
    if not _share(int(text.sum()), n):
        return None  # every check below counts text values only
    is_date = lines(_FULL_DATE_LINE) & text
    if not allow_dates and _share(int(is_date.sum()), n):
        return "it holds full calendar dates (such as dates of birth)"
    rest = text & ~is_date & ~lines(_ISO_DATE_START_LINE)
    if not _share(int(rest.sum()), n):
        return None
    if _share(int((lines(_SSN_LINE) & rest).sum()), n):
        return "it holds national ID / social-security-like numbers"
    if _share(int((lines(_POSTCODE_LINE) & rest).sum()), n):
        return "it holds exact ZIP/postcodes"
    phone = np.flatnonzero(lines(_PHONE_LINE) & rest)
    if _share(sum(sum(ch.isdigit() for ch in sample[i]) >= 9 for i in phone), n):
        return "it holds phone numbers"
    rest_values = [sample[i] for i in np.flatnonzero(rest)]
    if _may_hold_address(rest_values):
        if _share(sum(1 for v in rest_values if _ADDRESS_HINT.search(v) and _ADDRESS.search(v)), n):
            return "it holds street addresses"
    words = np.flatnonzero(lines(_WORDS_LINE) & rest)
    if _share(sum(any(t in FIRST_NAMES for t in _WORD_TOKEN.findall(sample[i].casefold())) for i in words), n):
        return "it holds person names"
    return None


def _sample_reason_per_value(sample: list[str], allow_dates: bool) -> str | None:
    """:func:`_sample_reason` value by value (for samples whose values hold line breaks)."""
    n = len(sample)
    if n == 0:
        return None
    if any(_EMAIL.search(v) for v in sample):
        return "it holds e-mail addresses"
    text = [v for v in sample if not _NUMERIC.fullmatch(v)]  # digits-only values are never flagged

    def share(matches, total: int) -> bool:
        """At least CONTENT_SHARE of the n sampled values match (``matches`` yields ``total`` results).
        Stops as soon as the answer is known either way: the checks run on every file's sample."""
        k = 0
        for seen, m in enumerate(matches, start=1):
            if m:
                k += 1
                if k / n >= CONTENT_SHARE:
                    return True
            elif (k + total - seen) / n < CONTENT_SHARE:
                return False
        return k > 0 and k / n >= CONTENT_SHARE

    is_date = [bool(_FULL_DATE.fullmatch(v)) for v in text]
    if not allow_dates and share(is_date, len(is_date)):
        return "it holds full calendar dates (such as dates of birth)"
    rest = [v for v, d in zip(text, is_date) if not d and not _ISO_DATE_START.match(v)]
    if share((_SSN.fullmatch(v) for v in rest), len(rest)):
        return "it holds national ID / social-security-like numbers"
    if share((_POSTCODE.fullmatch(v) for v in rest), len(rest)):
        return "it holds exact ZIP/postcodes"
    if share((_PHONE.fullmatch(v) and sum(ch.isdigit() for ch in v) >= 9 for v in rest), len(rest)):
        return "it holds phone numbers"
    if _may_hold_address(rest):
        hinted = [v for v in rest if _ADDRESS_HINT.search(v)]
        if share((_ADDRESS.search(v) for v in hinted), len(hinted)):
            return "it holds street addresses"
    if share((_WORDS.fullmatch(v) and any(t in FIRST_NAMES for t in _WORD_TOKEN.findall(v.casefold()))
              for v in rest), len(rest)):
        return "it holds person names"
    return None


def find_identifier_columns(df, headers: dict[str, str], *, skip_name_check: set[str],
                            date_columns: set[str], cache: dict | None = None) -> list[tuple[str, str]]:
    """Columns of ``df`` that look like direct identifiers.

    Parameters
    ----------
    df : DataFrame, or a mapping of column name -> 1-d array
        The file's cells as text, columns named after mapping.
    headers : dict
        Column name in ``df`` -> the header as written in the file.
    skip_name_check : set of str
        Columns whose (mapped) name is canonical (``patient_id``, ``day``, ...): their names are
        trusted, their content is still checked.
    date_columns : set of str
        Visit-date columns (``date``/``datetime``) whose full dates are expected.
    cache : dict, optional
        Content answers by sample, shared by the files of one load: the patient ids of the three
        files usually give the same sample, checked once.

    Returns
    -------
    list of (column, why)
        ``column`` is the name in ``df``; ``why`` a short phrase ("its name says it holds a phone number").
    """
    found = []
    for col in df:
        why = None
        if col not in skip_name_check:
            why = name_reason(headers.get(col, col)) or name_reason(col)
        if why is None:
            sample = _sample(df[col])
            # The answer depends on the set of sampled values only (shares and "any"), not their order.
            key = (col in date_columns, frozenset(sample))
            if cache is not None and key in cache:
                why = cache[key]
            else:
                why = _sample_reason(sample, col in date_columns)
                if cache is not None:
                    cache[key] = why
        if why is not None:
            found.append((col, why))
    return found
