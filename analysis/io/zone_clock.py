"""A time's wall-clock reading in a time zone (IANA name), daylight saving time included.

Its own module because both the date reader (analysis/io/dates.py) and the export's zone rules
(analysis/io/time_zones.py, which reads dates) convert with it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def wall_clock(ns: np.ndarray, utc: np.ndarray, zoned: np.ndarray, zone: str, *, local=None,
               written_in: str | None = None) -> np.ndarray:
    """Times as ``zone``'s wall-clock time (nanoseconds, naive).

    Parameters
    ----------
    ns : ndarray of int64
        The times as read (:func:`analysis.io.dates.parse_datetimes`).
    utc : ndarray of int64
        The UTC instant of each value written with a zone (used where ``zoned``).
    zoned : ndarray of bool
    zone : str
        The clinic's zone (IANA name).
    local : ndarray of bool, optional
        Values without a zone whose wall-clock time is ``written_in``'s (a Qualtrics file's ``timeZone``):
        converted from that zone. A time in the hour daylight saving time repeats is taken in standard time; one
        in the hour it skips is moved forward.
    """
    out = np.array(ns, dtype=np.int64, copy=True)
    if zoned.any():
        out[zoned] = pd.DatetimeIndex(utc[zoned].astype("datetime64[ns]")).tz_localize("UTC") \
            .tz_convert(zone).tz_localize(None).asi8
    if local is not None and local.any() and written_in:
        at = pd.DatetimeIndex(ns[local].astype("datetime64[ns]")).tz_localize(
            written_in, ambiguous=np.zeros(int(local.sum()), dtype=bool), nonexistent="shift_forward")
        out[local] = at.tz_convert(zone).tz_localize(None).asi8
    return out
