"""One visit's score entered in two systems: a date-only copy of a timed score is read once.

A nurse retypes a visit's pain and PHQ-9 scores into a spreadsheet (dates only) that a survey tool or the EHR
also holds with their time of day. Read as two scores, the visit counted twice, and a typo in one copy was
averaged in (a review: 80 of 192 visits in both systems, 272 pain scores kept for 192: week-4 mean 3.94 for
3.875, week-8 responders 40.6% for 43.8%, silently). The timed copy and the date-only one differ in time
(00:00 against 15:20), so neither the exact-duplicate rule nor the conflicting-values rule saw them.

The rule (docs/data-format.md, "The same visit in two systems"), in an export with dates: a score written with a
date only is a copy of a score with a time of day when both have the same patient, measure, date and value, they
come from different files, and no administration of the patient is on that date (on a treatment day a
date-only score and a timed one are its scores before and after, not copies). The copy is excluded, naming the
timed score's file and line. Where a date-only score and timed scores of other files differ in value on such a
date, all stay (two scores of the day, or a typo in one system: the load cannot tell) and a warning counts them.
Only files that agree on at least :data:`COPIES_AGREE` of their shared dates are copies: a clinic visit's score
and an evening diary entry typed in with its date are two measurements, equal by chance on some days (a review:
35 diary entries were excluded as copies and 29 called typos).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_DAY_NS = 86_400 * 10 ** 9
#: The share of a date-only file's scores, among those with a timed score of another file on their date, that
#: must equal it for the two files to be one set of visits typed twice (a review's nurse sheet: 150 of 160).
COPIES_AGREE = 0.8


def without_copies(scores: pd.DataFrame, admins: pd.DataFrame, obs, kind: str, warnings: list[str]) -> pd.DataFrame:
    """The scores (values read) without the date-only copies of timed scores of other files (module docstring);
    the copies are excluded in ``obs``, and ``warnings`` gets the count of dates where the two systems differ."""
    if kind != "date" or not len(scores) or scores["file"].nunique() < 2:
        return scores
    timed = scores["has_time"].to_numpy(dtype=bool)
    if timed.all() or not timed.any():
        return scores
    pid = pd.Index(scores["pid"].to_numpy(dtype=object)).astype(str)
    day = scores["t"].to_numpy(dtype=np.int64) // _DAY_NS
    key = pd.MultiIndex.from_arrays([pid, day])
    admin_days = pd.MultiIndex.from_arrays([pd.Index(admins["pid"].to_numpy(dtype=object)).astype(str),
                                            admins["t"].to_numpy(dtype=np.int64) // _DAY_NS]) if len(admins) else None
    treated = np.asarray(key.isin(admin_days), dtype=bool) if admin_days is not None else np.zeros(len(key), bool)
    frame = pd.DataFrame({"p": pid, "d": day, "m": scores["measure"].to_numpy(dtype=object),
                          "v": scores["value"].to_numpy(dtype=float), "f": scores["file"].to_numpy(dtype=object),
                          "i": np.arange(len(scores))})
    pairs = frame[~timed & ~treated].merge(frame[timed & ~treated], on=["p", "d", "m"], suffixes=("", "_timed"))
    pairs = pairs[pairs["f"] != pairs["f_timed"]]
    if not len(pairs):
        return scores
    # Copies agree: two files holding one set of visits give the same value on (nearly) every date both have.
    # Two kinds of measurement (a clinic visit and an evening diary typed in with dates) agree by chance only.
    agree = pairs.assign(same=pairs["v"] == pairs["v_timed"]).drop_duplicates("i").groupby(["f", "f_timed"])["same"]
    copies = agree.mean()[lambda x: x >= COPIES_AGREE].index
    pairs = pairs[pd.MultiIndex.from_frame(pairs[["f", "f_timed"]]).isin(copies)]
    if not len(pairs):
        return scores
    same = pairs[pairs["v"] == pairs["v_timed"]].drop_duplicates("i")
    differ = pairs[~pairs["i"].isin(same["i"])].drop_duplicates("i")
    if len(same):
        rows = same["i"].to_numpy()
        copy, original = scores.iloc[rows], scores.iloc[same["i_timed"].to_numpy()]
        reason = ("the same score as " + original["file"].astype(str).to_numpy(dtype=object) + " line "
                  + original["line"].astype(str).to_numpy(dtype=object)
                  + " (with its time; the visit entered in two systems)")
        obs.exclude(copy["row"], copy["file"].to_numpy(dtype=object), copy["line"], copy["column"].to_numpy(dtype=object),
                    copy["text"].to_numpy(dtype=object), reason)
        files = ", ".join(dict.fromkeys(f"{a} / {b}" for a, b in zip(same["f"], same["f_timed"])))
        warnings.append(f"{len(same)} score(s) with a date only are the same as a score with a time of day of another "
                        f"file on that date ({files}): the visit entered in two systems is read once, from the timed "
                        "score; the date-only copies are listed as excluded.")
    if len(differ):
        example = differ.iloc[0]
        warnings.append(f"{len(differ)} score(s) with a date only have a score of the same patient, measure and date "
                        f"with a time of day in another file, with another value (e.g. patient {example['p']}, "
                        f"{example['m']}: {example['v']:g} in {example['f']}, {example['v_timed']:g} in "
                        f"{example['f_timed']}): both are read. If the two files hold the same visits, one of them is "
                        "a typo: correct it, or load one system's scores only.")
    keep = np.ones(len(scores), dtype=bool)
    keep[same["i"].to_numpy()] = False
    return scores[keep].reset_index(drop=True)
