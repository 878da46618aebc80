"""Outcomes derived from the scores by whoever prepared the file: never read as a measure or a covariate.

A statistician's analysis-ready sheet (R's ``write.csv``, one row per course) carries beside the scores what
was computed from them: ``days_to_relapse``, ``relapse`` (0/1), ``responder_30``, ``censored``. Proposed as
they looked, ``days_to_relapse`` was a measure (numbers that change over time: a "score" of 84) and
``relapse`` a covariate (the same for each patient), an outcome entering the models as a patient
characteristic. The analysis computes these from the scores itself, by its documented definitions (docs/
methods.md), so such a column is not read, with a note (:func:`derived_outcome`); a mapping may still give
it a role.
"""
from __future__ import annotations

import re

#: Events a time is counted to ('days_to_relapse', 'time to recurrence', 'weeks_until_retreatment').
_EVENT = r"relapse|recurrence|retreatment|re\s?treatment|rescue|failure|next\s+(?:infusion|treatment|course)"
#: A time to an event: ``days_to_relapse``, ``time_to_first_relapse``, ``weeks until retreatment``, ``TTR``.
_TIME_TO = re.compile(rf"(?:^|\s)(?:days?|weeks?|wks?|months?|time)\s+(?:to|until|till)\s+(?:first\s+)?(?:{_EVENT})"
                      r"(?:\s|$)|^(?:ttr|ttf)$")
#: An event or response flag: ``relapse``, ``relapsed``, ``recurrence``, ``responder``, ``responder_30``,
#: ``censored``, ``relapse_flag``.
_FLAG = re.compile(r"(?:^|\s)(?:relapsed?|recurrence|responders?|censor|censored|censoring)(?:\s|$)")


def _words(name: str) -> str:
    return " ".join(w for w in re.split(r"[\W_]+", str(name).casefold()) if w)


def derived_outcome(name: str) -> str | None:
    """What a column named ``name`` is when its name says it was derived from the scores: ``"a time to an event"``
    or ``"an event or response flag"``; else None."""
    words = _words(name)
    if _TIME_TO.search(words):
        return "a time to an event"
    if _FLAG.search(words):
        return "an event or response flag"
    return None


def note(file: str, header: str, what: str) -> str:
    """The proposal's note on a derived outcome's column (``what``: :func:`derived_outcome`)."""
    return (f"{file}: column {header!r} looks like {what} derived from the scores, which the analysis computes "
            "itself by its definitions (relief, responders, duration of relief): it is not read, as a score nor "
            "as a covariate. Give it a role in the mapping if it is a measurement.")
