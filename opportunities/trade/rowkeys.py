"""Whether two rows of an imported file may repeat each other, told while the file is read.

A reader adds a 64-bit hash of each row's key: the columns that are not numbers (a value or a
quantity written "1.5" and "1.50" is one number), normalized as they are stored. Two rows equal
in every stored column have equal keys, so when no two keys meet no row repeats another and the
database has nothing to check: the usual answer, given at the cost of a hash a row while the
reader runs beside the COPY. When two keys meet (the same flow at two values, or a repeat, or
a hash collision) the database groups the rows themselves and names the repeated line
(storage._refuse_repeated_rows).

Memory stays flat in the file size: the hashes are kept in buckets by their low bits, and from
HELD_HASHES on the buckets are written out to a temporary file; the check at the end reads one
bucket at a time.
"""

import tempfile
from array import array

BUCKETS = 256
HELD_HASHES = 1 << 18  # 2 MiB of hashes in memory at most


class RowKeys:
    def __init__(self) -> None:
        self.buckets = [array("q") for _ in range(BUCKETS)]
        self._held = 0
        self._sure = True
        self._file = None
        self._runs: list[list[tuple[int, int]]] = [[] for _ in range(BUCKETS)]  # (offset, count)

    def add(self, key) -> None:
        """Add the key of one row (a tuple of its non-numeric columns)."""
        key_hash = hash(key)
        self.buckets[key_hash & (BUCKETS - 1)].append(key_hash)
        self.added(1)

    def added(self, count: int) -> None:
        """Count `count` hashes a hot loop appended to `buckets` itself."""
        self._held += count
        if self._held >= HELD_HASHES:
            self.write_out()

    def unsure(self) -> None:
        """Note that two rows may be equal as stored with different keys (a reader that keys
        a column as written meets a value written in an unusual way): ask the database."""
        self._sure = False

    def write_out(self) -> None:
        if self._file is None:
            # Kept open across calls, closed by close() (after the check, or on a rejection).
            self._file = tempfile.TemporaryFile(prefix="tradeportal-keys-")  # noqa: SIM115
        for number, bucket in enumerate(self.buckets):
            if bucket:
                self._runs[number].append((self._file.tell(), len(bucket)))
                bucket.tofile(self._file)
                self.buckets[number] = array("q")
        self._held = 0

    def may_repeat(self) -> bool:
        """True when two rows have the same key hash (then the database checks the rows)."""
        try:
            if not self._sure:
                return True
            for number, bucket in enumerate(self.buckets):
                hashes = array("q")
                for offset, count in self._runs[number]:
                    self._file.seek(offset)
                    hashes.fromfile(self._file, count)
                hashes.extend(bucket)
                if len(set(hashes)) != len(hashes):
                    return True
            return False
        finally:
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
