"""The identifier guard's verdicts as notes of the proposal (:mod:`analysis.io.identifiers`): loading
refuses a column that looks like a direct identifier, and ``inspect`` says so before, for a column it did not
propose to read (so that it is not proposed as a covariate without a word) and for the patient id column
itself. A column it will refuse is proposed as "ignore", never as a covariate: proposed as the covariate
``provider`` and refused at once (a PT log's ``Provider``: ``DPT Smith``), it left a clinician two verdicts to
choose between. A patient column of person names (Jane's ``Patient``: ``Barbara Smith``) is refused at loading, and
``--drop-identifiers`` drops it, leaving no patient id: the note says so at once and asks for a pseudonymous
id (a client number) instead."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import identifiers
from .identifiers.content import content_kind
from .spec import Column


def identifier_notes(fps: list, data_tables: list, notes: list) -> None:
    """Append to ``notes`` the columns of the proposed files (``fps``, read from ``data_tables``) that the
    identifier guard will refuse at loading, and propose those proposed as covariates as "ignore" (module
    docstring). Called before the proposal's file specs are taken from ``fps``."""
    for p in fps:
        t = next((t for t in data_tables if t.file == p.name), None)
        if t is None or p.spec is None:
            continue
        trusted = {c.header for c in p.columns if c.column.role not in ("covariate", "ignore", "date", "time")}
        sample = {h: np.asarray(pd.unique(t.column(k)[t.column(k) != ""]), dtype=object)
                  for k, h in enumerate(t.header) if h and h not in trusted}
        found = identifiers.find_identifier_columns(
            sample, {h: h for h in sample}, skip_name_check=set(),
            date_columns={c.header for c in p.columns if c.column.role in ("date", "time", "ignore")})
        for h, why in found:
            _not_a_covariate(p, h, why)
            notes.append(f"{p.name}: column {h!r} looks like a direct identifier ({why}): loading refuses the export "
                         "until it is removed, or drops it with --drop-identifiers (dashboard: the checkbox).")
        for h in (c.header for c in p.columns if c.column.role == "patient_id" and c.header in t.header):
            k = t.header.index(h)
            if content_kind(pd.unique(t.column(k)[t.column(k) != ""])) == "names":
                notes.append(f"{p.name}: the patient id column {h!r} holds person names: loading refuses the "
                             "export, and --drop-identifiers drops the column, leaving no patient id. Export a "
                             "pseudonymous patient id (a client or chart number) with the data and give that "
                             "column the role \"patient_id\".")


def _not_a_covariate(p, header: str, why: str) -> None:
    """Propose column ``header`` of file proposal ``p`` as "ignore" when it was proposed as a covariate."""
    for c in p.columns:
        if c.header == header and c.column.role == "covariate":
            c.column, c.why = Column("ignore"), f"looks like a direct identifier ({why}): not read"
            p.spec.columns[header] = c.column
