"""How this process asks the kernel for memory: numpy's transparent huge pages, switched off where
measured to pay (docs/performance.md, "Huge pages").

numpy asks for transparent huge pages (``madvise``) for every array from 4 MB. A registry-size load or
``summarize`` makes and drops dozens of arrays of millions of elements. On a virtual machine that
hands free memory back to its host (free page reporting: cloud VMs, this project's CI), each new huge
page comes back from the host, about 10 ms per 2 MB, while ordinary pages freed by the process are
reused at once. Measured on such a VM: a long-form load of 100,000 patients spent 2.4 s in the kernel
with huge pages and 1.4 s without; the whole ``summarize`` at 100,000 patients took 8.2-8.6 s with
and 6.1-7.1 s without. The results are the same either way (only where memory comes from changes).

A user's own choice, the ``NUMPY_MADVISE_HUGEPAGE`` environment variable, always stands.
"""
from __future__ import annotations

import os


def numpy_hugepage_switch():
    """numpy's switch for asking for huge pages for large arrays (it returns the previous setting), or
    None when this numpy has none or the user set ``NUMPY_MADVISE_HUGEPAGE`` (their choice stands)."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return None
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # numpy < 2
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            return None
    return _set_madvise_hugepage


def ordinary_pages_for_this_process() -> None:
    """From now on, numpy's large arrays on ordinary pages (the command-line process: one command, then
    exit). Nothing happens when the user chose with ``NUMPY_MADVISE_HUGEPAGE``."""
    switch = numpy_hugepage_switch()
    if switch is not None:
        switch(False)
