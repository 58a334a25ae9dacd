"""What every importer shares: the rejection error, CSV reading, progress reports."""

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

Progress = Callable[[str], None]


def quiet(_message: str) -> None:
    """A progress callback that says nothing."""


class ImportRejected(Exception):
    """A file was rejected whole; the message names the file, the line and the reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = Path(path), line, reason
        if line is None:
            text = _("%(file)s: %(reason)s") % {"file": self.path.name, "reason": reason}
        else:
            text = _("%(file)s, line %(line)s: %(reason)s") % {
                "file": self.path.name,
                "line": line,
                "reason": reason,
            }
        super().__init__(text)


def read_csv(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV (BOM tolerated), checking the header first."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ImportRejected(path, None, _("cannot be read (%(error)s)") % {"error": exc}) from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise ImportRejected(
                path, 1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
            )
        try:
            for row in reader:
                yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportRejected(path, reader.line_num, str(exc)) from exc
