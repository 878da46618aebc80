"""Uploads stay in memory, and one upload is parsed at a time (issue 15, findings 4 and 10).

* Streamlit (1.67, Starlette server) parses an upload with Starlette's multipart parser, which
  spools any file part over 1 MB to a temporary file on disk (``MultiPartParser.spool_max_size``).
  :func:`keep_uploads_in_memory` raises that threshold to ``server.maxUploadSize`` (plus the
  framing margin Streamlit allows), so an upload is held in memory only: it is never written to
  disk, and is gone when its session ends. Streamlit then keeps the bytes in its in-memory upload
  manager (``MemoryUploadedFileManager``) for the session.
* :data:`LOAD_SLOTS` lets one uploaded dataset be parsed at a time in the whole server, so two
  large uploads cannot add up to twice the memory limit of :mod:`analysis.limits`; other sessions'
  pages (the demo cohort, cached results) are not blocked.
"""
from __future__ import annotations

import threading

#: Uploaded datasets parsed at the same time in this server.
LOAD_SLOTS = threading.BoundedSemaphore(1)

#: Streamlit accepts a request body this much larger than maxUploadSize (multipart framing).
_FRAMING = 1024 * 1024


def keep_uploads_in_memory() -> int:
    """Make Starlette keep upload parts of up to ``server.maxUploadSize`` in memory; return the bytes.

    Safe to call on every script run. Without Starlette (another server) it does nothing and
    returns 0.
    """
    try:
        import streamlit as st
        from starlette.formparsers import MultiPartParser
    except ImportError:  # pragma: no cover - Streamlit always brings Starlette in 1.67
        return 0
    limit = int(st.get_option("server.maxUploadSize")) * 1024 * 1024 + _FRAMING
    if MultiPartParser.spool_max_size < limit:
        MultiPartParser.spool_max_size = limit
    return MultiPartParser.spool_max_size
