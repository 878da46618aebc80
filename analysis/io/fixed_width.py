"""A query result saved as column-aligned text: SQL Server Management Studio's "Results to File".

SSMS writes a ``.rpt`` file (or a ``.txt``, as its user names it) in UTF-16 with a BOM: the column names, a line
of dashes under them, one line per row with each value space-padded to its column's width (numbers
right-aligned), ``NULL`` for a missing value, and a footer: an empty line, ``(715 rows affected)``, and
``Completion time: 2024-06-03T10:22:31.44-05:00``. Read as a CSV, the whole header line was one column, and a
``.rpt`` was no table at all.

Read here (:func:`read`):

* the **line of dashes** gives the columns: each run of dashes is one column, from its first dash to the
  character before the next run (the last column runs to the end of the line); the line above it is the header,
  each name written within its run;
* each value is its line's characters in its column, without the padding;
* the **footer** (:data:`FOOTER`: ``(715 rows affected)``, ``(1 row affected)``, ``Completion time: ...``, the
  ``Warning: Null value is eliminated ...`` SQL Server adds) is no data: excluded and listed, as not data;
  empty lines are not read.

A line of dashes with more runs than the column limit (``CRPS_MAX_COLUMNS``, 2000) is refused as a delimited
header with that many columns is (:func:`analysis.limits.check_columns`), before any row is cut into cells.

A file is read so only when its first lines have such a header and line of dashes (:func:`find_rule`); psql's
aligned output (``-----+-----``) is read as a table separated by ``|``.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import limits

#: The delimiter a :class:`analysis.io.tables.TextTable` read from column-aligned text is given.
FIXED = "fixed"
#: A line of dashes under the header: runs of at least one dash, separated by spaces; two columns at least.
_RULE = re.compile(r"^ *-+(?: +-+)+ *$")
#: The lines SQL Server writes under the results: not data.
FOOTER = re.compile(r"(?i)^\s*(?:\(\d[\d,.]* rows? affected\)|completion time:.*|warning: null value is eliminated.*|"
                    r"msg \d+, level \d+, state \d+.*)\s*$")
R_FOOTER = "SQL Server's message under the results (rows affected, completion time): not data"
#: How far down the header and its line of dashes are looked for.
_SEARCH_LINES = 30


def _lines(text: str) -> list[str]:
    return re.split(r"\r?\n", text.lstrip("\ufeff"))


def find_rule(text: str) -> tuple[int, list[tuple[int, int]]] | None:
    """``(index of the header line, each column's (start, end))`` when the text's first lines hold a header
    over a line of dashes whose runs each hold one name; None otherwise. ``end`` is None for the last column."""
    lines = _lines(text[:200_000])
    for i in range(1, min(len(lines), _SEARCH_LINES)):
        rule = lines[i].rstrip()
        if not _RULE.match(rule) or not lines[i - 1].strip():
            continue
        runs = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
        spans = [(s, runs[k + 1][0]) for k, (s, _) in enumerate(runs[:-1])] + [(runs[-1][0], None)]
        head = lines[i - 1]
        names = [head[s:e].strip() for s, e in spans]
        # Each name within its run, nothing between the runs: the header of this rule.
        outside = "".join(head[e:runs[k + 1][0]] for k, (_, e) in enumerate(runs[:-1]))
        if all(names) and not outside.strip() and not head[:runs[0][0]].strip():
            return i - 1, spans
    return None


def read(file: str, text: str, encoding: str) -> dict | None:
    """The fields of the :class:`analysis.io.tables.TextTable` of column-aligned text (module docstring; the
    table is built by :func:`analysis.io.tables.read_table`, which imports this module), or None when the text
    has no header over a line of dashes."""
    found = find_rule(text)
    if found is None:
        return None
    h, spans = found
    limits.check_columns(file, len(spans))  # the runs of dashes are its columns: the limit of delimited text
    lines = _lines(text)
    header = [" ".join(lines[h][s:e].split()) for s, e in spans]
    body = pd.Series(lines[h + 2:], dtype=object).str.rstrip("\r")
    numbers = np.arange(h + 3, h + 3 + len(body), dtype=np.int64)
    cells = pd.DataFrame({k: body.str.slice(s, e).str.strip() for k, (s, e) in enumerate(spans)})
    blank = (body.str.strip() == "").to_numpy(dtype=bool)
    footer = body.str.fullmatch(FOOTER).to_numpy(dtype=bool) & ~blank
    keep = ~blank & ~footer
    return dict(file=file, header=header, cells=cells[keep].reset_index(drop=True), line=numbers[keep],
                encoding=encoding, delimiter=FIXED, header_row=h + 1, decimal_comma=False,
                skipped=[" ".join(ln.split()) for ln in lines[:h] if ln.strip()],
                set_aside=[(numbers[footer], R_FOOTER)] if footer.any() else [],
                notes=[f"{file}: column-aligned text (a line of dashes under the header on line {h + 1}, as SQL "
                            f"Server Management Studio's Results to File writes it): {len(header)} columns read by "
                            "their widths" + (f"; {int(footer.sum())} line(s) of its message under the results ("
                                              + ", ".join(repr(v) for v in body[footer].str.strip()[:2]) +
                                              ") are not data" if footer.any() else "") + "."])
