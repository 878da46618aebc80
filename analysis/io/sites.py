"""Whose numbering a patient id is: the site's (a ``Site`` column of a pooled file) or the file's.

Clinics number their patients from 1 (or ``001``) each; pooled, patient ``1`` of Boston and patient ``1`` of
Leiden are two patients. Read as one id they became one patient with two timelines (a silent wrong number), so:

* **A site column.** A column named for the study site (``Site``, ``Centre``, ``Study site``, ``Standort``,
  ``Data access group``, alone or with ``name``/``code``/``id``: :data:`AUTO_SITE_HEADER`) whose value changes
  within one patient id is part of the patient's identity when the evidence is that of ids numbered per site:
  every file with patients has such a column, at least a fifth of the ids are at two sites or more, and each
  site's part of such an id holds a treatment of its own (a whole patient). The patient is then the site and
  the id (``Boston:1``), the site is kept as the covariate ``site``, with a warning. A ``Location``, ``Clinic``
  or ``Hospital`` column (a room, an infusion chair, a satellite of one health system, where a survey was
  filled in) changes within a patient's own timeline, and an IV ``Site`` holds no treatment on follow-up rows:
  a review of this rule split one clinic's patients on each, so those columns are sites only where the mapping
  says so (``{"site_column": "Hospital"}``, any column).
* **Ids per file.** Several files that each hold a whole dataset (scores and treatments), whose ids overlap but
  which share no score (not two pulls of one export: those repeat rows), are one clinic's records split over
  files (a year's log each, an infusion log and a visit sheet) as often as two sites' logs: they are read as the
  same patients, with a warning that says how to read them per file (``{"per_file": true}``). No rule of their
  timelines told the two apart in a review (one patient's log and visit sheet overlap in time too).

The mapping says it explicitly (``"patient_ids"`` in :mod:`analysis.io.spec`): ``{"site_column": "Site"}``,
``{"site_column": null}`` (no column is a site), ``{"per_file": true}`` or ``{"per_file": false}``.
docs/data-format.md, "Patients of several sites".
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..mapping import normalize_name
from .column_words import header_words

#: The names of a site column read as one without the mapping saying so: a study's site or centre, a REDCap
#: data access group (a clinic, hospital or location column is often a room or a satellite of one system).
AUTO_SITE_HEADER = re.compile(
    r"(?:study |treating |recruiting |data access )?(?:site|center|centre|centro|standort|dag|"
    r"redcap data access group|data access group)(?: name| code| id| nr| no)?")
#: The least share of a file's ids that are at two sites or more for a site column to be read as the numbering's.
MIN_SHARED_IDS = 0.2
#: The most sites a column may name (more is not a site column: a free-text field).
MAX_SITES = 50
def _row_ids(scores: pd.DataFrame, admins: pd.DataFrame, covs: pd.DataFrame) -> pd.Series:
    """The patient id of each row read (row key -> id)."""
    parts = [f[["row", "pid"]] for f in (scores, admins, covs) if len(f)]
    if not parts:
        return pd.Series(dtype=object)
    both = pd.concat(parts, ignore_index=True).drop_duplicates("row")
    return pd.Series(both["pid"].to_numpy(dtype=object), index=both["row"].to_numpy(dtype=np.int64))


def _site_columns(tables, spec, row_ids: pd.Series, admin_rows: set) -> dict[str, np.ndarray]:
    """file -> the site of each of its rows (by row key - first row key), for files with a site column
    that is part of the patient's identity (``admin_rows``: the row keys that gave an administration)."""
    from .translate import resolve_columns

    said = spec.patient_ids
    out = {}
    row0 = 0
    with_rows = 0
    for t, fspec in tables:
        first, row0 = row0, row0 + t.n
        if "site_column" in said and said["site_column"] is None:
            continue
        rows = np.arange(first, first + t.n)
        pid = row_ids.reindex(rows).to_numpy(dtype=object)
        has = pd.notna(pid)
        with_rows += bool(has.any())
        roles = resolve_columns(t, fspec)[0]
        if "site_column" in said:
            ks = [k for k, h in enumerate(t.header) if h and normalize_name(h) == normalize_name(said["site_column"])]
        else:
            ks = [k for k, h in enumerate(t.header) if h and AUTO_SITE_HEADER.fullmatch(header_words(h))
                  and (k not in roles or roles[k].role in ("ignore", "covariate"))]
        for k in ks[:1]:
            site = np.char.strip(t.column(k).astype(str)).astype(object)
            if "site_column" not in said and not _numbered_per_site(site[has], pid[has].astype(str),
                                                                    np.isin(rows[has], list(admin_rows))):
                continue
            out[t.file] = (site, t.header[k], first)
    if "site_column" not in said and len(out) < with_rows:
        return {}  # a file without the column would keep its ids: its rows would lose their patients
    return out


def _numbered_per_site(site: np.ndarray, pid: np.ndarray, treated: np.ndarray) -> bool:
    """Whether a site column's values say that ids are numbered per site (module docstring): 2 to
    :data:`MAX_SITES` sites on every row, at least :data:`MIN_SHARED_IDS` of the ids at two sites or more, and
    every site's part of such an id holding an administration of its own."""
    n_sites = len(pd.unique(site))
    if (site == "").any() or not 2 <= n_sites <= MAX_SITES:
        return False
    rows = pd.DataFrame({"site": site, "pid": pid, "treated": treated})
    per_id = rows.groupby("pid")["site"].nunique()
    shared = per_id.index[per_id > 1]
    if not len(shared) or len(shared) < MIN_SHARED_IDS * len(per_id):
        return False  # one numbering across the sites (a patient who moved): the site is an ordinary covariate
    parts = rows[rows["pid"].isin(shared)].groupby(["site", "pid"])["treated"].any()
    return bool(parts.all())


def _whole_datasets(scores: pd.DataFrame, admins: pd.DataFrame) -> list[str]:
    """The files that each hold scores and treatments, in the order read."""
    if not len(scores) or not len(admins):
        return []
    both = set(scores["file"]) & set(admins["file"])
    return [f for f in dict.fromkeys(scores["file"]) if f in both]


def _site_labels(files: list[str]) -> dict[str, str]:
    """Each file's site label: its folder where every file is in one (``North/Ketamine_log.csv`` and
    ``North/Demographics.csv`` -> ``North``: a site's demographics file is the site's too), else its name without
    the words every one of the names shares (``Ketamine_log_North.csv``, ``Ketamine_log_South.csv`` -> ``North``,
    ``South``), or its name."""
    folders = [f.replace("\\", "/").rsplit("/", 1)[0] if "/" in f.replace("\\", "/") else "" for f in files]
    if all(folders) and len(set(folders)) > 1:
        return dict(zip(files, (d.rsplit("/", 1)[-1] for d in folders)))
    words = [re.split(r"[\s_\-.]+", re.sub(r"\.[A-Za-z]+$", "", f.replace("\\", "/").replace("/", " "))) for f in files]
    lead = 0
    while all(len(w) > lead + 1 for w in words) and len({w[lead] for w in words}) == 1:
        lead += 1
    trail = 0
    while all(len(w) > lead + trail + 1 for w in words) and len({w[-1 - trail] for w in words}) == 1:
        trail += 1
    labels = [" ".join(w[lead:len(w) - trail]) for w in words]
    if len(set(labels)) < len(labels) or not all(labels):
        labels = list(files)
    return dict(zip(files, labels))


def _per_file(spec, scores: pd.DataFrame, admins: pd.DataFrame, covs: pd.DataFrame) -> tuple[list[str], str]:
    """The files whose ids are their own (``[]``: none) and why; a warning (in ``why``, with no files) where
    several whole datasets share ids and the mapping does not say how to read them."""
    said = spec.patient_ids.get("per_file")
    if said is False:
        return [], ""
    if said is True:
        return list(dict.fromkeys(list(scores["file"]) + list(admins["file"]) + list(covs["file"]))), \
            "the mapping says so"
    files = _whole_datasets(scores, admins)
    if len(files) < 2:
        return [], ""
    ids = {f: set(scores.loc[scores["file"] == f, "pid"]) | set(admins.loc[admins["file"] == f, "pid"])
           for f in files}
    shared = set.union(*[ids[a] & ids[b] for i, a in enumerate(files) for b in files[i + 1:]])
    if not shared:
        return [], ""
    # Pulls of one export repeat most of their scores (analysis/io/pulls.py: half the smaller file's); two sites'
    # files share some by chance (patient 3 had 7 on 2024-02-29 at both; a fifth of them with study days 0, 1, 7,
    # 28 and scores 0-10): only pulls go unwarned (the warning changes no reading).
    key = scores[["file", "pid", "t", "measure", "raw"]].astype(str)
    in_both = int((key.groupby(["pid", "t", "measure", "raw"])["file"].nunique() > 1).sum())
    if in_both * 2 >= scores["file"].value_counts().reindex(files).min():
        return [], ""
    examples = ", ".join(repr(p) for p in sorted(shared, key=str)[:3])
    return [], (
        f"The files {', '.join(files)} each hold a whole dataset (scores and treatments), and {len(shared)} patient "
        f"id(s) are in more than one of them ({examples} ...): they are read as the same patients (one clinic's "
        "records split over files: a log per year, an infusion log and a visit sheet). If each file numbers its own "
        "patients (one file per site), patient 1 of one file and patient 1 of another are two patients: say so in "
        "the mapping, \"patient_ids\": {\"per_file\": true}; `python -m analysis inspect PATH --write-mapping FILE` "
        "writes a mapping to edit (docs/data-format.md, \"Patients of several sites\").")


def assign_sites(tables, spec, scores: pd.DataFrame, admins: pd.DataFrame, covs: pd.DataFrame,
                 warnings: list[str]):
    """Make each patient id the site's (a site column) or the file's (ids per file): see the module docstring.
    Returns the observations with their ids rewritten (``site:id``) and a covariate ``site`` per patient."""
    site_of_row = pd.Series(dtype=object)
    columns = _site_columns(tables, spec, _row_ids(scores, admins, covs),
                            set(admins["row"].astype(np.int64)) if len(admins) else set())
    for file, (site, header, first) in columns.items():
        site_of_row = pd.concat([site_of_row, pd.Series(site, index=np.arange(first, first + len(site)))])
    if len(columns):
        names = ", ".join(f"{f} ({h!r})" for f, (_, h, _) in columns.items())
        warnings.append(f"Patient ids are numbered per site: the site column of {names} changes within one patient id, "
                     "so a patient is the site and the id ('Boston:1' and 'Leiden:1' are two patients); the site is "
                     "kept as the covariate site. If the ids are one numbering across the sites, say so in the "
                     "mapping: \"patient_ids\": {\"site_column\": null}.")
    files, why = ([], "") if len(columns) else _per_file(spec, scores, admins, covs)
    if why and not files:
        warnings.append(why)
    labels = _site_labels(files) if files else {}
    if files:
        warnings.append(
            f"Patient ids are read per file: {', '.join(f'{f} as site {s!r}' for f, s in labels.items())} "
            f"({why}), so patient 1 of one file and patient 1 of another are two patients (a patient is the site "
            f"and the id, '{next(iter(labels.values()))}:1'); the site is kept as the covariate site. If they are the "
            "same patients, say so "
            "in the mapping: \"patient_ids\": {\"per_file\": false}.")
    if not len(columns) and not files:
        return scores, admins, covs

    def site(frame: pd.DataFrame) -> np.ndarray:
        if not len(frame):
            return np.zeros(0, dtype=object)
        by_row = site_of_row.reindex(frame["row"].to_numpy(dtype=np.int64)).to_numpy(dtype=object)
        by_file = frame["file"].map(labels).to_numpy(dtype=object)
        out = np.where(pd.notna(by_row), by_row, by_file)
        return np.where(pd.notna(out) & (out != ""), out, None)

    sites = []
    for frame in (scores, admins, covs):
        s = site(frame)
        if len(frame):
            pid = frame["pid"].astype(str).to_numpy(dtype=object)
            frame["pid"] = np.where(pd.notna(s), s.astype(str) + ":" + pid, frame["pid"].to_numpy(dtype=object))
            sites.append(frame.assign(name="site", value=s)[pd.notna(s)])
    if not len(covs) or "site" not in set(covs["name"]):
        new = pd.concat(sites, ignore_index=True).drop_duplicates("pid")
        new = new.assign(column=new["file"].map({f: h for f, (_, h, _) in columns.items()}).fillna("(file)"),
                         raw=new["value"])
        covs = pd.concat([covs, new[["row", "file", "line", "column", "raw", "pid", "name", "value"]]],
                         ignore_index=True)
    return scores, admins, covs
