"""The clinician's edits of a proposed mapping, carried onto the proposal for a new upload of the same export.

An *edit* is where the mapping being edited differs from the proposal it started from: a column's role or
name (per file, per column header), a file's fill-down, or an option outside the files (date format, days
between courses, text answers, treatments, boosters, observation items). Uploading a corrected export
proposes its mapping again; :func:`carry_edits` applies the edits to that new proposal where their file and
column still exist, and lists the ones it had to drop, so that an upload never silently undoes a decision.
Pure functions on the JSON documents of :class:`analysis.io.spec.MappingSpec`.
"""
from __future__ import annotations

import copy
import fnmatch
from dataclasses import dataclass, field

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

    @property
    def any(self) -> bool:
        return bool(self.kept_columns or self.dropped_columns or self.kept_options or self.waiting)

    def message(self) -> str:
        """The sentence the Data page shows after the upload ('' when nothing had been edited)."""
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
    return any(fnmatch.fnmatchcase(n.casefold(), old_match.casefold())
               and fnmatch.fnmatchcase(n.casefold(), new_match.casefold()) for n in names)


def _edits_of(proposal: dict, edited: dict, remembered: dict | None) -> dict:
    """The edits to carry: those of ``edited`` against ``proposal`` for the files it holds, and the
    ``remembered`` ones of files it does not hold (removed from the upload for a while: waiting)."""
    out = copy.deepcopy(remembered) if remembered else {"files": {}, "options": {}}
    base = {f.get("match"): f for f in proposal.get("files", [])}
    for fdoc in edited.get("files", []):
        match = fdoc.get("match")
        if match not in base:
            continue
        old_cols = base[match].get("columns", {})
        entry = {"columns": {h: c for h, c in fdoc.get("columns", {}).items() if old_cols.get(h) != c}}
        if fdoc.get("fill_down") != base[match].get("fill_down"):
            entry["fill_down"] = fdoc.get("fill_down", [])
        out["files"][match] = entry  # the file was there: its edits are those of the mapping, as they are now
    before, now = _option_paths(proposal), _option_paths(edited)
    out["options"] = {path: now[path] for path in OPTION_LABELS if now[path] != before[path]}
    return out


def carry_edits(old_proposal: dict, edited: dict, new_proposal: dict, names: list[str],
                remembered: dict | None = None) -> CarriedEdits:
    """``new_proposal`` with the edits of ``edited`` (relative to ``old_proposal``) applied.

    ``names``: the file names of the new upload. A column's edit is kept when a file of the new proposal is
    the same file (:func:`_same_file`) and has that column, and dropped (and listed) when the file is there
    without that column. The edits of a file that is not in the new upload wait in ``remembered`` (returned
    in :attr:`CarriedEdits.remembered`, to be given back at the next upload): a clinic that removes the old
    data file and then adds the corrected one keeps them. The options outside the files are kept when at
    least one file is the same (a different export starts afresh).
    """
    edits = _edits_of(old_proposal, edited, remembered)
    out = CarriedEdits(copy.deepcopy(new_proposal), {"files": {}, "options": edits["options"]})
    new_files = out.mapping.get("files", [])
    known = {f.get("match") for f in old_proposal.get("files", [])} | set(edits["files"])
    paired = any(_same_file(m, n.get("match", ""), names) for m in known for n in new_files)
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
    if paired:
        for path, value in edits["options"].items():
            _set_path(out.mapping, path, value)
            out.kept_options.append(OPTION_LABELS[path])
    return out
