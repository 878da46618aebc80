"""The loader's messages in the Data page's words.

The loader (``analysis/``) speaks to both the command line and the dashboard, so some of its messages
name command-line options (``--date-format``, ``--map 'X=date'``, ``--drop-identifiers``), a folder or a key of the
mapping file (``courses.treatments``).
On the Data page there is no folder, option or mapping file to edit: a widget does the same thing,
and the message points to it. The command line keeps its own words; only what the page shows is rewritten here.
"""
from __future__ import annotations

import re

#: (pattern in a loader message, the page's words). Applied in order to the plain text of a message.
_REWRITES: tuple[tuple[re.Pattern, str], ...] = (
    # Ambiguous dates (analysis.io.translate, analysis.io.propose): the 'Date format' box is on the page.
    (re.compile(r"Say which order the export uses: \"date_format\": \"(\w+)\" or \"(\w+)\" in the mapping file "
                r"\(CLI: --date-format\)\."),
     r"Choose the order the export uses (\1 or \2) in the 'Date format' box of the import assistant (Data page)."),
    (re.compile(r"Set \"date_format\" to one of ([\w, ]+) in the mapping \(CLI: --date-format\)\."),
     r"Choose one of \1 in the 'Date format' box of the import assistant (Data page)."),
    # A REDCap labels export without its dictionary (analysis.io.reader): uploads, not a folder.
    (re.compile(r"Add the dictionary \(Project Setup > Data Dictionary > Download\) to the folder or zip\."),
     "Upload the data dictionary too (in REDCap: Project Setup > Data Dictionary > Download), with the export."),
    (re.compile(r"add the project's data dictionary, which says which field each column is\."),
     "upload the project's data dictionary too (in REDCap: Project Setup > Data Dictionary > Download): it says "
     "which field each column is."),
    # Identifier notes (analysis.io.propose, analysis.io.identifiers): the role box and the checkbox.
    (re.compile(r"map the column as a date \(mapping role 'date', e\.g\. --map '[^']*=date'\)"),
     "give the column the role 'date (and time)' in the import assistant"),
    (re.compile(r"map the column as a date \(mapping role 'date'\)"),
     "give the column the role 'date (and time)' in the import assistant"),
    (re.compile(r"or drops it with --drop-identifiers \(dashboard: the checkbox\)\."),
     "or drops it when 'Drop columns that look like identifiers' is ticked on the Data page."),
    (re.compile(r"or load with (?:drop_identifiers=True \(CLI: --drop-identifiers\)|--drop-identifiers) to drop it\."),
     "or tick 'Drop columns that look like identifiers' on the Data page to drop it."),
    (re.compile(r"and --drop-identifiers drops the column, leaving no patient id"),
     "and ticking 'Drop columns that look like identifiers' drops the column, leaving no patient id"),
    # No treatments (analysis.io.treatment_hint): the role box of the column.
    (re.compile(r"give that column the role \"treatment\" in the mapping;"),
     "give that column the role 'treatment' in the import assistant's columns below;"),
    # The treatments chosen (courses.treatments): the assistant's treatments list. Exclusion reasons first, short:
    # they are read in a table's cell.
    (re.compile(r"is not a chosen treatment \(courses\.treatments\)"),
     "is not a treatment chosen in the import assistant"),
    (re.compile(r"is not a chosen treatment \(co-medication\?\)"),
     "is not a treatment chosen in the import assistant (a co-medication?)"),
    (re.compile(r"\(mapping: courses\.treatments"),
     "(import assistant: the treatments list under Value and course rules"),
    (re.compile(r"; mapping: courses\.treatments\)"),
     "; import assistant: the treatments list under Value and course rules)"),
    (re.compile(r"\(courses\.treatments\)"), "(the import assistant's treatments list, under Value and course rules)"),
    (re.compile(r"\b(?:under|in) courses\.treatments\b"),
     "in the import assistant's treatments list (Value and course rules)"),
    (re.compile(r"courses\.treatments"),
     "the import assistant's treatments list (Value and course rules)"),
)


def for_page(message: str) -> str:
    """``message`` with its command-line and folder words replaced by the Data page's (unchanged otherwise)."""
    text = str(message)
    for pattern, words in _REWRITES:
        text = pattern.sub(words, text)
    return text
