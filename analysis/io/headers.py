"""A header that repeats a column name, as Excel saves a sheet with one block of columns per visit
(``Visit date, NRS, Visit date, NRS``): the repeats are numbered as pandas numbers them (``Visit date.1``,
``NRS.1``), so that a mapping can name each column and each score finds the date of its own visit.

Called by the proposal (:func:`analysis.io.propose.inspect`) and by the reader of an export
(:func:`analysis.io.reader.read_tables`) on every file but a REDCap export, whose repeated labels
(``Complete?``) are told apart by the data dictionary instead.
"""
from __future__ import annotations

from .tables import TextTable


def number_repeated(table: TextTable) -> str | None:
    """Rename, in place, the second and later columns of a repeated name ``name.1``, ``name.2``, ... (left to
    right; a name already taken is skipped, as pandas does). Returns a note for the report, or None."""
    seen: dict[str, int] = {}
    taken = set(table.header)
    renamed = []
    for k, name in enumerate(table.header):
        if not name:
            continue
        if name not in seen:
            seen[name] = 0
            continue
        n = seen[name] + 1
        while f"{name}.{n}" in taken:
            n += 1
        seen[name] = n
        table.header[k] = f"{name}.{n}"
        taken.add(table.header[k])
        renamed.append((name, table.header[k]))
    if not renamed:
        return None
    shown = ", ".join(f"{new!r}" for _, new in renamed[:6]) + (" ..." if len(renamed) > 6 else "")
    names = ", ".join(dict.fromkeys(repr(old) for old, _ in renamed))
    return (f"{table.file}: the header repeats {names}; the repeats are read as {shown} (numbered from the left, "
            "as a mapping file names them).")
