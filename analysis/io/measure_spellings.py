"""Measure labels of long-form assessments that spell a known measure another way (``PHQ-9``, ``Phq 9``).

Rule (docs/data-format.md, "Long form"): a label of the ``measure`` column that is a known measure's name,
registry label or short label written with other case, spaces, ``-``, ``_``, ``.`` or brackets (``PHQ-9``,
``PHQ9``, ``Pain NRS``, ``pain-nrs``, ``GAD 7``) *and* that the clinic-export name rules read as that same
measure (:func:`analysis.io.column_words.measure_of`) is read as the measure, with a note listing the spellings
merged. Only the canonical name matched case-insensitively before (``PHQ9``), so a file writing ``PHQ9`` in half
its rows and ``PHQ-9`` in the other half gave PHQ-9 results from half the rows, without a word.

A label that is another *word* for the measure (``NRS``, ``Pain``, ``PHQ9 total``) is not merged: a clinic may
record two pain items (``Pain`` now, ``NRS`` worst), so that stays a question: a warning that names the labels
and the ``--map`` that reads them as the measure, also when the measure itself is in the file (the older warning,
:func:`analysis.io.plausibility.measure_name_warnings`, speaks only when it is not).
"""
from __future__ import annotations

import re

from ..definitions import KNOWN_MEASURES
from ..measures import MEASURES
from .column_words import measure_of
from .plausibility import _MEASURE_ALIASES

__all__ = ["merge_spellings", "other_word_warnings", "map_advice"]


def _key(name: str) -> str:
    """A name with case, spaces, '-', '_', '.' and brackets ignored (``PHQ-9`` -> ``phq9``)."""
    return re.sub(r"[\s\-_().]+", "", str(name).casefold())


#: key -> measure, for the registry's names, labels and short labels (``painnrs``, ``painnrs010``, ``phq9``,
#: ``phq9depression``, ``phq9depression027``, ...).
_SPELLINGS = {_key(s): m.name for m in MEASURES.values() for s in (m.name, m.label, m.short_label)}


#: A range written after a name: ``PHQ-9 (0-27)``, ``Pain 0-10``, ``NRS [0–10]``.
_RANGE = re.compile(r"[\s(\[]*(\d+(?:[.,]\d+)?)\s*[-\u2013]\s*(\d+(?:[.,]\d+)?)[\s)\]]*$")


def _name_and_range(label: str) -> tuple[str, tuple[float, float] | None]:
    hit = _RANGE.search(str(label))
    if hit is None or not hit.start():
        return str(label), None
    return str(label)[:hit.start()], (float(hit.group(1).replace(",", ".")), float(hit.group(2).replace(",", ".")))


def spelled_measure(label: str) -> str | None:
    """The known measure ``label`` spells another way (:data:`_SPELLINGS`), also followed by the measure's own range
    (``PHQ-9 (0-27)``), when the clinic-export name rules agree (``measure_of``), else None."""
    m = _SPELLINGS.get(_key(label))
    if m is None:
        name, span = _name_and_range(label)
        m = _SPELLINGS.get(_key(name)) if span is not None else None
        if m is not None and span != (MEASURES[m].min, MEASURES[m].max):
            m = None  # another range: another scale or a rescaled one ('Pain 0-100')
    return m if m is not None and m in KNOWN_MEASURES and measure_of(str(label)) == m else None


def merge_spellings(labels, resolved: list[str], mapped: list[bool], file: str) -> tuple[list[str], list[str]]:
    """``resolved`` (the name each distinct label got from the mapping) with every unmapped spelling of a known
    measure replaced by the measure, and the notes saying which spellings were merged. A loop over the distinct
    labels (a handful), not over rows."""
    out = list(resolved)
    merged: dict[str, list[str]] = {}
    for i, (label, new, was_mapped) in enumerate(zip(labels, resolved, mapped)):
        if was_mapped or not new:
            continue
        m = new if new in KNOWN_MEASURES else spelled_measure(new)
        if m is None:
            continue
        out[i] = m
        text = " ".join(str(label).split())
        if text != m:
            merged.setdefault(m, []).append(text)
    # Another word for a merged measure among the labels ('Pain NRS' merged, 'Pain (0-10)' not): the merge would
    # analyse part of its scores under the measure's name; leave the labels as written, so the question is asked
    # (the second regression review)
    # (where the measure's own name is written too, the merge stands and the other words are warned of)
    written = {str(x) for x in labels}
    for m in [m for m in merged if m not in written and other_words(m, [str(x) for x, o in zip(labels, out) if o != m])]:
        for i, (label, new) in enumerate(zip(labels, resolved)):
            if out[i] == m and new != m:
                out[i] = new
        del merged[m]
    notes = []
    for m, spellings in merged.items():
        written = sorted(set(spellings))
        if len(written) > 1 or written[0].casefold() != m:
            notes.append(f"{file}: the measure labels {', '.join(repr(s) for s in written)} were read as {m!r} "
                         f"({KNOWN_MEASURES[m]['label']}): they spell its name another way (case, spaces, '-', '_' "
                         "ignored). Map a label to another name (--map) if it is a different scale.")
    return out, notes


def other_words(measure: str, names) -> list[str]:
    """The measure names in ``names`` that are another word for ``measure`` (``NRS``, ``Pain`` for ``pain_nrs``), also
    with a range after it (``Pain (0-10)``: not warned of, a file also writing ``Pain NRS`` had half its scores
    analysed without a word; the second regression review)."""
    def ranged_word(n) -> bool:  # 'Pain (0-10)'; not 'Pain NRS 0-100' (another range: not this scale as written)
        name, span = _name_and_range(n)
        return span == (MEASURES[measure].min, MEASURES[measure].max) and _MEASURE_ALIASES.get(_key(name)) == measure

    return sorted(str(n) for n in names if str(n) not in KNOWN_MEASURES
                  and (_MEASURE_ALIASES.get(_key(n)) == measure or (measure in MEASURES and ranged_word(n))))


def map_advice(measure: str, names) -> str:
    """The ``--map`` that reads every other word for ``measure`` among ``names`` as it, or ``""``."""
    words = other_words(measure, names)
    if not words:
        return ""
    pairs = ",".join(f"{w}={measure}" for w in words)
    return f'--map "{pairs}"'


def other_word_warnings(names) -> list[str]:
    """A warning per known measure present in ``names`` beside labels that are other words for it: the scores under
    those labels are not in its analyses. (When the measure is absent,
    :func:`analysis.io.plausibility.measure_name_warnings` warns.)"""
    present = {str(n) for n in names}
    out = []
    for m in sorted(present & set(KNOWN_MEASURES)):
        words = other_words(m, present)
        if words:
            out.append(f"The measure labels {', '.join(repr(w) for w in words)} look like {m!r} "
                       f"({KNOWN_MEASURES[m]['label']}), which this dataset also has under its own name: their scores "
                       f"are not in the analyses of {m}. If they are the same scale, read them as it with "
                       f"{map_advice(m, present)} (or a mapping file); otherwise nothing to do.")
    return out
