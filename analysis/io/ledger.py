"""The ledger of one load: every excluded row with its file, line, column, value and reason, and the
rows read per file; from them the load report (:class:`~analysis.dataset.LoadReport`), in which per
file ``rows_read == rows_used + rows_excluded``."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import EXCLUSION_COLUMNS, FileCounts, LoadReport
from .columns import _Table

ROW = "(row)"  # the ``column`` of an exclusion that concerns the whole row


class Ledger:
    """The exclusions of one load, one part per call of :meth:`exclude`: (file, lines, {column: array
    or one value}); ``read``: data rows read per file, in reading order."""

    def __init__(self):
        self.parts: list[tuple[str, np.ndarray, dict]] = []
        self.read: dict[str, int] = {}

    def exclude(self, t: _Table, mask: np.ndarray, column: str | None | np.ndarray, reason: str | np.ndarray,
                value: np.ndarray | None = None) -> None:
        """Exclude the rows of ``t`` in ``mask`` that are still in use, recording one entry per row."""
        m = np.asarray(mask, dtype=bool)
        # Most checks exclude nothing: then no array of the file's size is made (8.9 million rows at
        # registry scale, a dozen checks).
        if not m.any():
            return
        m = m & t.alive
        if not m.any():
            return
        idx = np.flatnonzero(m)
        if isinstance(column, np.ndarray):
            col_text = column[idx]
        else:
            col_text = ROW if column is None else t.header.get(column, column)
        if value is not None:
            val = np.asarray(value, dtype=object)[idx]
        elif column is None or isinstance(column, np.ndarray):
            val = ""
        else:
            val = t.text(column, idx)
        why = reason[idx] if isinstance(reason, np.ndarray) else reason
        self.parts.append((t.file, t.line[idx], {"column": col_text, "value": val, "reason": why}))
        t.alive &= ~m

    def exclude_lines(self, file: str, lines: np.ndarray, reason: str) -> None:
        """Rows that never became rows of a table (too many fields): whole-row entries by line."""
        self.parts.append((file, np.asarray(lines, dtype=np.int64), {"column": ROW, "value": "", "reason": reason}))

    def report(self, notes: list[str], dropped: list[tuple[str, str, str]], fingerprint: str) -> LoadReport:
        """The load report: the exclusions by file (in reading order) and line, the counts per file."""
        # Built with numpy and made a DataFrame once: pandas calls have a fixed cost each, which was a
        # visible part of a small clinic's load even with nothing excluded.
        order = {name: i for i, name in enumerate(self.read)}
        sizes = [len(lines) for _, lines, _ in self.parts]
        fcode = np.repeat(np.array([order[f] for f, _, _ in self.parts], dtype=np.int64), sizes)
        lines = np.concatenate([np.zeros(0, np.int64)] + [np.asarray(x, dtype=np.int64) for _, x, _ in self.parts])
        rank = np.lexsort((lines, fcode))  # by file (in reading order), then line; stable

        def column(name: str) -> np.ndarray:
            out = np.empty(len(lines), dtype=object)
            pos = 0
            for size, (_, _, part) in zip(sizes, self.parts):
                out[pos:pos + size] = part[name]
                pos += size
            return out[rank]

        files_col = np.array(list(order), dtype=object)[fcode[rank]] if len(lines) else np.empty(0, dtype=object)
        ex = pd.DataFrame(dict(zip(EXCLUSION_COLUMNS, (files_col, lines[rank], column("column"), column("value"),
                                                       column("reason")))), copy=False)  # fresh arrays
        counts = np.bincount(fcode, minlength=len(order))
        files = {}
        for name, n in self.read.items():
            k = int(counts[order[name]])
            files[name] = FileCounts(rows_read=n, rows_used=n - k, rows_excluded=k)
        return LoadReport(files=files, exclusions=ex, dropped_identifier_columns=list(dropped),
                          notes=notes, fingerprint=fingerprint)

    @staticmethod
    def top_reason(report: LoadReport, file: str) -> str:
        ex = report.exclusions[report.exclusions["file"] == file]
        if len(ex) == 0:
            return ""
        top = ex["reason"].value_counts().index[0]
        line = int(ex.loc[ex["reason"] == top, "line"].iloc[0])
        return f"; most often: {top}, e.g. line {line}"
