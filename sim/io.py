"""Reading input text and writing outputs atomically.

:func:`read_text` reads the text files people give commsim (graph files, interaction logs),
gzip or not, with errors that name the config key. Outputs are written to a temporary file
beside the target, then renamed: a run that is interrupted leaves either the previous file
or the new one, never half.
"""

from __future__ import annotations

import errno
import fcntl
import gzip
import io
import json
import os
import re
import secrets
import stat
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from sim.errors import ConfigError, OutputError

#: the operating system's errors of a write that failed for lack of room or permission
#: (a full disk or quota, a read-only or vanished disk, a file too large): an
#: :class:`~sim.errors.OutputError`, whoever was writing (commsim, Hydra, Optuna's SQLite)
WRITE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG}
)
#: the suffix of the temporary files of :func:`atomic_write` (``.NAME.RANDOM.tmp``)
TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def _temp_file(folder: Path, name: str) -> Path:
    """A new empty file ``.NAME.RANDOM.tmp`` in ``folder``, created with the process's umask
    (``tempfile.mkstemp`` would make it 0600, and the rename would keep that)."""
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary path in the same folder, then rename it to ``path``.

    The file gets the permissions of any new file (0644 under umask 022).

    Raises:
        OutputError: when the folder or the file cannot be written (a full disk, a
            read-only folder...); the temporary file is removed and the previous file, if
            any, is left as it was.
    """
    path = Path(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp_file(path.parent, path.name)
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(path, exc) from exc
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write text atomically."""

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def write_csv(path: str | Path, df: pd.DataFrame, **options: Any) -> Path:
    """Write a DataFrame as CSV atomically, in UTF-8 with a byte-order mark, so Excel shows
    Chinese (and every non-ASCII name) as written; ``options`` go to ``DataFrame.to_csv``."""
    options.setdefault("index", False)
    return atomic_write(path, lambda p: df.to_csv(p, encoding="utf-8-sig", **options))


def write_json(path: str | Path, data: Any) -> Path:
    """Write JSON atomically (sorted keys, indented)."""
    return write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def write_parquet(path: str | Path, df: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet atomically."""
    return atomic_write(path, lambda p: df.to_parquet(p, index=False))


def check_output_folder(folder: str | Path, key: str, example: str | None = None) -> Path:
    """Check, before any work, that ``folder`` can be made and written; returns it.

    Nothing is created: the folder itself when it exists, else its nearest existing
    parent, gets a probe file that is removed at once.

    Args:
        folder: the output folder.
        key: the config key (``hydra.run.dir``, ``out``...) or command that named it.
        example: how to give another folder (default ``KEY=DIR``).

    Raises:
        ConfigError: naming ``key`` when a part of the path is a file, or the folder
            cannot be written.
    """
    folder = Path(folder)
    example = example or f"{key}=DIR"
    probe = folder
    while not probe.exists() and not probe.is_symlink() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        why = "is a file, not a folder" if probe == folder else f"cannot be made: {probe} is a file"
        raise ConfigError(key, str(folder), f"{why}; give a folder path, e.g. {example}")
    try:
        _temp_file(probe, ".write-check").unlink()
    except OSError as exc:
        raise ConfigError(
            key,
            str(folder),
            f"cannot be written ({probe}: {exc.strerror or exc}); make it writable or give "
            f"another folder, e.g. {example}",
        ) from exc
    return folder


def clean_temp_files(folder: str | Path, depth: int = 1) -> list[Path]:
    """Remove the temporary files a killed writer left in ``folder`` (and in its
    subfolders, ``depth`` levels down); returns them. Call it only while holding the
    folder's lock (:func:`lock_folder`)."""
    folder = Path(folder)
    found = [
        path
        for level in range(depth + 1)
        for path in folder.glob("/".join(["*"] * level + [f".*{TEMP_SUFFIX}"]))
        if _TEMP_NAME.match(path.name) and path.is_file()
    ]
    for path in found:
        path.unlink(missing_ok=True)
    return found


LOCK_NAME = ".commsim.lock"


@contextmanager
def lock_folder(folder: str | Path, key: str, command: str) -> Iterator[Path]:
    """Hold ``folder``'s lock while writing into it (``folder/.commsim.lock``, an flock the
    system releases when the process ends, however it ends); cleans the temporary files
    a killed writer left.

    Args:
        folder: the output folder (made if missing).
        key: the config key that named it, for the error.
        command: the command line, shown to a second command that finds the lock held.

    Raises:
        ConfigError: naming ``key`` when another command holds the lock.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise ConfigError(
            key, str(folder), f"cannot be written ({exc.strerror or exc}); give another folder"
        ) from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another commsim command"
            raise ConfigError(
                key,
                str(folder),
                f"another command is writing into this folder: {holder}; wait until it "
                f"ends, or give another folder ({key}=DIR)",
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"{command} (pid {os.getpid()})\n")
        handle.flush()
        clean_temp_files(folder, depth=2)
        yield folder
    finally:
        handle.close()  # releases the flock


def read_text(path: Path, key: str, what: str = "file") -> str:
    """A text file's contents, gunzipped when it is gzip (by extension or content).

    Args:
        path: the file.
        key: the config key that named it (``community.path``, ``data``), for errors.
        what: what the file holds (``edge list``, ``log``), for the fix in errors.

    Raises:
        ConfigError: when the file cannot be read, decompressed or decoded as UTF-8.
    """
    raw = read_input(path, key, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            key, str(path), f"is not UTF-8 text (byte {exc.start}); save the {what} as UTF-8 text"
        ) from exc


def read_input(path: Path, key: str, what: str = "file") -> bytes:
    """An input file's bytes (checked by :func:`check_input_file`), gunzipped when gzip.

    Raises:
        ConfigError: when the file is not a regular file, is too large (also unpacked), or
            cannot be read or decompressed.
    """
    path = check_input_file(key, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            key, str(path), f"cannot be read ({exc.strerror}); check its permissions"
        ) from exc
    if path.suffix.lower() == ".gz" or raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = read_limited(unpacked, key, path)
        except (OSError, EOFError, zlib.error) as exc:
            raise ConfigError(
                key,
                str(path),
                f"cannot be decompressed as gzip ({exc}); give a "
                f"complete .gz file or the uncompressed {what}",
            ) from exc
    return raw


#: the largest input file commsim reads (a graph file, an interaction log, a start state, a
#: series), on disk and once unpacked: about 1 GiB, which the readers turn into several
#: times as much memory (assumption: an edge list of ~50 million ties, a log of ~20 million
#: events)
MAX_INPUT_BYTES = 1 << 30


def check_input_file(
    key: str, path: str | Path, max_bytes: int = MAX_INPUT_BYTES, *, folder: bool = False
) -> Path:
    """The path of an input file, checked before a byte of it is read.

    Only a regular file (or, with ``folder``, a folder: an export of many files) is read: a
    device (``/dev/zero``), a named pipe or a socket would be read until memory runs out or
    block forever. The file must be at most ``max_bytes`` long.

    Args:
        key: the config key that named it (``community.path``, ``data``), for errors.
        path: the path as given (``~`` is expanded).
        max_bytes: the largest size read.
        folder: whether a folder is accepted too (its files are checked as they are read).

    Returns:
        The path, ``~`` expanded.

    Raises:
        ConfigError: naming ``key`` and the path, when it does not exist, cannot be
            examined, is a folder (without ``folder``), is not a regular file, or is too large.
    """
    path = Path(path).expanduser()
    try:
        info = path.stat()  # follows links: a link to /dev/zero is /dev/zero
    except FileNotFoundError:
        raise ConfigError(
            key, str(path), f"no such file ({path.absolute()}); check the path"
        ) from None
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte, no permission
        why = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(key, str(path), f"cannot be examined ({why}); check the path") from None
    if stat.S_ISDIR(info.st_mode):
        if folder:
            return path
        raise ConfigError(key, str(path), "this is a folder; give the path to a file in it")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            key,
            str(path),
            "is not a regular file (a device, a pipe or a socket, which cannot be read to "
            "its end); save the data to a file and give that file's path",
        )
    if info.st_size > max_bytes:
        raise ConfigError(key, str(path), too_large(info.st_size, max_bytes))
    return path


def too_large(size: int, max_bytes: int, unpacked: bool = False) -> str:
    """The fix for an input of ``size`` bytes above ``max_bytes``."""
    what = "unpacks to more than" if unpacked else f"is {size / 2**20:,.0f} MiB, more than"
    return (
        f"{what} the {max_bytes / 2**20:,.0f} MiB commsim reads; give a smaller file "
        "(a shorter period, a sample, or only the columns needed)"
    )


def check_unpacked(key: str, path: Path, max_bytes: int = MAX_INPUT_BYTES) -> None:
    """Refuse a gzip or zip file that unpacks to more than ``max_bytes``, before a reader
    (pandas, an XML parser) unpacks it into memory.

    A gzip file is unpacked once, 1 MiB at a time and counted, never held (its trailer
    gives the size only modulo 4 GiB); a zip's members are measured from its directory,
    which bounds what Python's zip reader gives. Other files are left to
    :func:`check_input_file`'s size check.

    Raises:
        ConfigError: naming ``key`` and the path, when it unpacks to too much or is a
            damaged gzip file.
    """
    with path.open("rb") as f:
        magic = f.read(4)
    if magic[:2] == b"\x1f\x8b":
        total = 0
        try:
            with gzip.open(path, "rb") as unpacked:
                while chunk := unpacked.read(1 << 20):
                    total += len(chunk)
                    if total > max_bytes:
                        raise ConfigError(key, str(path), too_large(total, max_bytes, True))
        except (OSError, EOFError, zlib.error) as exc:
            raise ConfigError(
                key, str(path), f"cannot be decompressed as gzip ({exc}); give a complete .gz file"
            ) from exc
    elif magic == b"PK\x03\x04":
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                total = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise ConfigError(key, str(path), f"is not a valid zip file ({exc})") from exc
        if total > max_bytes:
            raise ConfigError(key, str(path), too_large(total, max_bytes, True))


class Readable(Protocol):
    """A binary stream: ``read(n)`` gives at most ``n`` bytes."""

    def read(self, size: int = -1, /) -> bytes:
        """At most ``size`` bytes."""
        ...


def read_limited(stream: Readable, key: str, path: Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``max_bytes`` from ``stream`` (an unpacking reader: gzip, a zip member).

    Raises:
        ConfigError: naming ``key`` and the path when there is more.
    """
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ConfigError(key, str(path), too_large(len(raw), max_bytes, unpacked=True))
    return raw
