"""Labels of groups: one readable label per group key, and per row of a result table."""
from __future__ import annotations

import pandas as pd

#: The label of the single group when results are not grouped.
ALL_GROUPS = "All episodes"


def group_label(values, by) -> str:
    """One readable label for a group key: ``"ketamine_iv"`` or ``"ketamine_iv / F"``."""
    by = list(by)
    if not by:
        return ALL_GROUPS
    if isinstance(values, (pd.Series, dict)):
        values = [values[c] for c in by]
    elif not isinstance(values, (tuple, list)):
        values = [values]
    return " / ".join(str(v) for v in values)

def row_labels(table: pd.DataFrame, by) -> pd.Series:
    """A label per row of a result table (see :func:`group_label`).

    Not :func:`analysis.episodes.group_labels`, which returns the group *columns* of the episode table
    (missing values as a level)."""
    by = list(by)
    if not by:
        return pd.Series(ALL_GROUPS, index=table.index, dtype=object)
    if len(by) == 1:
        return table[by[0]].astype(str)
    return table[by].astype(str).agg(" / ".join, axis=1)
