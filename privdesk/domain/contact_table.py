"""The data rows of a CSV file without holding their cells.

A million-row export parsed into lists of cells takes ~1 KB a row (a str object per
cell, a list per row): over a gigabyte. CsvRows keeps the decoded text once and, per
row, where its record starts and ends and its line number (24 bytes); a slice of rows
is parsed again from its stretch of text when it is read, which costs one more pass of
the csv module (C) over that stretch. Records are independent in CSV, so a record
parsed from its own start gives exactly the cells the first pass saw.

A file in UTF-8 or a code page whose bytes \r and \n are only ever line ends (cp1252,
cp1250, Mac Roman, cp932, GBK... see contact_encoding.line_safe) is kept as its bytes
and decoded a line at a time in its `encoding`; only UTF-16/32 and the like are kept
as decoded text.
"""

from __future__ import annotations

import csv
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

Row = tuple[int, list[str]]  # (line number of the record's start, cells)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_BYTE_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
Source = str | bytes  # the decoded text, or bytes read a line at a time


def lines(text: Source, start: int = 0, end: int | None = None,
          at: list[int] | None = None, *, encoding: str = "utf-8") -> Iterator[str]:
    """The lines of text[start:end], each with its line ending, split as
    io.StringIO(newline="") would (\\r\\n, \\r or \\n), without StringIO's four bytes a
    character. Bytes are decoded a line at a time in `encoding` (UTF-8 or another where
    the bytes \\r and \\n only ever end lines), so a large file's whole text is never
    held. `at[0]`, when given, follows the offset just past the last line read."""
    stop = len(text) if end is None else end
    if at is None:
        at = [start]
    if isinstance(text, bytes):
        yield from _byte_lines(text, start, stop, at, encoding)
        return
    if text.count("\r", start, stop) != text.count("\r\n", start, stop):  # a lone \r: exact
        for m in _LINE.finditer(text, start, stop):
            at[0] = m.end()
            yield m.group()
        return
    find, pos = text.find, start
    while pos < stop:
        nl = find("\n", pos, stop)
        nxt = stop if nl < 0 else nl + 1
        at[0] = nxt
        yield text[pos:nxt]
        pos = nxt


def _byte_lines(data: bytes, start: int, stop: int, at: list[int],
                encoding: str) -> Iterator[str]:
    if data.count(b"\r", start, stop) != data.count(b"\r\n", start, stop):
        for m in _BYTE_LINE.finditer(data, start, stop):
            at[0] = m.end()
            yield m.group().decode(encoding)
        return
    find, pos = data.find, start
    while pos < stop:
        nl = find(b"\n", pos, stop)
        nxt = stop if nl < 0 else nl + 1
        at[0] = nxt
        yield data[pos:nxt].decode(encoding)
        pos = nxt


class CsvRows(Sequence[Row]):
    """Rows of a CSV text, parsed again on reading (see the module's docstring)."""

    def __init__(self, text: Source, delimiter: str, *, encoding: str = "utf-8") -> None:
        self._text = text
        self.delimiter = delimiter
        self.encoding = encoding  # of `source` when it is bytes (a BOM is left before it)
        self._starts = array("q")
        self._ends = array("q")
        self._lines = array("q")

    @property
    def source(self) -> Source:
        """What the rows are read from: the text, or the file's bytes (in `encoding`)."""
        return self._text

    def add(self, line: int, start: int, end: int) -> None:
        self._starts.append(start)
        self._ends.append(end)
        self._lines.append(line)

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            first, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("CsvRows slices go forwards one row at a time")
            return self._parse(first, stop)
        n = index + len(self) if index < 0 else index
        if not 0 <= n < len(self):
            raise IndexError(index)
        return self._parse(n, n + 1)[0]

    def _parse(self, first: int, stop: int) -> list[Row]:
        if stop <= first:
            return []
        return _parse_stretch(self._text, self._starts, self._lines, first, stop,
                              self._ends[stop - 1], self.delimiter, self.encoding)

    def piece(self, first: int, stop: int) -> RowsPiece:
        """Rows first..stop-1 as their own stretch of the file (a copy of just that
        stretch and its offsets), for parsing in another process."""
        begin = self._starts[first]
        starts = array("q", (x - begin for x in self._starts[first:stop]))
        return RowsPiece(self._text[begin:self._ends[stop - 1]], starts,
                         self._lines[first:stop], self.delimiter, self.encoding)

    def pieces(self, size: int) -> Iterator[RowsPiece]:
        for first in range(0, len(self), size):
            yield self.piece(first, min(len(self), first + size))

    def __iter__(self) -> Iterator[Row]:
        for first in range(0, len(self), 5000):
            yield from self._parse(first, min(len(self), first + 5000))

    def chunks(self, size: int) -> Iterator[list[Row]]:
        for first in range(0, len(self), size):
            yield self._parse(first, min(len(self), first + size))

    def drop_tail(self, count: int) -> None:
        """Forget the last `count` rows (a report footer)."""
        for column in (self._starts, self._ends, self._lines):
            del column[len(column) - count:]

    def release(self) -> None:
        """Let go of the text and the index once every row has been read."""
        self._text = self._text[:0]
        for column in (self._starts, self._ends, self._lines):
            del column[:]



@dataclass(frozen=True)
class RowsPiece:
    """A chunk of rows as the stretch of the file they span: what an import sends to a
    worker process, which parses it there (a few hundred KB instead of every cell as a
    Python string pickled across)."""

    text: Source
    starts: array[int]  # offsets in `text`
    lines: array[int]
    delimiter: str
    encoding: str = "utf-8"  # of `text` when it is bytes

    def rows(self) -> list[Row]:
        if not self.starts:
            return []
        return _parse_stretch(self.text, self.starts, self.lines, 0, len(self.starts),
                              len(self.text), self.delimiter, self.encoding)


def parsed(work: RowsPiece | list[Row]) -> list[Row]:
    """A chunk's rows: parsed here when it came as a stretch of the file."""
    return work.rows() if isinstance(work, RowsPiece) else work


def _parse_stretch(text: Source, starts: array[int], line_numbers: array[int], first: int,
                   stop: int, end: int, delimiter: str, encoding: str) -> list[Row]:
    """The rows first..stop-1, parsed from text[starts[first]:end]."""
    out: list[Row] = []
    n = first
    at = [starts[first]]
    reader = csv.reader(lines(text, starts[first], end, at, encoding=encoding), csv.excel,
                        delimiter=delimiter)
    for cells in reader:
        # Blank records between two rows were never indexed: skip them here too.
        if n < stop and at[0] > starts[n]:
            out.append((line_numbers[n], cells))
            n += 1
    return out
