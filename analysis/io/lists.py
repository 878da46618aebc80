"""Items listed in one cell (``left hand, right foot``), counted: the column role ``"list"``.

A spreadsheet or flowsheet often records the body regions with CRPS signs as a list in one cell per
visit ("Affected regions": ``L hand; R foot; L knee``). The canonical measure ``regions_affected`` is
the *number* of regions (docs/data-format.md, "Clinic exports"), so such a column is read as the count
of the distinct items it lists, at the visit's time, like a score column.

The rule for one cell (docs/data-format.md, "The role list", states it for users)
---------------------------------------------------------------------------------
1. *Not measured*: an empty cell, or ``NA``, ``N/A``, ``NaN``, ``null`` (any case): no value, no
   exclusion (as an empty score cell).
2. *None*: the whole cell is a word for "none" (:data:`NONE_WORDS`: ``none``, ``no``, ``nil``, ``0``,
   ``-``, ``keine``, ``aucune``, ``ninguna``, ``nessuna``, ``geen``, ...): the count is 0. The
   canonical validator then checks it against the measure's range: ``regions_affected`` is 1 or more,
   so the visit's 0 is excluded and listed with its reason (out of range), never dropped silently.
3. *A count*: the whole cell is a whole number (``2``, ``2.0``): that count. A number that is not a
   whole number of items (``1.5``, ``-1``) is excluded with its reason.
4. *A list*: otherwise the cell is split at the separators (:data:`SEPARATORS`): ``,`` ``;`` ``/``
   ``|`` ``+`` ``&``, a line break, and the whole words ``and``, ``und``, ``et``, ``y``, ``e``,
   ``en`` between spaces ("and" in English, German, French, Spanish, Italian, Dutch). Each item is
   trimmed (spaces and full stops at either end), runs of spaces become one, and items equal apart
   from case are one item (``Left hand, left HAND`` is 1). The count is the number of distinct items.
   Items are not interpreted (``L hand`` and ``left hand`` are two items), with one exception: an
   item naming both sides (:data:`BOTH_SIDES`: ``both hands``, ``bilateral lower limbs``, ``beide
   Hände``, ``Hand bds.``, ``Fuß beidseits``, ``deux mains``, ``mains bilatérales``, ``ambas manos``,
   ``entrambe le mani``) is two items, the left and the right of what it names without that word
   (``both hands`` and ``bilateral hands`` are the same two; ``left hand, both feet`` is 3). Counted
   as one, ``left hand`` then ``both hands`` hid the spread to the other hand.
5. *Codes*: a column whose cells are all numbers or lists of numbers separated by commas or
   semicolons (``1,3``, ``2; 4``, ``2``) lists *codes* (a form's choices exported as their codes:
   REDCap, an EHR's coded list) when two different lists prove it, or one list beside single numbers
   that are all 1 (:func:`codes_verdict`); one list beside other numbers is read as counts, the list
   excluded, with a note (:func:`lone_list`). Each cell's count is the number of distinct
   codes it lists, so a single number is one code (``2`` = 1 region), not a count; a cell that is a
   word for none (``0``, ``none``) is still 0. The column as a whole is read so, with a note
   (:attr:`ListCounts.codes`); a column of whole numbers only stays a column of counts (rule 3).
6. Excluded, with the reason, rather than guessed: a list mixing named items with a count or a word
   for none (``left hand, 2``; ``left hand, none``); a cell starting with a number followed by words
   (``2 regions``: the count, or a count of listed things?); a cell of separators only (``,``).

Everything works on the distinct texts of the column (pandas string methods over them, then spread
back by codes): no Python loop over rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .dates import NA_TOKENS

#: Cells meaning "not measured" (no value, no exclusion): the loader's NA tokens except ``none``,
#: which in a list answers the question (no item).
NOT_MEASURED = frozenset(t for t in NA_TOKENS if t != "none")
#: Whole cells meaning "no item listed" (count 0), matched after trimming, in any case.
NONE_WORDS = frozenset({"none", "no", "nil", "0", "-", "--", "—", "–", "no region", "no regions", "nothing",
                        "keine", "kein", "keines", "nein", "aucun", "aucune", "non", "ninguno", "ninguna", "nada",
                        "nessuno", "nessuna", "geen", "nee"})
#: A word saying an item is on both sides (English, German, French, Spanish, Italian, Dutch), as a whole
#: word anywhere in the (case-folded) item: ``both hands``, ``bilateral feet``, ``beide Hände``, ``Hand bds.``,
#: ``Fuß beidseits``, ``deux mains``, ``les deux pieds``, ``mains bilatérales``, ``ambos pies``,
#: ``entrambe le mani``, ``beide handen``, ``handen beiderzijds``.
BOTH_SIDES = (r"(?:^|(?<=[\s(]))(?:both|bilateral(?:ly|es)?|bilat|bds|beide[nrs]?|beidseits|beidseitig(?:e[nrs]?)?|"
              r"beiderseits|(?:les\s)?deux|bilat[ée]ral(?:e|es|s)?|ambos|ambas|entrambi|entrambe|bilaterali|"
              r"beiderzijds|bilateraal)\.?(?=$|[\s)])")
#: The separators of a list (a regular expression over the case-folded cell, spaces collapsed).
SEPARATORS = r"\s*[,;/|+&\n\r]\s*|\s(?:and|und|et|y|e|en)\s"

R_NOT_WHOLE = "{value!r} is not a whole number of items"
R_MIXED = "{value!r} mixes listed items with a count or a word for none: write the items, or the count alone"
R_COUNT_WORDS = "{value!r} starts with a number followed by words: write the count alone, or list the items"
R_NO_ITEM = "{value!r} lists no item (only separators)"

_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)"
#: What a cell of codes could also be: one number with a decimal comma that is whole (``2,0``).
_WHOLE_WITH_COMMA = r"\d+,0+"


#: A list of codes as forms export them: numbers separated by commas or semicolons ('1,3', '1, 3', '2;4').
#: ('2/4', '1+3', '2 and 4' are how people write text, '2/4' often two of four limbs: the list rules.)
_CODE_LIST = r"\d+(?:\s*[,;]\s*\d+)+"


def codes_verdict(norm: pd.Series) -> str:
    """Rule 5 over a column's measured cells (``norm``: distinct, case-folded, not none or missing):
    ``"codes"`` or ``"counts"``.

    Every cell must be a whole number (a whole number with a decimal comma, ``2,0``, is that number) or
    a list of them separated by commas or semicolons (:data:`_CODE_LIST`). Codes take two different
    lists (``1,3`` and ``2,4``: one list alone may be a stray cell, or a decimal, among counts), or one
    list beside single numbers that are all 1 (a code 1 and a count 1 are both one region). Otherwise
    the column is counts, and a list among them is excluded by the other rules, as a decimal or a list
    mixing numbers; with one list beside other numbers the load says so in a note (:func:`lone_list`)."""
    if not len(norm):
        return "counts"
    single = norm.str.fullmatch(r"\d+").to_numpy(dtype=bool)
    whole = norm.str.fullmatch(_WHOLE_WITH_COMMA).to_numpy(dtype=bool)
    listed = norm.str.fullmatch(_CODE_LIST).to_numpy(dtype=bool) & ~whole
    if not (listed | single | whole).all() or not listed.any():
        return "counts"
    if listed.sum() >= 2:
        return "codes"
    numbers = pd.to_numeric(norm[single], errors="coerce")
    return "codes" if bool((numbers <= 1).all()) else "counts"


def _measured_distinct(values: np.ndarray) -> pd.Series:
    """A column's distinct cells, normalised, without the empty, not-measured and none cells."""
    norm = _normal(pd.Series(pd.unique(pd.Series(values, dtype=object).fillna("").astype(str)), dtype=object))
    return norm[~norm.isin(NOT_MEASURED) & ~norm.isin(NONE_WORDS) & (norm != "")]


def lone_list(values: np.ndarray) -> str | None:
    """The one list of numbers (``1,3``) in a column otherwise of single numbers some above 1, which
    :func:`codes_verdict` reads as counts: if the column lists codes, every other cell is then wrong, so
    the load names it in a note. None for any other column."""
    norm = _measured_distinct(values)
    single = norm.str.fullmatch(r"\d+").to_numpy(dtype=bool)
    listed = norm.str.fullmatch(_CODE_LIST).to_numpy(dtype=bool) & ~norm.str.fullmatch(_WHOLE_WITH_COMMA).to_numpy(
        dtype=bool)
    if listed.sum() != 1 or not (listed | single).all() or codes_verdict(norm) != "counts":
        return None
    return str(norm[listed].iloc[0])


def lone_list_notes(file: str, header: str, measure: str, values: np.ndarray) -> list[str]:
    """The load's note on a column read as counts with one cell listing numbers (:func:`lone_list`), or none."""
    if (lone := lone_list(values)) is None:
        return []
    return [f"{file}, column {header!r}: one cell lists numbers ({lone!r}) among single numbers: read as counts of "
            f"{measure}, that cell excluded. If the column lists codes of regions (2 = region 2), these counts are "
            "wrong: give the column \"listed\": \"codes\" in the mapping (docs/data-format.md, \"Body regions "
            "listed in one cell\")."]


def codes_note(file: str, column: str, measure: str, cells: np.ndarray) -> str:
    """The note saying a column of body regions lists codes (rule 5)."""
    shown = ", ".join(repr(str(v)) for v in pd.unique(cells)[:3])
    return (f"{file}, column {column!r}: its cells list codes (e.g. {shown}): each cell's {measure} is the number "
            "of distinct codes it lists, so a single number is one code, not a count (docs/data-format.md, \"Body "
            "regions listed in one cell\").")


def column_codes_verdict(values: np.ndarray) -> str:
    """:func:`codes_verdict` of a column's cells as written (empty, not-measured and none cells left out)."""
    return codes_verdict(_measured_distinct(values))


@dataclass(frozen=True)
class ListCounts:
    """Per cell: ``count`` (float; NaN where not read), ``missing`` (not measured) and ``reason``
    (``""`` where read or missing; otherwise why the cell is excluded). ``items`` is the number of
    items each cell lists before any check (0 for a missing cell), for the proposal. ``both_sides``: the
    cells read with an item naming both sides counted as two (rule 4), for the load's note."""

    count: np.ndarray
    missing: np.ndarray
    reason: np.ndarray
    items: np.ndarray
    codes: bool = False  # the column lists codes (rule 5): a single number is one code, not a count
    both_sides: np.ndarray | None = None  # the cell counts an item naming both sides as two (rule 4)
    #: Each row's distinct cell (an index into ``keys``), and the items each distinct cell lists (rules 4 and 5:
    #: case-folded, trimmed, an item naming both sides as its left and its right), indexed by that cell: what
    #: rows merged into one visit count (analysis/io/region_rows.py). Cells read as a count or none list none.
    cell: np.ndarray | None = None
    keys: pd.Series | None = None


def _normal(texts: pd.Series) -> pd.Series:
    return texts.str.casefold().str.replace(r"[ \t\u00a0]+", " ", regex=True).str.strip()


def count_listed(values: np.ndarray, listed: str | None = None) -> ListCounts:
    """Count the distinct items listed in each cell (the rule in the module docstring).

    Parameters
    ----------
    values : ndarray of str
        The column's cells as text (``""`` for an empty cell).
    listed : {"codes", "counts"}, optional
        How a column of numbers is read, as the mapping says (the column option ``listed``): ``"codes"``
        when every measured cell is a number or a list of them; ``"counts"`` never codes. None: rule 5
        decides from the cells (:func:`codes_verdict`).

    Returns
    -------
    ListCounts
    """
    codes_of, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    u = pd.Series(np.asarray(uniques, dtype=object)).fillna("").astype(str)
    norm = _normal(u)
    n = len(u)
    count = np.full(n, np.nan)
    reason = np.full(n, "", dtype=object)
    missing = norm.isin(NOT_MEASURED).to_numpy()
    none = norm.isin(NONE_WORDS).to_numpy() & ~missing
    count[none] = 0.0
    measured = ~missing & ~none
    if listed == "codes":
        as_codes = bool(norm[measured].str.fullmatch(rf"\d+|{_CODE_LIST}").all())
    else:
        as_codes = listed is None and codes_verdict(norm[measured]) == "codes"
    if as_codes:
        # Rule 5: each cell's count is its distinct codes ('1,3,3' is 2; '2' is 1).
        listed_codes = norm[measured].str.findall(r"\d+").explode()
        distinct = listed_codes.groupby(level=0).nunique().reindex(norm.index[measured], fill_value=0).to_numpy()
        count[measured] = distinct
        items = np.zeros(n, dtype=np.int64)
        items[measured] = distinct
        return ListCounts(count=count[codes_of], missing=missing[codes_of], reason=reason[codes_of],
                          items=items[codes_of], codes=True, cell=codes_of, keys=listed_codes.dropna())
    number = norm.str.fullmatch(_NUMBER).to_numpy(dtype=bool) & ~missing & ~none
    x = pd.to_numeric(norm[number].str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float)
    whole = (x >= 0) & (x == np.floor(x))
    count[np.flatnonzero(number)[whole]] = x[whole]
    bad_number = np.flatnonzero(number)[~whole]
    reason[bad_number] = [R_NOT_WHOLE.format(value=v) for v in u.iloc[bad_number]]
    listed = ~(missing | none | number)
    items = np.zeros(n, dtype=np.int64)
    both_sides = np.zeros(n, dtype=bool)
    sides = pd.Series(dtype=object)
    if listed.any():
        parts = norm[listed].str.split(SEPARATORS, regex=True).explode()
        parts = parts.str.strip(" .").str.replace(r"\s+", " ", regex=True)
        has_sep = norm[listed].str.contains(SEPARATORS, regex=True).to_numpy(dtype=bool)
        kept = parts[parts != ""]
        # An item naming both sides is its left and its right (rule 4): two items keyed by what it names.
        both = kept.str.contains(BOTH_SIDES, regex=True)
        named = kept[both].str.replace(BOTH_SIDES, "", regex=True).str.strip(" .()").str.replace(r"\s+", " ", regex=True)
        sides = pd.concat([kept[~both], named + " (left)", named + " (right)"])
        distinct = sides.groupby(level=0).nunique().reindex(norm.index[listed], fill_value=0).to_numpy()
        both_sides[np.flatnonzero(listed)] = both.groupby(level=0).any().reindex(norm.index[listed],
                                                                                 fill_value=False).to_numpy(dtype=bool)
        items[listed] = distinct
        odd = (kept.isin(NONE_WORDS) | kept.str.fullmatch(_NUMBER)).groupby(level=0).any() \
            .reindex(norm.index[listed], fill_value=False).to_numpy(dtype=bool)
        words_after_count = norm[listed].str.match(rf"^{_NUMBER}\s+[^\d\s]").to_numpy(dtype=bool)
        idx = np.flatnonzero(listed)
        r = np.full(len(idx), "", dtype=object)
        texts = u.iloc[idx].to_numpy(dtype=object)
        for mask, template in ((distinct == 0, R_NO_ITEM), (words_after_count, R_COUNT_WORDS),
                               (odd & has_sep & (distinct > 0), R_MIXED)):
            take = mask & (r == "")
            r[take] = [template.format(value=v) for v in texts[take]]
        ok = r == ""
        count[idx[ok]] = distinct[ok]
        reason[idx] = r
    count[reason != ""] = np.nan
    both_sides &= reason == ""
    return ListCounts(count=count[codes_of], missing=missing[codes_of], reason=reason[codes_of], items=items[codes_of],
                      both_sides=both_sides[codes_of], cell=codes_of, keys=sides)


def several_listed(values: np.ndarray) -> float:
    """The share of measured cells that list two or more items (``left hand, right foot``): what makes
    a text column look like a list to the proposal."""
    lc = count_listed(values[values != ""])
    measured = ~lc.missing
    return float((lc.items[measured] >= 2).mean()) if measured.any() else 0.0


def both_sides_notes(file: str, header: str, values: np.ndarray, listed: ListCounts) -> list[str]:
    """The load's note on the cells of a list column (``values``, read as ``listed``) that counted an item naming
    both sides as two (rule 4): one note, or none when no cell did."""
    if listed.both_sides is None or not listed.both_sides.any():
        return []
    cells = values[listed.both_sides]
    shown = ", ".join(repr(str(v)) for v in pd.unique(pd.Series(cells, dtype=object))[:3])
    return [f"{file}, column {header!r}: {len(cells)} cell(s) name a region on both sides ({shown}): each such item "
            "counts as two regions, the left and the right (docs/data-format.md, \"Body regions listed in one cell\")."]


def rows_of_one_visit(file: str, header: str, patient: np.ndarray, when: list[np.ndarray], listed: ListCounts,
                      lines: np.ndarray) -> list[str]:
    """The load's warning on a list column written one row per region (``Patient, Exam date, Affected region``:
    two or more rows of one patient and date, ``when`` the row's date and time cells as written, each listing
    its items), or none. Each row is read as a count of its own; the visit's rows then repeat one time with
    counts of 1, and all but one are excluded as duplicates or conflicts: the visit's number of regions is lost
    (0 of 30 spreads seen where there were 20). Given for a mapping without ``"one_per_row"``: which columns make a
    region (a 'Side' beside it) is then the clinic's to say (the proposal says so itself: analysis/io/region_rows.py)."""
    read = ~listed.missing & (listed.reason == "") & (np.asarray(patient, dtype=object) != "")
    if not when or read.sum() < 2:
        return []
    key = pd.DataFrame({"p": np.asarray(patient, dtype=object)[read],
                        **{f"w{i}": np.asarray(w, dtype=object)[read] for i, w in enumerate(when)}})
    shared = key.duplicated(keep=False).to_numpy()
    if not shared.any():
        return []
    visits = key[shared].drop_duplicates()
    first = key[shared].groupby(list(key.columns), sort=False).ngroup().to_numpy() == 0
    shown = ", ".join(str(int(x)) for x in np.asarray(lines)[read][shared][first][:3])
    return [f"{file}, column {header!r}: {len(visits)} visit(s) of one patient and date have several rows, each "
            f"listing its regions (e.g. lines {shown}): each row is read as a count of its own, so the repeated rows "
            "of a visit are excluded as duplicates or conflicts and the visit's number of regions is lost. Give the "
            "column \"one_per_row\": true in the mapping (and \"side\": the column of the side, if any) to count "
            "each visit's rows together; or write a visit's regions in one cell, one row per visit ('left hand, right "
            "foot'), or a count of regions per visit (docs/data-format.md, \"Body regions listed in one cell\")."]
