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
    """The new mapping with the edits applied, and what was kept and dropped (column headers, option labels)."""

    mapping: dict
    kept_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    kept_options: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.kept_columns or self.dropped_columns or self.kept_options)

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


def carry_edits(old_proposal: dict, edited: dict, new_proposal: dict, names: list[str]) -> CarriedEdits:
    """``new_proposal`` with the edits of ``edited`` (relative to ``old_proposal``) applied.

    ``names``: the file names of the new upload. A column's edit is kept when a file of the new proposal is
    the same file (:func:`_same_file`) and has that column; otherwise it is dropped (and listed). The options
    outside the files are kept when at least one file is the same (a different export starts afresh).
    """
    out = CarriedEdits(copy.deepcopy(new_proposal))
    old_files = {f.get("match"): f for f in old_proposal.get("files", [])}
    new_files = out.mapping.get("files", [])
    paired = False
    for fdoc in edited.get("files", []):
        base = old_files.get(fdoc.get("match"))
        if base is None:
            continue
        target = next((n for n in new_files if _same_file(fdoc["match"], n.get("match", ""), names)), None)
        paired |= target is not None
        old_cols, cols = base.get("columns", {}), fdoc.get("columns", {})
        for header, col in cols.items():
            if old_cols.get(header) == col:
                continue
            if target is not None and header in target.get("columns", {}):
                target["columns"][header] = copy.deepcopy(col)
                out.kept_columns.append(header)
            else:
                out.dropped_columns.append(header)
        if fdoc.get("fill_down") != base.get("fill_down"):
            fill = [h for h in fdoc.get("fill_down", []) if target is not None and h in target.get("columns", {})]
            if target is not None:
                if fill:
                    target["fill_down"] = fill
                else:
                    target.pop("fill_down", None)
                out.kept_options.append("the patient id filled down")
    if paired:
        before, now = _option_paths(old_proposal), _option_paths(edited)
        for path, label in OPTION_LABELS.items():
            if now[path] != before[path]:
                _set_path(out.mapping, path, now[path])
                out.kept_options.append(label)
    return out
