"""Value rules for text observations: how ``7/10``, ``6-7`` or ``Denies pain`` become scores, or not.

EHR flowsheets and spreadsheets record scores as text: ``7``, ``7/10``, ``6-7``, ``6,5``,
``Denies pain``, ``Patient asleep``. :func:`parse_values` reads each cell under explicit, documented
:class:`ValueRules` and says, for every cell, which rule read it and, where it is not used, why.
Nothing is guessed: a value no rule reads is excluded with its reason, and a clinic can give any
answer a value (or exclude it on purpose) in the rules' ``text`` mapping, which is consulted first.
The rules and the exact exclusion reasons are documented for users in docs/data-format.md, "Value
rules for text observations".

The rules, in the order they are tried on a cell (trimmed, runs of spaces collapsed)
-----------------------------------------------------------------------------------
1. *Text* (rule ``"text"``): the cell is a key of ``rules.text`` (matched case-insensitively after
   trimming and collapsing spaces): its value, or excluded on purpose when the value is None. This
   comes first so that a clinic can give a value to any answer, even ``None`` (no pain).
2. *Missing*: empty, or an NA token (``NA``, ``N/A``, ``NaN``, ``null``, ``None``, any case), or ``.``
   alone (the system-missing value of SPSS, Stata and SAS exports).
3. *Number* (rule ``"number"``): what the canonical loader reads as a number: ``7``, ``-1``, ``+2``,
   ``6.5``, ``.5``, ``7.``, ``1e1``; with ``decimal_comma`` also ``6,5``. ``inf`` is not a number.
   A negative number is a number, not a range. With ``annotated_numbers``, a number followed by a
   note without digits, ``7 (moderate)``, ``7 - moderate``, ``7 = severe``, also reads as the number.
4. *Fraction* (rule ``"fraction"``): ``7/10``, ``7.5 / 10`` reads as the numerator when the
   denominator equals the measure's scale maximum (``scale_max``). *A score after its scale* (rule
   ``"scale"``, by the same ``fractions`` setting): ``0-10: 7``, ``0-10 = 7``, ``(0-10) 7`` reads as 7
   when the scale is the measure's (0 or 1 to ``scale_max``), never as the range 0-10; and a score
   after a pain scale's name (``Pain Score: 7``, ``NRS = 6``, ``Schmerz: 5``; only such words, never
   ``BP: 120``) reads as the score.
5. *Range* (rule ``"range"``): ``6-7``, ``6 - 7``, ``6–7`` (en dash), ``6—7`` (em dash), ``6 to 7``
   (ends may be signed: ``-2-1``); read by ``rules.ranges``: the midpoint, the lower or the upper end,
   or excluded.
6. Everything else is excluded with a reason saying what it looks like: a bound (``<1``, ``>=8``),
   an uncertain value (``7?``), an approximate value (``~7``, ``ca. 7``), a decimal comma without
   ``decimal_comma``, a date (``2024-07-06``: a date cell, Excel's reading of ``6-7`` typed), a number with a note without ``annotated_numbers``, a text answer with no value
   in the mapping, or "not a number".

``rule`` names the rule that recognised the cell whether or not the value is used (a range excluded
by ``ranges="exclude"`` has rule ``"range"``); it is ``""`` for missing cells and for cells no rule
recognises. A cell is used exactly when ``~missing & (reason == "")``.

Every step works on the distinct texts of the column (:func:`analysis.io.dates.distinct_texts`) with
regular expressions (Arrow's RE2 kernel) and numpy; results are mapped back by codes. There is no
loop over rows.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import MappingError
from .dates import _Groups, distinct_texts

__all__ = ["ValueRules", "ParsedValues", "parse_values", "RANGE_RULES", "RULES"]

#: A ticked box or a yes, as cells write it (a checkbox column; a yes/no column of treatment visits).
CHECKED = frozenset({"1", "checked", "yes", "x", "true", "ja", "oui", "sí", "si"})
#: How a range ``a-b`` is read.
RANGE_RULES = ("midpoint", "lower", "upper", "exclude")
#: The word that excludes a text answer on purpose where null cannot be written (TOML).
EXCLUDE = "exclude"
#: The rules that can read a cell (the values of ``ParsedValues.rule``; "" = none).
RULES = ("number", "fraction", "scale", "range", "text")

_KEYS = ("ranges", "fractions", "text", "decimal_comma", "annotated_numbers")

# An unsigned decimal without exponent (the ends of fractions and ranges); the decimal separator is
# put in by _patterns.
_DEC = r"(?:\d+(?:{d}\d+)?|{d}\d+)"


#: The words of a pain scale's name written before its score in a cell ("Pain Score: 7").
_SCALE_NAME = (r"(?:pain|nrs|vas|nprs|numeric|rating|scale|score|intensity|level|schmerz|schmerzen|schmerzstärke|"
               r"douleur|dolor|eva|pijn|pijnscore|dolore)")


#: A score cell that holds a date (the exact text is tabulated in docs/data-format.md).
_DATE_REASON = ("a date ({}), not a score: a spreadsheet turns a score typed as 6-7 or 7/10 into a date; "
                "type it again as text ('6-7) or as a number")


def _patterns(decimal_comma: bool) -> dict[str, str]:
    d = "[.,]" if decimal_comma else r"\."
    dec = _DEC.format(d=d)
    # What the loader's Arrow cast reads as a finite number (analysis/io/columns.py, _numbers).
    number = r"[+-]?(?:\d+(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?".format(d=d)
    return {
        "number": rf"^(?P<x>{number})$",
        "annotated": rf"^(?P<x>{number}) ?(?:\([^()0-9]*\)|[-–—:=] ?[^0-9 ][^0-9]*)$",
        # 7/10, and in words as nurses chart it: 7 of 10, 7 out of 10, 7 von 10, 7 sur 10, 7 de 10, 7 su 10, 7 van 10.
        "fraction": rf"^(?P<num>{dec})(?: ?/ ?| (?i:out of|of|von|sur|de|su|van) )(?P<den>{dec})$",
        # 8/10 - severe, 7/10 (moderate): a fraction with a note, read with annotated_numbers.
        "fraction_noted": rf"^(?P<num>{dec}) ?/ ?(?P<den>{dec}) ?(?:\([^()0-9]*\)|[-–—:=] ?[^0-9 ][^0-9]*)$",
        # The score, then its scale in brackets: 6 (0-10).
        "scale_after": rf"^(?P<x>{dec}) ?\( ?(?P<lo>{dec}) ?[-–—] ?(?P<hi>{dec}) ?\)$",
        # The scale, then the score, as a flowsheet dropdown template writes it: 0-10: 7, (0-10) 7, 0-10 = 7.
        "scale": rf"^\(?(?P<lo>{dec}) ?[-–—] ?(?P<hi>{dec})(?:\) ?| ?[:=] ?)(?P<x>{dec})$",
        # The scale's name, then the score, as some flowsheet exports write the row's name into its value:
        # Pain Score: 7, NRS = 6, Schmerz: 5 (words of a pain scale only: never BP: 120).
        "named": rf"^(?i:{_SCALE_NAME}(?: {_SCALE_NAME})*) ?[:=] ?(?P<x>{dec})$",
        "range": rf"^(?P<lo>[+-]?{dec}) ?(?:-|–|—|(?i:to)) ?(?P<hi>[+-]?{dec})$",
        "bound": rf"^(?:<|>|<=|>=|≤|≥|=<|=>) ?[+-]?{dec}$",
        "uncertain": rf"^(?:\?+ ?[+-]?{dec}|[+-]?{dec} ?\?+)$",
        "approximate": rf"^(?:~|≈|(?i:ca\.?|approx\.?|about|circa)) ?[+-]?{dec}$",
        "comma": r"^[+-]?\d*,\d+$",
        # A date as the workbook reader writes a date cell (analysis.io.sheet_reader): in a score column, what
        # Excel made of 6-7 or 7/10 typed into a cell (it turns them into dates as they are typed).
        "date": r"^\d{4}-\d\d-\d\d(?: 00:00:00)?$",
        "infinite": r"^[+-]?(?i:inf|infinity)$",
        # REDCap's missing-data codes as a project exports them (UNK unknown, NASK not asked, ...).
        "missing_code": r"^(?:UNK|NI|INV|NASK|ASKU|NAV|NAVU|MSK|NP|QS|QI|TRC|UNC|DER|PINF|NINF|OTH)$",
        "letters": r"\pL",  # searched: anywhere in the text
    }


@dataclass(frozen=True)
class ValueRules:
    """How text observations become values (one set per measure or item in the mapping file).

    Parameters
    ----------
    ranges : {"midpoint", "lower", "upper", "exclude"}, default "midpoint"
        How a range ``6-7`` (also ``6 - 7``, ``6–7``, ``6 to 7``) is read: (a + b) / 2, a, b, or
        excluded.
    fractions : bool, default True
        ``7/10`` (also ``7 of 10``, ``7 out of 10``, ``7 von 10``, ``7 sur 10``, ``7 de 10``, ``7 su 10``,
        ``7 van 10``) reads as 7 when the denominator equals the scale maximum of the measure.
    text : mapping of str to float or None, default {}
        Text answers (matched case-insensitively after trimming and collapsing spaces) and their
        values; None (or the word ``"exclude"``, for TOML) excludes the answer on purpose (counted
        apart from answers with no entry).
    decimal_comma : bool, default False
        ``6,5`` reads as 6.5 (``6.5`` still reads as 6.5).
    annotated_numbers : bool, default False
        A number followed by a note without digits (``7 (moderate)``, ``7 - moderate``) reads as the
        number. Off by default: the note may qualify the number (``7 (yesterday)``).

    Raises
    ------
    MappingError
        An unknown range rule, a flag that is not true/false, a text value that is not a finite number
        or null, or two text answers that are the same after ignoring case and spaces.
    """

    ranges: str = "midpoint"
    fractions: bool = True
    text: Mapping[str, float | None] = field(default_factory=dict)
    decimal_comma: bool = False
    annotated_numbers: bool = False

    def __post_init__(self):
        if self.ranges not in RANGE_RULES:
            raise MappingError(f"value rules: 'ranges' is {self.ranges!r}; use one of "
                               + ", ".join(repr(r) for r in RANGE_RULES) + ".")
        for name in ("fractions", "decimal_comma", "annotated_numbers"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise MappingError(f"value rules: {name!r} is {getattr(self, name)!r}; use true or false.")
        if not isinstance(self.text, Mapping):
            raise MappingError("value rules: 'text' must map text answers to numbers (or null to exclude "
                               f"them), e.g. {{\"Denies pain\": 0}}; got {type(self.text).__name__}.")
        # TOML has no null: the word "exclude" is the same as None.
        text = {k: (None if isinstance(v, str) and v.strip().lower() == EXCLUDE else v) for k, v in self.text.items()}
        object.__setattr__(self, "text", text)
        seen: dict[str, str] = {}
        for answer, value in self.text.items():  # a loop over the mapping's few entries
            if not isinstance(answer, str) or not _norm_key(answer):
                raise MappingError(f"value rules: the text answer {answer!r} must be non-empty text.")
            if value is not None and (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float))
                                      or not math.isfinite(value)):
                raise MappingError(f"value rules: the text answer {answer!r} has the value {value!r}; use a "
                                   "number, or null (in TOML: \"exclude\") to exclude the answer on purpose.")
            key = _norm_key(answer)
            if key in seen and self.text[seen[key]] != value:
                raise MappingError(f"value rules: the text answers {seen[key]!r} and {answer!r} are the same "
                                   "answer (case and spaces are ignored) with different values; keep one.")
            seen[key] = answer

    def __hash__(self) -> int:  # the text mapping is a dict: hash its items
        return hash((self.ranges, bool(self.fractions), tuple(sorted((k, v) for k, v in self.text.items())),
                     bool(self.decimal_comma), bool(self.annotated_numbers)))

    def to_dict(self, *, excluded_as: str | None = None) -> dict:
        """The rules as a JSON-ready dict (every key, defaults included). Answers excluded on purpose
        are None (JSON null); pass ``excluded_as="exclude"`` for TOML, which has no null."""
        return {"ranges": self.ranges, "fractions": bool(self.fractions),
                "text": {k: (excluded_as if v is None else float(v)) for k, v in self.text.items()},
                "decimal_comma": bool(self.decimal_comma), "annotated_numbers": bool(self.annotated_numbers)}

    @classmethod
    def from_dict(cls, d) -> ValueRules:
        """Rules from a mapping file's entry; absent keys take their defaults.

        Raises
        ------
        MappingError
            Not a table/object, an unknown key, or a value :class:`ValueRules` refuses.
        """
        if not isinstance(d, Mapping):
            raise MappingError("value rules must be a table of settings such as "
                               '{"ranges": "midpoint", "fractions": true}; got ' + type(d).__name__ + ".")
        unknown = [k for k in d if k not in _KEYS]
        if unknown:
            raise MappingError(f"value rules: unknown setting {unknown[0]!r}; the settings are "
                               + ", ".join(_KEYS) + ".")
        kw = dict(d)
        if "text" in kw and isinstance(kw["text"], Mapping):
            kw["text"] = dict(kw["text"])
        return cls(**kw)


@dataclass(frozen=True)
class ParsedValues:
    """What :func:`parse_values` read, one entry per cell.

    Attributes
    ----------
    value : ndarray of float64
        The value; NaN where the cell is missing or excluded.
    missing : ndarray of bool
        Empty cell or an NA token (unless the text mapping gives that token a value).
    reason : ndarray of object
        ``""`` where the value is used or the cell is missing; otherwise why it is excluded (the
        exact reasons are tabulated in docs/data-format.md).
    rule : ndarray of object
        ``"number"``, ``"fraction"``, ``"range"``, ``"text"``: the rule that recognised the cell (also
        where that rule excludes it); ``""`` where missing or no rule recognises it.
    """

    value: np.ndarray = field(repr=False)
    missing: np.ndarray = field(repr=False)
    reason: np.ndarray = field(repr=False)
    rule: np.ndarray = field(repr=False)

    @property
    def used(self) -> np.ndarray:
        """Cells whose value is used."""
        return ~self.missing & (self.reason == "")

    def counts(self) -> pd.DataFrame:
        """Cells per outcome, for the load report: columns ``rule``, ``reason``, ``n`` (used cells have
        reason ``""``; missing cells are the row with rule ``""`` and reason ``"missing"``)."""
        reason = np.where(self.missing, "missing", self.reason)
        t = pd.DataFrame({"rule": self.rule, "reason": reason})
        return t.groupby(["rule", "reason"], sort=True).size().rename("n").reset_index()


def _norm_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _fmt(x: float) -> str:
    return f"{x:g}"


def _floats(g: _Groups, name: str, ok: np.ndarray) -> np.ndarray:
    """A matched decimal group -> float64 (decimal comma read as a point); NaN where not ``ok``."""
    t = pc.replace_substring(g.fields[name], ",", ".")
    t = pc.if_else(pa.array(ok), t, "nan")
    return np.asarray(pc.cast(t, pa.float64()), dtype=float)


def parse_values(values, rules: ValueRules, scale_max: float | None = None) -> ParsedValues:
    """Text observations -> values, each with the rule that read it or the reason it is excluded.

    Parameters
    ----------
    values : array-like
        The cells (str; None/NaN are empty; numbers read as their text).
    rules : ValueRules
    scale_max : float, optional
        The maximum of the measure's scale (10 for a 0-10 NRS); fractions are read only with it.

    Returns
    -------
    ParsedValues

    Notes
    -----
    The rules and their order are in the module docstring; each exclusion reason is exact text,
    tabulated in docs/data-format.md ("Value rules for text observations").

    Examples
    --------
    >>> p = parse_values(["7", "7/10", "6-7", "Denies pain", ""], ValueRules(text={"denies pain": 0}), 10)
    >>> p.value.tolist()[:4], p.rule.tolist()
    ([7.0, 7.0, 6.5, 0.0], ['number', 'fraction', 'range', 'text', ''])
    """
    if not isinstance(rules, ValueRules):
        raise TypeError("rules must be a ValueRules")
    codes, texts, missing = distinct_texts(values)
    # A typographic minus (U+2212) is a minus.
    arr = pc.replace_substring(pa.array(texts, type=pa.string()), "\u2212", "-")
    texts_m = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)
    n = len(texts)
    value = np.full(n, np.nan)
    reason = np.full(n, "", dtype=object)
    rule = np.full(n, "", dtype=object)
    # '.' alone is the system-missing value of SPSS, Stata and SAS exports: missing, not "not a number".
    missing = missing | (np.asarray(texts, dtype=object) == ".")
    todo = ~missing
    pat = _patterns(bool(rules.decimal_comma))

    def take(mask, val=None, why=None, rule_name="", quote=None):
        """Settle the texts in ``mask`` that are still to do: a value, or a reason (``why``, or ``quote``
        with the text as written put in: a loop over those distinct texts only)."""
        m = mask & todo
        if val is not None:
            value[m] = np.broadcast_to(val, (n,))[m]
        if why is not None:
            reason[m] = why
        if quote is not None:
            reason[m] = [quote.format(t) for t in texts[m]]
        rule[m] = rule_name
        todo[m] = False

    def match(name, *numbers):
        """The texts still to do that match pattern ``name`` (a mask over all texts), and the float
        values of the named groups ``numbers`` (NaN elsewhere). Matching only what is left keeps a
        column of many distinct numbers to one pass."""
        idx = np.flatnonzero(todo)
        g = _Groups(texts_m[idx], pat[name])
        mask = np.zeros(n, dtype=bool)
        mask[idx] = g.matched
        floats = []
        for group in numbers:
            f = np.full(n, np.nan)
            f[idx] = _floats(g, group, g.matched)
            floats.append(f)
        return (mask, *floats)

    # 2. text answers from the mapping (a loop over the mapping's few entries). The mapping wins over
    # the NA tokens: in a pain item "None" may well mean no pain, and a clinic that maps it says so.
    if rules.text:
        keys = {_norm_key(k): v for k, v in rules.text.items()}
        lowered = pd.Series(texts, dtype=object).str.casefold()
        in_map = lowered.isin(list(keys)).to_numpy()
        missing[in_map] = False
        todo[in_map] = True
        mapped = pd.to_numeric(lowered.map(keys), errors="coerce").to_numpy(dtype=float)  # None -> NaN
        excluded = in_map & np.isnan(mapped)
        take(excluded, quote="text answer '{}' is excluded by the mapping", rule_name="text")
        take(in_map, val=mapped, rule_name="text")

    # 3. numbers
    matched, x = match("number", "x")
    take(matched & np.isfinite(x), val=x, rule_name="number")
    take(matched, why="not a number")  # too large for a float64
    if rules.annotated_numbers and todo.any():
        matched, x = match("annotated", "x")
        take(matched & np.isfinite(x), val=x, rule_name="number")

    # 4. fractions
    matched, num, den = match("fraction", "num", "den")
    if rules.annotated_numbers:
        noted, num2, den2 = match("fraction_noted", "num", "den")
        matched, num, den = matched | noted, np.where(noted, num2, num), np.where(noted, den2, den)
    if not rules.fractions:
        take(matched, quote="a fraction ({}); the value rules exclude fractions", rule_name="fraction")
    elif scale_max is None or not np.isfinite(scale_max):
        take(matched, why="a fraction, but the measure has no known maximum", rule_name="fraction")
    else:
        take(matched & (den != scale_max),
             why=f"a fraction whose denominator is not the scale maximum ({_fmt(scale_max)})", rule_name="fraction")
        take(matched & (num > den), quote="a fraction above its denominator ({})", rule_name="fraction")
        take(matched, val=num, rule_name="fraction")

    # 4b. a score after its scale (0-10: 7): read by the fractions setting, as 7/10 is; the scale must
    # be the measure's (0 or 1 to its maximum), or the number could be on another scale.
    matched, lo, hi, x = match("scale", "lo", "hi", "x")
    after, lo2, hi2, x2 = match("scale_after", "lo", "hi", "x")
    matched, lo, hi, x = matched | after, np.where(after, lo2, lo), np.where(after, hi2, hi), np.where(after, x2, x)
    if not rules.fractions:
        take(matched, quote="a score after its scale ({}); the value rules exclude fractions", rule_name="scale")
    elif scale_max is None or not np.isfinite(scale_max):
        take(matched, why="a score after its scale, but the measure has no known maximum", rule_name="scale")
    else:
        take(matched & ((hi != scale_max) | ~np.isin(lo, (0, 1))),
             why=f"a score after a scale that is not the measure's (0-{_fmt(scale_max)})", rule_name="scale")
        take(matched & ((x > hi) | (x < lo)), quote="a score outside the scale written with it ({})", rule_name="scale")
        take(matched, val=x, rule_name="scale")

    # 4c. a score after its scale's name (Pain Score: 7), read by the same setting.
    matched, x = match("named", "x")
    if not rules.fractions:
        take(matched, quote="a score after its scale's name ({}); the value rules exclude fractions", rule_name="scale")
    else:
        take(matched, val=x, rule_name="scale")

    # 5. ranges
    matched, lo, hi = match("range", "lo", "hi")
    take(matched & (lo > hi), quote="a range whose ends are in reverse order ({})", rule_name="range")
    if rules.ranges == "exclude":
        take(matched, quote="a range ({}); the value rule excludes ranges", rule_name="range")
    else:
        val = {"midpoint": (lo + hi) / 2, "lower": lo, "upper": hi}[rules.ranges]
        take(matched, val=val, rule_name="range")

    # 6. what is left: say what it looks like
    for name, fmt in (
        ("bound", "a bound ({}), not a value"),
        ("uncertain", "an uncertain value ({})"),
        ("approximate", "an approximate value ({})"),
        ("annotated", "a number with a note ({}); the value rules read such numbers only with annotated_numbers"),
        ("comma", "a decimal comma ({}); the value rules read decimal commas only with decimal_comma"),
        ("date", _DATE_REASON),
        ("infinite", None),  # inf, Infinity: the canonical loader's "not a number", though words
        ("missing_code", "a missing-data code ({}: REDCap's unknown, not asked, ...), not a value"),
        ("letters", "text answer '{}' has no value in the mapping"),
    ):
        if todo.any():
            matched, = match(name)
            take(matched, why="not a number" if fmt is None else None, quote=fmt)
    take(todo.copy(), why="not a number")

    return ParsedValues(value=value[codes], missing=missing[codes], reason=reason[codes], rule=rule[codes])


#: Days in a study month for time points written in months (M3): the mean Gregorian month, so M3 is
#: day 91 and M12 day 365 (a time point is a visit's nominal day, not a calendar date).
DAYS_PER_MONTH = 365.25 / 12
_TIMEPOINT = re.compile(
    r"^\s*(?:(?P<d>d|day|j|jour|tag|dia|día|giorno)|(?P<w>w|wk|week|woche|wo|semaine|sem|semana|settimana)"
    r"|(?P<m>m|mo|month|monat|mois|mes|mese))\s*(?P<n>[+-]?\s*\d+)\s*$", re.IGNORECASE)


def timepoint_days(values: np.ndarray) -> np.ndarray:
    """Time points written as research sheets do (``D-7``, ``D0``, ``Day 1``, ``J7``, ``W4``, ``Wk 12``, ``M3``,
    ``Woche 4``, ``semaine 4``; not ``T1`` or ``S4``, which number visits or sessions) as the day they stand for: days as written, weeks x 7, months x 365.25 / 12
    rounded to a whole day (M3 = 91). NaN for any other text. Read once per distinct text."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna(""))
    days = np.full(len(uniques), np.nan)
    for i, text in enumerate(uniques):  # a loop over the distinct time points of a column, a handful
        m = _TIMEPOINT.match(str(text))
        if m:
            n = int(m.group("n").replace(" ", ""))
            days[i] = n if m.group("d") else 7 * n if m.group("w") else round(DAYS_PER_MONTH * n)
    return days[codes] if len(codes) else np.zeros(0)
