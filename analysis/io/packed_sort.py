"""The loader's sort of rows by several whole-number keys, as one int64 per row.

The keys (codes as they are, days scaled to whole numbers) are each shifted into bits of their own
of one int64, with the row number in the lowest bits, which keeps equal keys in row order: numpy's
sort of that one array is a stable sort by every key. Why: rows in random order (a long-form export
at registry size) made Arrow's multi-key sort and the gathers that compare neighbours in that order
the largest part of a load (docs/performance.md). Reference: the same order and ties as Arrow's
stable ``sort_indices`` of the keys themselves (tests/analysis/test_load_sort.py).

From :data:`~analysis.io.arrays.PARALLEL_FROM_ROWS` rows the work runs on every core: the packing in
contiguous ranges of rows; the sort in parts, each part the rows of a range of the first key (the
patients, about equally many rows each), moved together by one partition and sorted on a thread of
its own, which then also reads its rows' keys back off the sorted integers.
"""
from __future__ import annotations

import numpy as np

from .arrays import CHUNK, PARALLEL_FROM_ROWS, cores_for, on_all_cores, pool_empty, row_ranges

_SCALES = (1, 10, 100, 1000, 10_000, 100_000, 1_000_000)


def _day_scale(k: np.ndarray) -> int | None:
    """The smallest power of ten (up to 10**6) that makes a float key whole on a sample of its values
    spread over the file (days written with a few decimals); None when there is none."""
    sample = k[::max(1, len(k) // 65536)]
    return next((s for s in _SCALES if np.array_equal(np.rint(sample * s) / s, sample)), None)


def _plan(keys: list[np.ndarray], row_bits: int):
    """``(plan, total bits)``: per key ``[key, scale, lowest value, bits]``; None when the keys do not
    fit in 63 bits beside the row numbers, or a float key is not whole at any scale of the sample."""
    plan, total = [], row_bits
    for k in keys:
        if k.dtype.kind in "iub":
            scale, lo, hi = None, int(k.min()), int(k.max())
        else:
            scale, low, high = _day_scale(k), k.min(), k.max()
            if scale is None or not (np.isfinite(low) and np.isfinite(high)) or \
                    max(abs(low), abs(high)) * scale >= 2 ** 62:
                return None
            lo, hi = int(np.rint(low * scale)), int(np.rint(high * scale))
        total += (hi - lo).bit_length()
        if total > 63:
            return None
        plan.append((k, scale, lo, (hi - lo).bit_length()))
    return plan, total


def _pack(packed: np.ndarray, plan, row_bits: int, start: int, stop: int, find_negative_zero: bool):
    """Write rows ``start:stop`` of ``packed`` in steps of :data:`CHUNK` rows. Returns, per key, whether
    it holds a -0.0 (only looked for with ``find_negative_zero``), or None when a float key has more
    decimals than its scale keeps (then the keys cannot be packed)."""
    negative_zero = [False] * len(plan)
    for s in range(start, stop, CHUNK):
        e = min(s + CHUNK, stop)
        part = packed[s:e]
        part[:] = 0
        for i, (k, scale, lo, bits) in enumerate(plan):
            c = k[s:e]
            if scale is not None:
                whole = np.rint(c * scale)
                # x -> rint(x * scale) never decreases, and it is one-to-one on values that come back
                # exactly: the integers sort and tie as the days do.
                if not np.array_equal(whole / scale, c):
                    return None
                if find_negative_zero and not negative_zero[i]:
                    negative_zero[i] = bool(np.any(np.signbit(c) & (c == 0)))
                c = whole
            part <<= bits
            part |= c.astype(np.int64) - lo
        part <<= row_bits
        part |= np.arange(s, e, dtype=np.int64)
    return negative_zero


def _parts(packed: np.ndarray, parts: int, first_bits: int, total: int) -> list[tuple[int, int]]:
    """Move the keys into ``parts`` groups by ranges of the first key's values (in place: a partition),
    and return each group's ``(start, stop)``. The keys are distinct (row numbers), so the ``c`` keys
    below a bound are the ``c`` smallest; neighbours across two groups differ in the first key."""
    n = len(packed)
    if parts < 2 or not first_bits:
        return [(0, n)]
    shift = total - first_bits
    bounds = [((((1 << first_bits) - 1) * j) // parts + 1) << shift for j in range(1, parts)]
    cuts = sorted({int(np.count_nonzero(packed < b)) for b in bounds} - {0, n})
    if cuts:
        packed.partition(cuts)
    edges = [0] + cuts + [n]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def _packed_sort(keys: list[np.ndarray], with_keys: bool = False, split_rows: int = PARALLEL_FROM_ROWS,
                 carry: np.ndarray | None = None):
    """``(order, ties)``: the stable order sorting by ``keys`` (first key first) and, for each pair of
    neighbours in that order, whether they are equal on every key; from one sort of a single int64 per
    row (module docstring). None when the keys do not fit in 63 bits or a day has more decimals than
    the sample showed (then the caller uses Arrow's sort).

    ``with_keys``: also the keys in sorted order, ``(order, ties, [k[order] for k in keys])``, read
    off the sorted integers (shifts and masks) instead of gathered through ``order``: random-access
    gathers of millions of rows are what costs. A float key is exactly the integer divided by its
    scale (checked while packing); a key holding -0.0 is gathered, to keep the sign of its zeros.
    One key of 8 bytes per row is written into the memory of the packed integers themselves, which
    are not needed once read (new memory costs more than the arithmetic on a VM: docs/performance.md).

    ``carry`` (with ``with_keys``): an array that is not a key but wanted in sorted order too (the
    scores' values), appended to the sorted keys.

    From ``split_rows`` rows the work is spread over the cores (module docstring)."""
    n = len(keys[0])
    if n == 0:
        return None
    row_bits = max(n - 1, 1).bit_length()
    planned = _plan(keys, row_bits)
    if planned is None:
        return None
    plan, total = planned
    threads = cores_for(n, split_rows)
    packed = pool_empty(n, np.int64)
    found = on_all_cores(lambda s, e: _pack(packed, plan, row_bits, s, e, with_keys), row_ranges(n, threads))
    if any(f is None for f in found):
        return None
    negative_zero = [any(f[i] for f in found) for i in range(len(plan))]
    parts = _parts(packed, threads, plan[0][3], total)

    # Row numbers as int32 where they fit: half the memory of int64, written straight from the keys.
    order = pool_empty(n, np.int32 if n < 2**31 else np.int64)
    ties = pool_empty(n - 1, bool)
    reader = _KeyReader(plan, packed, negative_zero, carry) if with_keys else None

    def sort_and_read(start: int, stop: int) -> None:
        packed[start:stop].sort()
        if start > 0:
            ties[start - 1] = False  # two parts differ in the first key
        last = None
        for s in range(start, stop, CHUNK):
            e = min(s + CHUNK, stop)
            part = packed[s:e]
            np.bitwise_and(part, (1 << row_bits) - 1, out=order[s:e], casting="unsafe")
            part >>= row_bits
            np.equal(part[1:], part[:-1], out=ties[s:e - 1])
            if last is not None:
                ties[s - 1] = last == part[0]
            last = int(part[-1])
            if reader is not None:
                reader.read(s, e, order)

    on_all_cores(sort_and_read, parts)
    if reader is None:
        return order, ties
    return order, ties, reader.finish(order)


class _KeyReader:
    """The keys (and the carried column) in sorted order, read off the sorted integers step by step
    (after the row numbers have been shifted out). The last key of 8 bytes per row that is read takes
    over the memory of the packed integers."""

    def __init__(self, plan, packed: np.ndarray, negative_zero: list[bool], carry: np.ndarray | None):
        n = len(packed)
        self.plan, self.packed, self.carry = plan, packed, carry
        self.shifts = [sum(p[3] for p in plan[i + 1:]) for i in range(len(plan))]
        self.gather = negative_zero  # keys holding -0.0: gathered through the order at the end
        self.out: list[np.ndarray | None] = [None] * len(plan)
        self.in_place = None
        for i, (k, scale, _, _) in enumerate(plan):
            if negative_zero[i]:
                continue
            dtype = np.dtype(np.float64 if scale is not None else k.dtype)
            if self.in_place is None and dtype.itemsize == 8:
                self.in_place = i
                self.out[i] = packed.view(dtype)
            else:
                self.out[i] = pool_empty(n, dtype)
        self.order_of_reading = [i for i in range(len(plan)) if i != self.in_place and not negative_zero[i]]
        if self.in_place is not None:
            self.order_of_reading.append(self.in_place)
        self.small = _small_whole_copy(carry) if carry is not None and n >= CHUNK else None
        self.carried = pool_empty(n, carry.dtype) if carry is not None else None

    def read(self, s: int, e: int, order: np.ndarray) -> None:
        part = self.packed[s:e]
        for i in self.order_of_reading:
            _, scale, lo, bits = self.plan[i]
            whole = part >> self.shifts[i]
            whole &= (1 << bits) - 1
            whole += lo
            out = self.out[i][s:e]
            if scale is not None:
                np.divide(whole, scale, out=out)
            else:
                np.copyto(out, whole, casting="unsafe")
        if self.carry is not None:
            rows = order[s:e]
            if self.small is None:
                np.take(self.carry, rows, out=self.carried[s:e])
            else:
                np.copyto(self.carried[s:e], np.take(self.small, rows), casting="unsafe")

    def finish(self, order: np.ndarray) -> list[np.ndarray]:
        keys = [k[order] if self.gather[i] else self.out[i] for i, (k, *_) in enumerate(self.plan)]
        return keys + ([self.carried] if self.carry is not None else [])


def _small_whole_copy(values: np.ndarray) -> np.ndarray | None:
    """``values`` (float64) as int8 or int16 when each is exactly such an integer, else None."""
    if values.dtype != np.float64:
        return None
    lo, hi = values.min(), values.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    dtype = np.int8 if -128 <= lo and hi <= 127 else np.int16 if -32768 <= lo and hi <= 32767 else None
    if dtype is None:
        return None
    small = np.empty(len(values), dtype=dtype)
    for start in range(0, len(values), CHUNK):
        c, s = values[start:start + CHUNK], small[start:start + CHUNK]
        np.copyto(s, c, casting="unsafe")
        # Compared as bit patterns: 2.5 -> 2 and -0.0 -> 0 both differ.
        if not np.array_equal(s.astype(np.float64).view(np.int64), c.view(np.int64)):
            return None
    return small
