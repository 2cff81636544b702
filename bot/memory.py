"""Large, short-lived buffers go back to the system when freed.

A decoded photo is up to 160 MB in blocks of 16 MB. glibc raises its mmap threshold
after the first such block is freed, so later ones come from per-thread heaps that keep
the memory: every decoding thread ended up holding its own photo's worth, and twelve
large photos took the process from 260 to 700 MB although only one was decoded at a
time. A fixed threshold (which also turns the raising off) maps each large block on its
own and unmaps it when freed."""

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
LARGE = 4 * 1024 * 1024


def give_large_blocks_back(threshold: int = LARGE) -> bool:
    """True when the C library took the setting (glibc); elsewhere nothing changes."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        log.info("not glibc: large freed blocks stay with the C library's own policy")
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
