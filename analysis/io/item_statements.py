"""A questionnaire's items named by their statements: the PHQ-9 and GAD-7 of a survey tool.

Survey tools name each item of a grid question by its statement, not by a number: Google Forms writes
``Over the last 2 weeks, how often have you been bothered by any of the following problems? [Little
interest or pleasure in doing things]``, SurveyMonkey ``... problems? - Little interest ...`` (its two header
rows joined), Qualtrics ``Q3_1`` with the statement in its question text (the export's second line), a
spreadsheet the statement alone. Read as they stood, the nine columns were text or unnamed scores
(``q3_1`` ... ``q3_9``) and the export had no PHQ-9.

The statements are those of the questionnaires (PHQ-9: Kroenke, Spitzer & Williams, J Gen Intern Med
2001;16:606-613; GAD-7: Spitzer et al., Arch Intern Med 2006;166:1092-1097), recognised by their words in
any case and punctuation, inside a longer header or question text (:data:`STATEMENTS`: their distinctive
first words, so that the usual variants match: 'Feeling bad about yourself - or that you are a failure ...',
'Trouble falling/staying asleep, sleeping too much'); the German PHQ-D and GAD-7, and the French and
Spanish PHQ-9, by their official translations' first words. A header that only mentions a word of one
('Sleep hours', 'Interest in treatment (0-10)') is no statement.

The proposal (:func:`statement_item`, :func:`statement_sets`): a column holding a statement is an item of
its questionnaire, numbered by its statement (not by its place among the columns), its answers read as
numbers or as their words (``Several days`` = 1, :mod:`analysis.io.questionnaires`). Every statement of the
questionnaire found once, with no total beside them: the items are summed (the role ``sum_item``). Some of
them only, or one twice: a note naming what is missing, and none of them read; part of a questionnaire is never summed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..measures import MEASURES
from .questionnaires import answer_column
from .spec import Column

#: Each questionnaire's statements, in item order: the statement as printed on the English form, then the
#: patterns of its distinctive words (matched on the lower-cased text, its punctuation as spaces) in
#: English, German, French and Spanish.
STATEMENTS = {
    "phq9": [
        ("Little interest or pleasure in doing things",
         r"little interest or pleasure in doing|wenig interesse oder freude an|peu d int[ée]r[êe]t ou de plaisir|"
         r"poco inter[ée]s o placer en hacer"),
        ("Feeling down, depressed, or hopeless",
         r"feeling down (?:depressed|irritable)|niedergeschlagenheit schwermut oder hoffnungslosigkeit|"
         r"[êe]tre triste d[ée]prim|sentido deca[íi]do"),
        ("Trouble falling or staying asleep, or sleeping too much",
         r"trouble falling (?:or )?(?:staying )?asleep|schwierigkeiten ein oder durchzuschlafen|"
         r"difficult[ée]s? [àa] s endormir|dificultad para quedarse o permanecer dormid"),
        ("Feeling tired or having little energy",
         r"feeling tired or having little energy|m[üu]digkeit oder gef[üu]hl keine energie|"
         r"se sentir fatigu\w*(?: e)? ou manquer d [ée]nergie|sentido cansad\w*(?: a)? o con poca energ[íi]a"),
        ("Poor appetite or overeating",
         r"poor appetite or overeating|verminderter appetit oder [üu]berm[äa][ßs]+iges bed[üu]rfnis|"
         r"avoir peu d app[ée]tit ou manger trop|sin apetito o ha comido en exceso"),
        ("Feeling bad about yourself - or that you are a failure or have let yourself or your family down",
         r"feeling bad about yourself|schlechte meinung von sich selbst|mauvaise opinion de soi m[êe]me|"
         r"sentido mal con usted mism"),
        ("Trouble concentrating on things, such as reading the newspaper or watching television",
         r"trouble concentrating on things|schwierigkeiten sich auf etwas zu konzentrieren|"
         r"avoir du mal [àa] se concentrer|dificultad para concentrarse en ciertas actividades"),
        ("Moving or speaking so slowly that other people could have noticed? Or the opposite - being so fidgety or "
         "restless that you have been moving around a lot more than usual",
         r"moving or speaking so slowly|bewegungen oder ihre sprache so verlangsamt|bouger ou parler si lentement|"
         r"movido o hablado tan lent"),
        ("Thoughts that you would be better off dead, or of hurting yourself in some way",
         r"thoughts that you would be better off dead|gedanken dass sie lieber tot w[äa]ren|"
         r"penser qu il vaudrait mieux mourir|pensamientos de que estar[íi]a mejor muert"),
    ],
    "gad7": [
        ("Feeling nervous, anxious, or on edge",
         r"feeling nervous anxious or on edge|nervosit[äa]t [äa]ngstlichkeit oder anspannung"),
        ("Not being able to stop or control worrying",
         r"not being able to stop or control worrying|nicht in der lage sein (?:die )?sorgen zu stoppen"),
        ("Worrying too much about different things",
         r"worrying too much about different things|[üu]berm[äa][ßs]+ige sorgen bez[üu]glich verschiedener"),
        ("Trouble relaxing", r"trouble relaxing|schwierigkeiten (?:sich )?zu entspannen"),
        ("Being so restless that it is hard to sit still",
         r"being so restless that it(?: i| )?s hard to sit still|rastlosigkeit so dass stillsitzen schwer"),
        ("Becoming easily annoyed or irritable",
         r"becoming easily annoyed or irritable|schnelle ver[äa]rgerung oder gereiztheit"),
        ("Feeling afraid, as if something awful might happen",
         r"feeling afraid as if something awful might happen|gef[üu]hl der angst so als w[üu]rde etwas schlimmes"),
    ],
}

_PATTERNS = [(measure, n + 1, statement, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)"))
             for measure, items in STATEMENTS.items() for n, (statement, pattern) in enumerate(items)]


def _words(text: str) -> str:
    """``text`` in lower case with its punctuation as spaces, one space apart (``it's`` -> ``it s``)."""
    return " ".join(re.split(r"[\W_]+", str(text).casefold())).strip()


def statement_of(text: str) -> tuple[str, int, str] | None:
    """``(measure, item number, statement)`` of the one questionnaire statement in a header or question text
    (``'... problems? [Feeling down, depressed, or hopeless]'`` -> ``("phq9", 2, "Feeling down, ...")``);
    None where there is none, or more than one (which of them the column is is not known)."""
    words = _words(text)
    found = {(m, n, s) for m, n, s, p in _PATTERNS if p.search(words)}
    return found.pop() if len(found) == 1 else None


def scale_name(measure: str) -> str:
    """The questionnaire's name as printed ('PHQ-9')."""
    return MEASURES[measure].label.split(" ")[0]


@dataclass
class StatedItem:
    """A column proposed as an item of a questionnaire by its statement."""
    column: Column
    why: str


def _numbers(cells: np.ndarray) -> pd.Series:
    return pd.to_numeric(pd.Series(cells, dtype=object).astype(str).str.strip().str.replace(",", ".", regex=False),
                         errors="coerce")


def statement_item(h: str, label: str, filled: np.ndarray, time_of: str | None, file: str,
                   notes: list) -> StatedItem | None:
    """The proposal for a column whose header or question text (``label``) holds a statement of the PHQ-9 or
    GAD-7 (:func:`statement_of`): the measure, its answers' codes where they are written as words (``Several
    days`` -> 1); the role ``ignore`` where its cells are neither numbers nor answers. None for any other
    column. Whether the items are summed is decided for the file's columns together (:func:`statement_sets`)."""
    stated = statement_of(h) or (statement_of(label) if label and label != h else None)
    if stated is None:
        return None
    measure, n, statement = stated
    reason = f"{scale_name(measure)} item {n} ({statement.split(' - ')[0].split('? ')[0]})"
    if not len(filled) or _numbers(filled).notna().mean() > 0.9:
        return StatedItem(Column("measure", measure=measure, time=time_of), reason)
    # Answers written with their code first, '0 - Not at all', '2 = More than half the days': read as the code.
    distinct = pd.Series(pd.unique(filled), dtype=object).astype(str)
    lead = distinct.str.extract(r"^\s*(\d+)\s*[-–:=.)]\s*[^\d\s]")[0]
    if len(distinct) and lead.notna().all():
        return StatedItem(Column("measure", measure=measure, time=time_of, codes=dict(zip(distinct, lead))),
                          f"{reason}, its answers read by the code written first ('0 - Not at all' is 0)")
    codes = answer_column(measure, filled, h, file, notes)
    if codes:
        return StatedItem(Column("measure", measure=measure, time=time_of, codes=codes),
                          f"{reason}, its answers read as their codes 0-{MEASURES[measure].item_max}")
    shown = ", ".join(repr(str(v)) for v in pd.unique(filled)[:3])
    return StatedItem(Column("ignore"), f"{reason}: not read, its cells are not answers of {measure} (e.g. {shown})")


def statement_sets(cols: dict, labels: dict, file: str, review: list, notes: list, column_cells) -> None:
    """The columns of each questionnaire proposed by their statements (:func:`statement_item`) become its items
    summed (``sum_item``) when each of its statements is there once, read, with its answers in the item
    range (0-3, or Qualtrics' 1-4: :func:`analysis.io.score_columns.items_in_range`), and no other column is
    read as the questionnaire (a total beside them is read as its score, the items ignored, as for any
    questionnaire). Otherwise a note says which statements are missing, twice or not read, and none of them is
    read (the rest of the export loads). ``cols``: column position -> proposal; ``labels``: column position -> question text."""
    from .score_columns import items_in_range
    found: dict = {}
    for k, c in cols.items():
        stated = statement_of(c.header) or statement_of(labels.get(k, ""))
        if stated is not None and (c.column.role == "ignore" and c.why.startswith(scale_name(stated[0])) or
                                   c.column.role == "measure" and c.column.measure == stated[0]):
            found.setdefault(stated[0], {})[k] = stated[1]
    for measure, numbers in found.items():
        ks = sorted(numbers, key=lambda k: (numbers[k], k))
        total = [k for k, c in cols.items() if k not in numbers and c.column.role == "measure"
                 and c.column.measure == measure]
        if total:
            continue  # the total beside its items (io/score_columns.py: the total is read, the items ignored)
        m = MEASURES[measure]
        unread = [k for k in ks if cols[k].column.role != "measure"]
        twice = sorted({n for n in numbers.values() if list(numbers.values()).count(n) > 1})
        missing = [n for n in range(1, m.items + 1) if n not in numbers.values()]
        in_range = not (unread or twice or missing) and items_in_range(cols, ks, measure, column_cells)
        if in_range:
            for k in ks:
                cols[k] = replace(cols[k], column=replace(cols[k].column, role="sum_item"))
            notes.append(f"{file}: the {m.items} columns named by the statements of the {scale_name(measure)} "
                         f"({cols[ks[0]].header!r} ...) are its items 1-{m.items} without its total: each row's "
                         f"{measure} is their sum when every item is answered 0-{m.item_max} (answers in words read "
                         "as their codes); a row with an item missing or out of range has no score and is listed in "
                         "the report (no prorating).")
            continue
        said = [f"without item{'s' if len(missing) > 1 else ''} " + ", ".join(
                    f"{n} ({STATEMENTS[measure][n - 1][0].split(' - ')[0].split('? ')[0]!r})" for n in missing)] \
            if missing else []
        said += [f"item {n} twice" for n in twice]
        said += [f"{cols[k].header!r} not read as answers" for k in unread]
        if not said:
            said = [f"answers beyond 0-{m.item_max}"]
        # A note, not a point to review: the rest of the export (the pain scores) loads; refused for a grid it
        # cannot sum, a clinic lost everything for one PHQ column.
        notes.append(f"{file}: the columns {', '.join(repr(cols[k].header) for k in ks)} hold statements of the "
                     f"{scale_name(measure)} (items {', '.join(str(numbers[k]) for k in ks)}), "
                     f"{'; '.join(said)}: its score is the sum of its {m.items} items and is never summed from part "
                     "of them, so they are not read. To read them, add the missing items to the export and map each "
                     "with the role \"sum_item\" (with its \"codes\" if its answers are words).")
        for k in ks:
            cols[k] = replace(cols[k], column=Column("ignore"),
                              why=cols[k].why.split(":")[0] + f": not read, the {scale_name(measure)} is incomplete")
