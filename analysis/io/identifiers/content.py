"""The content check of the identifier guard: the kind of identifier a column's distinct values
hold (e-mail addresses, dates, national numbers, phone numbers, names, ...), or None; see
:mod:`analysis.io.identifiers` for the rules."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .names import _fold
from .patterns import (_ADDRESS_PY, _COMPILED, _DOB_IN_TEXT, _HAN_SURNAMES, _JA_SURNAMES, _KO_SURNAMES,
                       _NOT_PERSON_WORDS, _PARTICLES, _PHONE_IN_TEXT, _TITLES, _UNITS, _WORD, FIRST_NAMES, SURNAMES)

#: Share of a column's distinct non-empty values that must be of one kind for the column to be flagged.
CONTENT_SHARE = 0.5
#: Digits-only values with fewer significant digits than this are never flagged (scores, pseudonymous ids).
MIN_SIGNIFICANT_DIGITS = 7
#: Numbers below this magnitude have fewer than MIN_SIGNIFICANT_DIGITS digits before the point: a
#: column of such numbers is never flagged by content (the loader skips reading its text back).
NEVER_FLAGGED_BELOW = 10 ** (MIN_SIGNIFICANT_DIGITS - 1)

class _Lines:
    """A column's distinct values as the lines of one text, so that each pattern scans them all in
    one call (in C) instead of being called value by value: ``full(key)`` marks the values the
    pattern matches as a whole, ``search(key)`` those it finds anywhere in. A line break inside a
    value counts as a space."""

    def __init__(self, values: list[str]):
        joined = "\n" + "\n".join(values) + "\n"
        if joined.count("\n") != len(values) + 1:
            values = [v.replace("\n", " ") for v in values]
            joined = "\n" + "\n".join(values) + "\n"
        self.values, self.text, self.n = values, joined, len(values)
        self._breaks = None

    @property
    def breaks(self) -> np.ndarray:
        """Where the line break before each value is (computed when first needed)."""
        if self._breaks is None:
            lengths = np.fromiter(map(len, self.values), dtype=np.int64, count=self.n)
            self._breaks = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        return self._breaks

    def _hits(self, key: str, side: str) -> np.ndarray:
        hit = np.zeros(self.n, dtype=bool)
        at = [m.start() for m in _COMPILED[key].finditer(self.text)]
        if at:
            idx = np.searchsorted(self.breaks, at, side=side)
            hit[idx if side == "left" else idx - 1] = True
        return hit

    def count(self, key: str) -> int:
        """How many values the (whole-value) pattern matches."""
        return _COMPILED[key].subn("", self.text)[1]

    def full(self, key: str) -> np.ndarray:
        return self._hits(key, "left")

    def search(self, key: str) -> np.ndarray:
        return self._hits(key, "right")


def _significant(v: str) -> str:
    return v.lstrip("+").lstrip("0")


def _nhs_valid(d: str) -> bool:
    """NHS number check digit (modulus 11, weights 10..2)."""
    if len(d) != 10:
        return False
    s = sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1)))
    check = 11 - s % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(d[9])


def _bsn_valid(d: str) -> bool:
    """Dutch BSN "elfproef": sum of digits x (9..2) minus the last digit divisible by 11."""
    if len(d) != 9 or d[0] == "0" and d[1] == "0":
        return False
    s = sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1))) - int(d[8])
    return s % 11 == 0 and s != 0


def _yyyymmdd(d: str) -> bool:
    if len(d) != 8:
        return False
    y, m, day = int(d[:4]), int(d[4:6]), int(d[6:])
    return 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= day <= 31


def _long_number_kinds(v: str) -> set[str]:
    """What a digits-only value with 7 or more significant digits may be: a date (YYYYMMDD), a
    national number with a valid check digit (NHS, BSN), a phone number (international, national with
    a leading 0, or North American); empty if none."""
    d = v.lstrip("+")
    if v.startswith(("+", "00")) and 10 <= len(d.lstrip("0")) <= 15:
        return {"phone"}
    if _yyyymmdd(d):
        return {"date"}
    kinds = set()
    if _nhs_valid(d) or _bsn_valid(d):
        kinds.add("national")
    if re.fullmatch(r"0[1-9]\d{8,9}|[2-9]\d{2}[2-9]\d{6}", d):
        kinds.add("phone")
    return kinds


def _dmy_valid(v: str) -> bool:
    """Day and month of a day/month-first date (either order) are possible."""
    a, b = (int(x) for x in re.match(r"(\d{1,2})[-/.](\d{1,2})", v).groups())
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


def _ymd_valid(v: str) -> bool:
    y, m, d = (int(x) for x in re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", v).groups())
    return 1000 <= y <= 2999 and 1 <= m <= 12 and 1 <= d <= 31


def _dni_valid(v: str) -> bool:
    s = re.sub(r"[\s-]", "", v.upper())
    s = s.replace("X", "0", 1) if s[0] == "X" else s.replace("Y", "1", 1) if s[0] == "Y" else (
        s.replace("Z", "2", 1) if s[0] == "Z" else s)
    if not re.fullmatch(r"\d{8}[A-Z]", s):
        return True  # another kind of national number matched by the pattern
    return "TRWAGMYFPDXBNJZSQVHLCKE"[int(s[:8]) % 23] == s[8]


def _national_valid(v: str) -> bool:
    """Check digits where the number has one (DNI/NIE letter); True for the other kinds."""
    if re.fullmatch(r"(?i)\d{8}[ -]?[A-Z]|[XYZ][ -]?\d{7}[ -]?[A-Z]", v):
        return _dni_valid(v)
    return True


def _postcode_valid(v: str) -> bool:
    """Dutch-style "1234 AB" is a postcode, "1800 mg" a dose."""
    m = re.fullmatch(r"(?i)\d{4}\s?([A-Z]{2})", v)
    return m is None or m.group(1).lower() not in _UNITS


def _phone_valid(v: str) -> bool:
    digits = sum(ch.isdigit() for ch in v)
    if not 9 <= digits <= 15:
        return False
    groups = re.findall(r"\d+", v)
    # Ranges and pairs ("20000-30000", "120/80") are not phone numbers: a phone number starts
    # with +, 00, 0 or a bracket, or has three groups or more.
    return v.startswith(("+", "0", "(")) or len(groups) >= 3


def _is_capitalised(w: str) -> bool:
    return w[:1].isupper()


def _name_kind(v: str) -> bool:
    """Whether a value made of letters is a person's name (see the module docstring)."""
    words = _WORD.findall(v)
    if not words or len(words) > 5:
        return False
    folded = [_fold(w) for w in words]
    if any(f in _NOT_PERSON_WORDS for f in folded):
        return False
    if "," in v:  # "Smith, J." / "Smith, John" / "García López, José"
        last, _, first = v.partition(",")
        first_words = _WORD.findall(first)
        last_words = [_fold(w) for w in _WORD.findall(last)]
        if not first_words or not last_words or len(first_words) > 3 or "," in first:
            return False
        initials = re.fullmatch(r"\s*(?:[^\W\d_]\.?\s*-?\s*){1,3}", first) is not None
        known = any(w in SURNAMES or w in FIRST_NAMES for w in last_words) or any(
            _fold(w) in FIRST_NAMES for w in first_words)
        return (initials and _is_capitalised(last.strip())) or known
    if len(words) == 1:  # capitalised, as names are written ("Moreno", "Smith"; not "greco", "christian")
        return _is_capitalised(words[0]) and (folded[0] in FIRST_NAMES or folded[0] in SURNAMES)
    main = [w for w, f in zip(words, folded) if f not in _PARTICLES]
    if not main:
        return False
    hits = sum(f in FIRST_NAMES or f in SURNAMES for f in folded)
    return hits >= 1 and (all(_is_capitalised(w) for w in main) or v == v.lower() or v == v.upper())


def _cjk_name(v: str) -> bool:
    return v[0] in _HAN_SURNAMES or v[0] in _KO_SURNAMES or v.startswith(_JA_SURNAMES)


def _names_in_text(v: str) -> bool:
    """A free-text value naming a person: a known given name followed by a capitalised word
    ("John Smith", "José García"), or a title followed by a capitalised word ("Mrs Jones")."""
    words = list(_WORD.finditer(v))
    for i in range(len(words) - 1):
        w, nxt = words[i].group(), words[i + 1].group()
        f, fn = _fold(w), _fold(nxt)
        gap = v[words[i].end():words[i + 1].start()]
        if gap.strip(" .") or not _is_capitalised(nxt) or fn in _NOT_PERSON_WORDS:
            continue
        before = _fold(words[i - 1].group()) if i else ""
        if before in _NOT_PERSON_WORDS:
            continue  # "St Mary Street", "Royal Victoria Infirmary"
        # A title as a title is written ("Mrs", "Frau"; not "MS" or "MR", which are diagnoses and scans).
        if (f in _TITLES and _is_capitalised(w) and not w.isupper()) or (_is_capitalised(w) and f in FIRST_NAMES):
            return True
    return False


def _share(k: int, n: int) -> bool:
    return k > 0 and k >= CONTENT_SHARE * n


def _distinct(values) -> list[str]:
    """The distinct non-empty values of a column as stripped text (numbers as written)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = pc.cast(values, pa.string())
        arr = pc.unique(pc.utf8_trim_whitespace(values.drop_null()))
        return [v for v in arr.to_pylist() if v]
    if isinstance(values, pd.Series):
        cells = np.asarray(values.to_numpy(dtype=object, na_value=None), dtype=object)
    else:
        cells = np.asarray(values, dtype=object)
    if not len(cells):
        return []
    distinct = list(dict.fromkeys(cells.tolist()))
    if set(map(type, distinct)) == {str}:  # the loader's case (loops in C)
        out = dict.fromkeys(map(str.strip, distinct))
    else:
        if not all(isinstance(v, str) or _missing(v) for v in distinct):
            distinct = cells.tolist()  # numbers (1 == 1.0 == True would merge): every cell, as written
        out = dict.fromkeys(v.strip() if isinstance(v, str) else str(v).strip()
                            for v in distinct if isinstance(v, str) or not _missing(v))
    out.pop("", None)
    return list(out)


def _missing(v) -> bool:
    """None, NaN, NaT or pd.NA (whose comparisons are not booleans)."""
    na = pd.isna(v)
    return isinstance(na, (bool, np.bool_)) and bool(na)


#: Content verdicts, by kind (the phrase after "column 'x': ").
REASONS = {
    "email": "it holds e-mail addresses",
    "dates": "it holds calendar dates",
    "national": "it holds national ID / social-security-like numbers",
    "record": "it holds medical record numbers",
    "postcode": "it holds exact ZIP/postcodes",
    "phone": "it holds phone numbers",
    "address": "it holds street addresses",
    "names": "it holds person names",
    "text_phone": "its free text holds a phone number",
    "text_name": "its free text holds a person's name",
    "text_dob": "its free text holds a date of birth",
}


def date_advice(header: str | None = None, mappable: bool = True) -> str:
    """The advice added to a "calendar dates" verdict (``mappable``: the file may hold visit or
    treatment dates, as assessments and treatments do; a patients file may not)."""
    if not mappable:
        return (": dates are identifiers; remove the column, or turn it into years or days relative to "
                "the first treatment before loading")
    example = f", e.g. --map '{header}=date'" if header else ""
    return (": if these are visit or treatment dates, map the column as a date (mapping role 'date'"
            f"{example}), so they become days relative to the first treatment and are not kept; "
            "dates of birth must be removed")


def content_kind(values, *, allow_dates: bool = False) -> str | None:
    """The kind of identifier a column's values hold (a key of :data:`REASONS`), or None.

    Parameters
    ----------
    values : Series, 1-d array, list or pyarrow array
        The column's cells, or its distinct values, as text (empty string or missing = empty cell).
        Only the set of distinct non-empty values matters.
    allow_dates : bool
        True for a column mapped as a visit or treatment date, whose calendar dates are expected.
    """
    return _kind_of_distinct(_distinct(values), allow_dates)


def content_reason(values, *, allow_dates: bool = False, header: str | None = None) -> str | None:
    """Why a column's *values* look like direct identifiers (a phrase), or None.

    :func:`content_kind` in words; a column of calendar dates gets the advice of :func:`date_advice`.
    """
    kind = content_kind(values, allow_dates=allow_dates)
    return _reason(kind, header)


def _reason(kind: str | None, header: str | None, mappable: bool = True) -> str | None:
    if kind is None:
        return None
    return REASONS[kind] + (date_advice(header, mappable) if kind == "dates" else "")


def _kind_of_distinct(distinct: list[str], allow_dates: bool) -> str | None:
    """:func:`content_kind` of a column's distinct non-empty stripped values."""
    n = len(distinct)
    if n == 0:
        return None
    lines = _Lines(distinct)
    text = lines.text
    # Any e-mail address, also obfuscated ("alice(at)example.org", "alice at example dot org").
    if "@" in text and lines.search("email").any():
        return "email"
    low = text.lower()
    if ("at" in low and (" at " in low or "at)" in low or "at]" in low or "at}" in low or "at>" in low)
            and lines.search("email_obfuscated").any()):
        return "email"
    # Short codes and numbers (the usual patient ids, scores, codes) can hide a record number only.
    if lines.count("plain") == n:
        return "record" if _share(int(lines.full("record").sum()), n) else None
    numeric = lines.full("numeric")
    # Digits-only values count only with 7 or more significant digits.
    kinds_long: dict[int, set[str]] = {}
    for i in np.flatnonzero(lines.full("long_int")):
        v = lines.values[i]
        if len(_significant(v)) >= MIN_SIGNIFICANT_DIGITS:
            k = _long_number_kinds(v)
            if k:
                kinds_long[i] = k
    is_text = ~numeric
    if not is_text.any() and not kinds_long:
        return None
    # Calendar dates.
    is_date = np.zeros(n, dtype=bool)
    if any(ch.isdigit() for ch in text):
        for key, valid in (("date_ymd", _ymd_valid), ("date_dmy", _dmy_valid), ("date_words", None)):
            hit = lines.full(key) & is_text & ~is_date
            if hit.any():
                idx = np.flatnonzero(hit)
                if valid is not None:
                    idx = idx[np.fromiter((valid(lines.values[i]) for i in idx), dtype=bool, count=len(idx))]
                is_date[idx] = True
    for i, k in kinds_long.items():
        if "date" in k:
            is_date[i] = True
    if not allow_dates and _share(int(is_date.sum()), n):
        return "dates"
    rest = is_text & ~is_date & ~lines.full("iso_start")
    # Structured identifiers: a share of the distinct values.
    counts = {"national": 0, "phone": 0}
    for i, k in kinds_long.items():
        for kind in k & counts.keys():
            counts[kind] += 1
    national = np.zeros(n, dtype=bool)
    if rest.any():
        national = lines.full("national") & rest
        counts["national"] += sum(_national_valid(lines.values[i]) for i in np.flatnonzero(national))
        ph = np.flatnonzero(lines.full("phone") & rest & ~national)
        counts["phone"] += sum(_phone_valid(lines.values[i]) for i in ph)
    # A number may be both (a 10-digit North American number with a valid NHS check digit): the more
    # frequent kind names the column; a tie goes to the check digit, the stronger sign.
    if _share(counts["national"], n) and counts["national"] >= counts["phone"]:
        return "national"
    if rest.any():
        if _share(int((lines.full("record") & rest).sum()), n):
            return "record"
        post = np.flatnonzero(lines.full("postcode") & rest)
        if _share(sum(_postcode_valid(lines.values[i]) for i in post), n):
            return "postcode"
    if _share(counts["phone"], n):
        return "phone"
    if _share(counts["national"], n):
        return "national"
    if _share(len(kinds_long) + int((lines.full("phone") & rest).sum()), n) and _share(
            counts["phone"] + counts["national"], n):  # long numbers, some of each kind
        return "phone" if counts["phone"] >= counts["national"] else "national"
    if not rest.any():
        return None
    addr = np.flatnonzero(((lines.search("digit") & lines.search("space")) | lines.search("street_number")) & rest)
    if len(addr) and _share(sum(bool(_ADDRESS_PY.search(lines.values[i])) for i in addr), n):
        return "address"
    letters = np.flatnonzero(lines.full("letters") & rest)
    if len(letters) * 2 >= n and _share(sum(_name_kind(lines.values[i]) for i in letters), n):
        return "names"
    cjk = np.flatnonzero(lines.full("cjk") & rest)
    if len(cjk) * 2 >= n and _share(sum(_cjk_name(lines.values[i]) for i in cjk), n):
        return "names"
    # Free text: any value holding a phone number, a date of birth or a person's name.
    free = np.flatnonzero(lines.search("free_text") & rest)
    for i in free:
        v = lines.values[i]
        if sum(ch.isdigit() for ch in v) >= 9 and any(
                9 <= sum(ch.isdigit() for ch in m.group()) <= 15 for m in _PHONE_IN_TEXT.finditer(v)):
            return "text_phone"
        if _DOB_IN_TEXT.search(v):
            return "text_dob"
    for i in free:
        if _names_in_text(lines.values[i]):
            return "text_name"
    return None


def numbers_never_flagged(col) -> bool:
    """True when a numeric (float or integer) Arrow column cannot be flagged by content: every value
    is below :data:`NEVER_FLAGGED_BELOW` in magnitude, so its text has fewer than 7 digits before
    the point (or is in exponent form, never flagged either). One min and one max over the values
    (numpy over Arrow's buffer: pyarrow's ``min_max`` is ten times slower on a column with nulls)."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    for ch in chunks:
        if len(ch) == ch.null_count:
            continue
        if not (pa.types.is_floating(ch.type) or pa.types.is_integer(ch.type)):
            return False
        dtype = np.dtype(ch.type.to_pandas_dtype())
        vals = np.frombuffer(ch.buffers()[1], dtype=dtype, count=len(ch), offset=ch.offset * dtype.itemsize)
        lo, hi = vals.min(), vals.max()
        if dtype.kind == "f" and (np.isnan(lo) or np.isnan(hi)):
            if np.isnan(vals).all():
                continue
            lo, hi = np.nanmin(vals), np.nanmax(vals)
        if not (-NEVER_FLAGGED_BELOW < lo and hi < NEVER_FLAGGED_BELOW) and ch.null_count:
            # The slots of empty cells hold no value: look at the others only.
            valid = ch.is_valid().to_numpy(zero_copy_only=False)
            kept = vals[valid]
            lo, hi = (np.nanmin(kept), np.nanmax(kept)) if dtype.kind == "f" else (kept.min(), kept.max())
        if not (-NEVER_FLAGGED_BELOW < lo and hi < NEVER_FLAGGED_BELOW):
            return False
    return True
