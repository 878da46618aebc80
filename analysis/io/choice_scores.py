"""A score asked as a REDCap choice field (radio, dropdown, slider): what each choice's value is.

The choice's code is the score only where the dictionary says so. What it says, in this order:

* every label is a worded answer of the measure's scale (the PHQ-9/GAD-7 items' 'Not at all' ... 'Nearly
  every day', the PGIC's 'Very much improved' ... 'Very much worse'): the answer's code on the scale, whatever
  the project's codes (REDCap numbers choices from 1; a PGIC coded 1 = 'Very much worse' is reversed);
* every label starts with a number that differs from its code (``1, 0 - no pain | 2, 1 | ... | 11, 10 -
  worst pain``): that number;
* the labels that are numbers are the codes shifted by one constant (``1, No pain | 2, 1 | ... | 10, 9 | 11,
  Worst pain imaginable``: word labels at the ends of the scale): the code shifted so (code 1 = 0). Read by
  the codes, every score was one point too high;
* otherwise the code, as REDCap's own "0, 0 | 1, 1 | ..." or "0, No pain | ... | 10, Worst pain" means it.

A pain score must be the 0-10 scale itself: a choice of a few worded grades (``0, None | 1, Mild | 2,
Moderate | 3, Severe``) is no NRS, and is read under its own name (a 3 "severe" read as an NRS of 3 was a
mild pain, and 3 -> 1 a 67% relief).
"""
from __future__ import annotations

import re

from .questionnaires import ANSWER_CODES
from .spec import slug
from .worded_scales import WORDED

_LEAD = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)(?!\d)")


def _key(label) -> str:
    return " ".join(str(label).casefold().split())


def choice_values(choices: dict, measure: str) -> tuple[dict | None, str]:
    """``(code -> value, why)`` of a choice field of ``measure`` (module docstring); None when the codes are the
    values."""
    if not choices:
        return None, "score asked as a choice: the codes are the score"
    words = ANSWER_CODES if measure in ("phq9", "gad7") else WORDED.get(measure, {})
    said = {code: words.get(_key(lab)) for code, lab in choices.items()}
    if words and all(said.values()):
        return said, "the scale's worded answers, read as their codes on the scale"
    lead = {code: _LEAD.match(str(lab)) for code, lab in choices.items()}
    if all(lead.values()) and any(m.group(1).replace(",", ".") != code for code, m in lead.items()):
        return ({code: m.group(1).replace(",", ".") for code, m in lead.items()},
                "score asked as a choice: the number in each choice's label is the score")
    # Labels that are a number and nothing else ('1'; not '0 - no pain', handled above).
    numbered = {code: float(m.group(1).replace(",", ".")) for code, m in lead.items()
                if m and str(choices[code]).strip() == m.group(0).strip()}
    try:
        codes = [int(c) for c in choices]
    except ValueError:
        return None, "score asked as a choice: the codes are the score"
    shifts = {n - int(c) for c, n in numbered.items()}
    ends = [c for c in choices if c not in numbered]
    order = list(choices)
    if len(numbered) >= 3 and len(shifts) == 1 and next(iter(shifts)) != 0 and \
            codes == list(range(codes[0], codes[0] + len(codes))) and \
            all(order.index(c) in (0, len(order) - 1) for c in ends):
        d = int(next(iter(shifts)))
        return ({c: str(int(c) + d) for c in choices},
                f"score asked as a choice: the labels number the scale from {int(codes[0]) + d}, the codes from "
                f"{codes[0]}: the score is the code {d:+d}")
    return None, "score asked as a choice: the codes are the score"


def grades_not_nrs(values: dict | None, choices: dict, measure: str, field_name: str, file: str, header: str,
                   notes: list) -> tuple[str, str] | None:
    """``(measure name, why)`` for a pain choice that is not the 0-10 scale (module docstring), else None."""
    if measure != "pain_nrs" or not choices:
        return None
    try:
        top = max(float(v) for v in (values or {c: c for c in choices}).values())
    except ValueError:
        return None
    if len(choices) >= 10 and top >= 10:
        return None
    other = slug(field_name)
    notes.append(f"{file}: {header!r} is a pain choice of {len(choices)} answers ({', '.join(map(str, list(choices.values())[:5]))}): "
                 f"not the 0-10 pain scale, so it is read as the measure {other!r}, not as pain_nrs.")
    return other, f"a choice of {len(choices)} grades: not the 0-10 pain scale"
