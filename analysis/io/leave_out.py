"""Files of a clinic export that the proposal leaves out, with a note: a summary or notes table without any
patient-id column, and a legend or lookup table whose ids are none of the patients
(:func:`analysis.io.propose.inspect` calls these on its file proposals)."""
from __future__ import annotations

_DESCRIBES_PATIENTS = {"patient_id", "covariate", "ignore"}


def tables_without_patients(fps: list, review: list, notes: list) -> None:
    """Beside files with a patient id, a file without any column that could be one is a summary or notes
    table (a workbook's 'Summary' sheet of means): it is not read, with a note, instead of a point to
    review that stopped the whole export from loading."""
    def has_id(p) -> bool:
        return p.spec is not None and any(c.role == "patient_id" for c in p.spec.columns.values())

    if not any(has_id(p) for p in fps):
        return
    for p in fps:
        if p.spec is None or p.spec.kind != "data" or has_id(p):
            continue
        point = f"{p.name}: no column looks like the patient id: give one column the role \"patient_id\"."
        if point in review:
            review.remove(point)
            notes.append(f"{p.name} was not read: unlike the other files it has no column that looks like a patient "
                         "id, so it looks like a summary or notes table. If it holds data, give one of its columns "
                         "the role \"patient_id\" in the mapping.")
            p.spec = None


def lookup_tables(fps: list, data_tables: list, notes: list) -> None:
    """A file whose columns would only give patient characteristics, and whose patient ids share no value
    with the files that give scores or treatments, is a legend or lookup table (a workbook's "Codes" sheet:
    Code | Meaning), not patients: it is not read, with a note. Read as patients, it made patients of its
    codes (the Data page counted them) and a characteristic of its meanings."""
    def ids(p) -> set:
        t = next(t for t in data_tables if t.file == p.name)
        k = next((i for i, h in enumerate(t.header) if h in p.spec.columns and p.spec.columns[h].role == "patient_id"), None)
        return set() if k is None else {str(v).strip() for v in t.column(k) if str(v).strip()}

    describing = [p for p in fps if p.spec is not None and p.spec.kind == "data" and p.spec.columns
                  and {c.role for c in p.spec.columns.values()} <= _DESCRIBES_PATIENTS
                  and any(c.role == "covariate" for c in p.spec.columns.values())]
    others = [p for p in fps if p.spec is not None and p.spec.kind == "data" and p not in describing]
    if not describing or not others:
        return
    known = set().union(*(ids(p) for p in others))
    for p in describing:
        mine = ids(p)
        if mine and not mine & known:
            shown = ", ".join(repr(v) for v in sorted(mine)[:3])
            notes.append(f"{p.name} was not read: its patient ids ({shown}, ...) are none of the patients of the other "
                         "files, so it looks like a legend or lookup table. If it holds patient characteristics, give "
                         "it the same patient ids as the other files.")
            p.spec = None
