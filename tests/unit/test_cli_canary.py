"""The canary walk through the CLI faces, as a script would run it: a third party named
in a note, the note changed (history) and quoted by a call, the note redacted with
`privdesk redact`, then the PDF (pypdf and pdftotext), the JSON and the CSV written with
`privdesk pack --format` and searched for the canary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privdesk.domain.contact_records import ContactInput
from privdesk.services.contacts import ContactService
from privdesk.services.context import ServiceContext
from tests.unit.test_cli_retention import _passphrase, run, store  # noqa: F401 - fixtures
from tests.unit.test_packs_service import pdf_text, poppler_text

CANARY = "Neighbour Ottoline Quarrie of 9 Tamarisk Lane"


def test_canary_redacted_everywhere_through_the_cli(ctx: ServiceContext, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cid = ContactService(ctx).create(ContactInput(
        name="Zoë Łukasiewicz", email="zoe@example.com", status="customer")).id
    s = ["--store", str(ctx.store.path)]
    code, out, err = run(capsys, "requests", "add", "--type", "access", "--received",
                         "2026-11-02", "--name", "Zoë Łukasiewicz", "--email", "zoe@example.com",
                         "--contact", str(cid), *s, "--today", "2026-11-24", "--json")
    assert code == 0, err
    ref = json.loads(out)["reference"]
    assert run(capsys, "contacts", "set", str(cid), f"notes=Prefers email. {CANARY}", *s)[0] == 0
    assert run(capsys, "contacts", "set", str(cid), f"notes=Prefers post. {CANARY}.", *s)[0] == 0
    code, _, err = run(capsys, "contacts", "add-interaction", str(cid), "--kind", "call", "--on",
                       "2026-11-03", "--text", f"Said {CANARY} complained", *s)
    assert code == 0, err
    code, _, err = run(capsys, "contacts", "set", str(cid), "marketing_opt_out=yes", *s)
    assert code == 2 and "its own action" in err
    code, _, err = run(capsys, "contacts", "set", str(cid), "first_contact=yesterday", *s)
    assert code == 2 and "not an ISO date" in err

    code, out, _ = run(capsys, "pack-items", ref, *s, "--json")
    items = json.loads(out)
    assert code == 0 and {"ref", "section", "label", "text", "action"} <= set(items[0])
    carrying = [i["ref"] for i in items if CANARY in i["text"]]
    assert len(carrying) >= 4
    note = next(i["ref"] for i in items if i["ref"].endswith(":notes"))
    call = next(i["ref"] for i in items if i["ref"].startswith("interaction:"))
    code, _, err = run(capsys, "redact", ref, "contact:999:notes", "--reason", "x", *s)
    assert code == 1 and "not an item" in err
    code, _, err = run(capsys, "redact", ref, note, "--reason", "  ", *s)
    assert code == 1 and "Give a reason" in err
    code, out, _ = run(capsys, "redact", ref, note, "--reason", "Names a neighbour", *s, "--json")
    assert code == 0 and json.loads(out)["also_redacted"]
    assert run(capsys, "redact", ref, call, "--reason", "About a neighbour", "--withhold", *s)[0] == 0
    code, out, _ = run(capsys, "pack-items", ref, *s, "--json")
    assert all(i["action"] for i in json.loads(out) if i["ref"] in carrying)

    for fmt in ("pdf", "json", "csv"):
        target = tmp_path / f"pack.{fmt}"
        code, out, err = run(capsys, "pack", ref, "--format", fmt, "--out", str(target), *s)
        assert code == 0, err
        data = target.read_bytes()
        texts = [pdf_text(data), poppler_text(data)] if fmt == "pdf" \
            else [data.decode("utf-8-sig")]
        if fmt == "json":
            texts.append(json.dumps(json.loads(data), ensure_ascii=False))
        for text in texts:
            assert "Ottoline" not in text and "Tamarisk" not in text, fmt
    code, _, err = run(capsys, "pack", ref, "--format", "json", "--out", str(tmp_path / "x.pdf"),
                       *s)
    assert code == 2 and "--out must name a .json file" in err
