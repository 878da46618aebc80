"""A column naming the form a row was filled in on is never the treatment. IntakeQ's ``Questionnaire`` column
writes ``Ketamine Progress Check`` on every response, a sheet's ``Form`` ``Pre-Ketamine Questionnaire``: the
values mention the drug the clinic gives, but each row is one form submitted, not an administration. Proposed as
the treatment (a column naming the medication given), every submission became a course (185 courses that
were never given in one export). A column is a form's by its name (:data:`FORM_COLUMN`: ``Questionnaire``,
``Form``, ``Survey``, ``Assessment``, ``Measure``, ``Instrument``) or by its values, every one of which names a
form (:data:`FORM_VALUE`: a check, questionnaire, survey, form, intake, assessment, progress note).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A column name that names a form or questionnaire (its whole name, or its last word: ``Form Name``,
#: ``Questionnaire Title`` are the form's too), in English, German, French, Spanish, Italian and Dutch.
FORM_COLUMN = re.compile(
    r"(?:\w+\s+)*(?:questionnaires?|forms?|surveys?|assessments?|measures?|instruments?|fragebogen|formular|"
    r"erhebungsbogen|formulaire|cuestionario|formulario|encuesta|questionario|modulo|vragenlijst|formulier)"
    r"(?:\s+(?:name|title|type|template|id))?")

#: A value that names a form filled in, not a treatment given: ``Ketamine Progress Check``, ``Pre-Ketamine
#: Questionnaire``, ``Ketamine Intake Form``, ``Ketamine Check-in``, ``Ketamine Assessment``.
FORM_VALUE = re.compile(
    r"(?i)\b(?:check(?:[\s-]*in)?|questionnaires?|surveys?|forms?|intake|assessments?|progress|screening|"
    r"consent|evaluation|fragebogen|formular|formulaire|cuestionario|formulario|questionario|vragenlijst)\b")

#: A treatment cell that names a form filled in, read as a plain visit (:func:`~analysis.io.session_rows.names_a_visit`):
#: :data:`FORM_VALUE` without the words a therapy session is also called by (a physiotherapy practice's
#: ``Physiotherapy Initial Assessment`` is its first session), nor those already visit words (``intake``,
#: ``evaluation``).
FORM_CELL = re.compile(
    r"(?i)\b(?:check|questionnaires?|surveys?|forms?|screening|consent|fragebogen|formular|formulaire|cuestionario|"
    r"formulario|questionario|vragenlijst)\b")


def names_forms(name: str, values: np.ndarray) -> bool:
    """Whether a column names the forms filled in (module docstring): by its name, or by its values, every
    distinct one naming a form."""
    if FORM_COLUMN.fullmatch(" ".join(re.split(r"[\W_]+", str(name).casefold())).strip()):
        return True
    distinct = pd.unique(values[values != ""])
    return bool(len(distinct)) and all(FORM_VALUE.search(str(v)) for v in distinct)
