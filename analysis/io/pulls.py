"""Overlapping pulls of one export: a score corrected between two pulls is the later pull's.

Two files are pulls of one export when most of the smaller one's scores (patient, time, measure, value) are in
the other too (``Pain_flowsheet_2023-10-01_to_2024-03-31.csv`` and ``..._to_2024-06-30.csv``). A score of the
same patient, time and measure that differs between them was corrected in the later pull: the later pull is the
one whose name has the later date, and the earlier value is excluded, naming the later one. When the names do not
tell which is later, both stay (the conflict then excludes both) and a warning says so.
docs/data-format.md, "Patients of several sites" (overlapping pulls).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A year-first date in a file name (``2024-06-01``, ``20240601``): a year of 19xx or 20xx, a month and a day; a
#: day-first ``15012024`` is no date here (read as one, the January pull was the later one).
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
#: The share of the smaller file's scores that two pulls of one export have in common (at least).
PULL_SHARE = 0.5


def _latest_date(name: str) -> str | None:
    found = ["".join(m) for m in _DATE.findall(name)]
    return max(found) if found else None


def later_pull_values(scores: pd.DataFrame, obs, notes: list[str], warnings: list[str]) -> pd.DataFrame:
    """The scores with each value corrected between pulls taken from the later pull (see the module docstring)."""
    if not len(scores) or scores["file"].nunique() < 2:
        return scores
    key = ["pid", "t", "measure"]
    k = scores[key + ["raw"]].astype(str).assign(file=scores["file"].to_numpy(dtype=object))
    per_file = k.groupby("file").size()
    same = k.drop_duplicates(key + ["raw", "file"])
    shared = same[same.duplicated(key + ["raw"], keep=False)]
    if not len(shared):
        return scores
    files = list(dict.fromkeys(shared["file"]))
    if len(shared) < PULL_SHARE * per_file.reindex(files).min():
        return scores
    kk = k[k["file"].isin(files)]
    values = kk.drop_duplicates(key + ["raw", "file"]).groupby(key)
    differ = values["raw"].transform("nunique").gt(1) & values["file"].transform("nunique").gt(1)
    conflicts = kk.drop_duplicates(key + ["raw", "file"])[differ.to_numpy()]
    if not len(conflicts):
        notes.append(f"{', '.join(files)} overlap (pulls of one export): the rows they share are read once.")
        return scores
    dates = {f: _latest_date(f) for f in files}
    if any(d is None for d in dates.values()) or len(set(dates.values())) < len(files):
        warnings.append(f"{', '.join(files)} overlap (pulls of one export), and {conflicts[key].drop_duplicates().shape[0]} "
                        "score(s) differ between them; their names do not say which pull is later, so both values of "
                        "each are excluded as conflicting. Load only the latest pull, or put the pull's date in each "
                        "file's name (..._2024-06-01.csv).")
        return scores
    rank = scores["file"].map({f: dates[f] for f in files})
    latest = pd.Series(rank.to_numpy(dtype=object), index=scores.index).where(
        pd.Series(scores["file"].isin(files).to_numpy(), index=scores.index))
    last = pd.concat([k[key], latest.rename("rank")], axis=1).groupby(key)["rank"].transform("max")
    in_conflict = k.set_index(key).index.isin(conflicts.set_index(key).index)
    older = in_conflict & latest.notna().to_numpy() & (latest.to_numpy(dtype=object) != last.to_numpy(dtype=object))
    if older.any():
        o = scores[older]
        newest = max(files, key=lambda f: dates[f])
        obs.exclude(o["row"], o["file"].to_numpy(dtype=object), o["line"], o["column"].to_numpy(dtype=object),
                    o["text"].to_numpy(dtype=object), f"replaced by the later pull's value ({newest})")
        warnings.append(f"{', '.join(files)} overlap (pulls of one export): {int(older.sum())} score(s) differ between "
                        f"them and the later pull's value is used (by the dates in the names; latest: {newest}); the "
                        "earlier values are listed as excluded.")
    return scores[~older].reset_index(drop=True)
