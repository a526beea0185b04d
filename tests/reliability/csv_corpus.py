"""Hostile CSV files for the importer: encodings, BOMs, NUL bytes, huge cells, wrong,
missing and duplicate columns, ragged rows, a bare header, nothing at all, garbage.

Each builder returns the file's bytes; the tests send every one through the service and
the CLI and expect a clean import or a (line, field, reason) report, never a traceback.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable, Iterator

HEADER = ("name,email,phone,company,location,status,source,first_contact,customer_since,"
          "ceased,last_activity,marketing_opt_out,notes")


def row(n: int, name: str | None = None, notes: str = "") -> str:
    """A valid row for contact n (unique email and phone, so no duplicate warnings).
    Only +44 7911 100000-299999 are valid mobile numbers: rows past that have no phone."""
    who = name if name is not None else f"Zoë Adams {n}"
    quoted = '"' + who.replace('"', '""') + '"'
    phone = f"+44 7911 {100000 + n}" if n < 200_000 else ""
    return (f"{quoted},zoe{n}@adams.example,{phone},Adams & Co,Leeds,"
            f"enquirer,email,2026-02-01,,,,no,\"{notes}\"")


def text_file(rows: int = 3, names: list[str] | None = None) -> str:
    body = [row(n, names[n] if names else None) for n in range(rows)]
    return "\r\n".join([HEADER, *body]) + "\r\n"


def _garbage(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


# name -> a builder of the file's bytes (built lazily: some are a megabyte)
FILES: dict[str, Callable[[], bytes]] = {
    "utf8": lambda: text_file().encode("utf-8"),
    "utf8_bom": lambda: codecs.BOM_UTF8 + text_file().encode("utf-8"),
    "utf16_le_bom": lambda: text_file().encode("utf-16"),  # Python writes a LE BOM here
    "utf16_le_no_bom": lambda: text_file().encode("utf-16-le"),
    "utf16_be_bom": lambda: codecs.BOM_UTF16_BE + text_file().encode("utf-16-be"),
    "utf16_be_no_bom": lambda: text_file().encode("utf-16-be"),
    "windows_1252": lambda: text_file(2, ["Renée Müller – “quoted”", "Søren Æbelø"]).encode(
        "cp1252"),
    "utf8_bom_then_latin1": lambda: codecs.BOM_UTF8 + text_file(2, ["Renée", "Ünal"]).encode(
        "latin-1"),
    "utf16_bom_odd_length": lambda: text_file().encode("utf-16") + b"!",
    "utf16_lone_surrogate": lambda: codecs.BOM_UTF16_LE + "name\r\nA".encode(
        "utf-16-le") + b"\x00\xd8",
    "nul_bytes_in_cells": lambda: text_file(2, ["Nul\x00Byte", "\x00"]).encode("utf-8"),
    "nul_bytes_everywhere": lambda: text_file().encode("utf-8").replace(b",", b"\x00,"),
    "one_mb_name": lambda: text_file(2, ["x" * 1_000_000, "ok"]).encode("utf-8"),
    "one_mb_notes": lambda: (HEADER + "\n" + row(1, notes="n" * 1_000_000) + "\n").encode(),
    "unclosed_quote": lambda: (HEADER + "\n" + row(1) + '\n"Ann,ann@x.example\n').encode(),
    "wrong_columns": lambda: b"foo,bar,baz\n1,2,3\n4,5,6\n",
    "missing_name_column": lambda: b"email,phone\nann@example.org,+44 7911 123456\n",
    "first_last_only": lambda: b"First Name,Last Name,Email\nAnn,Lee,ann@lee.example\n",
    "duplicate_columns": lambda: (b"name,name,email,email\nAnn,Bob,ann@example.org,"
                                  b"bob@example.org\n"),
    "ragged_rows": lambda: (HEADER + "\nAnn\n" + row(2) + ",extra,cells,here\n"
                            "Bob,bob@example.org\n").encode(),
    "only_header": lambda: (HEADER + "\r\n").encode(),
    "header_no_newline": lambda: HEADER.encode(),
    "blank_lines_only": lambda: b"\n\n\r\n  \n",
    "empty": lambda: b"",
    "bom_only": lambda: codecs.BOM_UTF8,
    "binary_garbage": lambda: _garbage(4096, 1),
    "binary_with_header": lambda: (HEADER + "\n").encode() + _garbage(4096, 2),
    "png_header": lambda: b"\x89PNG\r\n\x1a\n" + _garbage(512, 3),
    "semicolon_dialect": lambda: text_file().replace(",", ";").encode(),
    "tab_dialect": lambda: text_file().replace(",", "\t").encode(),
    "formula_cells": lambda: (HEADER + "\n" + row(1, "=HYPERLINK(\"http://evil\")") +
                              "\n" + row(2, "'=1+1") + "\n").encode(),
    "mac_line_endings": lambda: text_file().replace("\r\n", "\r").encode(),
    "huge_header": lambda: (",".join(f"col{i}" for i in range(5000)) + "\n1\n").encode(),
}


def million_rows(rows: int, bad_line: int | None = None) -> Iterator[bytes]:
    """A large file in chunks; line `bad_line` (1-based, header is 1) has a bad email."""
    yield (HEADER + "\n").encode()
    chunk: list[str] = []
    for n in range(rows):
        line = row(n)
        if bad_line is not None and n + 2 == bad_line:
            line = line.replace(f"zoe{n}@adams.example", "not-an-email")
        chunk.append(line)
        if len(chunk) == 10_000:
            yield ("\n".join(chunk) + "\n").encode()
            chunk = []
    if chunk:
        yield ("\n".join(chunk) + "\n").encode()
