"""The clinician's edits of a proposed mapping, carried onto the proposal for a new upload of the same export.

An *edit* is where the mapping being edited differs from the proposal it started from: a column's role or
name (per file, per column header), a file's fill-down, or an option outside the files (date format, days
between courses, text answers, treatments, boosters, observation items). Uploading a corrected export
proposes its mapping again; :func:`carry_edits` applies the edits to that new proposal where their file and
column still exist, and lists the ones it had to drop, so that an upload never silently undoes a decision.
A file is the same export only when its content says so (:func:`same_content`): another clinic's file of
the same name starts afresh. Pure functions on the JSON documents of :class:`analysis.io.spec.MappingSpec`
and on :class:`FileContent`.
"""
from __future__ import annotations

import copy
import fnmatch
from dataclasses import dataclass, field

import pandas as pd

from analysis.io.dates import detect_date_format
from analysis.io.tables import read_table

#: How an option outside the files is called on the Data page.
OPTION_LABELS = {
    ("date_format",): "date format",
    ("courses", "gap_days"): "days between courses",
    ("courses", "treatments"): "treatments studied",
    ("courses", "boosters"): "boosters",
    ("courses", "start_actions"): "actions that start an administration",
    ("courses", "post_offset_hours"): "hours after the start",
    ("values", "text"): "text answers",
    ("values", "ranges"): "ranges",
    ("values", "annotated_numbers"): "numbers followed by words",
    ("items",): "observation items",
}
_MISSING = object()
#: What the Data page says when the new files are not the export whose mapping was edited.
OTHER_EXPORT = "These files are not the export you edited (other patients): your changes were not carried over."
#: The share of a file's columns, and of its patients, the other file must have for the two to be one export
#: (a corrected file may lose a column; next month's pull adds the month's new patients).
COLUMN_SHARE, PATIENT_SHARE = 0.8, 0.5


@dataclass
class FileContent:
    """What says which export a file is: its column names and, where the mapping has a patient id column,
    each patient's rows (id and a hash of the row's cells, by column name)."""

    header: list[str]
    id_column: str | None = None
    cells: pd.DataFrame | None = None
    #: The orders (DMY, MDY) its date columns can only be read in: a date format the clinician chose for
    #: another file that contradicts them is not carried.
    date_orders: set = field(default_factory=set)


def file_contents(proposal: dict, files: dict[str, bytes]) -> dict[str, FileContent]:
    """The content of each data file of an upload, by the ``match`` of its entry in the ``proposal``
    (files that cannot be read as a table, a workbook, are left out: decided by name alone)."""
    out = {}
    for fdoc in proposal.get("files", []):
        if fdoc.get("kind", "data") != "data":
            continue
        name = next((n for n in files if _takes(n, fdoc.get("match", ""))), None)
        if name is None:
            continue
        try:
            table = read_table(name, files[name], encoding=fdoc.get("encoding"), delimiter=fdoc.get("delimiter"),
                               header_row=fdoc.get("header_row"))
        except Exception:  # (a format the text reader does not take: decided by its name, as before)
            continue
        first = {h: k for k, h in reversed(list(enumerate(table.header)))}
        cells = table.cells.iloc[:, list(first.values())].copy()
        cells.columns = list(first)
        ids = [h for h, c in fdoc.get("columns", {}).items()
               if (c if isinstance(c, str) else c.get("role")) == "patient_id" and h in first]
        dates = [h for h, c in fdoc.get("columns", {}).items()
                 if (c if isinstance(c, str) else c.get("role")) == "date" and h in first]
        orders = {detect_date_format(cells[h][cells[h] != ""].to_numpy()).order for h in dates}
        out[fdoc["match"]] = FileContent(list(first), ids[0] if ids else None, cells, orders - {None, "YMD"})
    return out


def same_content(old: FileContent, new: FileContent) -> bool:
    """Two files of one name are the same export: most columns of each are in the other and, where both
    have the patient id column, most of the new file's patients were in the old file with at least one
    of their rows as it was (a corrected file or next month's pull of one clinic repeats its patients'
    rows; another clinic's file, even with ids written alike, ``C-001``, does not)."""
    shared = [h for h in new.header if h in set(old.header)]
    if len(shared) < COLUMN_SHARE * max(len(old.header), len(new.header), 1):
        return False
    pid = new.id_column
    if pid is None or pid != old.id_column or new.cells is None or old.cells is None:
        return True
    def rows(c: FileContent) -> pd.DataFrame:
        return pd.DataFrame({"id": c.cells[pid].to_numpy(),
                             "row": pd.util.hash_pandas_object(c.cells[shared], index=False).to_numpy()})
    new_rows, old_rows = rows(new), rows(old)
    patients = new_rows.loc[new_rows["id"] != "", "id"].nunique()
    if patients == 0:
        return True
    kept = new_rows.merge(old_rows.drop_duplicates(), on=["id", "row"])
    return kept.loc[kept["id"] != "", "id"].nunique() >= PATIENT_SHARE * patients


@dataclass
class CarriedEdits:
    """The new mapping with the edits applied; what was kept, dropped or is waiting for its file; and the edits
    to remember for the next upload (:func:`carry_edits`)."""

    mapping: dict
    remembered: dict
    kept_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    kept_options: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    #: Options whose edit was not kept: the new proposal starts from another value (the new files read otherwise).
    not_kept_options: list[str] = field(default_factory=list)
    #: The new files are not the export edited (:func:`same_content`): nothing was carried.
    other_export: bool = False

    @property
    def any(self) -> bool:
        return bool(self.kept_columns or self.dropped_columns or self.kept_options or self.waiting
                    or self.not_kept_options or self.other_export)

    def message(self) -> str:
        """The sentence the Data page shows after the upload ('' when nothing had been edited)."""
        if self.other_export:
            return OTHER_EXPORT
        parts = []
        if self.kept_columns:
            n = len(self.kept_columns)
            parts.append(f"Your changes to {n} column{'s' if n > 1 else ''} were kept: "
                         + ", ".join(f"'{h}'" for h in self.kept_columns))
        if self.kept_options:
            parts.append("your choices of " + ", ".join(self.kept_options) + " were kept")
        if self.dropped_columns:
            parts.append("changes to columns no longer in the files were dropped: "
                         + ", ".join(f"'{h}'" for h in self.dropped_columns))
        if self.waiting:
            parts.append("your changes to the columns of " + ", ".join(f"'{m}'" for m in self.waiting)
                         + " are kept for when that file is uploaded again")
        if self.not_kept_options:
            parts.append("your earlier choice of " + ", ".join(self.not_kept_options)
                         + " was not kept because the new files read otherwise")
        if not parts:
            return ""
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


def _option_paths(doc: dict) -> dict[tuple, object]:
    """The options outside the files, by their path in the document (a label's whole object is one value)."""
    out = {}
    for path in OPTION_LABELS:
        node = doc
        for p in path:
            node = node.get(p, _MISSING) if isinstance(node, dict) else _MISSING
        out[path] = node
    return out


def _set_path(doc: dict, path: tuple, value) -> None:
    node = doc
    for p in path[:-1]:
        node = node.setdefault(p, {})
    if value is _MISSING:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = copy.deepcopy(value)


def _same_file(old_match: str, new_match: str, names: list[str]) -> bool:
    """Two entries describe the same file: the same pattern, or an uploaded name both patterns take."""
    if old_match == new_match:
        return True
    return any(_takes(n, old_match) and _takes(n, new_match) for n in names)


def _takes(name: str, match: str) -> bool:
    """Whether a mapping entry's ``match`` takes file ``name``: its exact name (brackets are characters there) or
    the pattern, as the loader decides (analysis.io.spec.FileSpec.matches)."""
    return name.casefold() == match.casefold() or fnmatch.fnmatchcase(name.casefold(), match.casefold())


def _edits_of(proposal: dict, edited: dict, remembered: dict | None) -> dict:
    """The edits to carry: those of ``edited`` against ``proposal`` for the files it holds, and the
    ``remembered`` ones of files it does not hold (removed from the upload for a while: waiting).
    An option's edit is its value before and after; a dict option's (treatments, text answers...) is per key."""
    out = copy.deepcopy(remembered) if remembered else {"files": {}, "options": {}}
    base = {f.get("match"): f for f in proposal.get("files", [])}
    for fdoc in edited.get("files", []):
        match = fdoc.get("match")
        if match not in base:  # (a saved mapping's pattern: the proposed file whose name it takes)
            match = next((m for m in base if m and _same_file(fdoc.get("match", ""), m, [m])), None)
            if match is None:
                continue
        old_cols = base[match].get("columns", {})
        entry = {"columns": {h: c for h, c in fdoc.get("columns", {}).items() if old_cols.get(h) != c}}
        if fdoc.get("fill_down") != base[match].get("fill_down"):
            entry["fill_down"] = fdoc.get("fill_down", [])
        out["files"][match] = entry  # the file was there: its edits are those of the mapping, as they are now
    before, now = _option_paths(proposal), _option_paths(edited)
    out["options"] = {}
    for path in OPTION_LABELS:
        b, n = before[path], now[path]
        if b == n:
            continue
        if isinstance(b, dict) and isinstance(n, dict):
            out["options"][path] = {"keys": {k: (b.get(k, _MISSING), n.get(k, _MISSING))
                                             for k in list(b) + [k for k in n if k not in b]
                                             if b.get(k, _MISSING) != n.get(k, _MISSING)}}
        else:
            out["options"][path] = {"from": b, "to": n}
    return out


def _carry_option(mapping: dict, path: tuple, edit: dict, date_orders: set) -> bool:
    """Apply one option's edit where the new proposal starts from the value the edit started from; for a
    dict option each edited key (changed, added or removed) on the new proposal's dict, whose other keys
    (a drug the new files bring) stay. A date format is not carried onto files whose dates read only in
    another order (``date_orders``). False when nothing of the edit could be kept."""
    now = _option_paths(mapping)[path]
    if "keys" not in edit:
        if now != edit["from"]:
            return False
        if path == ("date_format",) and isinstance(edit["to"], str) and date_orders - {edit["to"]}:
            return False
        _set_path(mapping, path, edit["to"])
        return True
    merged = copy.deepcopy(now) if isinstance(now, dict) else {}
    kept = False
    for key, (was, to) in edit["keys"].items():
        if merged.get(key, _MISSING) != was:
            continue  # the new proposal reads this key otherwise: its reading stands
        kept = True
        if to is _MISSING:
            merged.pop(key, None)
        else:
            merged[key] = copy.deepcopy(to)
    if kept:
        _set_path(mapping, path, merged)
    return kept


def carry_edits(old_proposal: dict, edited: dict, new_proposal: dict, names: list[str],
                remembered: dict | None = None,
                contents: tuple[dict[str, FileContent], dict[str, FileContent]] | None = None) -> CarriedEdits:
    """``new_proposal`` with the edits of ``edited`` (relative to ``old_proposal``) applied.

    ``names``: the file names of the new upload. ``contents``: the :func:`file_contents` of the old files
    and of the new ones; a file of the new upload is the same file as an old one when its name is
    (:func:`_same_file`) and its content is (:func:`same_content`). When a file of the same name has
    other content, the upload is another export: nothing is carried (:attr:`CarriedEdits.other_export`).
    A column's edit is kept when the same file is there with that column, and dropped (and listed) when the
    file is there without that column. The edits of a file that is not in the new upload wait in
    ``remembered`` (returned in :attr:`CarriedEdits.remembered`, to be given back at the next upload): a
    clinic that removes the old data file and then adds the corrected one keeps them. The options outside
    the files are kept when at least one file is the same, each where the new proposal starts from the value
    the edit started from (:func:`_carry_option`).
    """
    edits = _edits_of(old_proposal, edited, remembered)
    out = CarriedEdits(copy.deepcopy(new_proposal), {"files": {}, "options": {}})
    new_files = out.mapping.get("files", [])
    old_content, new_content = contents or ({}, {})

    def other(old_match: str, new_match: str) -> bool:
        a, b = old_content.get(old_match), new_content.get(new_match)
        return a is not None and b is not None and not same_content(a, b)

    known = {f.get("match") for f in old_proposal.get("files", [])} | set(edits["files"])
    named = [(m, n.get("match", "")) for m in known for n in new_files if _same_file(m, n.get("match", ""), names)]
    if any(other(m, n) for m, n in named):
        out.other_export = True
        return out
    for match, entry in edits["files"].items():
        target = next((n for n in new_files if _same_file(match, n.get("match", ""), names)), None)
        if target is None:
            if entry["columns"] or "fill_down" in entry:
                out.remembered["files"][match] = entry
                out.waiting.append(match)
            continue
        for header, col in entry["columns"].items():
            if header in target.get("columns", {}):
                target["columns"][header] = copy.deepcopy(col)
                out.kept_columns.append(header)
            else:
                out.dropped_columns.append(header)
        if "fill_down" in entry:
            fill = [h for h in entry["fill_down"] if h in target.get("columns", {})]
            if fill:
                target["fill_down"] = fill
            else:
                target.pop("fill_down", None)
            out.kept_options.append("the patient id filled down")
    if named:
        for path, edit in edits["options"].items():
            orders = set().union(*(c.date_orders for c in new_content.values()))
            if _carry_option(out.mapping, path, edit, orders):
                out.kept_options.append(OPTION_LABELS[path])
            else:
                out.not_kept_options.append(OPTION_LABELS[path])
    return out
