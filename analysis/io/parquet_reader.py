"""The Parquet reader: a file's bytes -> its header, columns and line numbers (as the same table would
be numbered in a CSV). Numbers stay numbers; every other column becomes text."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import UnreadableFileError


def _parse_parquet(file: str, data: bytes):
    """Returns ``(header, columns, lines, [])``: float64 (without NaN) and integer columns stay numbers,
    every other column becomes text as before (``""`` for a null)."""
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as e:  # pyarrow raises several types for corrupt or non-Parquet bytes
        raise UnreadableFileError(f"{file} is not a readable Parquet file ({type(e).__name__}: {e}). "
                                  "Write it again with pandas/pyarrow, or give a CSV file.", file=file) from None
    header = list(table.column_names)
    cols = []
    for name, col in zip(header, table.columns):
        col = col.combine_chunks()
        if pa.types.is_integer(col.type) or (pa.types.is_float64(col.type) and not pc.any(pc.is_nan(col)).as_py()):
            cols.append(col)
            continue
        try:
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            text = pc.cast(col, pa.string())
        except (pa.ArrowException, ValueError):
            raise UnreadableFileError(f"{file}: column {name!r} has type {col.type}, which cannot be read as "
                                      "text or numbers. Store it as text or numbers.", file=file, column=str(name)) from None
        cols.append(pc.fill_null(text, ""))
    lines = np.arange(table.num_rows, dtype=np.int64) + 2  # as the same table would be numbered in a CSV
    return header, cols, lines, np.array([], dtype=np.int64)


# --------------------------------------------------------------------------------------------------
# Typed views of text cells
