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

import io
import threading
import zipfile

import pandas as pd

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


def upload_headers(files: dict[str, bytes]) -> dict[str, list[str]]:
    """The column names of each uploaded CSV (inside a zip too), read from the header line only.

    Used by the dashboard to offer the columns of a file when a required one is missing. Files
    that cannot be read give an empty list (the loader reports the real error).
    """
    out: dict[str, list[str]] = {}

    def header(name: str, data: bytes) -> None:
        if not name.lower().endswith((".csv", ".txt", ".tsv")):
            return
        try:
            head = pd.read_csv(io.BytesIO(data), nrows=0, sep=None, engine="python", encoding="utf-8-sig")
            out[name.rsplit("/", 1)[-1]] = [str(c) for c in head.columns]
        except Exception:  # noqa: BLE001 - any unreadable file simply offers no columns
            out[name.rsplit("/", 1)[-1]] = []

    for name, data in files.items():
        if name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    for info in z.infolist():
                        if not info.is_dir() and "__MACOSX" not in info.filename:
                            header(info.filename, z.read(info.filename)[:65536])
            except (zipfile.BadZipFile, OSError, RuntimeError):
                continue
        else:
            header(name, data[:65536])
    return out
