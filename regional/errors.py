"""The one error type a user can cause (a bad file, an unknown council)."""
from __future__ import annotations


class DataError(ValueError):
    """A problem in input data, located as precisely as we can: file, row, column.

    Rows are numbered as a spreadsheet user sees them: the header is row 1, so the
    first data row is row 2.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, expected: str | None = None) -> None:
        self.file, self.row, self.column, self.expected = file, row, column, expected
        self.problem = message
        parts = []
        if file:
            parts.append(f"{file}")
        if row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column '{column}'")
        where = ", ".join(parts)
        text = f"{where}: {message}" if where else message
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


def frame_row(index: int) -> int:
    """Spreadsheet row number of a 0-based data-frame position (header is row 1)."""
    return int(index) + 2


class ConfigurationError(RuntimeError):
    """The installation is not set up safely (e.g. no pseudonym key for a shared database)."""
