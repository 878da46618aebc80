"""The rows of an EHR export that are not data, withdrawn before anything of them is read.

Three kinds, each listed once with its reason (the first that applies, in this order):

* an entry whose status says it is in error (:mod:`analysis.io.entry_status`);
* the superseded version of a corrected result (:mod:`analysis.io.superseded`);
* in a file of medication orders, an order discontinued or cancelled (:mod:`analysis.io.med_orders`).
"""
from __future__ import annotations

import numpy as np

from . import entry_status, med_orders, superseded


def withdrawn(table, roles: dict, status_ks: list[int], has_treatment: bool, has_action: bool, obs) -> \
        tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``table`` withdrawn: (mask, column, the cell, reason), one entry per row. Notes and warnings
    go to ``obs`` (:class:`analysis.io.translate.Observations`)."""
    n, f, header = table.n, table.file, table.header
    if status_ks:
        gone, column, value, why = entry_status.withdrawn(table, roles, status_ks)
    else:
        gone, column = np.zeros(n, dtype=bool), np.full(n, "", dtype=object)
        value, why = np.full(n, "", dtype=object), np.full(n, "", dtype=object)

    def add(hit: np.ndarray, k: int, reason) -> None:
        hit = hit & ~gone
        column[hit], value[hit], why[hit] = header[k], table.column(k)[hit], \
            reason[hit] if isinstance(reason, np.ndarray) else reason
        gone[:] |= hit

    date_ks = [j for j, c in roles.items() if c.role == "date"]
    old, k, unread, reason = superseded.superseded(header, table.column, date_ks)
    if old is not None:
        add(old, k, reason)
        if unread.any():
            obs.notes.append(superseded.unread_note(f, header[k], table.column(k)[unread]))
    else:
        for s in status_ks:  # a loop over the (one or two) status columns
            obs.warnings += superseded.corrected_without_versions_warning(f, header[s], table.column(s)[~gone])
    signs = med_orders.looks_like_orders(header, date_ks, has_treatment, has_action)
    if signs:
        k = med_orders.status_column(header, status_ks)
        dropped = 0
        if k is not None:
            cells = table.column(k)
            hit = med_orders.not_given(cells)
            add(hit, k, med_orders.reasons(cells, header[k]))
            dropped = int(hit.sum())
        obs.warnings.append(med_orders.orders_warning(f, signs, None if k is None else header[k], dropped))
    return gone, column, value, why
