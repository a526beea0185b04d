"""A contacts file in an old code page is read from its bytes a line at a time (issue
#14: a million-row cp1252 file must not be decoded whole): the rows are exactly those
of the decoded text, detection still sees the whole file, and only encodings where the
bytes \\r and \\n cannot sit inside a character are split that way."""

from __future__ import annotations

import codecs

import pytest

from privdesk.domain.contact_csv import CsvError, decode, parse_table, parse_text
from privdesk.domain.contact_encoding import HEAD, detect, line_safe, read_as
from privdesk.domain.contact_table import CsvRows
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import ServiceContext

HEADER = "name,email,company,notes\r\n"
TEXTS = {
    "cp1252": ['Renée Dubois,renee@example.fr,Café Zoë,"met at the fair,\r\nsaid ""call me"""',
               "Søren Kierkegård,soren@example.dk,Nørre ApS,", "Anders Ørsted,a@example.dk,,€5"],
    "cp1250": ['Zofia Łukasiewicz,zofia@example.pl,Łódź sp. z o.o.,"dwie\nlinie"',
               "Jiří Dvořák,jiri@example.cz,Dvořák s.r.o.,", "Paweł Żak,pawel@example.pl,,"],
    "mac_roman": ["François Lefèvre,f@example.fr,Société Générale,", 'Zoë Müller,z@example.de,,"ß\rœ"'],
    "cp932": ['佐藤 花子,hanako@example.jp,オプテックス株式会社,"電話で\r\n問い合わせ"',
              "鈴木 一郎,ichiro@example.jp,ゆうびん商事,ソ表能"],  # ソ表能: a trail byte of 0x5C
    "gbk": ['王伟,wei@example.cn,北京数据,"两行\n备注"', "李娜,na@example.cn,上海贸易,"],
    # Named by the officer: never detected, but read from the bytes all the same.
    "big5": ["陳大文,chan@example.hk,香港貿易,許功蓋", "林美玲,lam@example.tw,,"],
    "euc_jp": ["山田 太郎,taro@example.jp,東京データ,", "田中 美咲,misaki@example.jp,,"],
    "gb18030": ["王伟,wei@example.cn,北京数据,€", "李娜,na@example.cn,,"],
    "iso8859_2": ["Zofia Łukasiewicz,zofia@example.pl,,", "Paweł Żak,pawel@example.pl,,"],
}
DETECTED = ("cp1252", "cp1250", "mac_roman", "cp932", "gbk")


def body(encoding: str, line_end: str = "\r\n", footer: bool = False) -> bytes:
    rows = TEXTS[encoding] * 3
    text = HEADER.replace("\r\n", line_end) + line_end.join(rows) + line_end
    if footer:
        text += line_end + "Grand Totals (6 records)" + line_end
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", sorted(TEXTS))
@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_code_page_rows_from_the_bytes_are_the_rows_of_the_text(encoding: str,
                                                                 line_end: str) -> None:
    data = body(encoding, line_end, footer=True)
    given = None if encoding in DETECTED else encoding
    table = parse_table(data, given)
    via_text = parse_text(data.decode(encoding), encoding)
    assert table.encoding == encoding
    assert isinstance(table.rows, CsvRows) and isinstance(table.rows.source, bytes)
    assert table.rows.encoding == encoding
    assert (table.headers, list(table.rows), table.notes) == (
        via_text.headers, list(via_text.rows), via_text.notes)
    assert list(table.rows[2:4]) == list(via_text.rows)[2:4]
    assert any("\n" in cell or "\r" in cell for _line, cells in table.rows for cell in cells) or (
        encoding not in ("cp1252", "cp1250", "cp932", "gbk"))


def test_utf16_is_still_read_from_its_decoded_text() -> None:
    """A \\n byte sits inside many UTF-16 characters (U+0A00-U+0AFF, ...ﾊ = 0A FF): such
    a file cannot be split at its bytes, so it is decoded whole, as before."""
    text = HEADER + "\r\n".join(TEXTS["cp932"] + ["\u0a0a Singh,s@example.in,,"]) + "\r\n"
    for encoding in ("utf-16", "utf-16-le"):
        data = text.encode(encoding)
        table = parse_table(data, encoding)
        assert isinstance(table.rows, CsvRows) and isinstance(table.rows.source, str)
        assert [cells[0] for _line, cells in table.rows][-1] == "\u0a0a Singh"
        assert list(table.rows) == list(parse_text(*decode(data, encoding)).rows)


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213",
                                      "euc_jp", "euc_jis_2004", "euc_jisx0213", "gbk", "gb2312",
                                      "gb18030", "big5", "big5hkscs", "cp950", "cp949", "euc_kr",
                                      "johab"])
def test_no_multi_byte_character_holds_a_line_end_byte(encoding: str) -> None:
    """The claim line_safe() rests on, checked against the codec itself: no character
    it can write has a \\r or \\n byte in it, and after any lead byte a \\r or \\n is
    never taken (strictly) as the rest of a character."""
    assert line_safe(encoding)
    every = "".join(chr(c) for c in range(0x110000)
                    if c not in (10, 13) and not 0xD800 <= c < 0xE000)
    written = every.encode(encoding, errors="ignore")
    assert len(written) > 10_000 and b"\n" not in written and b"\r" not in written
    for end in (b"\n", b"\r"):
        for lead in range(0x80, 0x100):
            for tail in (end, b"\x30" + bytes([lead]) + end):  # gb18030 has 4-byte ones
                try:
                    decoded = (bytes([lead]) + tail).decode(encoding)
                except UnicodeDecodeError:
                    continue  # such a file is refused before it is split
                assert decoded.endswith(end.decode()), (encoding, hex(lead), tail)


@pytest.mark.parametrize(("encoding", "safe"), [
    ("cp1252", True), ("cp1250", True), ("mac_roman", True), ("latin-1", True),
    ("iso8859_2", True), ("koi8_r", True), ("utf-8", True), ("cp932", True), ("GBK", True),
    ("utf-16", False), ("utf-16-le", False), ("utf-32", False), ("cp037", False),
    ("iso2022_jp", False), ("hz", False), ("utf-7", False), ("no-such-codec", False)])
def test_line_safe_encodings(encoding: str, safe: bool) -> None:
    assert line_safe(encoding) is safe


def big(head_rows: list[str], tail_rows: list[str], encoding: str) -> bytes:
    """A file whose first HEAD bytes hold only `head_rows` and the rest `tail_rows`."""
    head = "\r\n".join(head_rows).encode(encoding) + b"\r\n"
    out = [HEADER.encode(encoding)]
    size = 0
    while size <= HEAD:
        out.append(head)
        size += len(head)
    tail = "\r\n".join(tail_rows).encode(encoding) + b"\r\n"
    out += [tail] * (HEAD // len(tail) + 1)
    return b"".join(out)


WESTERN = ["Renée Dubois,renee@example.fr,Café Zoë,", "Mark Jones,mark@example.co.uk,,"]
POLISH = ["Zofia Łukasiewicz,zofia@example.pl,,", "Paweł Wójcik,pawel@example.pl,Żabka,"]


def test_names_after_the_head_decide_the_code_page() -> None:
    """Polish names only after the first 1.6 MB: the cp1252 reading of them
    (£ukasiewicz, Pawe³) is seen in the slices through the file and refused, rather than
    the head's Western names tying cp1252 with cp1250 and cp1252 being assumed."""
    data = big(WESTERN, POLISH, "cp1250")
    detection = detect(data)
    assert detection.chosen is not None and detection.chosen.encoding == "cp1250"
    assert not detection.assumed
    table = parse_table(data)
    assert table.encoding == "cp1250" and table.rows[-1][1][0] == "Paweł Wójcik"
    assert len(table.rows) == len(parse_text(data.decode("cp1250"), "cp1250").rows)


def test_a_byte_far_past_the_head_still_rules_a_code_page_out() -> None:
    """0x81 is undefined in cp1252 and cp1250: one such byte near the end of a long file
    means neither can read it, although its head reads well in both."""
    data = big(WESTERN, WESTERN, "cp1252")[:-2] + b"\x81\r\n"
    readings = [r.encoding for r in detect(data).readings]
    assert "cp1252" not in readings and "cp1250" not in readings
    with pytest.raises(CsvError, match="not valid Windows-1252"):
        parse_table(data, "cp1252")


def test_code_pages_agreeing_on_the_whole_file_are_one_reading() -> None:
    """é and ASCII read the same in cp1252 and cp1250 throughout: not a doubt. The
    readings hold the head only, a prefix of the whole text."""
    data = big(WESTERN, WESTERN, "cp1252")
    detection = detect(data)
    assert detection.certain and detection.chosen is not None
    assert detection.chosen.encoding == "cp1252" and not detection.assumed
    reading = read_as(data, "cp1250")
    assert reading is not None and not reading.complete
    assert data.decode("cp1250").startswith(reading.text) and len(reading.text) <= HEAD
    assert reading.digest == detection.chosen.digest


def test_a_multi_byte_character_across_the_head_boundary_reads_whole() -> None:
    rows = ["佐藤 花子,hanako@example.jp,オプテックス株式会社,電話で問い合わせ"]
    data = big(rows, ["鈴木 一郎,ichiro@example.jp,ゆうびん商事,"], "cp932")
    for cut in range(1, 4):  # move the head's end into the middle of characters
        shifted = b"x" * cut + data
        reading = read_as(shifted, "cp932")
        assert reading is not None and shifted.decode("cp932").startswith(reading.text)
    table = parse_table(data)
    assert table.encoding == "cp932"
    assert list(table.rows) == list(parse_text(data.decode("cp932"), "cp932").rows)


def test_preview_of_an_uncertain_long_file_counts_every_row(ctx: ServiceContext) -> None:
    """A tie (Mac Roman Ø or Windows-1250 Ż) previews its best reading from the bytes:
    every row counted, not just the part detection held."""
    tie = ["Anders Ørsted,anders@example.dk,,"]
    data = big(tie, tie, "mac_roman")
    preview = ContactImportService(ctx).preview(data)
    assert not preview.encoding_certain and "mac_roman" in preview.encodings
    total = len(parse_text(data.decode("mac_roman"), "mac_roman").rows)
    assert preview.rows == total > 20_000


def test_decode_keeps_its_whole_text() -> None:
    data = big(WESTERN, POLISH, "cp1250")
    assert decode(data) == (data.decode("cp1250"), "cp1250")
    assert codecs.lookup(decode(body("cp932"))[1]).name == "cp932"


@pytest.mark.parametrize("encoding", DETECTED)
def test_a_preview_detects_the_encoding_once(ctx: ServiceContext, encoding: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection reads the whole file (~1.3 s at a million rows in a code page): the
    preview's table and the choices it shows come from one pass."""
    from privdesk.domain import contact_csv
    from privdesk.services import contacts_import

    passes: list[int] = []

    def counted(data: bytes) -> object:
        passes.append(len(data))
        return detect(data)

    monkeypatch.setattr(contact_csv, "detect", counted)
    monkeypatch.setattr(contacts_import, "detect", counted)
    preview = ContactImportService(ctx).preview(body(encoding))
    assert preview.encoding == encoding and preview.encoding_certain
    assert preview.encodings[0] == encoding and len(passes) == 1
