"""Dates and times as clinics export them: detect the order of day, month and year, then parse.

A clinic's export writes dates the way its software or its country does: ISO 8601
(``2024-03-01T14:30:00+01:00``, Excel's ``2024-03-01 00:00:00``), day-first (``01.03.2024``,
``01/03/2024 14:30``), month-first (``03/01/2024 2:30 PM``), sometimes with the time in a separate
column (``14:30``, ``2:30 PM``, ``14h30``). This module reads them all, vectorised, and never guesses
the order of day and month: :func:`detect_date_format` finds the order only when every value of the
column allows exactly one; otherwise the column is *ambiguous* and the user chooses (an option or a
mapping entry). The rules are documented for users in docs/data-format.md, "Time".

The rules
---------
* A date is ``Y-M-D`` with a four-digit year first (separator ``-``, ``/`` or ``.``), or two
  numbers of one or two digits and a year of four or two digits (``D.M.Y``, ``M/D/Y``, separator
  ``/``, ``.`` or ``-``). The two separators of one value must be the same (``01/03.2024`` is not a
  date). Undelimited dates are read only as ``YYYYMMDD`` with a year 1900-2099 (``20240301``: SAS,
  Stata and database extracts); a column of such numbers is proposed as dates only when its name says
  date (analysis/io/propose.py), so ids and scores of eight digits are never read as dates.
* **Month names** (what Excel writes for its ``d-mmm-yy`` format, Oracle and SAS exports, and
  typed dates): ``4-Mar-24``, ``04-MAR-2024``, ``4 Mar 2024``, ``4. März 2024``, ``04MAR2024``, ``04MAR24``,
  ``Mar 4, 2024``, ``March 4 2024``; month names and their usual abbreviations in English, German,
  French, Spanish, Italian and Dutch, any case, with or without a final dot. The month is named, so
  such a value reads the same under every order, like a year-first value.
* A **year-first** value reads the same under every order: a four-digit year first is never followed
  by the day (``YYYY-DD-MM`` is not a format in use). A column of year-first values is ``YMD``; a
  column mixing year-first values with day-first ones (Excel turns the cells it recognises into
  ``2024-03-01 00:00:00`` and leaves the others as typed) is read under the order of the others.
* **Two-digit years** follow Python's ``%y`` (POSIX): 00-68 are 2000-2068, 69-99 are 1969-1999.
  A year-first value needs four digits.
* Years outside 1678-2261 (what 64-bit nanoseconds hold) and impossible dates (``31.04.2024``,
  ``29.02.2023``) are bad values.
* A time may follow the date after ``T``, a space or a comma (after ``04MAR2024`` also a colon: SAS's
  ``DATETIME20.`` ``08APR2024:08:39:00``): ``hh:mm``, ``hh:mm:ss``, ``hh:mm:ss.fff``
  (up to 9 decimals, ``.`` or ``,``), ``14h30``, with ``AM``/``PM`` (any case, ``a.m.`` too; a
  12-hour clock: hour 1-12, ``12:xx AM`` is 00:xx, ``12:xx PM`` is 12:xx), and after the time an
  optional zone ``Z``, ``UTC``, ``GMT``, ``±hh``, ``±hhmm``, ``±hh:mm`` or an abbreviation of
  :data:`ZONE_NAMES` (``CST``, ``CDT``, ``EST``, ``CET``, ``MESZ``), whose time is taken as written (the
  system's local wall-clock time, as the times of other files without a zone). Hours run 0-23 (``24:00`` is refused),
  minutes and seconds 0-59.
* **Time zones** are converted to UTC, as the canonical loader does (analysis/io/columns.py, ``_dates``);
  values without a zone are wall-clock times taken as written. :func:`parse_datetimes` converts them to a
  clinic's zone instead (``time_zone``), or reads offsets as the wall-clock time written
  (``offsets_as_written``): a clinic export's rules, analysis/io/time_zones.py.
* **Midnight-only columns.** When every time written in a column is exactly 00:00 (Excel writes
  every date-only cell as ``2024-03-01 00:00:00``), the column is read as dates *without* times
  (``has_time`` is False), so that a separate time column applies and a score on a treatment day is
  not silently placed before or after the treatment. Pass ``midnight_only_is_date=False`` to keep
  such times.
* **Excel's day zero.** A value dated 30 Dec 1899 (``1899-12-30 09:30:00``) is a time-only cell of
  Excel or Access as tools reading the workbook write it: not a date; :func:`parse_times` reads its time.
* Values are trimmed and runs of spaces collapsed. Empty cells and the NA tokens of the loader
  (``NA``, ``N/A``, ``NaN``, ``null``, ``None``, any case) are *missing*, not bad.

Every function works on the distinct texts of a column (Arrow's dictionary encoding) with regular
expressions matched by Arrow's RE2 kernel (linear time; ``\\d`` is ASCII digits only) and numpy
arithmetic on the extracted fields; results are mapped back by codes. There is no loop over rows.

References
----------
ISO 8601-1:2019, Date and time -- Representations for information interchange.
Python documentation, ``time.strptime`` and ``datetime``: ``%y`` pivot (POSIX, 69-99 -> 1900s).
"""
from __future__ import annotations

from dataclasses import dataclass
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import MappingError

__all__ = ["ORDERS", "DateFormat", "detect_date_format", "parse_datetimes", "parse_times",
           "combine_date_time", "conflicting_times", "swapped_by_a_spreadsheet", "NA_TOKENS"]

#: The orders of day, month and year a column can have.
ORDERS = ("YMD", "DMY", "MDY")
#: Cell texts that mean "no value" (compared case-insensitively after trimming); the same as the
#: canonical loader's ``analysis.load.NA_TOKENS`` (a test pins it).
NA_TOKENS = ("", "na", "n/a", "nan", "null", "none")

_ORDER_WORDS = {"YMD": "year-first", "DMY": "day-first", "MDY": "month-first"}
_NS = 10 ** 9
_DAY_NS = 86_400 * _NS
_MIN_YEAR, _MAX_YEAR = 1678, 2261  # the whole years int64 nanoseconds since 1970 can hold

# A time of day: 14:30, 14:30:00, 14:30:00.123, 14h30, 14h, 2:30 PM, 2 p.m.
# Oracle's default timestamp writes the clock with dots, ``04-MAR-24 09.00.00.000000 AM``: read only with its
# seconds (``HH.MM.SS``), so that a decimal number (``7.25``) is never a time.
_TIME = (r"(?P<H>\d{1,2})(?:(?P<hsep>[:hH])(?P<M>\d{2})?(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?"
         r"|(?P<dots>\.)(?P<Md>\d{2})\.(?P<Sd>\d{2})(?:[.,](?P<Fd>\d{1,9}))?)?"
         r"(?: ?(?P<ampm>[aApP])\.?[mM]\.?)?")
#: Zone abbreviations as EHR reports write them after the time (Cerner's ``03/09/2024 21:30:00 CST``): read, and
#: the time taken as written (wall-clock; see _zone_offset_ns). Their offsets from UTC in minutes, for reference
#: and the tests: North America's (CST is US Central here, not China's) and Europe's.
ZONE_NAMES = {"est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480,
              "pdt": -420, "akst": -540, "akdt": -480, "hst": -600, "ast": -240, "adt": -180, "nst": -210,
              "ndt": -150, "wet": 0, "west": 60, "bst": 60, "cet": 60, "cest": 120, "mez": 60, "mesz": 120,
              "eet": 120, "eest": 180}
_ZONE = (r"(?: ?(?P<tz>[zZ]|(?i:utc|gmt)|(?P<tzname>(?i:" + "|".join(sorted(ZONE_NAMES, key=len, reverse=True)) +
         r"))|(?P<tzsign>[+-])(?P<tzh>\d{2})(?::?(?P<tzm>\d{2}))?))?")
# RE2 has no back-references: the second separator is its own group, compared after extraction.
_DATETIME_RE = (r"^(?:(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P<s1b>[-/.])(?P<d1>\d{1,2})"
                r"|(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P<s2b>[-/.])(?P<c>\d{4}|\d{2})"
                # Month names: 4-Mar-24, 4. März 2024; Mar 4, 2024; 04MAR2024 (SAS's DATE9).
                r"|(?P<nd>\d{1,2})(?P<s3>[-/ ]|\. ?)(?P<nm>\p{L}{3,9})\.?(?P<s3b>[-/ ]|\.)(?P<ny>\d{4}|\d{2})"
                r"|(?P<nm2>\p{L}{3,9})\.? (?P<nd2>\d{1,2}),? (?P<ny2>\d{4})"
                r"|(?P<nd3>\d{2})(?P<nm3>\p{L}{3})(?P<ny3>\d{4}|\d{2})"
                # YYYYMMDD, without separators (SAS, Stata and database extracts), years 1900-2099 only.
                r"|(?P<y5>(?:19|20)\d{2})(?P<m5>0[1-9]|1[0-2])(?P<d5>0[1-9]|[12]\d|3[01]))"
                # SAS's DATETIME20. joins its DATE9 and the time with a colon (08APR2024:08:39:00): after that form only.
                r"(?:(?:[Tt]|,? |(?P<colon>:))(?:" + _TIME + _ZONE + r"|(?P<HH>[01]\d|2[0-3])(?P<MM>[0-5]\d)))?$")
# A separate time column, and a time after a date (03/01/24 0930, as some EHRs write it), also take
# the four digits of a 24-hour clock without a separator.
# Excel and Access keep a time-only cell as a time on their day zero, 30 Dec 1899, and tools that read
# the workbook write it so (``1899-12-30 09:00:00``): a time column, not a date.
_EXCEL_DAY_ZERO_RE = r"(?:1899-12-30|12/30/1899|30[./]12[./]1899)[ T]"
_TIME_RE = r"^(?:" + _EXCEL_DAY_ZERO_RE + r")?(?:" + _TIME + r"|(?P<HH>[01]\d|2[0-3])(?P<MM>[0-5]\d))$"
_EXCEL_DAY_ZERO = -25_569   # 1899-12-30 in days since 1970-01-01


#: Month names and abbreviations (English, German, French, Spanish, Italian, Dutch; lower case, accents
#: as written and without). No text names two different months across these languages.
_MONTHS = {
    1: "jan january januar jänner jän janv janvier janvie ene enero gen gennaio januari",
    2: "feb february februar févr fevr février fevrier febrero febbraio februari",
    3: "mar march märz maerz mrz mär mars marzo maart mrt",
    4: "apr april avr avril abr abril aprile",
    5: "may mai mayo mag maggio mei",
    6: "jun june juni juin giu giugno junio",
    7: "jul july juli juil juillet julio lug luglio",
    8: "aug august août aout ago agosto augustus",
    9: "sep sept september septembre septiembre set settembre",
    10: "oct october okt oktober octobre octubre ott ottobre",
    11: "nov november novembre noviembre",
    12: "dec december dez dezember déc decembre décembre dic diciembre dicembre",
}
_MONTH_OF = {name: m for m, names in _MONTHS.items() for name in names.split()}
#: The written pattern of each kind of month-name date (see _read_all's ``named``).
_NAMED_PATTERNS = {1: "DD{sep}Mon{sep}{year}", 2: "Mon DD, YYYY", 3: "DDMon{year}"}


@dataclass(frozen=True)
class DateFormat:
    """What :func:`detect_date_format` found in a column of dates.

    Attributes
    ----------
    order : str or None
        ``"YMD"``, ``"DMY"`` or ``"MDY"``; None when the column is ambiguous (several candidates),
        contradictory (none) or holds no date.
    candidates : tuple of str
        The orders under which every value that parses under some order parses (year-first values
        parse under every order). ``("DMY", "MDY")`` when every day and month are at most 12; empty
        when no value parses, or when some values are only day-first and others only month-first.
    has_time : bool
        At least one value carries a time of day (not counting a column whose times are all 00:00,
        see ``midnight_only``).
    n_values : int
        Non-empty values seen (cells, not distinct texts; missing tokens not counted).
    n_unparsed : int
        Non-empty values that parse under no order.
    examples : tuple of str
        Up to 3 distinct values that parse, as written (trimmed). Dates are identifiers: show them to
        the user who owns the file, never write them into an export.
    midnight_only : bool
        Times are written but every one is 00:00 (Excel's date cells): read as dates without times.
    has_zone : bool
        At least one value carries a time zone (converted to UTC).
    has_local_time : bool
        At least one value carries a time of day without a zone (a wall-clock time, taken as written).
    unparsed_examples : tuple of str
        Up to 3 distinct values, as written, that parse under no order.
    has_offset, has_utc : bool
        At least one value carries an offset other than 0 (``-08:00``); at least one is written in UTC (``Z``,
        ``UTC``, ``GMT``, ``+00:00``).
    patterns : tuple of str
        The written patterns of the values that parse under ``order`` (or under the candidates), most
        frequent first, e.g. ``("DD.MM.YYYY",)``.
    """

    order: str | None
    candidates: tuple[str, ...]
    has_time: bool
    n_values: int
    n_unparsed: int
    examples: tuple[str, ...]
    midnight_only: bool = False
    has_zone: bool = False
    has_local_time: bool = False
    unparsed_examples: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    has_offset: bool = False
    has_utc: bool = False

    def describe(self) -> str:
        """The format in plain words, e.g. ``"day-first dates (DD.MM.YYYY), with times"``."""
        if self.n_values == 0:
            return "no dates: every value is empty"
        n_parsed = self.n_values - self.n_unparsed
        if n_parsed == 0:
            return f"not dates: none of the {self.n_values} values reads as a date"
        if self.order is None and len(self.candidates) > 1:
            words = " or ".join(f"{_ORDER_WORDS[o]} ({o})" for o in self.candidates)
            text = f"ambiguous: every date reads as {words}; choose one"
        elif self.order is None:
            text = ("contradictory: some dates read only as day-first (DMY), others only as month-first "
                    "(MDY); check the column")
        else:
            shown = " or ".join(self.patterns) if self.patterns else self.order
            named = bool(self.patterns) and all("Mon" in p for p in self.patterns)
            text = f"{'month-name' if named else _ORDER_WORDS[self.order]} dates ({shown})"
            if self.midnight_only:
                text += ", times all 00:00 (read as dates without times)"
            elif self.has_time:
                text += ", with times"
            if self.has_zone:
                text += ", time zones converted to UTC"
        if self.n_unparsed:
            text += f"; {self.n_unparsed} of {self.n_values} values read as no date"
        return text

    def example_text(self) -> str:
        """Examples for a message: dates that read, then values that do not (where the fault is)."""
        text = f"e.g. {', '.join(self.examples)}"
        return text + (f"; not dates: {', '.join(self.unparsed_examples)}" if self.unparsed_examples else "")


# --------------------------------------------------------------------------------------------------
# Distinct texts
# --------------------------------------------------------------------------------------------------

def distinct_texts(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells -> ``(codes, texts, missing)``: the distinct cell texts, trimmed with runs of white space
    collapsed to one space, and for each cell the index of its text.

    ``texts`` is an object array of str; ``missing[k]`` says text ``k`` is empty or an NA token (any
    case). Cells that are None, NaN or NaT read as the empty text. Values that are not str (numbers,
    ``datetime`` objects) are read as ``str(value)``: a ``pandas.Timestamp`` becomes
    ``2024-03-01 00:00:00``.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=object, na_value=None)
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        cells = values
    else:
        if isinstance(values, pa.Array):
            values = values.to_numpy(zero_copy_only=False)
        arr = np.asarray(values, dtype=object).ravel()
        try:
            cells = pa.array(arr, type=pa.string(), from_pandas=True)  # None and NaN -> null
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # Not all text (numbers, datetime objects): str() of each distinct value.
            codes, uniques = pd.factorize(arr, use_na_sentinel=True)
            as_text = pa.array([v if isinstance(v, str) else str(v) for v in uniques], type=pa.string())
            cells = as_text.take(pa.array(codes, mask=codes < 0))
    norm = pc.replace_substring_regex(pc.utf8_trim_whitespace(cells), r"[\s\p{Z}]+", " ")
    # One text for values that differ only in spaces; null cells are the empty text.
    enc = pc.fill_null(norm, "").dictionary_encode()
    codes = np.asarray(enc.indices, dtype=np.int64)
    texts = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    missing = np.asarray(pc.is_in(pc.utf8_lower(enc.dictionary), value_set=pa.array(NA_TOKENS, type=pa.string())),
                         dtype=bool)
    return codes.astype(np.int64), texts, missing


class _Groups:
    """The named groups of a regular expression matched against texts (Arrow's RE2 kernel: linear time,
    ASCII ``\\d``). A group that did not take part, or a text that does not match, gives ``""``."""

    def __init__(self, texts: np.ndarray, pattern: str):
        m = pc.extract_regex(pa.array(texts, type=pa.string()), pattern)
        self.matched = np.asarray(m.is_valid(), dtype=bool)
        self.fields = {m.type.field(i).name: m.field(i) for i in range(m.type.num_fields)}

    def text(self, name: str) -> np.ndarray:
        return np.asarray(self.fields[name].to_numpy(zero_copy_only=False), dtype=object)

    def present(self, name: str) -> np.ndarray:
        return np.asarray(pc.not_equal(self.fields[name], ""), dtype=bool)

    def int(self, name: str) -> np.ndarray:
        """Digits -> int64; -1 where the group is absent."""
        f = self.fields[name]
        return np.asarray(pc.fill_null(pc.cast(pc.if_else(pc.equal(f, ""), None, f), pa.int64()), -1), dtype=np.int64)

    def length(self, name: str) -> np.ndarray:
        return np.asarray(pc.utf8_length(self.fields[name]), dtype=np.int64)


# --------------------------------------------------------------------------------------------------
# Arithmetic on extracted fields
# --------------------------------------------------------------------------------------------------

def _civil_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Year, month, day -> ``(days since 1970-01-01, valid)``; valid = a real calendar date (Gregorian,
    leap years by the 4/100/400 rule) within the years nanoseconds can hold."""
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    ok_month = (m >= 1) & (m <= 12)
    dim = month_days[np.where(ok_month, m, 0)] + ((m == 2) & leap)
    valid = ok_month & (d >= 1) & (d <= dim) & (y >= _MIN_YEAR) & (y <= _MAX_YEAR)
    months = (np.where(valid, y, 1970) - 1970) * 12 + np.where(valid, m, 1) - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + np.where(valid, d, 1) - 1
    return days, valid


def _time_fields(g: _Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Extracted time groups -> ``(ns since midnight, written, valid, midnight)`` per text.

    written: a time is there; valid: it is a real time under the rules of the module docstring
    (meaningful only where written); midnight: the time is exactly 00:00:00.
    """
    written = g.present("H")
    dots = g.present("dots")
    h = g.int("H")
    mnt, s = np.where(dots, g.int("Md"), g.int("M")), np.where(dots, g.int("Sd"), g.int("S"))
    frac = pc.if_else(pa.array(dots), g.fields["Fd"], g.fields["F"])
    frac_ns = np.asarray(pc.cast(pc.if_else(pc.equal(frac, ""), "0",
                                            pc.utf8_rpad(frac, width=9, padding="0")), pa.int64()))
    hsep = np.where(dots, ":", g.text("hsep"))
    ampm = np.char.lower(g.text("ampm").astype(str))
    has_ampm = ampm != ""
    has_m, has_s = mnt >= 0, s >= 0
    # "14" alone is not a time; "14:" needs its minutes; "14h30:00" is not a format.
    shape_ok = np.where(hsep == ":", has_m, (hsep != "") | has_ampm) & ~(has_s & (hsep != ":"))
    hour_ok = np.where(has_ampm, (h >= 1) & (h <= 12), (h >= 0) & (h <= 23))
    valid = written & shape_ok & hour_ok & (mnt <= 59) & (s <= 59)
    h24 = np.where(has_ampm, h % 12 + np.where(ampm == "p", 12, 0), h)
    ns = ((h24 * 60 + np.maximum(mnt, 0)) * 60 + np.maximum(s, 0)) * _NS + frac_ns
    ns = np.where(valid, ns, 0)
    return ns, written, valid, valid & (ns == 0)


def _zone_offset_ns(g: _Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Extracted zone groups -> ``(offset ns to subtract for UTC, zoned, valid, written offset ns)``; the last
    is the offset of every zone written, an abbreviation's too (taken as written, so not in the first)."""
    zoned = g.present("tz")
    tzh, tzm = g.int("tzh"), g.int("tzm")
    sign = np.where(g.text("tzsign") == "-", -1, 1)
    valid = ~zoned | ((tzh <= 23) & (tzm <= 59))
    offset = sign * (np.maximum(tzh, 0) * 60 + np.maximum(tzm, 0)) * 60 * _NS
    named = g.present("tzname")
    minutes = pd.Series(g.text("tzname"), dtype=object).str.lower().map(ZONE_NAMES).fillna(0).to_numpy()
    written = np.where(zoned & valid, np.where(named, minutes.astype(np.int64) * 60 * _NS, offset), 0)
    # A zone's abbreviation (CST, CDT) names the local zone the system writes its times in: the time is taken
    # as written, a wall-clock time like the times of the files beside it that carry no zone (converted to
    # UTC, an evening score on an infusion day moved to the next day against a date-only start).
    if named.any() and (g.present("tzsign") & ~named).any():  # offsets such as -05:00 (not Z or UTC)
        # Beside offsets in the same column ('-05:00' and 'CDT'), an abbreviation is converted as they are:
        # read as written it would be hours off the values around it.
        offset = written
    else:
        zoned = zoned & ~named
    return np.where(zoned & valid, offset, 0), zoned, valid, written


_ARRAY_FIELDS = ("year_first", "time_written", "midnight", "zoned", "sep", "two_digit", "named", "any_zone",
                 "zone_offset", "numeric_offset")


@dataclass(frozen=True)
class _Readings:
    """Every distinct text of a column read under each order (arrays over the distinct texts)."""

    ns: dict            # order -> int64 ns (UTC where zoned), 0 where not valid
    valid: dict         # order -> bool
    year_first: np.ndarray
    time_written: np.ndarray
    midnight: np.ndarray
    zoned: np.ndarray
    sep: np.ndarray         # the date's separator
    two_digit: np.ndarray   # the year has two digits
    named: np.ndarray       # month-name date: 0 no, 1 ``4-Mar-24``, 2 ``Mar 4, 2024``, 3 ``04MAR2024``
    any_zone: np.ndarray    # a zone is written (an abbreviation too, whether or not converted)
    zone_offset: np.ndarray  # the written zone's offset from UTC in ns (an abbreviation's too), 0 where none
    numeric_offset: np.ndarray  # the zone's offset is not 0 (``-08:00``, ``CST``; not ``Z``, ``UTC``, ``+00:00``)

    @property
    def fixed(self) -> np.ndarray:
        """The value reads the same under every order (a four-digit year first, or a month name)."""
        return self.year_first | (self.named > 0)


def _named_dates(g: _Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Month-name dates -> ``(kind, days since 1970, valid, two-digit year)`` per text; kind as in
    :class:`_Readings` ``named`` (0 where the text is not a month-name date)."""
    s3, s3b = g.text("s3"), g.text("s3b")
    # The two separators agree, except that "4. März 2024" has a dot after the day only.
    seps_ok = (s3 == s3b) | (np.isin(s3, [". ", " "]) & (s3b == " "))
    kind = np.select([g.present("nm") & seps_ok, g.present("nm2"), g.present("nm3")], [1, 2, 3], 0)
    kind = np.where(g.matched, kind, 0)
    name = np.where(kind == 1, g.text("nm"), np.where(kind == 2, g.text("nm2"), g.text("nm3")))
    month = pd.Series(name, dtype=object).str.casefold().map(_MONTH_OF).fillna(-1).to_numpy(dtype=np.int64)
    day = np.select([kind == 1, kind == 2, kind == 3], [g.int("nd"), g.int("nd2"), g.int("nd3")], -1)
    year = np.select([kind == 1, kind == 2, kind == 3], [g.int("ny"), g.int("ny2"), g.int("ny3")], -1)
    # SAS's DATE7. and DATETIME16. write the year in two digits (08APR24, 08APR24:08:39:00).
    two_digit = ((kind == 1) & (g.length("ny") == 2)) | ((kind == 3) & (g.length("ny3") == 2))
    year = np.where(two_digit, np.where(year <= 68, 2000 + year, 1900 + year), year)
    days, valid = _civil_days(year, month, day)
    kind = np.where(month > 0, kind, 0)
    return kind, days, valid & (kind > 0), two_digit


#: The readings of the last few columns read. An export's date columns are read in turn by the proposal, the
#: reader and the plausibility checks: 27 reads of 4 columns in one load of a 1,000-patient flowsheet extract
#: (docs/performance.md, "Clinic exports"). Only columns of up to :data:`_REMEMBERED_TEXTS` distinct texts are
#: kept, so that a registry-size column is not held after its load.
_RECENT: list[tuple[np.ndarray, _Readings]] = []
_RECENT_LOCK = threading.Lock()
_REMEMBERED_TEXTS = 200_000


def _read_all(texts: np.ndarray) -> _Readings:
    """:func:`_read_texts`, remembered for the last four columns (their texts compared in full, so a column
    that differs in one text is read again)."""
    if len(texts) > _REMEMBERED_TEXTS:
        return _read_texts(texts)
    with _RECENT_LOCK:
        for seen, readings in _RECENT:
            if len(seen) == len(texts) and np.array_equal(seen, texts):
                return readings
    readings = _read_texts(texts)
    with _RECENT_LOCK:
        _RECENT.insert(0, (np.array(texts, dtype=object, copy=True), readings))
        del _RECENT[4:]
    return readings


def _read_texts(texts: np.ndarray) -> _Readings:
    g = _Groups(texts, _DATETIME_RE)
    compact = g.matched & g.present("y5")
    year_first = (g.matched & g.present("y1") & (g.text("s1") == g.text("s1b"))) | compact
    other = g.matched & g.present("a") & (g.text("s2") == g.text("s2b"))
    tns, written, tvalid, midnight = _time_fields(g)
    military = g.matched & g.present("HH")
    tns = np.where(military, (g.int("HH") * 60 + g.int("MM")) * 60 * _NS, tns)
    written, tvalid, midnight = written | military, tvalid | military, np.where(military, tns == 0, midnight)
    offset, zoned, zvalid, written_offset = _zone_offset_ns(g)
    time_ok = ~written | tvalid
    named, days_named, valid_named, named_two_digit = _named_dates(g)
    fixed = year_first | (named > 0)
    ok = (year_first | other | (named > 0)) & time_ok & zvalid & (~g.present("colon") | (named == 3))

    a, b, c = g.int("a"), g.int("b"), g.int("c")
    two_digit = np.where(named > 0, named_two_digit, g.length("c") == 2)
    # Python's %y pivot: 00-68 -> 2000s, 69-99 -> 1900s.
    yy = np.where(two_digit, np.where(c <= 68, 2000 + c, 1900 + c), c)
    sep = np.where(year_first, g.text("s1"), np.where(named == 1, g.text("s3b"), g.text("s2")))

    days_yf, valid_yf = _civil_days(np.where(compact, g.int("y5"), g.int("y1")),
                                    np.where(compact, g.int("m5"), g.int("m1")), np.where(compact, g.int("d5"), g.int("d1")))
    # A value read the same under every order: year-first or with a month name.
    days_fixed = np.where(year_first, days_yf, days_named)
    valid_fixed = np.where(year_first, valid_yf, valid_named)
    days_dmy, valid_dmy = _civil_days(yy, b, a)
    days_mdy, valid_mdy = _civil_days(yy, a, b)
    base = np.where(written & tvalid, tns, 0) - offset
    ns, valid = {}, {}
    # A value on Excel's day zero is a time-only cell (parse_times reads it), not a date of 1899.
    valid_fixed = valid_fixed & (days_fixed != _EXCEL_DAY_ZERO)
    valid_dmy, valid_mdy = valid_dmy & (days_dmy != _EXCEL_DAY_ZERO), valid_mdy & (days_mdy != _EXCEL_DAY_ZERO)
    for order, days, vd in (("DMY", days_dmy, valid_dmy), ("MDY", days_mdy, valid_mdy)):
        v = ok & np.where(fixed, valid_fixed, other & vd)
        ns[order] = np.where(v, np.where(fixed, days_fixed, days) * _DAY_NS + base, 0)
        valid[order] = v
    v = ok & fixed & valid_fixed
    ns["YMD"] = np.where(v, days_fixed * _DAY_NS + base, 0)
    valid["YMD"] = v
    any_zone = g.matched & g.present("tz") & zvalid
    # An offset from UTC other than 0, written as a number or an abbreviation (not Z, UTC, GMT, +00:00).
    numeric = any_zone & (written_offset != 0)
    readings = _Readings(ns, valid, year_first, written & tvalid, midnight, zoned & zvalid, sep, two_digit, named,
                         any_zone, np.where(any_zone, written_offset, 0), numeric)
    for a in (*ns.values(), *valid.values(), *(getattr(readings, f) for f in _ARRAY_FIELDS)):
        a.setflags(write=False)  # shared by every reader of the same texts (_read_all): never changed in place
    return readings


def _patterns(r: _Readings, order: str, rows: np.ndarray, weights: np.ndarray) -> tuple[str, ...]:
    """The written patterns (``DD.MM.YYYY``) of the texts ``rows`` under ``order``, most cells first
    (at most 3). A loop over the few distinct (kind, separator, year length) combinations."""
    if not rows.any():
        return ()
    key = pd.DataFrame({"yf": r.year_first[rows], "sep": r.sep[rows], "yy": r.two_digit[rows],
                        "named": r.named[rows], "n": weights[rows]})
    top = key.groupby(["yf", "sep", "yy", "named"])["n"].sum().sort_values(ascending=False, kind="stable").index[:3]
    first, second = ("MM", "DD") if order == "MDY" else ("DD", "MM")
    return tuple(f"YYYY{sep}MM{sep}DD" if yf else
                 _NAMED_PATTERNS[named].format(sep=sep, year="YY" if yy else "YYYY") if named else
                 f"{first}{sep}{second}{sep}{'YY' if yy else 'YYYY'}"
                 for yf, sep, yy, named in top)


def _check_order(order) -> str:
    if isinstance(order, str) and order.strip().upper() in ORDERS:
        return order.strip().upper()
    if order is None:
        raise MappingError("The order of day and month in the dates is ambiguous: choose one of "
                           "DMY (day-first), MDY (month-first) or YMD (year-first) for this column.")
    raise MappingError(f"Unknown date order {order!r}: use DMY (day-first, 31.12.2024), "
                       "MDY (month-first, 12/31/2024) or YMD (year-first, 2024-12-31).")


# --------------------------------------------------------------------------------------------------
# The public functions
# --------------------------------------------------------------------------------------------------

def detect_date_format(values) -> DateFormat:
    """The order of day, month and year in a column of dates, found from every value.

    Parameters
    ----------
    values : array-like of str
        The cells as text (None/NaN are empty).

    Returns
    -------
    DateFormat
        ``order`` is the single candidate when exactly one order reads every value that some order
        reads; otherwise None (ambiguous or contradictory) with ``candidates`` listed. The order is
        never guessed: a column of ``01/02/2024``-style values with every day and month at most 12 is
        ambiguous, one value such as ``13/02/2024`` makes it day-first.

    Notes
    -----
    Year-first values (``2024-02-01``) read the same under every order; a column of only such
    values is ``YMD``. Counts are over cells; the decision is made on the distinct texts.
    """
    codes, texts, missing = distinct_texts(values)
    counts = np.bincount(codes, minlength=len(texts))
    r = _read_all(texts)
    present = ~missing & (counts > 0)
    any_order = r.valid["DMY"] | r.valid["MDY"] | r.valid["YMD"]
    parsed = present & any_order
    n_values = int(counts[present].sum())
    n_unparsed = int(counts[present & ~any_order].sum())
    others = parsed & ~r.fixed
    if not parsed.any():
        candidates: tuple[str, ...] = ()
    elif not others.any():
        candidates = ("YMD",)
    else:
        candidates = tuple(o for o in ("DMY", "MDY") if r.valid[o][others].all())
    order = candidates[0] if len(candidates) == 1 else None

    patterns = _patterns(r, order or "DMY", parsed, counts)
    written = parsed & r.time_written
    midnight_only = bool(written.any() and r.midnight[written].all())
    return DateFormat(
        order=order,
        candidates=candidates,
        has_time=bool(written.any()) and not midnight_only,
        n_values=n_values,
        n_unparsed=n_unparsed,
        examples=tuple(texts[parsed][:3]),
        midnight_only=midnight_only,
        has_zone=bool((parsed & r.zoned).any()),
        has_local_time=bool((written & ~r.zoned).any()) and not midnight_only,
        has_offset=bool((parsed & r.zoned & r.numeric_offset).any()),
        has_utc=bool((parsed & r.zoned & ~r.numeric_offset).any()),
        unparsed_examples=tuple(texts[present & ~any_order][:3]),
        patterns=patterns,
    )


def parse_datetimes(values, order: str, *, midnight_only_is_date: bool = True, time_zone: str | None = None,
                    written_in: str | None = None, offsets_as_written: bool = False
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dates (optionally with times) read under a given order of day, month and year.

    Parameters
    ----------
    values : array-like of str
        The cells as text (None/NaN are empty).
    order : {"YMD", "DMY", "MDY"}
        From :func:`detect_date_format` or chosen by the user (any case). Year-first values read the
        same under every order; under ``"YMD"`` a value such as ``01/03/2024`` is bad.
    midnight_only_is_date : bool, default True
        When every time written in the column is 00:00:00 (Excel's date cells), ``has_time`` is
        False for every value.
    time_zone : str, optional
        The clinic's zone (an IANA name): every value written with a zone (``Z``, ``-08:00``, ``EST``) is
        converted to this zone's wall-clock time, daylight saving time included, and so is a time without a
        zone when ``written_in`` names its zone.
    written_in : str, optional
        The zone of the times written without one (a Qualtrics file's ``timeZone``); used with ``time_zone``.
    offsets_as_written : bool, default False
        Without ``time_zone``: a value with an offset other than 0 (``16:30-08:00``) is its wall-clock time as
        written (16:30 of its own date), not UTC; values in UTC (``Z``) are still converted to UTC.

    Returns
    -------
    ns : ndarray of int64
        Nanoseconds since 1970-01-01 00:00, wall-clock time as written (naive); a value with a zone
        is converted to UTC (see ``time_zone`` and ``offsets_as_written``). 0 where missing or bad.
    missing : ndarray of bool
        Empty cell or an NA token.
    bad : ndarray of bool
        Not missing and not a date under ``order`` (including impossible dates such as 31.04.2024
        and impossible times such as 25:00).
    has_time : ndarray of bool
        The value carries a time of day (False where missing or bad).

    Raises
    ------
    MappingError
        ``order`` is None or not one of :data:`ORDERS`.
    """
    order = _check_order(order)
    codes, texts, missing = distinct_texts(values)
    r = _read_all(texts)
    ok = r.valid[order] & ~missing
    has_time = ok & r.time_written
    if midnight_only_is_date:
        used = np.bincount(codes, minlength=len(texts)) > 0
        written = has_time & used
        if written.any() and r.midnight[written].all():
            has_time = np.zeros_like(has_time)
    ns = r.ns[order]
    # The wall-clock time written: ns plus the offset subtracted for UTC (an abbreviation's was not, unless beside
    # offsets in its column: r.zoned).
    written = np.where(r.zoned, ns + r.zone_offset, ns)
    if time_zone is not None:
        from .zone_clock import wall_clock
        local = ok & r.time_written & ~r.any_zone if written_in and written_in != time_zone else None
        ns = wall_clock(ns, written - r.zone_offset, ok & r.any_zone, time_zone, local=local, written_in=written_in)
    elif offsets_as_written:
        ns = np.where(ok & r.zoned & r.numeric_offset, written, ns)
    return (ns[codes], missing[codes], (~missing & ~ok)[codes], has_time[codes])


def swapped_by_a_spreadsheet(values) -> tuple[int, int] | None:
    """Dates a spreadsheet program probably converted with day and month swapped.

    A program set to month-first dates that opens day-first text converts the values it can read
    (``04/03/2024``, 4 March, becomes 3 April and is written ``2024-04-03 00:00:00``) and leaves the
    others as typed (``13/03/2024``). The column then mixes year-first dates whose day is at most 12
    with other dates that all read in one order only, with the day above 12. The year-first values
    read as written are then wrong by the swap, and nothing in a single value shows it.

    Parameters
    ----------
    values : array-like of str

    Returns
    -------
    (n_year_first, n_other) or None
        The numbers of cells of each kind when the column has this mark (at least two distinct
        year-first dates and one other date), else None. The mirror case (month-first text opened as
        day-first) has the same mark. No values are returned: dates are identifiers.
    """
    codes, texts, missing = distinct_texts(values)
    used = (np.bincount(codes, minlength=len(texts)) > 0) & ~missing
    r = _read_all(texts)
    g = _Groups(texts, _DATETIME_RE)
    parsed = used & (r.valid["DMY"] | r.valid["MDY"] | r.valid["YMD"])
    year_first = parsed & r.year_first
    others = parsed & ~r.fixed
    if year_first.sum() < 2 or not others.any():
        return None
    day_of_year_first = g.int("d1")[year_first]
    # Each other value reads in one order only, and the number that is then its day is above 12.
    one_order = r.valid["DMY"][others] != r.valid["MDY"][others]
    day = np.where(r.valid["DMY"][others], g.int("a")[others], g.int("b")[others])
    if (day_of_year_first <= 12).all() and one_order.all() and (day > 12).all():
        counts = np.bincount(codes, minlength=len(texts))
        return int(counts[year_first].sum()), int(counts[others].sum())
    return None


def _german_clock(texts: np.ndarray) -> np.ndarray:
    """German clock times as a ward writes them, ``9:00 Uhr``, ``13.30 Uhr``, ``14 Uhr``, as ``H:MM``.
    The dot separates hours and minutes only before ``Uhr`` (a bare ``13.30`` could be a number)."""
    arr = pa.array(texts, type=pa.string())
    arr = pc.replace_substring_regex(arr, r"^(\d{1,2})[.:](\d{2})(:\d{2})? ?(?i:uhr)$", r"\1:\2\3")
    arr = pc.replace_substring_regex(arr, r"^(\d{1,2}) ?(?i:uhr)$", r"\1:00")
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


def parse_times(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A separate time-of-day column.

    Accepted: ``14:30``, ``14:30:00``, ``14:30:00.5``, ``9:05``, ``2:30 PM``, ``2:30pm``, ``2 PM``,
    ``2:30 a.m.`` (12-hour clock: hour 1-12; ``12:xx AM`` is 00:xx), ``14h30`` and ``14h`` (French),
    ``9:00 Uhr``, ``13.30 Uhr`` and ``14 Uhr`` (German; the dot only before ``Uhr``),
    and four digits of a 24-hour clock without a separator, ``0930`` = 09:30 (how some EHRs write
    times; 0000-2359 only). A time on Excel's and Access's day zero, ``1899-12-30 09:30:00`` (also
    ``12/30/1899``, ``30.12.1899``: a time-only cell as tools reading the workbook write it), is the time. Not accepted: ``930`` (three digits), a bare hour ``14``, ``24:00``, a
    fraction of a day such as Excel's ``0.6041``, times with a zone.

    Parameters
    ----------
    values : array-like of str

    Returns
    -------
    ns : ndarray of int64
        Nanoseconds since midnight; 0 where missing or bad.
    missing : ndarray of bool
        Empty cell or an NA token.
    bad : ndarray of bool
        Not missing and not a time of day.
    """
    codes, texts, missing = distinct_texts(values)
    g = _Groups(_german_clock(texts), _TIME_RE)
    ns, written, valid, _ = _time_fields(g)
    military = g.matched & g.present("HH")
    ns = np.where(military, (g.int("HH") * 60 + g.int("MM")) * 60 * _NS, ns)
    ok = ~missing & g.matched & ((written & valid) | military)
    return np.where(ok, ns, 0)[codes], missing[codes], (~missing & ~ok)[codes]


def combine_date_time(date_ns, date_has_time, time_ns, time_missing) -> tuple[np.ndarray, np.ndarray]:
    """A date column and a separate time column -> one time stamp per row.

    Parameters
    ----------
    date_ns, date_has_time : ndarray
        From :func:`parse_datetimes`.
    time_ns, time_missing : ndarray
        From :func:`parse_times`. A bad time is the caller's to exclude (or to pass as missing).

    Returns
    -------
    ns : ndarray of int64
        The date's own time where it has one (a row whose date carries a time keeps it); otherwise
        the date at 00:00 plus the time of the time column; the date at 00:00 where the time is
        missing.
    has_time : ndarray of bool
        The row has a time of day (from either column).
    """
    date_ns = np.asarray(date_ns, dtype=np.int64)
    date_has_time = np.asarray(date_has_time, dtype=bool)
    time_ns = np.asarray(time_ns, dtype=np.int64)
    time_missing = np.asarray(time_missing, dtype=bool)
    add = ~date_has_time & ~time_missing
    return np.where(add, date_ns + time_ns, date_ns), date_has_time | add


def conflicting_times(date_ns, date_has_time, time_ns, time_missing) -> np.ndarray:
    """Rows whose date carries a time of day that differs from the separate time column's.

    :func:`combine_date_time` keeps the date's own time; these rows are worth a warning (which of the
    two columns is right cannot be known). Compared as wall-clock times of day (a date with a zone was
    converted to UTC, so its time of day is UTC's).
    """
    date_ns = np.asarray(date_ns, dtype=np.int64)
    both = np.asarray(date_has_time, dtype=bool) & ~np.asarray(time_missing, dtype=bool)
    return both & (np.mod(date_ns, _DAY_NS) != np.asarray(time_ns, dtype=np.int64))


def all_dotted(values: np.ndarray) -> bool:
    """Every date is written with dots, day, month and year (``01.03.2024``, ``1.3.24``)."""
    v = pd.Series(values[values != ""], dtype=object)
    return bool(len(v)) and bool(v.str.match(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}(?:\D|$)").all())


def dotted_order(values: np.ndarray, fmt, order: str | None, own_format: bool) -> tuple[str | None, str | None]:
    """The order of a column of dates written with dots, and the note saying it is day-first, or ``(order, None)``.

    ``order`` is the export's (``"date_format"``) or the column's own (``own_format``). Dotted dates that read two
    ways are day-first when no order is given; an export-wide ``MDY`` (the order of its slashed dates) leaves them
    day-first too: dots are never month-first. A column's own format is kept."""
    example = fmt.examples[0] if fmt.examples else "01.03.2024"
    if order is None and fmt.order is None and dotted_day_first(values, fmt):
        return "DMY", (f"dotted dates such as {example} are read day-first (DD.MM.YYYY), the only order written with "
                       "dots; set \"date_format\" to change it.")
    if not own_format and order == "MDY" and fmt.order != "MDY" and all_dotted(values):
        return "DMY", (f"dotted dates such as {example} are read day-first (DD.MM.YYYY), the only order written with "
                       "dots: the export's \"date_format\" MDY is not applied to them; give the column its own "
                       "\"format\" to change it.")
    return order, None


def dotted_day_first(values: np.ndarray, fmt) -> bool:
    """True when dates that read two ways are all written with dots (01.03.2024): day-first is the only
    order written with dots (German, Swiss, Austrian, Scandinavian, Russian, ... exports)."""
    if set(fmt.candidates) != {"DMY", "MDY"}:
        return False
    v = pd.Series(values[values != ""], dtype=object)
    return bool(len(v)) and bool(v.str.match(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}(?:\D|$)").all())
