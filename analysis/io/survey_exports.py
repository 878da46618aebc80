"""What a survey tool writes beside the answers: Qualtrics' rows under the header, and its responses that are
no respondent's (docs/data-format.md, "Survey exports").

A Qualtrics CSV names its columns in line 1 (``StartDate``, ``Status``, ``ResponseId``, ``Q2_1``) and, under
them, the questions' texts (line 2: ``Response ID``, ``Please rate your pain ...``) and, in exports since 2017,
import ids (line 3: ``{"ImportId":"QID2_1"}``). Those lines are the header's, not answers: read as data they
were listed among the excluded rows, and their texts made the columns look like text. Its ``Status`` column
tells the kind of each response: a preview or test of the survey by its authors, or spam, is no patient's
answer (Qualtrics' codes: 0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported, 8 Spam, 9 Survey Preview
Spam, 12 Imported Spam, 16 Offline, 17 Offline Survey Preview, 32 EX, 40 EX Spam, 48 EX Offline, 256
Synthetic; the labels export writes the names). The import ids of its date columns name the zone of their
times (``{"ImportId":"endDate","timeZone":"America/Denver"}``): the survey account's, which need not be the
clinic's (analysis/io/time_zones.py).
"""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

_RESPONSE_ID = re.compile(r"(?i)^response\s*_?id$")
#: A Qualtrics response id (``R_1OwWpKQ3nEw9WUW``).
_RESPONSE = re.compile(r"^R_[0-9A-Za-z]{8,}$")
_SURVEY_DATES = {"startdate", "enddate", "recordeddate"}
#: Responses that are no respondent's: by label and by code.
NOT_RESPONSES = {"survey preview": "1", "survey test": "2", "spam": "8", "survey preview spam": "9",
                 "imported spam": "12", "offline survey preview": "17", "ex spam": "40", "synthetic": "256"}


def _compact(text: str) -> str:
    """A name without case, spaces or punctuation: ``Duration (in seconds)`` is ``durationinseconds``."""
    return re.sub(r"[\W_]+", "", text).casefold()


def qualtrics_rows(file: str, header: list[str], frame: pd.DataFrame, lines: np.ndarray
                   ) -> tuple[np.ndarray, list[tuple[np.ndarray, str]], list[str], dict[int, str]]:
    """For a Qualtrics export (a ``ResponseId`` column beside its survey dates): ``(description, set_aside,
    notes, labels)``: the rows under the header that describe its columns (the questions' texts, the import
    ids); per kind of response that is no respondent's (a preview, a test, spam), a mask of its rows and the
    reason they are left out; the report's notes; and each column's question text where it says more than the
    column's name (``Q2_1``: ``Please rate your pain RIGHT NOW ... - Pain``), which the proposal reads as a
    REDCap field's label. Nothing for any other table."""
    description = np.zeros(len(frame), dtype=bool)
    names = [_compact(h) for h in header]
    rid = next((k for k, h in enumerate(header) if _RESPONSE_ID.match(h.strip())), None)
    if rid is None or not _SURVEY_DATES & set(names) or not len(frame):
        return description, [], [], {}
    ids = frame.iloc[:, rid].to_numpy(dtype=object)
    # Qualtrics' own ids (R_...) in most data rows: a 'Response ID' of another tool (an ePRO's numbers) is no sign.
    if np.mean([bool(_RESPONSE.match(str(v))) for v in ids[:200]]) < 0.5:
        return description, [], [], {}
    for k in range(min(2, len(frame))):
        cell = str(ids[k])
        if _RESPONSE.match(cell) or not (_compact(cell) in ("responseid", names[rid]) or cell.startswith("{")):
            break
        description[k] = True
    notes = []
    labels = {}
    if description.any():
        texts = frame.iloc[int(np.flatnonzero(description)[0])].to_numpy(dtype=object)
        labels = {k: " ".join(str(texts[k]).split()) for k in range(min(len(header), len(texts)))
                  if str(texts[k]).strip() and _compact(str(texts[k])) != names[k] and not str(texts[k]).startswith("{")}
        shown = " and ".join(str(v) for v in lines[description])
        notes.append(f"{file}: a Qualtrics export: line(s) {shown} under the header (the questions' texts"
                     f"{' and import ids' if description.sum() > 1 else ''}) describe its columns and were not read "
                     "as answers.")
    status = next((k for k, n in enumerate(names) if n == "status"), None)
    if status is None:
        return description, [], notes, labels
    cells = pd.Series(frame.iloc[:, status].to_numpy(dtype=object)).astype(str).str.strip()
    codes = {code: name for name, code in NOT_RESPONSES.items()}
    kind = cells.str.casefold().map(lambda v: v if v in NOT_RESPONSES else codes.get(v)).to_numpy(dtype=object)
    set_aside = []
    for name in NOT_RESPONSES:
        rows = (kind == name) & ~description
        if rows.any():
            written = "/".join(sorted(set(cells[rows])))
            set_aside.append((rows, f"Status {written!r}: a Qualtrics {name} response, no respondent's answers"))
    return description, set_aside, notes, labels


def qualtrics_zones(header: list[str], description_rows: list[list[str]]) -> dict[int, str]:
    """The zone of each column of a Qualtrics export whose import-id row names one (``{"ImportId":"endDate",
    "timeZone":"America/Denver"}``): ``{column position: zone}``. Rows that are not such JSON give nothing."""
    zones = {}
    for row in description_rows:
        for k, cell in enumerate(row[:len(header)]):
            text = str(cell).strip()
            if not text.startswith("{") or "timezone" not in text.casefold():
                continue
            try:
                found = json.loads(text)
            except ValueError:
                continue
            zone = next((v for key, v in found.items() if str(key).casefold() == "timezone"), None) \
                if isinstance(found, dict) else None
            if isinstance(zone, str) and zone.strip() and _known_zone(zone.strip()):
                zones[k] = zone.strip()
    return zones


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


#: What SurveyMonkey writes in its header's second row under a question of one column.
_ONE_ANSWER = {"response", "open-ended response", "open ended response"}


def surveymonkey_header(top: list[str], below: list[str]) -> list[str] | None:
    """One header from SurveyMonkey's two (``Respondent ID``, ``Collector ID`` ... in row 1), or None for any
    other table. Row 1 names each question over its first column; row 2 says ``Response`` under a question of
    one column and names the options or statements of a question of several (a matrix: the PHQ-9's nine
    statements under "Over the last 2 weeks, how often ..."). Each column is named by its question, and a
    matrix's columns by the question and the statement, ``question - statement``, as Qualtrics names them."""
    names = [_compact(t) for t in top]
    if not {"respondentid", "collectorid"} <= set(names):
        return None
    width = max(len(top), len(below))
    top, below = top + [""] * (width - len(top)), below + [""] * (width - len(below))
    # The second row is a header's only when it is empty under the response's ids (a data row has them: a CSV
    # whose second header row was deleted starts its data there) and says "Response" somewhere.
    if any(below[names.index(n)].strip() for n in ("respondentid", "collectorid")) or \
            not any(b.strip().casefold() in _ONE_ANSWER for b in below):
        return None
    names, question = [], ""
    for t, b in zip(top, below):
        t, b = " ".join(t.split()), " ".join(b.split())
        question = t or question
        if not b or b.casefold() in _ONE_ANSWER:
            names.append(t)
        else:
            names.append(f"{question} - {b}" if question else b)
    return names


#: Columns a survey tool writes about each response (not the respondent's answers), by tool: the compact name
#: and why it is not read. The time of the answers is the tool's end time (when the respondent submitted them).
_ABOUT_THE_RESPONSE = {
    "Qualtrics": {"startdate": "when the respondent opened the survey (the answers' time is EndDate)",
                  "recordeddate": "when Qualtrics recorded the response (the answers' time is EndDate)",
                  "responseid": "the response's id, not the patient's", "status": "the response's kind",
                  "progress": "how much of the survey was answered", "durationinseconds": "the time spent answering",
                  "finished": "whether the survey was finished", "distributionchannel": "how the survey was sent",
                  "userlanguage": "the survey's language"},
    "SurveyMonkey": {"respondentid": "the response's id, not the patient's", "collectorid": "how the survey was sent",
                     "startdate": "when the respondent opened the survey (the answers' time is End Date)"},
    "Microsoft Forms": {"id": "the response's number, not the patient's",
                        "starttime": "when the respondent opened the form (the answers' time is Completion time)",
                        "lastmodifiedtime": "when the response was last edited (the answers' time is Completion time)",
                        "email": "the respondent's account ('anonymous' when the form collects none)",
                        "name": "the respondent's account name (empty when the form collects none)"},
}
#: Where a survey tool carries the study's own code of the respondent, when no question asks for it.
_CARRIED_ID = {"Qualtrics": ("externalreference", "externaldatareference"),
               "SurveyMonkey": tuple(f"customdata{n}" for n in ("", 1, 2, 3, 4, 5)), "Microsoft Forms": ()}


def survey_tool(header: list[str]) -> str | None:
    """Which survey tool wrote a table with this header (its own columns), or None."""
    names = {_compact(h) for h in header}
    if "responseid" in names and _SURVEY_DATES & names:
        return "Qualtrics"
    if {"respondentid", "collectorid"} <= names:
        return "SurveyMonkey"
    if {"id", "starttime", "completiontime"} <= names and names & {"email", "name"}:
        return "Microsoft Forms"
    return None


def carried_patient(columns: list[np.ndarray]) -> int | None:
    """Which of the tool's fields for the study's code (:func:`about_the_response`'s third value, their cells in
    ``columns``) holds the patients: the one with the most distinct values, at least 3 (a site written there,
    ``North`` / ``South``, is no patient); None when none does."""
    counts = [len(pd.unique(c[c != ""])) for c in columns]
    best = int(np.argmax(counts)) if counts else -1
    return best if best >= 0 and counts[best] >= 3 else None


def about_the_response(header: list[str]) -> tuple[str | None, dict[int, str], list[int]]:
    """``(tool, {column: why it is not read}, columns that may carry the patient's code)`` for a survey tool's
    table (:func:`survey_tool`); ``(None, {}, [])`` for any other. Read as they were, a response id was the
    patient (each response a patient of its own: no course ever matched), the survey's duration a measure,
    its language a covariate, and three date columns left the answers' time to review."""
    tool = survey_tool(header)
    if tool is None:
        return None, {}, []
    about = _ABOUT_THE_RESPONSE[tool]
    roles = {k: about[_compact(h)] for k, h in enumerate(header) if _compact(h) in about}
    carried = [k for k, h in enumerate(header) if _compact(h) in _CARRIED_ID[tool]]
    return tool, roles, carried
