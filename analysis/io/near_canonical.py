"""Files named as the product's own (``assessments.csv``, ``treatments.csv``) whose columns are not its format.

Rule (docs/data-format.md, "Files named like the format's but written otherwise"): an ``assessments`` or
``treatments`` CSV, loaded without a mapping, is read as a clinic export (the proposal of
:mod:`analysis.io.propose`, then the translation, as under any other name) when

* its header has no ``patient_id`` or no time column (``day``, ``date``, ``datetime``) under the canonical
  names (``Patient ID``, ``Pain NRS``, ``Tx``: the names an export gives), or
* its ``date``/``datetime`` column is mostly not ISO 8601 (``13/03/2024``), or its ``day`` column holds dates
  rather than day numbers; ``--date-format`` then settles the order, as for an export.

Before, the same file loaded under another name and was refused under the names the docs ask for. A file that
fits the format is never rerouted: its checks and messages are the canonical loader's. When the export reading
cannot read the file either, the canonical loader's message is given, ending with the inspect route.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import DatasetError
from ..mapping import canonical
from .sources import _basename, role_of

__all__ = ["misfit", "INSPECT_ADVICE"]

#: Said after the canonical loader's refusal of such a file.
INSPECT_ADVICE = (" Or let the clinic-export reading propose how each column is read: python -m analysis inspect "
                  "{path} --write-mapping mapping.json, check that file, then load with --mapping mapping.json "
                  "(docs/data-format.md, \"The mapping file\").")

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def misfit(files: dict[str, bytes]) -> str | None:
    """Why the canonical-named CSV files among ``files`` do not fit the canonical format (a sentence for the
    load report), or None when they fit (or cannot be told: the canonical loader then speaks)."""
    from .tables import read_table

    for name, data in files.items():
        role = role_of(name)
        base = _basename(name)
        if role not in ("assessments", "treatments") or base.lower().endswith(".parquet"):
            continue
        try:
            # the header and the first rows tell (8 KB: about 7 ms a load, against 20 ms for 64 KB at clinic size)
            t = read_table(base, bytes(data)[:8192])
        except DatasetError:
            return None
        if t.header_row != 1:
            return None  # a title above the header: the canonical loader says so (or inspect finds it)
        keys = [canonical(h) for h in t.header]
        if "patient_id" not in keys or not {"day", "date", "datetime"} & set(keys):
            return (f"{base}'s columns ({', '.join(t.header[:8])}) are not the format's own (patient_id, day or "
                    "date, ...)")
        # the canonical loader takes the time from 'day' where there is one (a 'date' beside it is ignored, with a
        # note): only that column says whether the file fits
        times = ("day",) if "day" in keys else ("date", "datetime")
        for k, key in enumerate(keys):
            if key not in times:
                continue
            values = np.asarray(t.column(k), dtype=object)
            values = values[values != ""][:2000]
            if not len(values):
                continue
            texts = values.astype(str)
            if key == "day":
                dates = pd.Series(texts).str.match(_DATE_LIKE).to_numpy(dtype=bool)
                if dates.mean() > 0.5:
                    return f"{base}'s column {t.header[k]!r} holds dates ({texts[dates][0]}), not day numbers"
            else:
                iso = pd.Series(texts).str.match(_ISO).to_numpy(dtype=bool)
                if iso.mean() < 0.5:
                    return f"{base}'s column {t.header[k]!r} holds dates not written YYYY-MM-DD ({texts[~iso][0]})"
    return None
