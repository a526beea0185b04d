"""Hostile input: what a stranger can type into a web form, or put in a file name.

Feature tests import these lists and send every entry through their path (editor,
search, PDF, CSV export, email headers, export file names): no crash, clear errors,
safe outputs. Each entry has a short id so a failure names the culprit.
"""

from __future__ import annotations

LONG = "Ab" * 5000  # 10,000 characters

NAMES: dict[str, str] = {
    "bold_markup": "<b>x</b>",
    "closing_para": "Ann</para><para>Lee",
    "img_tag": '<img src="/etc/passwd"/> <img src=/etc/passwd>',
    "script": "<script>alert(1)</script>",
    "entities": "&amp; &lt;b&gt; &#0; &bogus;",
    "bidi_override": "Ali\u202eecnarF\u202c txt.exe",
    "bidi_isolates": "\u2066abc\u2069 \u2067דוד\u2069 \u200fRTL\u200e",
    "zero_width": "J\u200bo\u200ch\u200dn\u2060 \ufeffSmith",
    "ten_thousand": LONG,
    "emoji": "Zoë 😀 👩\u200d👩\u200d👧 🇬🇧 Ng",
    "cjk": "山田 太郎 / 王小明 / 김민준",
    "arabic": "محمد عبد الله",
    "hebrew_mixed": "David דוד 123 ltd",
    "combining": "Zoe\u0308 Zoë A\u030a\u0301\u0327",
    "nul_byte": "Nul\x00Byte",
    "control_chars": "a\x01b\x07c\x1bd\x7fe\x85f",
    "newlines": "Ann\r\nLee\nEsq\rjr\u2028\u2029",
    "tabs_spaces": "\t  Ann \u00a0 Lee\u3000 ",
    "sql_quote": "Robert'); DROP TABLE contacts;--",
    "format_strings": "%s %n %x {0} {name} ${HOME} $(id) `id`",
    "fts_syntax": 'a OR b NOT c NEAR(d e) "unterminated f* ^g col:h -i + ( )',
    "quotes": "O'Brien \"Jr\" ‘curly’ “double”",
    "backslashes": "C:\\Users\\ann\\..\\..\\x \\0 \\n",
    "csv_injection": "=HYPERLINK(\"http://evil\") +1 -1 @SUM(A1)",
    "only_spaces": "   ",
    "empty": "",
    "dotted_i": "İstanbul ıi ß ẞ ﬁ",
    "fullwidth": "ＡＮＮ　ＬＥＥ",
    "long_word_cjk": "名" * 3000,
    "email_header": "Ann\r\nBcc: victim@example.org\r\nSubject: x",
    "homoglyph": "Аnn Lее",  # Cyrillic А and е
}

EMAILS: dict[str, str] = {
    "plain": "ann@example.org",
    "header_injection": "ann@example.org\r\nBcc: victim@example.org",
    "unicode": "zoë@exämple.org",
    "markup": "<b>@x.org",
    "long": "a" * 300 + "@example.org",
    "nul": "ann\x00@example.org",
}

PHONES: dict[str, str] = {
    "uk": "+44 7700 900123",
    "national": "07700 900123",
    "letters": "0800-FLOWERS",
    "garbage": "+++(((---)))",
    "long_digits": "1" * 500,
    "arabic_digits": "٠٧٧٠٠ ٩٠٠١٢٣",
}

FILE_NAMES: dict[str, str] = {
    "parent_dir": "../../etc/passwd",
    "windows_parent": "..\\..\\Windows\\win.ini",
    "absolute": "/etc/passwd",
    "con": "CON",
    "con_ext": "con.txt",
    "nul_device": "NUL",
    "com1": "COM1.pdf",
    "trailing_dot": "report.",
    "trailing_space": "report ",
    "dots_only": "..",
    "three_hundred": "r" * 300 + ".pdf",
    "reserved_chars": 'a<b>c:d"e|f?g*h',
    "nul_byte": "re\x00port.pdf",
    "bidi_extension": "invoice\u202efdp.exe",
    "slash": "a/b",
    "leading_dash": "-rf",
    "empty": "",
}


def all_text() -> dict[str, str]:
    """Every entry, for paths that take any text."""
    return {**{f"name:{k}": v for k, v in NAMES.items()},
            **{f"email:{k}": v for k, v in EMAILS.items()},
            **{f"phone:{k}": v for k, v in PHONES.items()},
            **{f"file:{k}": v for k, v in FILE_NAMES.items()}}
