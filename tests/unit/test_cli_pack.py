"""`privdesk pack` over a real demo store: the PDF written, its JSON summary, errors."""

from __future__ import annotations

import getpass
import hashlib
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from privdesk.cli import main
from privdesk.store import vault
from privdesk.store.models import Request

PW = "cli test passphrase"


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path, str]:
    pw_file = tmp_path / "pw.txt"
    pw_file.write_text(PW + "\n")
    store = tmp_path / "demo.privdesk"
    assert main(["demo-data", "--store", str(store), "--passphrase-file", str(pw_file),
                 "--contacts", "50", "--json"]) == 0
    # The CLI made the store with the login name as its first (admin) officer.
    with vault.open_store(store, getpass.getuser(), PW) as s, s.session() as session:
        ref = session.scalars(select(Request.reference).where(Request.type == "access")).first()
    assert ref is not None
    return store, pw_file, ref


def test_pack_writes_a_protected_pdf_and_reports_json(
        demo: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, pw_file, ref = demo
    capsys.readouterr()
    secret = tmp_path / "pack-password.txt"
    secret.write_text("Tz4pA-k7Rmq-x9Lw2\n")
    out = tmp_path / "pack.pdf"
    code = main(["pack", ref, "--out", str(out), "--password-file", str(secret),
                 "--store", str(store), "--passphrase-file", str(pw_file), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["path"] == str(out.resolve()) and result["protected"] is True
    content = out.read_bytes()
    assert result["sha256"] == hashlib.sha256(content).hexdigest()
    reader = PdfReader(io.BytesIO(content))
    assert reader.is_encrypted and reader.decrypt("Tz4pA-k7Rmq-x9Lw2")
    assert len(reader.pages) == result["pages"] >= 4
    assert ref in reader.pages[0].extract_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".privdesk-")] == []


def test_pack_refuses_to_overwrite_and_names_unknown_references(
        demo: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, pw_file, ref = demo
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"keep me")
    base = ["--store", str(store), "--passphrase-file", str(pw_file)]

    def stored() -> int:
        with vault.open_store(store, getpass.getuser(), PW) as s:
            return s.table_counts(["documents"])["documents"]

    before = stored()
    assert main(["pack", ref, "--out", str(out), *base]) == 2
    assert out.read_bytes() == b"keep me"
    assert stored() == before  # refused before the pack was built and kept
    assert "already exists" in capsys.readouterr().err
    assert main(["pack", "SAR-NOPE", "--out", str(tmp_path / "x.pdf"), *base]) == 1
    assert "no request with reference" in capsys.readouterr().err
    assert main(["pack", ref, "--out", str(out), "--force", *base]) == 0
    assert out.read_bytes().startswith(b"%PDF")
