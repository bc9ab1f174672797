"""Library exceptions and the exit code each one maps to."""
from __future__ import annotations


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse lock (exit 75, EX_TEMPFAIL: try again later)."""


class UsageError(ValueError):
    """The user asked for something that cannot be done as asked (exit 2)."""


class FatalError(RuntimeError):
    """The run failed; the failing batch was rolled back (exit 1)."""


def exit_code_for(exc: BaseException) -> tuple[int, str]:
    """Map an exception to (exit code, one-line message)."""
    if isinstance(exc, WarehouseBusy):
        return 75, str(exc)
    if isinstance(exc, UsageError):
        return 2, str(exc)
    return 1, f"{type(exc).__name__}: {exc}"
