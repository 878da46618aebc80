"""Column values: one file's table of cells and the typed views the checks need.

A :class:`_Table` holds a file's cells as Arrow arrays, as read: text (trimmed lazily, where a
value is looked at) or numbers (Parquet numbers; the score columns the CSV reader parsed straight
to float64). The views are computed once per column and cached: numbers (one Arrow cast per
column; the exact text rules take over only for a column holding anything but empty cells and
finite numbers), empty cells, and codes into the sorted distinct trimmed texts (text columns are
hashed once and trimmed, compared and converted on their distinct values). Cell texts are only
materialised for the rows that are excluded. Also here: ISO dates, categoricals from codes, and
the sort order and ties of rows by several keys. Every function is a vectorised operation over
all rows; none loops over rows.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import CHUNK as _CHUNK
from .arrays import pool_empty as _pool_empty
from .numbered_codes import fixed_width_number_codes
from .packed_sort import _packed_sort

#: Cell texts that mean "no value" in a numeric cell (compared case-insensitively).
NA_TOKENS = ("", "na", "n/a", "nan", "null", "none")
_NA_TOKEN_ARRAY = pa.array(NA_TOKENS, type=pa.string())
#: From this many rows a table's number casts and codes run on worker threads (:meth:`_Table.prefetch`),
#: and the identifier guard checks the assessments' patient ids once those codes are ready.
PREFETCH_ROWS = 100_000


@dataclass(eq=False)
class _Table:
    """One file's data rows with each row's spreadsheet line number.

    ``cols`` holds the cells as Arrow arrays, column by column: text exactly as read (trimmed lazily,
    only where a value is looked at) or numbers: float64/integer from Parquet, float64 (null = empty
    cell) for the score columns of an unquoted CSV (``raw_field``; their text comes from ``raw``). ``text``, ``empty``,
    ``codes`` and ``numbers`` give the views the checks need, all computed on the trimmed text as a
    spreadsheet shows it (numbers without a round-trip through text where that gives the same result).
    """

    file: str
    cols: dict                            # column (named after mapping) -> pa.Array
    n: int                                # data rows
    line: np.ndarray                      # int64, line of each row
    header: dict[str, str]                # column -> header as written (trimmed)
    decimal_comma: bool = False
    trimmed: bool = False                 # text cells are already trimmed (Python parser)
    alive: np.ndarray = field(default=None)
    _codes: dict = field(default_factory=dict, repr=False)
    _empty: dict = field(default_factory=dict, repr=False)
    _numbers: dict = field(default_factory=dict, repr=False)
    _pending: dict = field(default_factory=dict, repr=False)   # ("numbers"|"codes", column) -> Future
    # Columns parsed straight to float64 by the CSV reader (see _parse_csv): column -> field number in
    # the line. Their text as written (report values) is read back from the file's lines.
    raw: object = None  # csv_reader._RawLines
    raw_field: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.alive is None:
            self.alive = np.ones(self.n, dtype=bool)

    @property
    def columns(self) -> list[str]:
        return list(self.cols)

    def drop(self, names) -> None:
        for c in names:
            del self.cols[c]
            for cache in (self._codes, self._empty, self._numbers):
                cache.pop(c, None)
            for kind in ("numbers", "codes"):
                self._pending.pop((kind, c), None)

    def subset(self, mask: np.ndarray, columns: list[str]) -> "_Table":
        idx = np.flatnonzero(mask)
        take = pa.array(idx, type=pa.int64())
        return _Table(self.file, {c: self.cols[c].take(take) for c in columns}, len(idx), self.line[idx],
                      {c: self.header[c] for c in columns}, self.decimal_comma, self.trimmed, raw=self.raw,
                      raw_field={c: f for c, f in self.raw_field.items() if c in columns})

    def text_array(self, name: str, idx: np.ndarray | None = None):
        """Trimmed text of a column (of rows ``idx``) as an Arrow array ("" = empty cell)."""
        if name in self.raw_field:  # read as numbers: the text as written, from the lines
            lines = self.line if idx is None else self.line[np.asarray(idx, dtype=np.int64)]
            return pc.utf8_trim_whitespace(self.raw.cells(lines, self.raw_field[name]))
        col = self.cols[name]
        if idx is not None:
            col = col.take(pa.array(np.asarray(idx, dtype=np.int64), type=pa.int64()))
        if not _is_text_type(col.type):
            return pc.utf8_trim_whitespace(pc.fill_null(pc.cast(col, pa.string()), ""))
        return col if self.trimmed else pc.utf8_trim_whitespace(col)

    def text(self, name: str, idx: np.ndarray | None = None) -> np.ndarray:
        """Trimmed text of a column (of rows ``idx``) as an object array of str."""
        arr = self.text_array(name, idx)
        if isinstance(arr, pa.ChunkedArray):
            out = arr.to_numpy()
        else:
            out = arr.to_numpy(zero_copy_only=False)
        return np.asarray(out, dtype=object)

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, sorted distinct trimmed texts)`` of a column; codes order like the texts (cached)."""
        key = ("codes", name)
        if key in self._pending:  # started early on a worker thread (prefetch)
            self._codes[name] = self._pending.pop(key).result()
        if name not in self._codes:
            self._codes[name] = self._compute_codes(name)
        return self._codes[name]

    def _compute_codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        col = self.cols[name]
        if not _is_text_type(col.type):
            col, trim = self.text_array(name), False
        else:
            trim = not self.trimmed
        return _factorize_sorted(col, trim)

    def empty(self, name: str) -> np.ndarray:
        """Cells that are empty after trimming (cached)."""
        if name not in self._empty:
            self._empty[name] = _empty_cells(self.cols[name], self.trimmed)
        return self._empty[name]

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`_numbers` of the column's trimmed text (cached); read-only arrays."""
        key = ("numbers", name)
        if key in self._pending:  # started early on a worker thread (prefetch)
            self._numbers[name] = self._pending.pop(key).result()
        if name not in self._numbers:
            self._numbers[name] = self._compute_numbers(name)
        return self._numbers[name]

    def _compute_numbers(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The work of :meth:`numbers` (no cache: safe on a worker thread)."""
        col = self.cols[name]
        out = None
        if _is_text_type(col.type):
            out = _fast_numbers(col, self.decimal_comma)
        elif pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
            vals, missing = _float_values(col if col.type == pa.float64() else pc.cast(col, pa.float64(), safe=False),
                                          in_place=name in self.raw_field)
            bad = _pool_empty(len(vals), bool)  # = ~missing & ~isfinite(vals), without temporaries
            np.logical_not(np.logical_or(np.isfinite(vals, out=bad), missing, out=bad), out=bad)
            if name in self.raw_field and bad.any():
                # The CSV reader read "nan"/"inf" spellings as numbers: the text rules decide those few
                # cells (an NA token such as "nan" is an empty cell; "inf" is not a number).
                rows = np.flatnonzero(bad)
                na = _na_tokens(self.text_array(name, rows)).to_numpy(zero_copy_only=False)
                missing[rows[na]] = True
                bad[rows[na]] = False
            vals[bad] = np.nan
            out = vals, missing, bad
        if out is None:
            out = _numbers(self.text_array(name), self.decimal_comma)
        for a in out:
            a.flags.writeable = False
        return out

    def prefetch(self, numbers: list[str], codes: tuple[str, ...] = (), wait: bool = True) -> None:
        """Start :meth:`numbers` and :meth:`codes` of columns on worker threads (Arrow's kernels and
        numpy's large operations release the GIL). Text casts are heavy (two threads); columns the
        reader already parsed as numbers and the codes of a column are light (one thread, so the
        GIL is not passed back and forth between two workers and the caller). With ``wait=False``
        the caller goes on (checking the other files) while they run; :meth:`numbers` and
        :meth:`codes` collect each result when it is first asked for."""
        jobs = [(("codes", c), self._compute_codes, c) for c in dict.fromkeys(codes)
                if c in self.cols and c not in self._codes and ("codes", c) not in self._pending]
        jobs += [(("numbers", c), self._compute_numbers, c) for c in dict.fromkeys(numbers)
                 if c in self.cols and c not in self._numbers and ("numbers", c) not in self._pending]
        if not jobs or self.n < PREFETCH_ROWS or (os.cpu_count() or 1) < 2:
            return
        heavy = any(_is_text_type(self.cols[c].type) for _, f, c in jobs if f == self._compute_numbers)
        pool = ThreadPoolExecutor(max_workers=2 if heavy else 1)
        for key, f, c in jobs:
            self._pending[key] = pool.submit(f, c)
        pool.shutdown(wait=wait)

    def typed(self, name: str, idx: np.ndarray, whole_as_integers: bool = False, text: bool = False):
        """A kept extra column, rows ``idx``: numbers where every non-empty cell is a number, otherwise
        text (NaN when empty). Decided and converted on the distinct texts of those rows.

        With ``whole_as_integers`` (the patients file's covariates), numbers that are all whole (codes
        such as site 1/2/3, ages in years) are pandas' nullable ``Int64`` (an empty cell is ``<NA>``),
        so that a group reads "1", not "1.0", wherever it is shown or written; a column with any
        fraction, or a whole number beyond 2**53, is float64 (NaN when empty). Otherwise numbers
        are float64. With ``text``, text whatever the cells (a postal code: ``021``, not 21)."""
        code, uniq = self.codes(name)
        sub = code[idx]
        used = np.flatnonzero(np.bincount(sub, minlength=len(uniq)) > 0) if len(sub) else np.array([], np.int64)
        where = np.full(len(uniq), -1, dtype=np.int64)
        where[used] = np.arange(len(used))
        texts = np.asarray(uniq[used], dtype=object)
        empty = texts == ""
        if not empty.all() and not text:
            arr = pa.array(texts, type=pa.string())
            # A finite number needs a digit (for Arrow's cast and pandas alike): a cell without one
            # that is no NA token makes the column text, decided without trying to read numbers.
            no_digit = texts[~_holds_digit(arr) & ~empty]
            if all(v.isascii() and v.lower() in NA_TOKENS for v in no_digit):
                vals, missing, bad = _numbers(arr, self.decimal_comma)
                if not bad.any():
                    if whole_as_integers and _all_whole(vals, missing):
                        return _whole_numbers(vals, missing)[where[sub]]
                    return vals[where[sub]]
        out = texts.copy()
        out[empty] = np.nan
        return out[where[sub]]


#: The largest magnitude a whole number may have to be kept as an integer: float64 holds every
#: integer up to 2**53 exactly, so the integer is the number the text meant.
_MAX_EXACT_INTEGER = 2.0 ** 53


def _all_whole(vals: np.ndarray, missing: np.ndarray) -> bool:
    """Every value that is not missing is a whole number that float64 holds exactly (and at least
    one is there): such a column is read as integers."""
    present = vals[~missing]
    return bool(len(present)) and bool(np.all((np.abs(present) <= _MAX_EXACT_INTEGER)
                                              & (present == np.floor(present))))


def _whole_numbers(vals: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers (float64, NaN where ``missing``) as pandas' nullable ``Int64`` (``<NA>`` where
    missing); the caller checked :func:`_all_whole`."""
    return pd.arrays.IntegerArray(np.where(missing, 0.0, vals).astype(np.int64), np.asarray(missing, dtype=bool))


def _is_text_type(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _to_numpy(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        return arr.to_numpy()
    return arr.to_numpy(zero_copy_only=False)


def _empty_cells(col, trimmed: bool) -> np.ndarray:
    if not _is_text_type(col.type):
        return _to_numpy(col.is_null()).astype(bool)
    if trimmed:
        return _empty_strings(col)
    empty = pc.or_(pc.equal(col, ""), pc.utf8_is_space(col))  # only white space: empty once trimmed
    return _to_numpy(empty).astype(bool)


def _fast_numbers(col, decimal_comma: bool):
    """:func:`_numbers` for the usual column (every cell empty or a finite number): one Arrow cast of
    the cells as read. None when any cell is anything else, and the caller takes the exact slow path."""
    empty = _empty_strings(col)
    x = pc.replace_substring(col, ",", ".") if decimal_comma else col
    if empty.any():
        x = _with_nulls(x, pa.array(empty, type=pa.bool_()))
    try:
        cast = pc.cast(x, pa.float64())
    except (pa.ArrowException, ValueError):
        return None
    if isinstance(cast, pa.ChunkedArray):
        cast = cast.combine_chunks()
    # The data buffer as a numpy view (null slots hold whatever the cast left there), then NaN
    # written into the empty cells: no null-aware conversion and no bit unpacking by Arrow.
    vals = np.frombuffer(cast.buffers()[1], dtype=np.float64, count=len(cast), offset=8 * cast.offset).copy()
    vals[empty] = np.nan
    if np.count_nonzero(np.isfinite(vals)) + np.count_nonzero(empty) != len(vals):
        return None  # a cell is inf/nan (or an NA token such as "nan"): the exact path decides
    return vals, empty, np.zeros(len(vals), dtype=bool)


def _float_values(arr, in_place: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A float64 Arrow array -> ``(values with NaN where null, null mask)`` as numpy arrays, read
    from its buffers chunk by chunk (Arrow's null-aware conversion was the slow part of typed
    columns, and combining the chunks first would copy every value twice).

    ``in_place``: the array is private to the caller (a column our CSV parse just made). If it is
    one chunk with a writable buffer, the values are that buffer itself, NaN written into the null
    slots (which Arrow leaves undefined): no copy, and no fresh memory, which costs more than the
    copy on this VM (docs/performance.md). Never for buffers that may be the caller's bytes."""
    chunks = [ch for ch in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]) if len(ch)]
    n = sum(len(ch) for ch in chunks)
    vals = None
    if in_place and len(chunks) == 1:
        ch = chunks[0]
        view = np.frombuffer(ch.buffers()[1], dtype=np.float64, count=n, offset=8 * ch.offset)
        vals = view if view.flags.writeable else None
    if vals is None:
        vals = _pool_empty(n, np.float64)
        if chunks:
            np.concatenate([np.frombuffer(ch.buffers()[1], dtype=np.float64, count=len(ch), offset=8 * ch.offset)
                            for ch in chunks], out=vals)
    missing = _pool_empty(n, bool)
    pos = 0
    for ch in chunks:
        m = len(ch)
        if ch.null_count:
            bits = np.frombuffer(ch.buffers()[0], dtype=np.uint8)
            np.equal(np.unpackbits(bits, count=ch.offset + m, bitorder="little")[ch.offset:], 0,
                     out=missing[pos:pos + m])
        else:
            missing[pos:pos + m] = False
        pos += m
    if pos and arr.null_count:
        vals[missing] = np.nan
    return vals, missing


def _empty_strings(col) -> np.ndarray:
    """Cells equal to "" (not trimmed), from the string offsets: no comparison of the texts."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if col.type == pa.string() and col.null_count == 0 and len(col):
        offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=len(col) + 1, offset=4 * col.offset)
        return offsets[1:] == offsets[:-1]
    return np.asarray(_to_numpy(pc.equal(col, "")), dtype=bool)


def _with_nulls(col: pa.Array, null: pa.BooleanArray) -> pa.Array:
    """``col`` (text without nulls) with the cells in ``null`` made null, sharing ``col``'s buffers."""
    valid = pc.invert(null)
    if (col.null_count == 0 and col.offset == 0 and valid.offset == 0 and valid.null_count == 0
            and isinstance(col, pa.Array) and col.type == pa.string()):
        return pa.Array.from_buffers(pa.string(), len(col), [valid.buffers()[1]] + col.buffers()[1:])
    return pc.if_else(null, pa.scalar(None, col.type), col)


def _factorize_sorted(col, trim: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a text column whose order is the (trimmed) texts' sorted order.

    Arrow hashing of the cells as read, then trimming and sorting only the distinct texts. A column
    already sorted (as exports sorted by patient are) needs no hashing: its codes count the changes
    between neighbours, once the runs' texts are checked to be strictly increasing. Nor does a column
    of numbers written at one width after one prefix (:mod:`analysis.io.numbered_codes`).
    """
    sorted_runs = _sorted_runs(col, trim)
    if sorted_runs is not None:
        return sorted_runs
    numbered = fixed_width_number_codes(col, _pool_empty)  # study codes such as P000123: no hashing
    if numbered is not None:
        return numbered
    enc = pc.dictionary_encode(col)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks() if enc.num_chunks else pa.array([], pa.string()).dictionary_encode()
    indices = enc.indices.to_numpy(zero_copy_only=False)  # int32, zero-copy
    dic = enc.dictionary
    # Everything below works on the distinct texts; the cells are gathered once, at the end.
    to_dic = np.arange(len(dic), dtype=np.int64)
    if trim:
        dic = pc.utf8_trim_whitespace(dic)
        inner = pc.dictionary_encode(dic)
        to_dic = inner.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        dic = inner.dictionary
    order = pc.array_sort_indices(dic).to_numpy().astype(np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    uniques = dic.take(pa.array(order)).to_numpy(zero_copy_only=False).astype(object)
    code_of = rank[to_dic].astype(np.int32 if len(order) < 2**31 else np.int64)
    return code_of[indices], uniques


def _sorted_runs(col, trim: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_factorize_sorted` of a column whose (trimmed) texts are in strictly increasing runs
    (each distinct text in one run, runs in sorted order); None for any other column."""
    if not isinstance(col, pa.Array) or col.type != pa.string() or col.null_count or len(col) < 2:
        return None
    n = len(col)
    # A file in random order (long form as exported by some systems) shows it in its first rows:
    # then the comparisons and the gather of every run below, a second pass over millions of texts,
    # are skipped. Exact: a decrease among the trimmed texts also makes the runs below not increasing.
    head = col.slice(0, min(n, 4096))
    head = pc.utf8_trim_whitespace(head) if trim else head
    if not pc.all(pc.less_equal(head.slice(0, len(head) - 1), head.slice(1))).as_py():
        return None
    change = np.asarray(_to_numpy(pc.not_equal(col.slice(1), col.slice(0, n - 1))), dtype=bool)
    starts = np.concatenate([[0], np.flatnonzero(change) + 1])
    runs = col.take(pa.array(starts, type=pa.int64()))
    if trim:
        runs = pc.utf8_trim_whitespace(runs)
    if len(runs) > 1 and not pc.all(pc.less(runs.slice(0, len(runs) - 1), runs.slice(1))).as_py():
        return None  # not sorted, or two runs of one text (e.g. only white space differs)
    codes = _pool_empty(n, np.int32 if len(runs) < 2**31 else np.int64)
    codes[0] = 0
    np.cumsum(change, out=codes[1:])
    return codes, runs.to_numpy(zero_copy_only=False).astype(object)


def _small_int(n: int) -> type:
    """The smallest signed integer type holding the codes 0..n (and -1 for "none")."""
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int32


def _categorical(codes: np.ndarray, labels, used: np.ndarray | None = None) -> pd.Categorical:
    """Codes into sorted distinct ``labels`` -> a Categorical whose categories are the labels in use
    (sorted, so sorting the column sorts the texts; no unused categories, so grouping by it never
    makes empty groups)."""
    labels = np.asarray(labels, dtype=object)
    codes = np.asarray(codes)
    if used is None:
        used = np.zeros(len(labels), dtype=bool)
        used[codes] = True
    k = int(used.sum())
    small = _small_int(k)
    if k == len(labels):  # every label in use (the usual case): the codes are already right
        new = codes.astype(small, copy=False)
    else:
        new = (np.cumsum(used) - 1).astype(small)[codes] if len(codes) else np.array([], dtype=small)
    return pd.Categorical.from_codes(new, categories=pd.Index(labels[used], dtype=object), validate=False)


#: Rows whose order is looked at first: a file in random order shows it in its first rows, and then the
#: whole file's comparisons (a dozen temporaries of its size, each new memory) are not made.
_FIRST_ROWS = 1 << 16


def _in_order(keys: list[np.ndarray]) -> tuple[bool, np.ndarray | None]:
    """Whether the rows are already sorted by ``keys`` (first key first; ties allowed), and for each
    pair of neighbours whether they are equal on every key: one pass of neighbour comparisons (None
    instead of the ties when the first rows are already out of order)."""
    n = len(keys[0])
    if n > 2 * _FIRST_ROWS and not _in_order([k[:_FIRST_ROWS] for k in keys])[0]:
        return False, None
    greater = np.zeros(max(n - 1, 0), dtype=bool)
    equal = np.ones(max(n - 1, 0), dtype=bool)
    for k in keys:
        a, b = k[:-1], k[1:]
        greater |= equal & (b > a)
        equal &= b == a
    return bool((greater | equal).all()), equal


def _sorted_by(keys: list[np.ndarray]) -> np.ndarray:
    """The stable order sorting by ``keys`` (first key first)."""
    packed = _packed_sort(keys)
    if packed is not None:
        return packed[0]
    table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
    return pc.sort_indices(table, sort_keys=[(f"k{i}", "ascending") for i in range(len(keys))]).to_numpy()


def _neighbours_equal(keys, order: np.ndarray, nan_equal: bool = False) -> np.ndarray:
    """For each pair of neighbours in ``order``, whether they are equal on every key (with
    ``nan_equal``, NaN equals NaN, as pandas' ``duplicated`` has it)."""
    equal = np.ones(max(len(order) - 1, 0), dtype=bool)
    for k in keys:
        k = k[order]
        same = k[1:] == k[:-1]
        if nan_equal and k.dtype.kind in "fc":
            same |= np.isnan(k[1:]) & np.isnan(k[:-1])
        equal &= same
    return equal


def _order_and_ties(keys: list[np.ndarray], with_keys: bool = False, carry: np.ndarray | None = None):
    """``(order, ties)``: the stable order sorting by ``keys`` (None when the rows are already in
    that order, the usual case: nothing is gathered), and for each pair of neighbours in that order
    whether they are equal on every key. ``with_keys``: also the keys in that order
    (``(order, ties, sorted keys)``; the keys themselves when ``order`` is None), followed by
    ``carry`` in that order when it is given (an array sorted along, not a key)."""
    extra = [] if carry is None else [carry]
    in_order, equal = _in_order(keys)
    if in_order:
        return (None, equal, list(keys) + extra) if with_keys else (None, equal)
    packed = _packed_sort(keys, with_keys, carry=carry if with_keys else None)
    if packed is not None:
        return packed
    order = _sorted_by(keys)
    ties = _neighbours_equal(keys, order)
    return (order, ties, [k[order] for k in keys + extra]) if with_keys else (order, ties)


def _tied(keys) -> np.ndarray:
    """Mask of the rows equal on every key to at least one other row (NaN equal to NaN, as pandas'
    ``duplicated`` has it): one sort (free when the rows are in order) and a comparison of neighbours,
    so that the grouping that names each duplicate's first line only sees these few rows."""
    keys = list(keys)
    n = len(keys[0])
    order = _sort_order(keys)
    equal = _neighbours_equal(keys, order, nan_equal=True)
    tied = np.zeros(n, dtype=bool)
    tied[order[1:][equal]] = True
    tied[order[:-1][equal]] = True
    return tied


def _same_texts(a: np.ndarray, b: np.ndarray) -> bool:
    """Two arrays of str hold the same texts in the same order."""
    return len(a) == len(b) and bool((np.asarray(a, dtype=object) == np.asarray(b, dtype=object)).all())


def _sort_order(keys: list[np.ndarray]) -> np.ndarray:
    """Stable order sorting by ``keys`` (first key first); free when the rows are already sorted."""
    n = len(keys[0])
    if n < 2 or _in_order(keys)[0]:
        return np.arange(n)
    return _sorted_by(keys)



def _na_tokens(arr) -> pa.BooleanArray:
    """Cells that are one of :data:`NA_TOKENS` in any case (NaN, N/A, Null). ASCII lower-casing finds
    exactly what Unicode lower-casing would: the tokens are ASCII, and no other character lower-cases
    to one of their letters (tests/analysis/test_load_numeric.py), and ASCII lower-casing does not
    set up Arrow's Unicode tables, a cost on the first use in a process."""
    return pc.is_in(pc.ascii_lower(arr), value_set=_NA_TOKEN_ARRAY)


def _holds_digit(arr: pa.Array) -> np.ndarray:
    """Cells (of a string array without nulls) holding an ASCII digit, from the string buffers."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset)
    data = arr.buffers()[2]
    digit = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    run = np.concatenate(([0], np.cumsum((digit >= 48) & (digit <= 57))))
    return run[offsets[1:]] > run[offsets[:-1]]


def _numbers(s, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text cells (an Arrow string array, or anything ``pa.array`` reads as one) -> ``(float values,
    missing mask, not-a-number mask)``.

    Missing = empty or one of :data:`NA_TOKENS`; not a number = anything else that does not parse as
    a finite number. With ``decimal_comma`` (semicolon/tab files) ``7,5`` reads as 7.5. Arrow's
    kernels throughout (pandas' string methods have a fixed cost per call that dominates on the few
    distinct texts these calls usually see).
    """
    arr = s if isinstance(s, (pa.Array, pa.ChunkedArray)) else pa.array(s, type=pa.string())
    na = _na_tokens(arr)
    missing = np.asarray(_to_numpy(na), dtype=bool)
    t = pc.if_else(na, "0", arr) if missing.any() else arr
    if decimal_comma:
        t = pc.replace_substring(t, ",", ".")
    try:
        vals = _to_numpy(pc.cast(t, pa.float64()))
    except (pa.ArrowException, ValueError):
        # Arrow refuses the whole column if one cell is not a number: pandas reads the others.
        vals = pd.to_numeric(np.asarray(_to_numpy(t), dtype=object), errors="coerce")
    vals = np.array(vals, dtype=float, copy=True)
    vals[missing] = np.nan
    bad = ~missing & ~np.isfinite(vals)
    vals[bad] = np.nan
    return vals, missing, bad


_ZONED = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def _zoned(texts: pd.Index) -> np.ndarray:
    """ISO 8601 texts whose time carries a zone (Z, +01:00, -0500)."""
    return np.asarray(texts.str.contains(_ZONED, case=False, regex=True), dtype=bool)


def zone_kinds(uniques: np.ndarray) -> tuple[bool, bool]:
    """``(some time has a zone, some time has none)`` among distinct ISO 8601 texts (date-only values
    are neither): the canonical reader warns when a load mixes the two (plausibility.mixed_zone_warning)."""
    texts = pd.Index(np.asarray(uniques, dtype=object)).astype(str)
    zoned = _zoned(texts)
    timed = np.asarray(texts.str.contains(r"[T ]\d{1,2}:\d{2}", regex=True), dtype=bool)
    return bool(zoned.any()), bool((timed & ~zoned).any())


def _dates(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 text (as codes into distinct texts) -> ``(int64 nanoseconds since 1970 UTC, unparseable mask)``."""
    codes = np.asarray(codes, dtype=np.int64)
    if len(uniques) == 0:
        return np.zeros(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=bool)
    texts = pd.Index(np.asarray(uniques, dtype=object)).astype(str)
    # Values with and without a time zone are parsed apart: in one call, pandas (2.3) gives a value
    # without a zone the offset of a zoned value parsed before it (10:00 after 10:00-00:30 became
    # 10:30 UTC). Without a zone a time is taken as written.
    zoned = _zoned(texts)
    ns = np.zeros(len(texts), dtype=np.int64)
    ok = np.zeros(len(texts), dtype=bool)
    for part in (zoned, ~zoned):
        if part.any():
            parsed = pd.to_datetime(texts[part], format="ISO8601", errors="coerce", utc=True)
            good = ~np.asarray(parsed.isna())
            ns[np.flatnonzero(part)[good]] = parsed.asi8[good]
            ok[np.flatnonzero(part)[good]] = True
    return ns[codes], ~ok[codes]
