"""Column mapping: tell the loader which of a clinic's column names mean which canonical name.

Real exports never match the data format exactly (``Subject`` instead of ``patient_id``,
`` NRS (0-10) `` instead of ``pain_nrs``). A mapping renames them before validation. The same
mapping is used by the CLI (``--mapping FILE``, ``--map A=B,...``) and by the dashboard.

Matching rules (see docs/data-format.md, "Column mapping")
--------------------------------------------------------
* Mapping keys match a file's column names case-insensitively after trimming spaces (runs of
  inner white space count as one space): the key ``nrs (0-10)`` matches the header ``" NRS (0-10) "``.
* Canonical names (``patient_id``, ``day``, ``date``, ``datetime``, ``measure``, ``value``,
  ``treatment`` and the known measures such as ``pain_nrs``) also match case-insensitively after
  trimming, with or without a mapping: ``Patient_ID`` is ``patient_id``.
* In long-form assessments the mapping also applies to the *labels* in the ``measure`` column, so
  ``NRS=pain_nrs`` maps both a column named ``NRS`` and rows whose measure is ``NRS``.
* A mapping key that matches nothing is not an error (one mapping may serve several exports).

Mapping file formats (chosen by the file extension)
---------------------------------------------------
``.csv`` (comma or semicolon), two columns, with the header ``source,target``::

    source,target
    Subject,patient_id
    NRS (0-10),pain_nrs

``.json``, one object of strings::

    {"Subject": "patient_id", "NRS (0-10)": "pain_nrs"}
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping as _MappingABC
from pathlib import Path

from .definitions import KNOWN_MEASURES
from .errors import MappingError

#: Column names the loader understands, besides the known measures.
CANONICAL_COLUMNS: tuple[str, ...] = ("patient_id", "day", "date", "datetime", "measure", "value", "treatment")

#: Every name that is matched case-insensitively to its canonical spelling.
CANONICAL_NAMES: tuple[str, ...] = CANONICAL_COLUMNS + tuple(KNOWN_MEASURES)


def normalize_name(name: object) -> str:
    """The key a column name is matched by: trimmed, inner white space collapsed, case-folded."""
    return " ".join(str(name).split()).casefold()


_CANONICAL_BY_KEY = {normalize_name(n): n for n in CANONICAL_NAMES}


def canonical(name: str) -> str | None:
    """The canonical spelling of ``name`` if it is a canonical name (case-insensitive), else None."""
    return _CANONICAL_BY_KEY.get(normalize_name(name))


def resolve(name: str, mapping: dict[str, str] | None) -> tuple[str, bool]:
    """The name a column (or long-form measure label) gets after mapping.

    Returns ``(new_name, mapped)``: the canonical spelling where the (mapped) name is a canonical
    name, otherwise the mapped target or the trimmed original; ``mapped`` tells whether a mapping
    entry matched.
    """
    key = normalize_name(name)
    mapped = bool(mapping) and key in mapping
    target = mapping[key] if mapped else " ".join(str(name).split())
    return canonical(target) or target, mapped


def _check_entries(pairs: list[tuple[str, str, str]], source: str) -> dict[str, str]:
    """Normalise ``(key, target, where)`` entries into a mapping, refusing empty or contradictory ones."""
    out: dict[str, str] = {}
    seen_at: dict[str, str] = {}
    for key, target, where in pairs:
        k = normalize_name(key)
        t = " ".join(str(target).split())
        if not k or not t:
            raise MappingError(
                f"Mapping {source}{where}: both the source column name and the target name are needed "
                f"(got {key!r} -> {target!r}). Write entries as source=target, e.g. Subject=patient_id.",
                file=source)
        t = canonical(t) or t
        if k in out and out[k] != t:
            raise MappingError(
                f"Mapping {source}: {key!r} is mapped twice, to {out[k]!r}{seen_at[k]} and to {t!r}{where}. "
                "Keep one of the two entries.", file=source)
        out[k] = t
        seen_at[k] = where
    return out


def as_mapping(obj: object) -> dict[str, str]:
    """Turn what the API accepts as ``mapping`` into a normalised ``{key: target}`` dict.

    Parameters
    ----------
    obj : None, dict, str or Path
        ``None`` (no mapping), a ``{source: target}`` dict, or the path of a mapping file
        (``.csv`` or ``.json``, see the module docstring).
    """
    if obj is None:
        return {}
    if isinstance(obj, (str, Path)):
        return read_mapping_file(obj)
    if isinstance(obj, _MappingABC):
        pairs = []
        for k, v in obj.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise MappingError(f"Mapping entries must be text: got {k!r} -> {v!r}.", file="mapping")
            pairs.append((k, v, ""))
        return _check_entries(pairs, "mapping")
    raise MappingError(f"A mapping must be a dict or the path of a .csv/.json mapping file, got {type(obj).__name__}.",
                       file="mapping")


def merge(*mappings: dict[str, str]) -> dict[str, str]:
    """Combine normalised mappings; later ones win (the CLI's ``--map`` overrides ``--mapping``)."""
    out: dict[str, str] = {}
    for m in mappings:
        out.update(m)
    return out


#: Largest mapping file accepted (bytes).
MAX_MAPPING_BYTES = 1024 * 1024


def read_mapping_file(path: str | Path) -> dict[str, str]:
    """Read a mapping file (``.csv`` with header ``source,target``, or ``.json``)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise MappingError(f"Cannot read the mapping file {p}: {e.strerror or e}. Check the path.", file=str(p)) from None
    return parse_mapping_bytes(data, p.name)


def parse_mapping_bytes(data: bytes, name: str) -> dict[str, str]:
    """Parse the bytes of a mapping file; the format is chosen by ``name``'s extension."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_MAPPING_BYTES:  # a mapping has one line per column: a few KB
        raise MappingError(f"Mapping file {name} is {len(data):,} bytes; a mapping file is at most "
                           f"{MAX_MAPPING_BYTES:,} bytes (one line per column). Check that it is the right file.",
                           file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise MappingError(f"Mapping file {name}: cannot read its text encoding; save it as UTF-8.", file=name) from None
    if suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise MappingError(f"Mapping file {name} is not valid JSON (line {e.lineno}: {e.msg}). "
                               'Write one object, e.g. {"Subject": "patient_id"}.', file=name) from None
        except RecursionError:  # e.g. 100,000 nested brackets (issue 15)
            raise MappingError(f'Mapping file {name} is nested too deeply: write one flat object of text, e.g. '
                               '{"Subject": "patient_id"}.', file=name) from None
        if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in obj.items()):
            raise MappingError(f'Mapping file {name} must hold one JSON object of text, e.g. {{"Subject": "patient_id"}}.',
                               file=name)
        return _check_entries([(k, v, "") for k, v in obj.items()], name)
    if suffix in (".csv", ".tsv", ".txt"):
        first = text.split("\n", 1)[0]
        delim = max((",", ";", "\t"), key=first.count)
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        except csv.Error as e:
            raise MappingError(f"Mapping file {name} is not a readable CSV ({e}).", file=name) from None
        pairs = []
        for i, row in enumerate(rows, start=1):
            if not row or all(not c.strip() for c in row):
                continue
            if i == 1 and [normalize_name(c) for c in row[:2]] == ["source", "target"]:
                continue
            cells = [c for c in row]
            while len(cells) > 2 and not cells[-1].strip():
                cells.pop()
            if len(cells) != 2:
                raise MappingError(
                    f"Mapping file {name}, line {i}: expected two columns (source,target), got {len(cells)}. "
                    "Quote names that contain the delimiter.", file=name)
            pairs.append((cells[0], cells[1], f" (line {i})"))
        return _check_entries(pairs, name)
    raise MappingError(f"Mapping file {name}: use a .csv (source,target) or a .json file.", file=name)


def parse_mapping_option(text: str) -> dict[str, str]:
    """Parse the CLI's ``--map`` value, e.g. ``"Subject=patient_id,NRS=pain_nrs"``.

    Entries are separated by commas, source and target by the first ``=``. Names that contain a
    comma or ``=`` need a mapping file instead.
    """
    pairs = []
    for part in str(text).split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise MappingError(f"--map entry {part.strip()!r} has no '=': write source=target, e.g. Subject=patient_id.",
                               file="--map")
        k, _, v = part.partition("=")
        pairs.append((k, v, f" ({part.strip()!r})"))
    if not pairs:
        raise MappingError("--map is empty: write source=target pairs, e.g. Subject=patient_id,NRS=pain_nrs.", file="--map")
    return _check_entries(pairs, "--map")
