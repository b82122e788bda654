"""What went wrong with the disk under LeadScore's own files (the project store, the signing key), in the user's words.

A full disk, a read-only disk, a folder the user may not write to and a damaged database each
need a different next step (free space; make the folder writable or move ``LEADSCORE_HOME``;
start the project again). SQLite and the operating system report them as error codes; this
module names them, so the store never calls a full disk "damaged" or a read-only one
"something unexpected". It also keeps the store private to its user: folders 0700, files 0600.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

__all__ = ["DISK_FULL", "READ_ONLY", "NO_PERMISSION", "DAMAGED", "BUSY", "fault_of", "fault_advice", "private_folder", "private_file"]

DISK_FULL, READ_ONLY, NO_PERMISSION, DAMAGED, BUSY, OTHER = "disk full", "read-only", "permission denied", "damaged", "busy", "other"

_ERRNO_FAULTS = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EFBIG: DISK_FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: NO_PERMISSION,
    errno.EPERM: NO_PERMISSION,
}
_SQLITE_FAULTS = {
    "SQLITE_FULL": DISK_FULL,
    "SQLITE_CORRUPT": DAMAGED,
    "SQLITE_NOTADB": DAMAGED,
    "SQLITE_BUSY": BUSY,
    "SQLITE_LOCKED": BUSY,
    "SQLITE_PERM": NO_PERMISSION,
    "SQLITE_AUTH": NO_PERMISSION,
}


def _place_fault(folder: Path) -> str | None:
    """Why ``folder`` (or the nearest folder above it that exists) cannot take a write, if it cannot."""
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        status = os.statvfs(folder)
    except OSError:
        return None
    if status.f_flag & os.ST_RDONLY:
        return READ_ONLY
    if not os.access(folder, os.W_OK | os.X_OK):
        return NO_PERMISSION
    if status.f_bfree == 0 or (status.f_bavail == 0 and os.geteuid() != 0):  # root may use the reserve
        return DISK_FULL
    return None


def fault_of(error: BaseException, folder) -> str:
    """The fault behind an OS or SQLite error met in ``folder``: one of the names of this module.

    SQLite says "unable to open", "read-only" or "I/O error" for several causes; the folder
    itself is then asked (read-only file system, no write permission, no free space).
    """
    if isinstance(error, OSError) and error.errno in _ERRNO_FAULTS:
        return _ERRNO_FAULTS[error.errno]
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        base = name.split("_")[0] + "_" + name.split("_")[1] if name.count("_") >= 1 else name
        if base in _SQLITE_FAULTS:
            return _SQLITE_FAULTS[base]
        if "locked" in str(error):
            return BUSY
        if "disk is full" in str(error):
            return DISK_FULL
        if "malformed" in str(error) or "not a database" in str(error):
            return DAMAGED
        return _place_fault(folder) or (NO_PERMISSION if base == "SQLITE_READONLY" else OTHER)
    return _place_fault(folder) or OTHER


def fault_advice(fault: str, folder) -> str:
    """What to do about a fault, as the end of a sentence naming ``folder``."""
    return {
        DISK_FULL: f"the disk under {folder} is full. Free some space on it and try again",
        READ_ONLY: (
            f"the disk under {folder} is read-only. Make it writable, or set LEADSCORE_HOME to a folder "
            "you can write to"
        ),
        NO_PERMISSION: (
            f"your user may not write to {folder} (permission denied). Give your user write access to "
            "it, or set LEADSCORE_HOME to a folder you can write to"
        ),
        BUSY: f"another LeadScore is writing to {folder}. Try again in a minute",
    }.get(fault, f"{folder} could not be written. Check that disk and try again")


def private_folder(path) -> Path:
    """``path`` made (with its missing parents) and kept private: 0700, whatever the umask.

    An existing folder of this user is tightened too (a store made before was 0755); a folder
    that cannot be changed (read-only disk, another owner) is left as it is.
    """
    path = Path(path)
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in [path, *missing]:
        _tighten(folder, 0o700)
    return path


def private_file(path) -> None:
    """Keep one existing file private (0600) when it is this user's and the disk takes it."""
    _tighten(Path(path), 0o600)


def _tighten(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):
        status = path.stat()
        if status.st_uid == os.geteuid() and status.st_mode & 0o777 != mode:
            os.chmod(path, mode)
