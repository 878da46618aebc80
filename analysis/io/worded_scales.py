"""A single-item scale written as its answers' words: the PGIC column of a sheet holding ``Much improved``.

The Patient Global Impression of Change is asked as seven worded answers, coded 1 (very much improved)
to 7 (very much worse) (Guy W, ECDEU Assessment Manual for Psychopharmacology, 1976; the anchor of Farrar
et al., Pain 2001;94:149-158). A sheet, a survey tool or a statistics package often writes the answer,
not its code: read as text, the column was a patient characteristic 'pgic' (the same answer on a
patient's one follow-up row), the outcome was lost and became a grouping. The proposal
(:func:`analysis.io.propose.inspect`) reads such a column as the measure with the answers' codes, when
every filled cell is one of the answers below (any case and spacing).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dates import NA_TOKENS

#: The PGIC's answers and their codes, with the wordings of its common English versions ("better" for
#: "improved"; "a little", "slightly" for "minimally"; "unchanged" for "no change") and German, French and
#: Spanish ones.
PGIC_CODES = {
    "very much improved": "1", "very much better": "1", "much improved": "2", "much better": "2",
    **{f"{little} {better}": "3" for little in ("minimally", "a little", "slightly", "somewhat")
       for better in ("improved", "better")},
    "no change": "4", "unchanged": "4",
    **{f"{little} worse": "5" for little in ("minimally", "a little", "slightly", "somewhat")},
    "much worse": "6", "very much worse": "7",
    "sehr viel besser": "1", "viel besser": "2", "etwas besser": "3", "minimal besser": "3", "unverändert": "4",
    "keine veränderung": "4", "etwas schlechter": "5", "minimal schlechter": "5", "viel schlechter": "6",
    "sehr viel schlechter": "7",
    "très nettement amélioré": "1", "nettement amélioré": "2", "légèrement amélioré": "3", "inchangé": "4",
    "pas de changement": "4", "légèrement aggravé": "5", "nettement aggravé": "6", "très nettement aggravé": "7",
    "muchísimo mejor": "1", "mucho mejor": "2", "un poco mejor": "3", "sin cambios": "4", "igual": "4",
    "un poco peor": "5", "mucho peor": "6", "muchísimo peor": "7",
}

#: The measures read from their answers' words, with the words' codes.
WORDED = {"pgic": PGIC_CODES}


def worded_answers(measure: str, cells: np.ndarray) -> dict | None:
    """``{answer as written: code}`` when every filled cell of a column of ``measure`` is one of its worded
    answers (any case and spacing); else None."""
    codes_of = WORDED.get(measure)
    if codes_of is None:
        return None
    distinct = [v for v in pd.unique(cells[cells != ""]) if str(v).strip().casefold() not in NA_TOKENS]
    codes = {str(v): codes_of.get(" ".join(str(v).casefold().split())) for v in distinct}
    return codes if codes and all(codes.values()) else None
