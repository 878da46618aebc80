"""Whether the files holding scores and the files holding treatments speak of the same patients.

* **Ids written with and without leading zeros.** REDCap's ``record_id`` ``7`` and a log's ``Study ID`` ``007``
  are one patient where the mapping says so (``"patient_ids": {"ignore_leading_zeros": true}``) and no file writes
  one id both ways (``7`` and ``007`` in one file are two patients there, so nothing is paired): each id is then
  written as its longest spelling, with a note. Without it the load warns of the pairs
  (:func:`analysis.io.plausibility`): a review found two numberings that pair by their digits alone (record 3 and
  study number 001), which read alike joined the wrong timelines.
* **Files that share no patient.** When the scores' files and the treatments' files have (nearly) no patient id in
  common, no episode has scores: a warning names the id columns and examples (a crosswalk of the two ids is
  needed, or another id column).

docs/data-format.md, "Patients of several sites".
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

_NUMBER = re.compile(r"\d+")


def _ids_by_file(frames) -> pd.DataFrame:
    parts = [f[["file", "pid"]] for f in frames if len(f)]
    if not parts:
        return pd.DataFrame({"file": [], "pid": []})
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def same_numbers(spec, scores: pd.DataFrame, admins: pd.DataFrame, covs: pd.DataFrame, notes: list[str]):
    """Ids that differ only by leading zeros across files, read as one id (see the module docstring)."""
    # Only where the mapping says so: a review found two numberings that pair by their digits (record 3 and study
    # number 001 are one patient, record 1 another), which read alike would join the wrong timelines.
    if spec.patient_ids.get("ignore_leading_zeros") is not True or not len(scores) or not len(admins):
        return scores, admins, covs
    ids = _ids_by_file((scores, admins, covs))
    text = ids["pid"].astype(str)
    digits = text.map(lambda s: bool(_NUMBER.fullmatch(s))).to_numpy(dtype=bool)
    ids = ids[digits].assign(text=text[digits])
    if not len(ids):
        return scores, admins, covs
    ids["number"] = ids["text"].str.lstrip("0").replace("", "0")
    if (ids.groupby(["file", "number"])["text"].nunique() > 1).any():
        return scores, admins, covs  # a file writes one number two ways: there they are two ids
    spellings = ids.groupby("number")["text"].agg(lambda s: sorted(set(s), key=len))
    two = spellings[spellings.map(len) > 1]
    if not len(two):
        return scores, admins, covs
    # One-to-one: the scores' ids and the treatments' ids meet only when paired (a number written one way at the
    # scores and the other at the treatments, for the ids of one side, not one patient in passing).
    longest = {t: sp[-1] for sp in two for t in sp}
    for frame in (scores, admins, covs):
        if len(frame):
            pid = frame["pid"].astype(str)
            frame["pid"] = pid.map(longest).fillna(frame["pid"]).to_numpy(dtype=object)
    ex = ", ".join(" and ".join(repr(x) for x in sp) for sp in list(two)[:3])
    notes.append(f"Patient ids that differ only by leading zeros are one patient, as the mapping says ({ex} ...: "
                 f"{len(two)} id(s)); they are written as the longest spelling.")
    return scores, admins, covs


def unlinked_warning(tables, scores: pd.DataFrame, admins: pd.DataFrame) -> list[str]:
    """A warning when the patients with scores and the patients with treatments (nearly) do not meet: no
    episode would have scores."""
    from .translate import resolve_columns

    if not len(scores) or not len(admins):
        return []
    s_ids, a_ids = set(scores["pid"]), set(admins["pid"])
    both = s_ids & a_ids
    if len(both) * 10 >= min(len(s_ids), len(a_ids)):
        return []
    id_cols = {t.file: [t.header[k] for k, c in resolve_columns(t, f)[0].items() if c.role == "patient_id"]
               for t, f in tables}

    def where(frame: pd.DataFrame, ids: set) -> str:
        files = list(dict.fromkeys(frame["file"]))
        cols = ", ".join(f"{f} ({', '.join(map(repr, id_cols.get(f, []))) or 'no id column'})" for f in files[:3])
        ex = ", ".join(repr(str(x)) for x in sorted(ids, key=str)[:3])
        return f"{cols}: {len(ids)} patient(s), e.g. {ex}"

    return [f"The patients with scores and the patients with treatments {'share no id' if not both else f'share only {len(both)} id(s)'}"
            f" - scores: {where(scores, s_ids)}; treatments: {where(admins, a_ids)} - so the treatment episodes have "
            "no scores. If the files identify patients by different ids (a REDCap record_id and a hospital number), "
            "give both files the same id column (join them by a crosswalk of the two ids first)."]
