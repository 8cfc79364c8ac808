"""commsim's errors: one base class, and a config error naming the key, the value and the fix."""

from __future__ import annotations

from typing import Any


class CommsimError(Exception):
    """Base class of every error commsim raises on purpose."""


class ConfigError(CommsimError, ValueError):
    """A bad configuration value, file or command-line argument.

    The message always names the key (or file), the bad value and how to fix it, so a
    user can act on it without reading a traceback.

    Args:
        key: the config key (``acquisition.p``) or file path at fault.
        value: the value that was given.
        fix: what to do instead, as an imperative sentence.
    """

    def __init__(self, key: str, value: Any, fix: str) -> None:
        self.key = key
        self.value = value
        self.fix = fix
        super().__init__(f"{key}={value!r} is not valid: {fix}")


class OutputError(CommsimError, OSError):
    """An output could not be written during a run (a full disk, a folder made read-only).

    Not a bad input: commands exit with code 1, not 2. What was written before stays, so
    rerunning the same command resumes.

    Args:
        path: the file being written.
        cause: the operating system's error.
    """

    exit_code = 1  # a failure during a run (see docs/errors.md), not bad input (2)

    def __init__(self, path: Any, cause: OSError) -> None:
        self.path = path
        self.cause = cause
        reason = cause.strerror or str(cause) or type(cause).__name__
        super().__init__(
            f"cannot write {path} ({reason}); free space on the disk or make the folder "
            "writable, then rerun the same command: finished work is kept and resumed"
        )
