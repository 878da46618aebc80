"""Load a clinic's export with its mapping: translate, validate, and account for every row.

:func:`load_export` is what ``load_dataset(path, mapping=<clinic mapping>)`` runs. It reads every
file by its mapping (:mod:`analysis.io.translate`), builds treatment courses
(:mod:`analysis.io.courses`), converts dates to days since each patient's first course, writes the
canonical tables and validates them with :mod:`analysis.load` (the product's one validator), then
maps every exclusion back to the export's own file, line and column.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from . import identifiers
from ..dataset import EXCLUSION_COLUMNS, FileCounts, LoadReport
from ..errors import DatasetError, EmptyDatasetError, IdentifierError, MappingError, MissingFileError, UnreadableFileError
from .sources import _basename as basename  # the one rule for a file's name inside a path or zip
from .sources import CSV_EXTENSIONS, TEXT_EXTENSIONS, files_fingerprint, zip_problem
from .validate import load_canonical
from . import choice_codes, episode_clocks, headers, id_links, plausibility, post_scores, pulls, redcap, redcap_arms, sites, time_zones, two_systems, \
    untimed_starts
from . import missing_codes
from .courses import build_courses, one_spelling, spelling_notes
from .spec import MappingSpec
from .tables import TextTable, read_table, two_row_header_note
from .translate import R_COVARIATE_CONFLICT, Observations, read_rows, resolve_columns, scale_max

_DAY_NS = 86_400 * 10 ** 9
_CANONICAL = ("assessments.csv", "treatments.csv", "patients.csv")


def expand(files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """The files to read: a zip's members (folders, hidden files and ``__MACOSX`` left out), or the
    files; every one checked against the resource limits (:mod:`analysis.limits`) before it is parsed.

    A file is named by its own name (``Ketamine_log.csv``), and by its folder too where two files of the
    same name come from different folders (a zip of one folder per site: ``North/Ketamine_log.csv`` and
    ``South/Ketamine_log.csv``)."""
    from .. import limits

    out = []
    for key, v in files.items():
        if not basename(key).lower().endswith(".zip"):
            # bytes as they are: an SPSS/Stata/SAS file's CSV carries its variables' labels (analysis.io.stat_files)
            out.append((str(key), v if isinstance(v, bytes) else bytes(v)))
            continue
        name = basename(key)
        try:
            out += [(m, b) for m, b in limits.safe_unzip(name, bytes(v))]
        except DatasetError:
            raise
        except Exception as e:  # BadZipFile, encrypted members, unsupported compression
            raise UnreadableFileError(f"{name} {zip_problem(bytes(v), e)}. Re-create the zip, "
                                      "or give the files unzipped.", file=name) from None
    out = [(n, d) for n, d in zip(_file_names([n for n, _ in out]), (d for _, d in out))]
    names = [n for n, _ in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DatasetError(f"Two files are called {dup[0]!r}; give each file once.", file=dup[0])
    limits.check_dataset_files([(n, d) for n, d in out if n.lower().endswith(CSV_EXTENSIONS + TEXT_EXTENSIONS)])
    return out


def _file_names(paths: list[str]) -> list[str]:
    """Each file's name: its base name, or ``folder/name`` (its nearest folder) where base names collide."""
    parts = [p.replace("\\", "/").rstrip("/").split("/") for p in paths]
    base = [q[-1] for q in parts]
    folder = [q[-2] if len(q) > 1 else "" for q in parts]
    return [f"{d}/{b}" if d and base.count(b) > 1 else b for b, d in zip(base, folder)]


def read_files(items, spec: MappingSpec, notes: list[str], warnings: list[str] | None = None) -> tuple[list, dict]:
    """Read every data file of the export (and the REDCap dictionary) as text tables. A raw export's choice codes
    written as other numbers (``1.0``) are read as the dictionary's codes, and codes it does not have are load
    ``warnings`` (analysis/io/choice_codes.py)."""
    tables, dictionary = [], {}
    for name, data in items:
        fspec = spec.file_for(name)
        if fspec is None:
            notes.append(f"{name} was ignored: it matches no file of the mapping.")
            continue
        if fspec.kind == "ignore":
            continue
        t = read_table(name, data, encoding=fspec.encoding, delimiter=fspec.delimiter, header_row=fspec.header_row,
                       decimal_comma=fspec.decimal_comma)
        if fspec.kind == "redcap_dictionary":
            dictionary.update(redcap.read_dictionary(t))
            continue
        notes += t.notes
        if t.two_row_header:
            notes.append(two_row_header_note(f"{name}:", t.header_row, t.header, t.two_row_header))
        if t.skipped:
            notes.append(f"{name}: the header is on line {t.header_row}; the line(s) above it were skipped "
                         f"({'; '.join(repr(s[:60]) for s in t.skipped[:3])}).")
        tables.append((t, fspec))
    for t, fspec in tables:
        if fspec.redcap == "labels":
            if not dictionary:
                raise MissingFileError(
                    f"{t.file} is a REDCap labels export: its columns are found by the data dictionary, which was not "
                    "given. Add the dictionary (Project Setup > Data Dictionary > Download) to the folder or zip.",
                    file=t.file)
            t.header = redcap.labels_to_fields(t, dictionary)
            redcap.checkbox_labels_as_ticks(t, dictionary)
        if fspec.redcap:
            redcap.blank_survey_placeholders(t)
            redcap_arms.add_arm_column(t, fspec.columns)
            choice_codes.align_codes(t, fspec, dictionary, notes, warnings if warnings is not None else notes)
            # Time points of a choice field read as their labels, and counted from their record's date.
            redcap.decode_time_points(t, fspec, dictionary)
            notes += [n for n in [redcap.record_dates_for_instances(t, fspec)] if n]
        else:
            repeated = headers.number_repeated(t)
            if repeated:
                notes.append(repeated)
    if not tables:
        raise MissingFileError("No data file of the export matches the mapping's files "
                               f"({', '.join(f.match for f in spec.files if f.kind == 'data') or 'none'}).")
    return tables, dictionary


def _date_columns(tables) -> list[np.ndarray]:
    """The cells of every column the mapping names a date (not Excel serials), in every file."""
    columns = []
    for table, fspec in tables:
        try:
            roles = resolve_columns(table, fspec)[0]
        except (DatasetError, MappingError):  # the file's own reading says what is wrong with its mapping
            continue
        columns += [table.column(k) for k, c in roles.items() if c.role == "date" and c.format != "excel"]
    return columns


def guard(table: TextTable, fspec: MappingSpec, drop: bool, dropped: list) -> None:
    """The identifier guard on an export file's own columns (before anything is kept)."""
    roles, _, _ = resolve_columns(table, fspec)
    trusted = {"patient_id", "measure", "item", "value", "treatment", "dose", "action", "checkbox", "list", "sum_item", "event", "day"}
    cols = {str(k): np.asarray(pd.unique(table.column(k)[table.column(k) != ""]), dtype=object)
            for k, h in enumerate(table.header) if h}
    # A column named by a code (Qualtrics' Q6) is checked by its question's text too ('Q6 (Date of birth)').
    headers = {str(k): (f"{table.header[k]} ({table.labels[k]})" if table.labels.get(k) else table.header[k])
               for k in range(len(table.header)) if table.header[k]}
    found = identifiers.find_identifier_columns(
        cols, headers, skip_name_check={str(k) for k, c in roles.items() if c.role in trusted},
        # A column mapped "ignore" is never read or kept: its dates (a charting time) are not identifiers to refuse.
        date_columns={str(k) for k, c in roles.items() if c.role in ("date", "time", "ignore")})
    if not found:
        return
    if not drop:
        listed = "; ".join(f"column {headers[c]!r}: {why}" for c, why in found)
        raise IdentifierError(
            f"{table.file}: {'a column looks' if len(found) == 1 else 'columns look'} like direct identifiers "
            f"({listed}). The data must be anonymised: remove the column from the export, or load with "
            "--drop-identifiers to drop it."
            + identifiers.rename_hint(why for _, why in found),
            file=table.file, column=headers[found[0][0]])
    for c, why in found:
        k = int(c)
        dropped.append((table.file, table.header[k], why))
        table.header[k] = ""
        table.cells.iloc[:, k] = ""


def _days(t: np.ndarray, ref: np.ndarray, kind: str) -> np.ndarray:
    """Days between ``ref`` and ``t``: exact for whole seconds (seconds / 86400, correctly rounded)."""
    if kind == "day":
        return np.asarray(t, dtype=float) - np.asarray(ref, dtype=float)
    diff = np.asarray(t, dtype=np.int64) - np.asarray(ref, dtype=np.int64)
    whole = diff % 10 ** 9 == 0
    return np.where(whole, (diff // 10 ** 9) / 86_400.0, diff / _DAY_NS)


def _csv(frame: pd.DataFrame) -> bytes:
    # pandas writes each float as its shortest round-trip text (as repr does), which the canonical
    # loader reads back to the same float: days computed here arrive unchanged (NaN -> empty cell).
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def load_export(files: dict[str, bytes], spec: MappingSpec, drop_identifiers: bool = False,
                source: str = "upload"):
    """Load a clinic export with its mapping. See the module docstring and docs/data-format.md."""
    from .values import ValueRules, parse_values

    items = expand(files)
    notes: list[str] = []
    dropped: list = []
    code_warnings: list[str] = []
    tables, dictionary = read_files(items, spec, notes, code_warnings)
    obs = Observations()
    obs.warnings += code_warnings
    obs.zone_rules["offsets_as_written"], two_zones = time_zones.export_offsets_as_written(_date_columns(tables), spec)
    obs.warnings += [two_zones] if two_zones else []
    row0 = 0
    coded: set[str] = set()
    for t, fspec in tables:
        guard(t, fspec, drop_identifiers, dropped)
        choices = {f.name: f.choices for f in dictionary.values()
                   if f.choices and f.type in ("radio", "dropdown", "yesno", "truefalse")} \
            if fspec.redcap in ("raw", "labels") and dictionary else {}
        codes = choices if fspec.redcap == "raw" else None   # a labels export already holds the labels
        read_rows(t, fspec, spec, obs, row0, redcap_codes=codes)
        coded |= _coded_covariates(t, fspec, choices)
        row0 += t.n
    notes += obs.notes
    kind = obs.time_kind or "date"
    scores = _observations(obs.scores, ["row", "file", "line", "column", "raw", "text", "pid", "t", "has_time",
                                        "measure", "timing", "decimal_comma"])
    admins = _observations(obs.admins, ["row", "file", "line", "column", "raw", "pid", "t", "has_time", "label",
                                        "dose"])
    score_columns = set(scores["column"].astype(str)) if len(scores) else set()  # (for a load left without scores)
    covs = _observations(obs.covariates, ["row", "file", "line", "column", "raw", "pid", "name", "value"])
    site_warnings: list[str] = []
    scores, admins, covs = id_links.same_numbers(spec, scores, admins, covs, notes)
    scores, admins, covs = sites.assign_sites(tables, spec, scores, admins, covs, site_warnings)
    site_warnings += id_links.unlinked_warning(tables, scores, admins)
    site_warnings += episode_clocks.warnings(tables)  # days counted again from each episode of care
    scores = pulls.later_pull_values(scores, obs, notes, site_warnings)
    admins = _without_duplicates(admins, obs, scores["row"].to_numpy(), notes)

    # Treatment courses; then the scores with a time of day on the day of a start without one (a date only):
    # before or after it by their labels, else by their order (analysis/io/untimed_starts.py). Every row read
    # counts, a pre-infusion survey whose pain is left out too: it still was before the infusion.
    gap = spec.courses.gap_days * (_DAY_NS if kind == "date" else 1.0)
    tdtype = np.int64 if kind == "date" else float
    labels, merged = one_spelling(admins["label"].to_numpy(dtype=object))
    # the route merges and kept-apart names are load warnings (plausibility.export_warnings); the note names the rest
    notes += [n for n in spelling_notes(admins["label"].to_numpy(dtype=object), merged)
              if n.startswith("Treatment names that differ only in case")]
    courses, course_of = build_courses(admins["pid"].to_numpy(dtype=object), admins["t"].to_numpy(dtype=tdtype),
                                       labels,
                                       admins["dose"].to_numpy(dtype=float), gap, spec.courses.boosters)
    notes += untimed_starts.settle(scores, courses, admins, kind)

    # Score values by the value rules (7/10, ranges, text answers), per measure's scale.
    rules = ValueRules.from_dict(spec.values)
    value = np.full(len(scores), np.nan)
    rule_used = np.full(len(scores), "", dtype=object)
    if len(scores):
        for (m, dc), idx in scores.groupby(["measure", "decimal_comma"], sort=False).indices.items():
            r = rules if "decimal_comma" in spec.values else replace(rules, decimal_comma=bool(dc))
            pv = parse_values(scores["raw"].to_numpy(dtype=object)[idx], r, scale_max(m))
            value[idx] = pv.value
            rule_used[idx] = pv.rule
            bad = pv.reason != ""
            s = scores.iloc[idx[bad]]
            obs.exclude(s["row"], s["file"].to_numpy(dtype=object), s["line"], s["column"].to_numpy(dtype=object),
                        s["text"].to_numpy(dtype=object), pv.reason[bad])
            value[idx[bad | pv.missing]] = np.nan
    if len(scores):  # 99, -9, ... in the scores of a measure without a known range (io/missing_codes.py)
        value = _without_missing_codes(scores, value, obs)
    scores["value"] = value
    scores["rule"] = rule_used
    scores = scores[np.isfinite(value)].reset_index(drop=True) if len(scores) else scores
    scores = two_systems.without_copies(scores, admins, obs, kind, site_warnings)  # a visit typed into two systems
    notes += untimed_starts.settle_follow_up(scores, courses, admins, kind)
    obs.warnings += post_scores.without_treatment(scores, admins, kind)  # a booster's scores without its date

    # Each patient's day 0 (their first course; else their first score).
    first = courses.groupby("patient_id")["start"].min() if len(courses) else pd.Series(dtype=tdtype)
    first_score = scores.groupby("pid")["t"].min() if len(scores) else pd.Series(dtype=tdtype)
    no_course = first_score.index.difference(first.index)
    ref = pd.concat([first, first_score.loc[no_course]])
    if len(no_course) and len(courses):
        notes.append(f"{len(no_course)} patient(s) without a treatment course were counted from their first score "
                     "(day 0 = first score).")
    if kind == "date" and len(courses):
        notes.append("Dates were converted to days since each patient's first treatment course; the calendar dates "
                     "are not kept.")
    elif kind == "date" and len(scores):  # no course at all: day 0 is each patient's first score
        notes.append("Dates were converted to days since each patient's first score (no treatment course was read); "
                     "the calendar dates are not kept.")
    s_day = _days(scores["t"].to_numpy(dtype=tdtype), ref.reindex(scores["pid"]).to_numpy(dtype=tdtype), kind) \
        if len(scores) else np.zeros(0)
    c_day = _days(courses["start"].to_numpy(dtype=tdtype), ref.reindex(courses["patient_id"]).to_numpy(dtype=tdtype),
                  kind) if len(courses) else np.zeros(0)

    # Covariates: one value per patient and covariate; disagreeing rows leave it empty.
    cov_table, cov_used = _covariates(covs, obs)
    pids = sorted(set(scores["pid"]) | set(courses["patient_id"]) | set(cov_table.index))
    patients = cov_table.reindex(pids)
    patients.index.name = "patient_id"
    patients = patients.reset_index()

    assessments = pd.DataFrame({"patient_id": scores["pid"].to_numpy(dtype=object), "day": s_day,
                                "measure": scores["measure"].to_numpy(dtype=object), "value": scores["value"]})
    treatments = pd.DataFrame({"patient_id": courses["patient_id"].to_numpy(dtype=object), "day": c_day,
                               "treatment": courses["treatment"].to_numpy(dtype=object),
                               "dose": courses["dose"].to_numpy(dtype=float),
                               "administrations": courses["administrations"].to_numpy(dtype=float)})
    if treatments["dose"].isna().all():
        treatments = treatments.drop(columns="dose")
    canon = {"assessments.csv": _csv(assessments)}
    if len(treatments):
        canon["treatments.csv"] = _csv(treatments)
    canon["patients.csv"] = _csv(patients) if len(patients.columns) > 1 else \
        pd.DataFrame({"patient_id": pids}).to_csv(index=False, lineterminator="\n").encode("utf-8")
    if not len(assessments):
        raise _no_scores(obs, tables, score_columns)
    try:
        ds = load_canonical(canon, source=source)
        canon_report = ds.report
        ds = _declared_categories(ds, patients, coded)
    except EmptyDatasetError as e:
        ds, canon_report = None, getattr(e, "report", None)
        if canon_report is None:
            raise
    notes = _how_read(tables, scores, admins, covs, courses) + notes
    report = _report(obs, scores, admins, course_of, covs, cov_used, canon_report, tables, notes, dropped,
                     files_fingerprint(items))
    report = replace(report, warnings=site_warnings + plausibility.export_warnings(
        spec, tables, scores, admins, courses, course_of, obs, report))
    if ds is None:
        err = EmptyDatasetError(f"No usable scores: every score of the export was excluded"
                                f"{_top(report)}. Fix the rows listed in the load report, then load again.")
        err.report = report
        raise err
    return replace(ds, report=report, source=source, directions=spec.directions)  # the mapping's "measures"


def _without_missing_codes(scores: pd.DataFrame, value: np.ndarray, obs: Observations) -> np.ndarray:
    """``value`` with the missing-value codes of measures without a range taken out (NaN), each excluded with its
    reason (analysis/io/missing_codes.py)."""
    measure = scores["measure"].to_numpy(dtype=object)
    codes = missing_codes.missing_value_codes(measure, value)
    if not codes.any():
        return value
    reasons, warnings = missing_codes.code_reasons(measure, value, codes)
    s = scores[codes]
    obs.exclude(s["row"], s["file"].to_numpy(dtype=object), s["line"], s["column"].to_numpy(dtype=object),
                s["text"].to_numpy(dtype=object), reasons[codes])
    obs.warnings += warnings
    return np.where(codes, np.nan, value)


def _coded_covariates(table: TextTable, fspec, choices: dict) -> set[str]:
    """The names of one file's covariates whose codes are declared: ``codes`` in the mapping, or a
    choice field of the REDCap data dictionary (``choices``: field name -> codes; a raw export's codes
    are decoded by :func:`analysis.io.translate.read_rows`, a labels export holds the labels)."""
    roles = resolve_columns(table, fspec)[0]
    return {c.name for k, c in roles.items() if c.role == "covariate" and (c.codes or table.header[k] in choices)}


def _declared_categories(ds, patients: pd.DataFrame, coded: set[str]):
    """Covariates with declared codes are categories (Table 1: n (%); models: one term per level),
    also when every label is a whole number (``{"1": "1", "2": "2"}``, a dictionary choice labelled
    ``3``), which the canonical loader would read as a quantity (``Int64``, median [IQR]). A plain
    number column without declared codes stays a quantity: a dose in mg can have few values too.

    The labels are taken as the export gave them (``patients``: the covariates written to the
    canonical ``patients.csv``, text), by patient; a value the canonical loader left out stays missing.
    """
    cols = [c for c in ds.patients.columns
            if c in coded and c != "patient_id" and pd.api.types.is_numeric_dtype(ds.patients[c])]
    if not cols:
        return ds
    p = ds.patients.copy()
    labels = patients.set_index("patient_id")
    for c in cols:
        text = p["patient_id"].map(labels[c]).astype(object)
        p[c] = text.where(p[c].notna().to_numpy(), np.nan)
    return replace(ds, patients=p)


def _without_duplicates(admins: pd.DataFrame, obs: Observations, scored_rows: np.ndarray,
                        notes: list[str]) -> pd.DataFrame:
    """An administration recorded twice (same patient, time, treatment and dose) counts once; the
    later rows are excluded, naming the first (as the canonical loader does for duplicate rows).

    Except where the later row is a visit row that also gives scores (``scored_rows``): a sheet that writes
    the infusion date (or the treatment) on every visit row of a course repeats it by its layout, and
    listing each visit as an excluded duplicate (nine for three patients of four visits) read as if rows
    were lost; those are counted in one note instead."""
    if len(admins) < 2:
        return admins
    key = ["pid", "t", "label", "dose"]
    dup = admins.duplicated(key, keep="first").to_numpy()
    if not dup.any():
        return admins
    repeated = dup & np.isin(admins["row"].to_numpy(), scored_rows)
    if repeated.any():
        notes.append(f"{int(repeated.sum())} visit row(s) repeat the treatment of an earlier row of the same patient "
                     "and date (the treatment or its date written on every visit row): each administration is read "
                     "once, and those rows' scores are used.")
    listed = dup & ~repeated
    first = admins.groupby(key, dropna=False, sort=False)[["file", "line"]].transform("first")
    d = admins[listed]
    reasons = [f"exact duplicate of {f} line {n}" if f != fl else f"exact duplicate of line {n}"
               for f, n, fl in zip(first.loc[listed, "file"], first.loc[listed, "line"], d["file"])]
    obs.exclude(d["row"], d["file"].to_numpy(dtype=object), d["line"], d["column"].to_numpy(dtype=object),
                d["raw"].to_numpy(dtype=object), np.asarray(reasons, dtype=object))
    return admins[~dup].reset_index(drop=True)


def _how_read(tables, scores, admins, covs, courses) -> list[str]:
    """A plain statement of how each file was read: what its rows became."""
    out = []
    for t, fspec in tables:
        roles = {(c.role if hasattr(c, "role") else c) for c in fspec.columns.values()}
        what = {"raw": "a REDCap raw export", "labels": "a REDCap labels export"}.get(
            fspec.redcap or "", "one observation per row" if "item" in roles else
            "an administration record" if "action" in roles else "a table")
        parts = []
        s = scores[scores["file"] == t.file] if len(scores) else scores
        if len(s):
            per = s["measure"].value_counts()
            parts.append(f"{len(s)} score(s) (" + ", ".join(f"{m} {n}" for m, n in per.items()) + ")")
        a = admins[admins["file"] == t.file] if len(admins) else admins
        if len(a):
            parts.append(f"{len(a)} treatment administration(s) of " + ", ".join(map(repr, pd.unique(a["label"])[:5])))
        c = covs[covs["file"] == t.file] if len(covs) else covs
        if len(c):
            parts.append(f"covariates {', '.join(pd.unique(c['name']))}")
        out.append(f"{t.file} was read as {what} ({t.describe()}): its {t.n} row(s) gave "
                   + ("; ".join(parts) if parts else "nothing") + ".")
    if len(courses):
        out.append(f"Treatment courses: {len(courses)} (" + ", ".join(
            f"{lab} {n}" for lab, n in courses["treatment"].value_counts().items()) + ").")
    return out


def _observations(parts, columns) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)


def _covariates(covs: pd.DataFrame, obs: Observations) -> tuple[pd.DataFrame, np.ndarray]:
    if not len(covs):
        return pd.DataFrame(index=pd.Index([], name="patient_id")), np.zeros(0, dtype=bool)
    n_distinct = covs.groupby(["pid", "name"])["value"].transform("nunique").to_numpy()
    conflict = n_distinct > 1
    if conflict.any():
        c = covs[conflict]
        listing = c.groupby(["pid", "name"])["value"].transform(lambda s: ", ".join(map(repr, pd.unique(s)[:4])))
        obs.exclude(c["row"], c["file"].to_numpy(dtype=object), c["line"], c["column"].to_numpy(dtype=object),
                    c["raw"].to_numpy(dtype=object),
                    np.array([R_COVARIATE_CONFLICT.format(name=nm, values=v) for nm, v in zip(c["name"], listing)],
                             dtype=object))
    ok = covs[~conflict]
    table = ok.drop_duplicates(["pid", "name"]).pivot(index="pid", columns="name", values="value")
    names = list(dict.fromkeys(covs["name"]))
    table = table.reindex(columns=names)
    # A covariate with conflicts for every patient is still a column (empty), so it can be seen.
    table.columns.name = None
    return table, ~conflict


_LINE_REF = re.compile(r"\b(lines?) ((?:\d+)(?:, \d+)*)")


def _one_row_conflict(scores: pd.DataFrame, own: int, reason: str) -> str | None:
    """The reason for a conflict whose values all come from one row of the export (``Pain Scale`` and ``Pain Scale
    Post`` read as one measure at one time: no treatment that day places them before and after it), or None. Said
    as "line 104, line 104", it read as a row conflicting with itself."""
    m = _LINE_REF.search(reason) if reason.startswith("conflicting values") else None
    if m is None:
        return None
    rows = [int(x) - 2 for x in m.group(2).split(", ")]
    if not rows or any(not 0 <= i < len(scores) for i in rows):
        return None
    at = {(scores["file"].iat[i], scores["line"].iat[i]) for i in rows + [own]}
    if len(at) != 1:
        return None
    columns = ", ".join(dict.fromkeys(repr(str(scores["column"].iat[i])) for i in rows))
    return (f"the columns {columns} of this one row are read as the same measure at the same time, with different "
            "values: nothing places them apart (no treatment on that day for a score before and one after it). Give "
            "the treatment's date on this row or in a treatments file, or map the columns as different measures")


def _report(obs, scores, admins, course_of, covs, cov_used, canon, tables, notes, dropped, fingerprint) -> LoadReport:
    """The export's own load report: its files and lines, every row used or excluded."""
    ex_parts = [e for e in obs.excluded if len(e)]
    used_rows = []
    # Canonical exclusions -> the observation that made each canonical row.
    if canon is not None:
        cx = canon.exclusions
        # Canonical line L is row L - 2 of the table written.
        a_bad = np.zeros(len(scores), dtype=bool)
        ca = cx[cx["file"] == "assessments.csv"]
        if len(ca):
            idx = ca["line"].to_numpy(dtype=np.int64) - 2
            a_bad[idx] = True
            s = scores.iloc[idx]

            def ref(m: re.Match) -> str:
                lines = [int(x) for x in m.group(2).split(", ")]
                refs = [f"{scores['file'].iat[i - 2]} line {scores['line'].iat[i - 2]}" for i in lines
                        if 0 <= i - 2 < len(scores)]
                return ", ".join(refs)
            reasons = [_one_row_conflict(scores, own, r) or _LINE_REF.sub(ref, r)
                       for own, r in zip(idx, ca["reason"].astype(str))]
            ex_parts.append(pd.DataFrame({"row": s["row"].to_numpy(), "file": s["file"].to_numpy(dtype=object),
                                          "line": s["line"].to_numpy(), "column": s["column"].to_numpy(dtype=object),
                                          "value": s["text"].to_numpy(dtype=object), "reason": reasons}))
        used_rows.append(scores["row"].to_numpy()[~a_bad])
        ct = cx[cx["file"] == "treatments.csv"]
        c_bad = np.zeros(int(course_of.max()) + 1 if len(course_of) else 0, dtype=bool)
        if len(ct):
            c_bad[ct["line"].to_numpy(dtype=np.int64) - 2] = True
            firsts = pd.Series(np.arange(len(course_of))).groupby(course_of).first()
            for (_, r), course in zip(ct.iterrows(), ct["line"].to_numpy(dtype=np.int64) - 2):
                a = admins.iloc[int(firsts[course])]
                ex_parts.append(pd.DataFrame({"row": [a["row"]], "file": [a["file"]], "line": [a["line"]],
                                              "column": [a["column"]], "value": [a["raw"]], "reason": [r["reason"]]}))
        if len(admins):
            used_rows.append(admins["row"].to_numpy()[~c_bad[course_of]])
    if len(covs):
        used_rows.append(covs["row"].to_numpy()[cov_used])
    used = np.unique(np.concatenate(used_rows)) if used_rows else np.zeros(0, dtype=np.int64)
    # Rows summed into a score another row carries (a questionnaire charted one question per row) share its fate.
    for file, members, m_lines, carriers, c_lines, *how in obs.summed_into:  # (how: a list's rows merged per visit)
        kept = np.isin(carriers, used)
        used = np.union1d(used, members[kept])
        ex_parts.append(pd.DataFrame({"row": members[~kept], "file": file, "line": m_lines[~kept], "column": "(row)",
                                      "value": "", "reason": ((how or ["summed into the score of line "])[0] + pd.Series(
                                          c_lines[~kept], dtype=np.int64).astype(str) + ", which is excluded").to_numpy(
                                          dtype=object)}))
    ex = pd.concat(ex_parts, ignore_index=True) if ex_parts else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ["row"] + EXCLUSION_COLUMNS})
    # A row with at least one used observation is used: its other observations' entries stay as notes of
    # what was left out of it (docs/data-format.md, "Clinic exports: row accounting").
    files = {}
    for file, n, r0, lines in obs.rows:
        rows = np.arange(r0, r0 + n)
        u = int(np.isin(rows, used).sum())
        files[file] = FileCounts(rows_read=n, rows_used=u, rows_excluded=n - u)
    for t, _ in tables:
        # Rows the table reader set aside: too many fields, and the notes below the table.
        for lines, reason in ((t.too_many_fields, f"row has more fields than the header has columns ({len(t.header)})"),
                              (t.below_table, t.below_reason),
                              (t.repeated_header, f"repeats the header of line {t.header_row} (exports pasted one "
                                                  "under the other?): not data"), *t.set_aside):
            if not len(lines):
                continue
            c = files[t.file]
            files[t.file] = FileCounts(c.rows_read + len(lines), c.rows_used, c.rows_excluded + len(lines))
            ex = pd.concat([ex, pd.DataFrame({"row": -1, "file": t.file, "line": lines, "column": "(row)",
                                              "value": "", "reason": reason})], ignore_index=True)
    order = {f: i for i, f in enumerate(files)}
    ex = ex.assign(_f=ex["file"].map(order)).sort_values(["_f", "line"], kind="stable")
    ex = ex[EXCLUSION_COLUMNS].reset_index(drop=True)
    ex["line"] = ex["line"].astype(np.int64)
    kept_notes = list(dict.fromkeys(notes))
    if canon is not None:
        for n in canon.notes:
            if "No treatments file" in n or "no usable treatment rows" in n:
                kept_notes.append("No treatment course was read: relief analyses are unavailable; score trajectories "
                                  "work.")
            elif "Dates in" in n or "were ignored" in n:
                continue
            else:
                kept_notes.append(n)
    return LoadReport(files=files, exclusions=ex, dropped_identifier_columns=dropped, notes=kept_notes,
                      fingerprint=fingerprint)


def _top(report: LoadReport) -> str:
    ex = report.exclusions
    if not len(ex):
        return ""
    # A covariate left empty excludes no score: it is no reason why there are none.
    reasons = ex["reason"].astype(str)
    reasons = reasons[~reasons.str.startswith("covariate ")]
    if not len(reasons):
        return ""
    return f"; most often: {reasons.value_counts().index[0]}"


def _no_scores(obs: Observations, tables, score_columns: set = frozenset()) -> DatasetError:
    names = ", ".join(t.file for t, _ in tables)
    if all(t.n == 0 for t, _ in tables):
        return EmptyDatasetError(f"{names} {'has' if len(tables) == 1 else 'have'} a header but no data rows: export "
                                 "the data again (with its rows), then load it.")
    why = _excluded_reasons(obs, score_columns)
    if why:
        # Scores were read and every one excluded (a cell '6/3/8' of current/best/worst pain in one column): say
        # why, with an example, instead of leaving the user to guess between a missing measure and the cells.
        return EmptyDatasetError(
            f"No scores were read from {names}: every score cell was excluded. The most frequent reasons: {why}. "
            "`python -m analysis validate` lists every excluded cell; `python -m analysis inspect` shows how each "
            "column is read.")
    return EmptyDatasetError(
        f"No scores were read from {names}: no column is mapped as a measure (or no item as a measure), or every "
        "score was excluded. Run `python -m analysis inspect` on the export to see the proposed roles.")


def _excluded_reasons(obs: Observations, score_columns: set) -> str:
    """The three most frequent reasons of the score cells (of ``score_columns``) excluded so far, each with its
    count and a first example (file, line, column, the cell as written); "" when none was excluded (the
    treatment rows of appointments that did not take place are no reason why no score was read)."""
    if not obs.excluded:
        return ""
    ex = pd.concat(obs.excluded, ignore_index=True)
    # Cells, not rows: a row with nothing to read ('k.A.', not stated, in every score cell) had no score to exclude.
    ex = ex[(ex["reason"].astype(str) != "") & ex["column"].astype(str).isin(score_columns)]
    if ex.empty:
        return ""
    counts = ex["reason"].value_counts(sort=True)
    first = ex.drop_duplicates("reason").set_index("reason")
    parts = []
    for reason, n in counts.head(3).items():
        e = first.loc[reason]
        parts.append(f"{reason} ({n} cell(s); e.g. {e['file']}, line {int(e['line'])}, column {str(e['column'])!r}: "
                     f"{str(e['value'])!r})")
    return "; ".join(parts)
