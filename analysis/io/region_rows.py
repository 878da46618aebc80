"""A list column written one item per row (``"one_per_row": true``): each visit's rows counted as one list.

An EHR's findings report, or a sheet kept by hand, often writes the body regions one per row::

    Patient,Exam date,Affected region,Side
    P01,2024-03-01,hand,left
    P01,2024-03-01,foot,right

Read one row at a time, each row was a count of 1 and the visit's other rows were excluded as duplicates or
conflicts: the spread to a new region was never seen (0 of 20 increases). docs/data-format.md, "Body regions
listed in one cell", states the rule for users:

1. Each row's cell is read by the rules of one cell (:mod:`analysis.io.lists`): not measured, none, a count,
   a list, codes. A cell those rules exclude is excluded with its reason (its file, line and column).
2. ``"side"`` names the column joined to each item of its row (``left`` + ``hand`` = ``left hand``). Its
   words for the left (:data:`LEFT`: ``L``, ``links``, ``gauche``, ...) are one word, ``left``, and so for the
   right (:data:`RIGHT`), so ``L hand`` and ``left hand`` on two rows are one region; a word for both sides
   (``both``, ``bilateral``, ``beidseits``: :data:`analysis.io.lists.BOTH_SIDES`) makes the item two, its left
   and its right; any other side is joined as written, an empty one joins nothing.
3. The rows listing items of one patient at one time (the same date, date and time, or day, as read) are one
   visit: its count is the number of distinct items of its rows, compared as in one cell (case and spaces
   aside). The visit's first row carries the count; the others are *merged* into it: used when it is, excluded
   with it ("merged into the regions of line N, which is excluded") when it is not. Rows of a count or a word
   for none are read one at a time as before: beside listed rows of their visit they are its duplicate or conflict.
4. Another score column of those rows writing one value per visit on each of its rows (the visit's NRS on every
   region's row) is read once per visit and value; different values stay, and the validator lists their conflict.
5. The proposal merges the rows only where no other text column beside them may say what a row counts: any
   cell saying a region is not or no longer affected (``resolved since March``, ``none``, ``normal``), words
   differing between a visit's rows (a state ``aktiv`` / ``abgeheilt``, free notes ``swelling`` / ``recovered``),
   or mostly words of a state (``Active`` / ``Resolved`` / ``Past``): counted, a resolved region would be an
   affected one, so such a file stays a point to review. Only a per-region attribute that cannot say a region is
   unaffected (a severity ``3`` or ``mild`` / ``schwer`` / ``sévère`` / ``leve``, a Budapest sign category
   ``Sensory`` / ``Sudomotor/edema``), or a visit's own words, the same on its rows (its type, the examiner), leave
   the regions counted per visit; the column itself is not read.
6. A patient id written on each patient's block's first row only (``fill_down``, :mod:`analysis.io.fill_down`):
   the proposal looks at the regions again on the filled ids (before the fill each patient had one row, and the
   regions read as a covariate, then as nothing).

Everything works on arrays (a groupby over the rows' items): no Python loop over rows.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ..errors import MappingError
from ..mapping import normalize_name
from .lists import BOTH_SIDES, ListCounts, both_sides_notes, codes_note, count_listed, lone_list_notes, \
    rows_of_one_visit
from .spec import Column

#: Side words meaning the left (matched whole, case-folded, a full stop at the end aside).
LEFT = frozenset({"l", "left", "lt", "lft", "li", "lks", "links", "linke", "linker", "linkes", "g", "gauche", "gche",
                  "izq", "izquierda", "izquierdo", "i", "sx", "sin", "sinistra", "sinistro", "sinistre"})
#: Side words meaning the right.
RIGHT = frozenset({"r", "right", "rt", "rgt", "re", "rechts", "rechte", "rechter", "rechtes", "d", "dr", "droite",
                   "droit", "der", "derecha", "derecho", "dx", "dex", "dest", "destra", "destro", "rechtse"})
#: Side codes meaning both sides, written whole: DICOM's laterality code 'B', 'Bil', 'L+R', 'R/L'.
BOTH = frozenset({"b", "bil", "bilat", "l+r", "r+l", "l/r", "r/l", "l&r", "r&l", "lr", "rl", "l + r", "r + l"})
#: A list column's name saying its regions are the affected ones (CRPS signs), not any body site: 'Affected
#: region', 'CRPS region', 'Involved limb', 'Betroffene Region', 'Région atteinte', 'Región afectada'.
AFFECTED_NAME = (r"(?i)affect|crps|involv|symptomatic|betroffen|atteint|afectad|interessat|coinvolt|aangedaan|"
                 r"aangetast")
#: A column named as the side of a region ('Side', 'Seite', 'Côté', 'Laterality'), for the proposal.
SIDE_NAME = r"(?i)\s*(?:body\s*)?(?:side|seite|k[öo]rperseite|c[ôo]t[ée]|laterality|lateralit[äaé]t?e?|lado|lato|zijde)\s*"


def side_words(cells: np.ndarray) -> np.ndarray:
    """Each side cell as ``"left"``, ``"right"``, ``"both"``, ``""`` (empty), or case-folded as written (rule 2)."""
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).fillna("").astype(str), use_na_sentinel=False)
    u = pd.Series(np.asarray(uniques, dtype=object)).str.casefold().str.replace(r"\s+", " ", regex=True).str.strip()
    bare = u.str.rstrip(".")
    out = np.where(bare.isin(LEFT), "left", np.where(bare.isin(RIGHT), "right", np.where(
        u.str.contains(BOTH_SIDES, regex=True) | bare.isin(BOTH), "both", u))).astype(object)
    return out[codes] if len(codes) else np.zeros(0, dtype=object)


def merge_visits(listed: ListCounts, pid: np.ndarray, t: np.ndarray, ok: np.ndarray, side: np.ndarray | None,
                 one_per_row: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows listing items (``listed``: the column's cells read by :func:`count_listed`) merged per visit: a
    patient (``pid``) at one time (``t`` where ``ok``; rule 3), each item joined to its row's ``side`` (rule 2).
    Without ``one_per_row`` each row is its own visit (only the side is joined).

    Returns ``(carrier, count, shown)`` per row: ``carrier`` the position of the row carrying its visit's count
    (itself on that row; -1 for a row not merged: not listing items, or without a patient or a time),
    ``count`` the visit's distinct items on its carrier row (NaN elsewhere), ``shown`` its items joined by
    ``, `` on the carrier row (what the report shows where the count is left out)."""
    n = len(pid)
    carrier, count, shown = np.full(n, -1, dtype=np.int64), np.full(n, np.nan), np.full(n, "", dtype=object)
    keys = listed.keys if listed.keys is not None else pd.Series(dtype=object)
    has_items = np.zeros(int(listed.cell.max()) + 1 if n else 0, dtype=bool)
    has_items[keys.index.to_numpy(dtype=np.int64)] = True
    rows = np.flatnonzero(~listed.missing & (listed.reason == "") & has_items[listed.cell] & (pid != "") & ok)
    if not len(rows):
        return carrier, count, shown
    visit = pd.DataFrame({"p": pid[rows], "t": t[rows]}).groupby(["p", "t"], sort=False).ngroup().to_numpy() \
        if one_per_row else np.arange(len(rows))
    carrier[rows] = rows[pd.Series(np.arange(len(rows))).groupby(visit).transform("first").to_numpy()]
    items = pd.DataFrame({"v": visit, "cell": listed.cell[rows],
                          "side": side[rows] if side is not None else ""}).merge(
        pd.DataFrame({"cell": keys.index.to_numpy(dtype=np.int64), "key": keys.to_numpy(dtype=object)}), on="cell")
    both = (items["side"] == "both").to_numpy()
    one = items[~both]
    joined = pd.concat([one.assign(key=np.where(one["side"] != "", one["side"] + " " + one["key"], one["key"])),
                        items[both].assign(key="left " + items["key"][both]),
                        items[both].assign(key="right " + items["key"][both])])
    distinct = joined.drop_duplicates(["v", "key"])
    per_visit = distinct.groupby("v")["key"]
    heads = rows[pd.Series(np.arange(len(rows))).groupby(visit).first().to_numpy()]
    count[heads] = per_visit.size().reindex(range(len(heads)), fill_value=0).to_numpy(dtype=float)
    shown[heads] = per_visit.agg(", ".join).reindex(range(len(heads)), fill_value="").to_numpy(dtype=object)
    return carrier, count, shown


class VisitRows:
    """The visits of a file whose list column writes one item per row (rule 3), found before any score is read:
    its other score columns then read a value repeated on each row of a visit once (rule 4)."""

    def __init__(self, table, roles: dict, pid: np.ndarray, times, notes: list):
        self.table, self.roles, self.times, self.notes = table, roles, times, notes
        self.visit = np.full(table.n, -1, dtype=np.int64)  # the merged visit of each row (-1: not merged)
        self.read: dict[int, tuple] = {}  # list column -> (cells, ListCounts, carrier, count, shown)
        for k, c in roles.items():
            if c.role != "list" or not (c.one_per_row or c.side):
                continue
            vals = table.column(k)
            listed = count_listed(vals, c.listed)
            tm = times.for_column(c, table, roles)
            side = None
            if c.side:
                at = [j for j, h in enumerate(table.header) if h and normalize_name(h) == normalize_name(c.side)]
                if not at:
                    raise MappingError(f"Mapping for {table.file}: the \"side\" of column {table.header[k]!r} is "
                                       f"{c.side!r}, which is not a column of the file.", file=table.file)
                side = side_words(table.column(at[0]))
            carrier, count, shown = merge_visits(listed, pid, tm["t"], tm["ok"], side, c.one_per_row)
            self.read[k] = (vals, listed, carrier, count, shown)
            if c.one_per_row and not (self.visit >= 0).any():
                several = (carrier >= 0) & (pd.Series(carrier).groupby(carrier).transform("size").to_numpy() > 1)
                self.visit[several] = carrier[several]

    def repeated(self, cells: np.ndarray, header: str, col) -> np.ndarray:
        """The rows of a score column (``cells``, mapped as ``col``) whose value repeats, at the same time, the
        value of an earlier row of its merged visit (rule 4): read once, on that earlier row."""
        out = np.zeros(len(cells), dtype=bool)
        sel = (self.visit >= 0) & (cells != "")
        if not sel.any():
            return out
        t = self.times.for_column(col, self.table, self.roles)["t"]
        out[sel] = pd.DataFrame({"v": self.visit[sel], "t": t[sel], "c": cells[sel]}).duplicated().to_numpy()
        if out.any():
            self.notes.append(f"{self.table.file}, column {header!r}: {int(out.sum())} value(s) repeat the value of "
                              "their visit on another of its rows (the visit's regions written one per row): each is "
                              "read once per visit.")
        return out


def read_list_column(k: int, table, roles: dict, pid: np.ndarray, rows: np.ndarray, obs, visits: VisitRows,
                     add_scores, contributes: np.ndarray) -> None:
    """The scores of the list column ``k`` (:mod:`analysis.io.lists`; one item per row merged per visit, rules
    1-3 above): cells the rules cannot count excluded with their reason, the counts given to ``add_scores``, the
    merged rows recorded with the row carrying their visit's count (``obs.summed_into``)."""
    c, f, lines, header = roles[k], table.file, table.line, table.header[k]
    vals, listed, carrier, merged_count, shown = visits.read.get(k) or (table.column(k), None, None, None, None)
    if listed is None:
        listed = count_listed(vals, c.listed)
    if listed.codes:
        obs.notes.append(codes_note(f, header, c.measure, vals[~listed.missing]))
    elif c.listed is None:
        obs.notes += lone_list_notes(f, header, c.measure, vals)
    obs.notes += both_sides_notes(f, header, vals, listed)
    if not c.one_per_row:
        when = [table.column(j) for r in ("date", "time", "day") for j, cc in roles.items() if cc.role == r] \
            if not c.time else []
        obs.warnings += rows_of_one_visit(f, header, pid, when, listed, lines)
    bad = listed.reason != ""
    obs.exclude(rows[bad], f, lines[bad], header, vals[bad], listed.reason[bad])
    contributes |= bad
    ok = ~listed.missing & ~bad
    count, text = listed.count, vals
    if carrier is not None:
        pos = np.arange(len(vals))
        member = (carrier >= 0) & (carrier != pos)
        head = carrier == pos
        ok = ok & ~member
        count = np.where(head, merged_count, listed.count)
        text = np.where(head & (bool(c.side) | np.isin(pos, carrier[member])), shown, vals).astype(object)
        contributes |= member
        if member.any():
            obs.summed_into.append((f, rows[member], lines[member], rows[carrier[member]], lines[carrier[member]],
                                    "merged into the regions of line "))
            n_visits = len(np.unique(carrier[member]))
            joined = f", with {c.side!r} joined to each item ('left hand')" if c.side else ""
            obs.notes.append(f"{f}, column {header!r}: {int(member.sum()) + n_visits} rows of {n_visits} visit(s) "
                             f"merged, one item per row{joined}: each visit's {c.measure} is the number of distinct "
                             "items of its rows (docs/data-format.md, \"Body regions listed in one cell\").")
    counts = np.where(ok, count, 0).astype(np.int64).astype(str).astype(object)
    add_scores(ok, c.measure, counts, header, c, c.timing, text=text)


def propose_per_row(cols: dict, t, pid: np.ndarray, review: list, notes: list) -> None:
    """The proposal's reading of a body-regions list column (``cols``: position -> ColumnProposal of the table
    ``t``) whose rows repeat a patient and a time, each listing one item (``Hand``; ``Foot``): one item per row
    (``one_per_row``), joined to the side column (a column named ``Side``, ``Seite``, ``Côté``, ``Laterality``
    holding side words: rule 2), with a note instead of the point to review of one region per cell. Only when at
    least one visit in ten (and one) has rows of different items, and nearly every listing row lists one item: a
    file of one list per visit, or of two visits of one day at different times, is left as it is."""
    header = t.header
    for k, cp in list(cols.items()):
        c = cp.column
        if c.role != "list" or c.one_per_row:
            continue
        times = [j for j, p in cols.items() if p.column.role in ("date", "time", "day") and
                 (not c.time or header[j] == c.time or p.column.date == c.time)]
        if not times:
            continue
        vals = t.column(k)
        listed = count_listed(vals, c.listed)
        read = np.flatnonzero(~listed.missing & (listed.reason == "") & (listed.items >= 1) & (pid != ""))
        # Only a column named for the affected regions, none of whose cells lists more than one item: a 'Region' of
        # a skin-temperature sheet (each limb measured), a diary's 'Body area', a problem list's 'Body region', or a
        # one-cell list per visit beside a second note of that day ('left hand' / 'L hand') merged into wrong counts
        # in the regression review. Those stay a point to review.
        if not len(read) or not (listed.items[read] == 1).all() or not re.search(AFFECTED_NAME, header[k]):
            continue
        sides = [j for j, p in cols.items() if j != k and p.column.role in ("ignore", "covariate") and
                 re.fullmatch(SIDE_NAME, header[j])]
        side_k = next((j for j in sides if _side_column(t.column(j))), None)
        if sides and side_k is None:
            continue  # a side column of other words ('B', 'L/R'?): asked, not dropped unsaid
        side = header[side_k] if side_k is not None else None
        visit = pd.DataFrame({"p": pid[read], **{f"w{j}": t.column(j)[read] for j in times}}).groupby(
            ["p"] + [f"w{j}" for j in times], sort=False).ngroup().to_numpy()
        # Another text column saying something of each region's row ('Region status': Active / Resolved, a resolved
        # region still listed at later exams; 'Zustand': aktiv / abgeheilt; notes 'recovered') may qualify what the
        # rows count: asked, not merged (second review; also one whose word is the same on all rows of a visit: a
        # remission's 'Resolved' on every region of the last exam was counted as regions in the third review).
        # Only a per-region attribute that cannot say a region is unaffected (a severity, a sign's category) leaves
        # the regions counted (rule 5): a list of state words in every language cannot be complete (the fifteenth
        # review's 'abgeheilt', 'guéri', 'settled', 'gone now' were counted as affected regions).
        extra = [j for j, p in cols.items() if j not in (k, side_k) and j not in times and
                 p.column.role not in ("patient_id", "measure", "list", "checkbox", "sum_item") and
                 not _numbers_only(t.column(j)[read])]
        if any(_qualifies_rows(t.column(j)[read], visit) for j in extra):
            continue
        item = pd.Series(vals[read], dtype=object).str.casefold().str.strip()
        if side_k is not None:
            item = item + " | " + side_words(t.column(side_k)[read])
        different = item.groupby(visit).nunique()
        if not (different > 1).any() or (different > 1).mean() < 0.1:
            continue
        cols[k] = replace(cp, column=replace(c, one_per_row=True, side=side),
                          why="body regions written one per row: each visit's rows counted together")
        if side_k is not None:
            cols[side_k] = replace(cols[side_k], column=Column("ignore"),
                                   why=f"the side, joined to each region of {header[k]!r} ('left hand')")
        review[:] = [r for r in review if not r.startswith(f"{t.file}, {header[k]!r}: named like the body regions")]
        joined = f", {side!r} joined to each region ('left' + 'hand' = 'left hand')" if side else ""
        notes.append(f"{t.file}: column {header[k]!r} writes the body regions one per row ({int((different > 1).sum())} "
                     f"visit(s) of one patient and date have several rows): read with \"one_per_row\"{joined}: each "
                     "visit's regions_affected is the number of distinct regions of its rows (docs/data-format.md, "
                     "\"Body regions listed in one cell\").")


#: Words saying a region's state on its row ('Active', 'Resolved', 'Present'): such a column qualifies what the rows count.
_STATE_WORDS = re.compile(r"(?i)\s*(?:active|inactive|resolved|resolving|remission|remitted|in remission|present|absent|"
                          r"ongoing|persistent|healed|improved|worse|worsened|new|spread|yes|no|y|n|past|current|"
                          r"previous|prior|former|historical|history)\s*")
#: Words, anywhere in a cell, saying a region listed is not (or no longer) affected: one such note among free notes
#: ('resolved since March') is enough to ask, since the row would be counted as an affected region.
_NOT_AFFECTED = re.compile(r"(?i)\b(?:resolv\w*|remission|remitted|healed|inactive|absent|past|previous(?:ly)?|prior|"
                           r"former(?:ly)?|historic\w*|history|no longer|not (?:affected|involved|active|present)|"
                           r"unaffected|uninvolved|ruled out|normal|none|nil|negative|neg)\b")


def _qualifies_rows(cells: np.ndarray, visit_of: np.ndarray) -> bool:
    """A text column beside the regions' rows that may say what they count (rule 5): any cell with a word saying a
    region is not, or no longer, affected (a note 'resolved', a severity 'none'); else, unless every word is a
    per-region attribute (:func:`_attribute_words`: a severity, a sign's category), words differing between one
    visit's rows (a state 'aktiv' / 'abgeheilt', free notes 'swelling' / 'recovered'), or mostly words of a
    region's state (a 'Region status' of Active / Resolved, also the same on every row of a visit in remission).
    A visit's own words (its type, the examiner: the same on its rows) do not."""
    filled = cells != ""
    words = pd.Series(cells[filled], dtype=object)
    if not len(words):
        return False
    uniq = pd.Series(pd.unique(words), dtype=object)
    if uniq.str.contains(_NOT_AFFECTED).any():
        return True
    if _attribute_words(uniq):
        return False
    if words.groupby(visit_of[filled]).nunique().gt(1).any():
        return True
    return len(uniq) >= 2 and bool(words.str.fullmatch(_STATE_WORDS).mean() >= 0.5)


#: A severity word (English, German, French, Spanish, Italian, Dutch), alone or two joined ('mild-moderate').
_SEVERITY = (r"(?:very\s+)?(?:mild|moderate|severe|minimal|slight|marked|extreme|leicht|leichtgradig|gering|"
             r"geringgradig|m[äa]e?(?:ss|ß)ig|mittel|mittelgradig|mittelschwer|schwer|schwergradig|hochgradig|stark|"
             r"l[ée]g[èe]re?|mod[ée]r[ée]e?|s[ée]v[èe]re|leve|liger[oa]|moderad[oa]|sever[oa]|grave|lieve|moderat[oa]|"
             r"licht|matig|ernstig)")
#: A sign category of the Budapest criteria (sensory, vasomotor, sudomotor/oedema, motor/trophic), in those languages.
_SIGN = (r"(?:sensory|sensorisch|sensitif|sensitive|sensoriel(?:le)?|sensorial|sensoriale|vasomotor(?:isch)?|"
         r"vasomot(?:eur|rice)|vasomotorio|sudomotor(?:isch)?|sudomot(?:eur|rice)|sudomotorio|motor(?:isch)?|"
         r"mot(?:eur|rice)|motorio|trophic|trophisch|trophique|tr[óo]fico|trofico|o?edema|[öo]dem|[œo]e?d[èe]me)")
_JOIN = r"\s*(?:/|,|;|&|\+|-|\bto\b|\band\b|\bund\b|\bet\b|\bà\b|\by\b|\ba\b|\bbis\b)\s*"
_ATTRIBUTE = re.compile(rf"(?i)\s*(?:{_SEVERITY}(?:{_JOIN}{_SEVERITY})?|{_SIGN}(?:{_JOIN}{_SIGN})*)\s*\.?\s*")


def _attribute_words(uniq: pd.Series) -> bool:
    """Every word is a per-region attribute that cannot say a region is unaffected: a number (a severity score), a
    severity word (``mild``, ``mittelgradig``, ``sévère``, ``moderado``), a sign category of the Budapest criteria
    (``Sensory``, ``Vasomotor``, ``Sudomotor/edema``, ``Motor/trophic``)."""
    number = pd.to_numeric(uniq, errors="coerce").notna()
    return bool((number | uniq.str.fullmatch(_ATTRIBUTE)).all())


def _numbers_only(cells: np.ndarray) -> bool:
    """Every filled cell is a number (a score repeated on a visit's rows, not a word about each row)."""
    filled = pd.Series(cells[cells != ""], dtype=object)
    return bool(pd.to_numeric(filled, errors="coerce").notna().all())


def _side_column(cells: np.ndarray) -> bool:
    """Nearly every filled cell is a word for the left, the right or both sides."""
    filled = cells[cells != ""]
    return bool(len(filled)) and float(np.isin(side_words(filled), ["left", "right", "both"]).mean()) >= 0.9


def propose_after_fill_down(p, t, pid: np.ndarray, notes: list) -> None:
    """A body-regions column of a file whose patient id is written on each block's first row only (``fill_down``,
    :mod:`analysis.io.fill_down`), proposed again on the filled ids (``pid``): before the fill each patient had one
    row, so its one region per row read as the same for each patient, a covariate, and then as no covariate at all
    once filled: no region was counted. Read on the filled ids, its visits' rows are counted together as in
    :func:`propose_per_row` (rule 6), and left as they were where that does not apply.

    ``p``: the file's :class:`analysis.io.propose.FileProposal` (its columns and spec are changed in place)."""
    from .column_words import measure_of

    at = {c.header: i for i, c in enumerate(p.columns)}
    cols = {t.header.index(c.header): c for c in p.columns if c.header in t.header}
    regions = [k for k, c in cols.items() if c.column.role == "covariate" and measure_of(t.header[k]) ==
               "regions_affected" and not _numbers_only(t.column(k))]
    for k in regions:  # a handful of columns
        before = dict(cols)
        cols[k] = replace(cols[k], column=Column("list", measure="regions_affected"))
        propose_per_row(cols, t, pid, [], notes)
        if not cols[k].column.one_per_row:
            cols = before
            continue
        for j, c in cols.items():
            if c is not before.get(j):
                p.columns[at[c.header]] = c
                p.spec.columns[c.header] = c.column
