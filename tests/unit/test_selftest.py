"""`privdesk --self-test` over the real store, ReportLab, pypdf and Qt (offscreen)."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from privdesk import selftest
from privdesk.cli import main
from privdesk.reports.selftest_pack import build_selftest_pack


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The self-test's temporary folder goes here, so the test can see it was removed."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def test_self_test_passes_and_leaves_nothing_behind(temp_root: Path, qapp: object) -> None:
    out = io.StringIO()
    assert selftest.run_self_test(out=out, err=out) == 0
    lines = out.getvalue().splitlines()
    for step in ("resources", "text", "create", "write", "read", "integrity", "pack", "qt"):
        assert any(line.split()[:2] == ["ok", step] for line in lines), (step, lines)
    assert "SQLCipher 4." in out.getvalue()
    assert lines[-1].startswith("Self-test passed")
    assert list(temp_root.iterdir()) == []


def test_cli_flag_exits_zero(temp_root: Path, qapp: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-test"]) == 0
    assert "Self-test passed" in capsys.readouterr().out


def test_a_library_without_its_tables_fails_plainly(temp_root: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """As a bundle missing the transliteration tables would: Ł not folded to L."""
    monkeypatch.setattr(selftest.identity, "search_fold", str.casefold)
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run_self_test(out=out, err=err, gui=False) == 1
    assert ("FAIL text       not working as they should: name folding (is the installation "
            "complete?)") in out.getvalue()
    assert "Traceback" not in out.getvalue() and list(temp_root.iterdir()) == []


def _two_page_pack(controller: str, rows: object, generated: datetime, version: str) -> bytes:
    """A real ReportLab document that is one page too long."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for _ in range(2):
        pdf.drawString(72, 720, controller)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_a_wrong_pack_fails_plainly_and_cleans_up(temp_root: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "build_selftest_pack", _two_page_pack)
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run_self_test(out=out, err=err, gui=False) == 1
    assert "FAIL pack       the pack has 2 pages, expected 1" in out.getvalue()
    assert err.getvalue().strip() == "privdesk: self-test failed at pack: the pack has 2 pages, expected 1"
    assert "Traceback" not in out.getvalue()
    assert list(temp_root.iterdir()) == []


def test_pack_escapes_hostile_text_and_stays_one_page() -> None:
    hostile = 'a</b>c <img src="/etc/passwd"/> \u202eevil\u202c & <para>'
    data = build_selftest_pack("Optex <Europe> & Co", [("Contact", hostile), ("Note", "x" * 500)],
                               datetime(2026, 11, 24, 9, 30), "0.1.0")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Optex <Europe> & Co" in text
    assert "a</b>c" in text
    assert reader.metadata is not None and reader.metadata.title == "privdesk self-test pack"

