"""Which way is better, by the name of a measure the registry does not know: the SF-12 / SF-36 and the PROMIS.

A clinic's export names these questionnaires' scores in many ways ('PROMIS Physical Function T-score',
'promis_pain_interference', 'SF-36 Role Physical', 'Mental Component Summary'); they are read under their own
names (no fixed range) and, for want of a declaration, were all taken as lower-is-better: a physical function
that rose from 35 to 42 (better) counted as 20% worse, every relief % of the measure had its sign turned over.
Their instruments fix the direction, so the name says it:

- every scale and summary of the SF-36, SF-12, SF-8, RAND-36 and VR-12 is scored so that a **higher** score is
  better health (Ware & Sherbourne 1992; Ware, Kosinski & Keller 1996), the bodily pain scale included (a higher
  score is less pain); also a Physical or Mental Component Summary named without its version;
- the PROMIS function domains are scored higher = better (Physical Function, Upper Extremity, Mobility, Ability
  to Participate in Social Roles and Activities, Satisfaction with ..., Global Physical / Mental Health,
  Cognitive Function, Self-Efficacy, Positive Affect, Meaning and Purpose, Life Satisfaction), its symptom domains
  higher = worse (Pain Interference, Pain Behavior, Pain Intensity, Fatigue, Sleep Disturbance, Sleep-related
  Impairment, Depression, Anxiety, Anger): Cella et al., J Clin Epidemiol 2010;63:1179-1194. A PROMIS domain only
  with the word PROMIS or T-score in the name ('Fatigue' alone is any fatigue scale).

A name that says neither stays unknown (lower taken as better, and outputs say so); the mapping's declaration
(``"measures": {name: {"higher_is_better": ...}}``) always wins over the name. A bare ``pcs`` is no SF score (as
often the Pain Catastrophizing Scale), nor is ``pcs_12`` / ``mcs_12`` / ``pcs_36`` without the SF (its items are
named so), nor a single question of the SF-36 (``sf36_q1``, ``sf_36_item_2``: a raw answer, the question's
own direction).
"""
from __future__ import annotations

import re
import unicodedata

#: Where a camel-case name starts a word ('PromisPhysicalFunction'); the io layer has a fuller rule.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def name_words(name: str) -> str:
    """A name's words, lower case and one space apart, accents dropped: ``PROMIS_PF-T-score`` -> ``promis pf t
    score``; letters and digits are words apart (``sf12v2`` -> ``sf 12 v 2``, ``promis29`` -> ``promis 29``)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", _CAMEL.sub(" ", str(name)).casefold())
                   if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    return " ".join(t for t in re.split(r"[\W_]+", text) if t)


_SF = r"(?:sf|rand|vr) (?:8|12|36)(?: v [12])?"
#: The SF family: any scale or summary of it named with its instrument, and a component summary without its
#: version. Not a short name with a number alone ('pcs 12', 'mcs 12', 'pcs 36'): the Pain Catastrophizing Scale's
#: items are named so as often.
_SF_NAME = re.compile(rf"(?:^| )(?:{_SF}|short form (?:8|12|36)|(?:physical|mental)(?: health)? component "
                      rf"(?:summary|summaries|score))(?: |$)")
#: A questionnaire's single question ('sf36_q1', 'sf_36_item_2', 'SF-12 question 3'): a raw answer, whose direction
#: is the question's (SF-36 Q1 general health: 1 = excellent ... 5 = poor), not the scored scale's.
_ITEM = re.compile(r"(?:^| )(?:q|qu|item|items|question|frage|vraag)(?: |$)")
_PROMIS = re.compile(r"(?:^| )(?:promis|t scores?|t werte?)(?: |$)")
_PROMIS_HIGHER = re.compile(
    r"(?:^| )(?:physical function\w*|pf|upper extremity|mobility|(?:ability to )?participat\w*|social roles?|"
    r"satisfaction|global (?:physical|mental)|gph|gmh|cognitive function\w*|cognitive abilities|self efficacy|"
    r"positive affect|meaning|life satisfaction)(?: |$)")
_PROMIS_LOWER = re.compile(
    r"(?:^| )(?:pain interference|pain behaviou?r|pain intensity|fatigue|sleep disturbance|sleep related|"
    r"depression|depressive|anxiety|anger|emotional distress)(?: |$)")


def sf_family(name: str) -> bool:
    """Whether a name says a scale or summary of the SF-36 family (SF-36, SF-12, SF-8, RAND-36, VR-12, a Physical or
    Mental Component Summary)."""
    return _SF_NAME.search(name_words(name)) is not None


def named_direction(name: str) -> tuple[bool, str] | None:
    """``(higher_is_better, why)`` for a measure whose name says an instrument with a fixed direction (the module's
    rules), else None: ``promis_physical_function_t_score`` -> ``(True, "a PROMIS function domain ...")``,
    ``sf_36_bodily_pain`` -> ``(True, ...)``, ``promis_pain_interference`` -> ``(False, ...)``."""
    w = name_words(name)
    if _SF_NAME.search(w) and not _ITEM.search(w):
        return True, "an SF-36 / SF-12 score by its name, scored so that a higher score is better health: Ware et al."
    if _PROMIS.search(w):
        # A symptom first: 'PROMIS Pain Interference' also has no function word, 'Sleep-related impairment' no 'pf'.
        if _PROMIS_LOWER.search(w):
            return False, "a PROMIS symptom domain by its name, a higher T-score is more of the symptom: Cella et al. 2010"
        if _PROMIS_HIGHER.search(w):
            return True, "a PROMIS function domain by its name, a higher T-score is better function: Cella et al. 2010"
    return None


__all__ = ["named_direction", "name_words", "sf_family"]
