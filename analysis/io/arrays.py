"""Arrays of a file's size: where their memory comes from, and work on them spread over the cores.

Two facts of registry-size loads (millions of rows) shape every step that makes such an array
(numbers: docs/performance.md, "Huge pages" and "Two references"):

- memory the process has never touched costs more than the arithmetic written into it (each new page
  is a fault; on a VM that reports free pages to its host, a slow one), so arrays are taken from
  pyarrow's memory pool, where the CSV parse has just freed its buffers (:func:`pool_empty`), and
  temporaries are made one step of :data:`CHUNK` rows at a time;
- numpy's element-wise operations and sorts release the GIL, so a loop over steps of rows runs on
  every core when its steps are independent (:func:`on_all_cores`).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa

#: Rows per step of a loop over a large array: temporaries of 8 MB at most (fresh memory is what costs).
CHUNK = 1 << 20

#: Below this many rows every step runs on the calling thread: a thread costs more than it saves.
PARALLEL_FROM_ROWS = 1 << 18


def pool_empty(n: int, dtype) -> np.ndarray:
    """``np.empty(n, dtype)`` in pyarrow's memory pool. The CSV reader has just freed the memory of
    its parse there; a large numpy allocation would instead touch pages new to the process, which
    costs more than the copy itself on a virtual machine (numbers: docs/performance.md)."""
    dtype = np.dtype(dtype)
    if n == 0:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(pa.allocate_buffer(n * dtype.itemsize), dtype=dtype, count=n)


def cores_for(n: int, from_rows: int = PARALLEL_FROM_ROWS) -> int:
    """How many threads a loop over ``n`` rows uses: 1 below ``from_rows`` rows, else every core
    (at most 8: beyond that the memory bus, not the cores, sets the pace)."""
    return 1 if n < from_rows else max(1, min(os.cpu_count() or 1, 8))


def row_ranges(n: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ranges ``(start, stop)`` covering ``range(n)``, of about equal size."""
    bounds = [n * i // parts for i in range(parts + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(parts)]


def on_all_cores(work, ranges: list[tuple[int, int]]) -> list:
    """``[work(start, stop) for start, stop in ranges]``, the first range on the calling thread and
    each other range on a thread of its own (``work`` must release the GIL to gain anything: numpy
    does). An exception in any range is raised here, after every range has finished."""
    if len(ranges) <= 1:
        return [work(*r) for r in ranges]
    with ThreadPoolExecutor(max_workers=len(ranges) - 1) as pool:
        others = [pool.submit(work, *r) for r in ranges[1:]]
        first = work(*ranges[0])
        return [first] + [f.result() for f in others]
