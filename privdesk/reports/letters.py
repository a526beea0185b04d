"""Letters from editable templates (resources/letters/*.txt), laid out with the same
letterhead, header and footer as the pack.

Template syntax (see resources/letters/README.txt): "# heading", blank-line paragraphs,
"- " bullets, and {placeholders}. A bullet that is exactly "- {key}" with a list value
becomes one bullet per item. Placeholders are plain names only: "{x.attr}" or "{x[0]}"
would let a template reach into Python objects, so they are refused.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

from reportlab.platypus import Flowable, Paragraph, Spacer

from privdesk.domain.dates import long_date
from privdesk.policy import Policy
from privdesk.reports.blocks import letterhead, sign_off
from privdesk.reports.layout import DocMeta, RenderedPdf, Styles, make_styles, render
from privdesk.reports.text import markup

LETTER_KINDS = {
    "acknowledgement": "Acknowledgement",
    "id_request": "Request for proof of identity",
    "clarification": "Request for clarification",
    "extension": "Extension notice",
    "refusal": "Refusal notice",
    "erasure_confirmation": "Erasure confirmation",
}

Value = str | Sequence[str]


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class LetterInput:
    kind: str
    policy: Policy
    reference: str
    issued_on: date
    officer: str
    requester_name: str
    requester_address: tuple[str, ...]
    received_on: date
    values: Mapping[str, Value]  # the letter's own placeholders (lists for bullets)


def load_template(kind: str) -> str:
    if kind not in LETTER_KINDS:
        raise TemplateError(f"Unknown letter {kind!r}: choose one of {', '.join(LETTER_KINDS)}.")
    return resources.files("privdesk.resources").joinpath(f"letters/{kind}.txt").read_text(
        encoding="utf-8")


def placeholders(template: str) -> set[str]:
    names = set()
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TemplateError(f"Placeholder {{{field}}} is not allowed: use plain names like "
                                "{name}.")
        names.add(field)
    return names


def _fill(text: str, values: Mapping[str, Value]) -> str:
    """Markup for one template line: literal text and values both escaped."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(text):
        out.append(markup(literal))
        if field is not None:
            value = values[field]
            out.append(markup(value if isinstance(value, str) else "; ".join(value)))
    return "".join(out)


def _body(template: str, values: Mapping[str, Value], styles: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for block in template.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("# "):
            out.append(Paragraph(_fill(lines[0][2:], values), styles.h2))
            lines = lines[1:]
        paragraph: list[str] = []
        for line in lines:
            if not line.startswith("- "):
                paragraph.append(line)
                continue
            if paragraph:  # keep a lead-in sentence before its bullets
                out.append(Paragraph(_fill(" ".join(paragraph), values), styles.body))
                paragraph = []
            rest = line[2:].strip()
            value = values.get(rest[1:-1]) if rest.startswith("{") and rest.endswith("}") \
                and rest[1:-1].isidentifier() else None
            texts = [markup(item) for item in value] if value is not None \
                and not isinstance(value, str) else [_fill(rest, values)]
            out += [Paragraph(t, styles.bullet, bulletText="•") for t in texts]
        if paragraph:
            out.append(Paragraph(_fill(" ".join(paragraph), values), styles.body))
        elif out and isinstance(out[-1], Paragraph) and out[-1].style is styles.bullet:
            out.append(Spacer(1, 4))  # air between a list and the next paragraph
    return out


def build_letter(letter: LetterInput, template: str | None = None) -> RenderedPdf:
    template = load_template(letter.kind) if template is None else template
    p = letter.policy
    a = p.authority
    values: dict[str, Value] = {
        "name": letter.requester_name, "reference": letter.reference,
        "received_on": long_date(letter.received_on), "issued_on": long_date(letter.issued_on),
        "officer": letter.officer, "controller": p.controller.name,
        "department": p.controller.department, "privacy_email": p.controller.privacy_email,
        "ico_name": a.name, "ico_website": a.website, "ico_helpline": a.helpline,
        "ico_address": ", ".join(a.address), "request_type": "",
        **letter.values,
    }
    missing = sorted(placeholders(template) - values.keys())
    if missing:
        raise TemplateError(f"The {letter.kind} template needs a value for: {', '.join(missing)}.")
    styles = make_styles()
    refs = [("Our reference", letter.reference),
            ("Your request received", long_date(letter.received_on))]
    story = letterhead(p.controller, letter.requester_name, letter.requester_address,
                       letter.issued_on, refs, styles)
    story += _body(template, values, styles)
    story.append(sign_off(letter.officer, p.controller, styles))
    meta = DocMeta(letter.reference, LETTER_KINDS[letter.kind], p.controller.name,
                   f"{p.controller.name} · ICO registration {p.controller.ico_registration}")
    return render(story, meta)
