"""The identifier guard over a file's columns: :func:`find_identifier_columns` (name and content
checks, answers cached by set of values), and :class:`IdentifierGuard`, the loader's guard, which
refuses (or drops) such columns; see :mod:`analysis.io.identifiers`."""
from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import IdentifierError
from ...mapping import CANONICAL_NAMES
from ..columns import PREFETCH_ROWS, _Table, _is_text_type
from .content import _distinct, _kind_of_distinct, _reason, numbers_never_flagged
from .names import name_reason, rename_hint

_IS_STR = str.__instancecheck__  # isinstance(v, str), mapped in C
#: Cells that hold no identifier whatever their column: Microsoft Forms writes ``anonymous`` in the Email column
#: of a form that does not collect names.
_HOLDS_NOTHING = frozenset({"anonymous", "Anonymous", "ANONYMOUS"})


def _given_distinct(values) -> list[str]:
    """A column's distinct stripped texts as given (list, array or pyarrow array), without the empty one."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_pylist()
    elif isinstance(values, np.ndarray):
        values = values.tolist()
    else:
        values = list(values)
    if values and (values[0] == "" or "" in values or None in values):
        values = [v for v in values if v]
    return values


def _cache_key(values: list[str], allow_dates: bool, ordered: bool = False):
    """The key of a column's answer in the cache: its set of values. ``ordered``: the values are
    distinct and come in a canonical order (the loader's sorted codes), so the order itself can be
    hashed without sorting; another order only misses the cache."""
    if len(values) < 2000:
        return allow_dates, frozenset(values)
    joined = "\0".join(values if ordered else sorted(values))
    return allow_dates, len(values), hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=20).digest()


def find_identifier_columns(df, headers: dict[str, str], *, skip_name_check: set[str],
                            date_columns: set[str], cache: dict | None = None,
                            distinct: bool = False, dates_mappable: bool = True,
                            empty_holds_nothing: bool = True) -> list[tuple[str, str]]:
    """Columns of ``df`` that look like direct identifiers.

    Parameters
    ----------
    df : DataFrame, or a mapping of column name -> values
        The file's cells as text, columns named after mapping: every cell, or each column's distinct
        values (a 1-d array, list or pyarrow array of str); the verdict depends only on the set of
        distinct non-empty values.
    headers : dict
        Column name in ``df`` -> the header as written in the file.
    skip_name_check : set of str
        Columns whose (mapped) name is canonical (``patient_id``, ``day``, ``date``, ...): the
        canonical name is trusted, but the header as written is still checked (``dob`` mapped as
        ``date``, ``MRN`` mapped as ``patient_id`` are refused); their content is checked.
    date_columns : set of str
        Columns mapped as visit or treatment dates, whose calendar dates are expected.
    cache : dict, optional
        Content answers by set of distinct values, shared by the files of one load: the patient ids
        of the three files usually give the same set, checked once.
    distinct : bool
        True when each column's values are already its distinct texts, stripped (empty strings
        and missing values are skipped): saves finding them again.
    dates_mappable : bool
        Whether a column of calendar dates in this table could be mapped as a visit or treatment
        date (assessments, treatments): then the message suggests it; otherwise (patients) it says
        to remove or convert the dates.

    empty_holds_nothing : bool
        A column without a value (or only ``anonymous``, as Microsoft Forms fills the Email of an
        anonymous form) is no identifier whatever its name (a data warehouse's empty ``BIRTH_DATE`` or
        ``day_of_birth``: refusing the export for it protected nothing). False where
        an empty list of values means "not read" (:class:`IdentifierGuard`: numbers that cannot hold one).

    Returns
    -------
    list of (column, why)
        ``column`` is the name in ``df``; ``why`` a short phrase ("its name says it holds a phone number").
    """
    found = []
    for col in df:
        header = headers.get(col, col)
        if col in skip_name_check:
            why = name_reason(header) if header != col else None
        else:
            why = name_reason(header) or name_reason(col)
        if why is not None and empty_holds_nothing and not set(
                _given_distinct(df[col]) if distinct else _distinct(df[col])) - _HOLDS_NOTHING:
            continue
        if why is None:
            values = _given_distinct(df[col]) if distinct else _distinct(df[col])
            if not all(map(_IS_STR, values)):
                values = [str(v) for v in values]
            allow = col in date_columns
            key = _cache_key(values, allow, ordered=distinct)
            if cache is not None and key in cache:
                kind = cache[key]
            else:
                kind = _kind_of_distinct(values, allow)
                if cache is not None:
                    cache[key] = kind
            why = _reason(kind, header, dates_mappable)
        if why is not None:
            found.append((col, why))
    return found


class IdentifierGuard:
    """The identifier guard of one load: checks each file's table as it is read, and refuses the
    dataset (:class:`~analysis.errors.IdentifierError`) or, with ``drop_identifiers``, drops the
    columns that look like direct identifiers, listed in ``dropped`` as (file, header, why)."""

    def __init__(self, drop_identifiers: bool):
        self.drop_identifiers = drop_identifiers
        self.dropped: list[tuple[str, str, str]] = []
        self.content_answers: dict = {}  # answers by set of values, for all files of the load
        self.later: list = []  # (table, columns, date columns) checked by finish

    def check(self, t: _Table, role: str) -> None:
        """Refuse (or drop) the columns of one file's table that look like direct identifiers.

        Every row is checked: the content checks take each column's distinct values, whose set
        decides the verdict (:mod:`analysis.io.identifiers`). For a text column these are the sorted
        distinct trimmed texts of ``t.codes``, which the later checks use anyway (computed once,
        cached on the table). A column read as numbers (the CSV reader's score columns, Parquet
        numbers) can only be flagged if it holds a number of 7 digits or more: one min and max
        decide, and only then is its text read back. The patient ids of a registry-size
        assessments file are checked by :meth:`finish`, once their codes (started on a
        worker thread right after this file is read) are ready, before any check uses them.
        """
        dates = {c for c in ("date", "datetime") if c in t.columns} if role != "patients" else set()
        # A combined file (assessments with a treatment column) is split into two tables before the
        # checks, which compute their own codes: here Arrow's distinct texts are cheaper.
        reuse = not (role == "assessments" and "treatment" in t.cols)
        later = ("patient_id",) if (reuse and role == "assessments" and t.n >= PREFETCH_ROWS and "patient_id" in t.cols
                                    and _is_text_type(t.cols["patient_id"].type)) else ()
        distinct = {}
        for c in t.columns:
            col = t.cols[c]
            if c in later:
                continue
            if _is_text_type(col.type):
                distinct[c] = t.codes(c)[1] if reuse else pc.unique(t.text_array(c))
            elif numbers_never_flagged(col):
                distinct[c] = []
            else:
                distinct[c] = pc.unique(t.text_array(c))
        self.refuse(t, distinct, dates, mappable=role != "patients")
        if later:
            self.later.append((t, later, dates))

    def finish(self) -> None:
        """The checks :meth:`check` left for later (registry-size patient ids)."""
        for t, columns, dates in self.later:
            self.refuse(t, {c: t.codes(c)[1] for c in columns if c in t.cols}, dates)
        self.later = []

    def refuse(self, t: _Table, distinct: dict, dates: set[str], mappable: bool = True) -> None:
        """Refuse (or drop) the columns of ``distinct`` (column -> distinct texts) that look like identifiers.
        ``mappable``: the file may hold visit or treatment dates (not the patients file)."""
        found = find_identifier_columns(
            distinct, t.header, skip_name_check={c for c in distinct if c in CANONICAL_NAMES}, date_columns=dates,
            cache=self.content_answers, distinct=True, dates_mappable=mappable, empty_holds_nothing=False)
        if not found:
            return
        if not self.drop_identifiers:
            listed = "; ".join(f"column {t.header[c]!r}: {why}" for c, why in found)
            first = t.header[found[0][0]]
            raise IdentifierError(
                f"{t.file}: {'a column looks' if len(found) == 1 else 'columns look'} like direct identifiers "
                f"({listed}). The data must be anonymised: remove the column from the file, or load with "
                "drop_identifiers=True (CLI: --drop-identifiers) to drop it." + rename_hint(w for _, w in found),
                file=t.file, column=first)
        for c, why in found:
            self.dropped.append((t.file, t.header[c], why))
            del t.header[c]
        t.drop([c for c, _ in found])
