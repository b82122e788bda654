"""Write files whole or not at all, and never over their own input.

Every file LeadScore writes (scored leads, tier files, models, reports, the project store's
tables) is written to a temporary file in the same folder and renamed over the target only once
it is complete: a crash, a full disk or a second writer never leaves half a file behind, and a
reader sees the old file or the new one, never a mix. Two writers of the same target each write
their own temporary file; the last rename wins, whole.

Example
-------
>>> with atomic_output("out/scored.csv") as handle:        # doctest: +SKIP
...     handle.write(b"lead_id,score\\n")
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from leadscore.errors import LeadScoreInputError

__all__ = ["atomic_output", "check_output_path", "same_file", "pid_alive"]


def same_file(first, second) -> bool:
    """Whether two paths name the same file (through links, ``..`` or another spelling)."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return Path(first).resolve() == Path(second).resolve()


def check_output_path(
    path, *, inputs: Iterable = (), what: str = "the output", read: str = "your leads", example: str = "scored.csv"
) -> Path:
    """Refuse, before any work starts, an output path that cannot be written whole.

    Parameters
    ----------
    path : str or Path
        Where the file will be written.
    inputs : iterable of paths
        Files being read: writing over one of them would destroy it while it is read.
    what : str
        How the file is named in messages ("the scored leads", "the model").
    read : str
        What the inputs are, in messages ("your leads", "your model").
    example : str
        A file name to suggest when ``path`` is a folder ("scored.csv", "leads-model.leadscore").

    Returns
    -------
    Path

    Raises
    ------
    LeadScoreInputError
        The path is an input, a folder, inside a missing folder or under a file, or the folder
        is not writable (no permission, a read-only disk or a system folder such as /proc: a
        file is really created there and removed, since permissions do not tell it all, e.g.
        for root).
    """
    path = Path(path)
    for source in inputs:
        if source is not None and Path(source).exists() and path.exists() and same_file(path, source):
            raise LeadScoreInputError(
                f"'{path}' is also the file being read. Writing {what} there would destroy {read}: "
                "choose another file name for the output."
            )
    if path.is_dir():
        raise LeadScoreInputError(f"'{path}' is a folder. Give a file name for {what}, e.g. '{path / example}'.")
    folder = path.parent if str(path.parent) else Path(".")
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            raise LeadScoreInputError(f"'{parent}' is a file, not a folder, so {what} cannot be written to '{path}'.")
    if not folder.exists():
        raise LeadScoreInputError(
            f"The folder '{folder}' does not exist. Create it first, or choose another place for {what}."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LeadScoreInputError(f"LeadScore may not write into '{folder}'. Choose a folder you can write to for {what}.")
    try:
        descriptor, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as error:
        raise _unwritable(path, error, what) from None
    os.close(descriptor)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return path


# Errors that can only come from writing ("this place cannot take the file"), wherever they are
# raised; permission errors inside the ``with`` block may be about an input, so they are left alone.
_WRITE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _unwritable(path: Path, error: OSError, what: str = "the file") -> LeadScoreInputError:
    reason = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the disk is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "your disk quota is used up",
        errno.EFBIG: "the file is too large for that disk",
        errno.ENOENT: "that folder does not take new files",  # /proc and the like
    }.get(error.errno) or (error.strerror or str(error)).lower()
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        advice = f"Free some space, or choose another disk for {what}"
    else:
        advice = f"Choose a folder you can write to for {what}"
    kept = "the file already there is kept as it was" if path.exists() else "nothing was written there"
    problem = LeadScoreInputError(f"LeadScore cannot write '{path}' ({reason}). {advice}; {kept}.")
    problem.os_error = error  # what it was, for callers that name the fault in their own words
    return problem


@contextlib.contextmanager
def atomic_output(path, mode: str = "wb", encoding: str | None = None, newline: str | None = None) -> Iterator:
    """Open a temporary file next to ``path``; on success it replaces ``path`` whole.

    On an error inside the ``with`` block the temporary file is removed and ``path`` is left as
    it was (absent, or the previous version). A place that cannot take the file (no permission,
    read-only or full disk) raises :class:`LeadScoreInputError` saying so. The temporary file
    carries the writer's process id, so one left by a writer that was killed is removed by the
    next write of the same file.

    The file gets the permissions of a file the user makes (0666 less the umask), except in a
    private folder (no access for group or others, as the project store's): there it is private
    too (0600), whatever the umask.

    Parameters
    ----------
    path : str or Path
    mode : str
        "wb" (bytes) or "w" (text).
    encoding, newline : str, optional
        For text mode.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    _sweep_partials(folder, path.name)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".partial", dir=folder)
    except OSError as error:
        raise _unwritable(path, error) from None
    finishing = False
    try:
        with os.fdopen(descriptor, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            finishing = True
            handle.flush()
            os.fsync(handle.fileno())
        # A file created by mkstemp is private (0600); an output should read like any other file,
        # unless its folder is private.
        if not _private(folder):
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError) and (finishing or error.errno in _WRITE_ERRNOS):
            raise _unwritable(path, error) from None
        raise


def _private(folder: Path) -> bool:
    try:
        return os.stat(folder).st_mode & 0o077 == 0
    except OSError:
        return False


# A temporary file of the old naming (no process id) is left over once it is this old.
_STALE_SECONDS = 3600


def _sweep_partials(folder: Path, name: str) -> None:
    """Remove the temporary files of ``name`` that killed writers left behind (process gone)."""
    import time

    try:
        candidates = [entry for entry in os.scandir(folder) if entry.name.startswith(f".{name}.") and entry.name.endswith(".partial")]
    except OSError:
        return
    for entry in candidates:
        writer = entry.name[len(name) + 2 :].split("-", 1)[0]
        try:
            if writer.isdigit():
                if pid_alive(int(writer)):
                    continue
            elif time.time() - entry.stat().st_mtime < _STALE_SECONDS:
                continue
            os.unlink(entry.path)
        except OSError:
            continue


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine with this id still runs (for files its writer left)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _umask() -> int:
    # Read, not set-and-restore: os.umask() would briefly change it for every thread.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
