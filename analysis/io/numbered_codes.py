"""Codes of a text column whose cells are numbers written at one width, without hashing the texts.

Pseudonymous study codes are mostly a fixed prefix and a zero-padded number (``P000123``,
``CRPS-0042``, ``00817``). For such a column, the order of the texts is the order of the numbers, so
the codes into the sorted distinct texts are the ranks of the numbers: found by direct addressing
(one table entry per number between the smallest and the largest), not by hashing millions of
texts. Why: in a registry-size long-form file in random order (8.9 million rows, 100,000
patients), hashing the patient ids was the longest single step of a load (0.4-0.9 s;
docs/performance.md, "Patient ids written at one width"); this reads the same codes in about a
tenth of that. Any other column (widths differ, white space, another prefix, more than 18 digits,
numbers too spread out) returns None and is hashed as before: the result is the same either way.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

#: Rows per step: the temporaries of a step stay small (new memory costs more than the arithmetic
#: on a virtual machine, docs/performance.md).
_STEP = 1 << 20
#: The direct-address table has one entry per number from the smallest to the largest: at most this
#: many (16 MB of flags, 64 MB of ranks); numbers spread wider are hashed instead.
MAX_SPAN = 1 << 24
_DIGITS_MAX = 18  # 10**18 - 1 < 2**63: every number fits in an int64


def fixed_width_number_codes(col, empty=np.empty) -> tuple[np.ndarray, np.ndarray] | None:
    """``(codes, sorted distinct texts)`` of a text column whose every cell is the same prefix (no
    digit, no white space) followed by the same number of digits, or None for any other column.

    The codes order like the texts (byte order, as Arrow sorts them): with one prefix and one width,
    that is the order of the numbers, so a number's code is how many distinct numbers are smaller.
    The texts are already trimmed (no white space anywhere), so the result is that of hashing the
    trimmed cells and sorting the distinct texts. ``empty(n, dtype)`` allocates the codes."""
    if not isinstance(col, pa.Array) or col.type != pa.string() or col.null_count or len(col) < 2:
        return None
    n = len(col)
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=n + 1, offset=col.offset * 4)
    start = int(offsets[0])
    width = int(offsets[1]) - start
    if not 1 <= width <= 64 or int(offsets[-1]) - start != n * width:
        return None
    data = col.buffers()[2]
    if data is None:
        return None
    cells = np.frombuffer(data, dtype=np.uint8, count=n * width, offset=start).reshape(n, width)
    first = cells[0]
    is_digit = (first >= 48) & (first <= 57)
    prefix_len = int(np.argmax(is_digit)) if is_digit.any() else width
    digits = width - prefix_len
    prefix = first[:prefix_len]
    # Printable, no space (33-126), no digit: trimming changes nothing, and every cell's digits start
    # at the same place.
    if not 1 <= digits <= _DIGITS_MAX or not is_digit[prefix_len:].all() or \
            ((prefix < 33) | (prefix > 126)).any():
        return None
    # The bytes are summed as read ('0' is 48) and the zeros taken off at the end: int32 holds that sum
    # for up to 8 digits (57 * 11111111 < 2**31), half the memory of int64, and the codes are written
    # over it.
    numbers = empty(n, np.int32 if digits <= 8 else np.int64)
    zeros = 48 * sum(10 ** j for j in range(digits))  # the digits' bytes are '0' + digit
    for lo in range(0, n, _STEP):
        hi = min(lo + _STEP, n)
        # Every cell the same length: consecutive offsets step by the width (the total alone could
        # hide a short cell beside a long one).
        if not (np.diff(offsets[lo:hi + 1]) == width).all():
            return None
        block = cells[lo:hi]
        out = numbers[lo:hi]
        # One column of bytes at a time (a handful), each read in place: a prefix byte must be the
        # first row's, a digit byte within '0'-'9'.
        for j in range(width):
            byte = block[:, j]
            least, most = int(byte.min()), int(byte.max())
            if j < prefix_len:
                if least != most or least != int(prefix[j]):
                    return None
            elif least < 48 or most > 57:
                return None
            elif j == prefix_len:
                out[:] = byte
            else:
                out *= 10
                out += byte
        out -= zeros
    low, high = int(numbers.min()), int(numbers.max())
    if high - low >= MAX_SPAN:
        return None
    present = np.zeros(high - low + 1, dtype=bool)
    for lo in range(0, n, _STEP):
        present[numbers[lo:lo + _STEP] - low] = True
    rank = np.cumsum(present, dtype=np.int32) - 1
    codes = numbers if numbers.dtype == np.int32 else empty(n, np.int32)
    for lo in range(0, n, _STEP):
        codes[lo:lo + _STEP] = rank[numbers[lo:lo + _STEP] - low]
    values = np.flatnonzero(present) + low
    # The distinct texts, written back from the numbers: prefix, then the digits zero-padded.
    text = np.empty((len(values), width), dtype=np.uint8)
    text[:, :prefix_len] = prefix
    powers = 10 ** np.arange(digits - 1, -1, -1, dtype=np.int64)
    text[:, prefix_len:] = (values[:, None] // powers) % 10 + 48
    uniques = text.view(f"S{width}").ravel().astype(f"U{width}").astype(object)
    return codes, uniques
