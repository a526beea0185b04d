"""The desktop-integration files the installer and the spec rely on (fast, default run)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from PIL import Image

from privdesk import __version__

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


def test_desktop_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(ROOT / "packaging" / "privdesk.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Categories"] == "Office;Security;"
    assert entry["Icon"] == "privdesk" and entry["Exec"] == "privdesk"
    assert entry["Terminal"] == "false"
    # Must match the WM_CLASS Qt sets from the executable's name, or docks show two icons.
    assert entry["StartupWMClass"] == "privdesk"


def test_every_icon_size_is_rendered_at_its_size() -> None:
    assert (ICONS / "privdesk.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in (16, 32, 48, 64, 128, 256, 512):
        with Image.open(ICONS / f"privdesk-{size}.png") as png:
            assert png.size == (size, size) and png.mode == "RGBA"
            # Transparent corners: the shield is not drawn on a square background.
            assert png.getpixel((0, 0))[3] == 0
    with Image.open(ICONS / "privdesk.ico") as ico:
        assert {(s, s) for s in (16, 32, 48, 256)} <= set(ico.info["sizes"])


def test_version_is_defined_once_and_the_build_reads_it_from_there() -> None:
    init = (ROOT / "privdesk" / "__init__.py").read_text(encoding="utf-8")
    assert re.findall(r'^__version__ = "(.*)"$', init, re.M) == [__version__]
    build = (ROOT / "packaging" / "build.sh").read_text(encoding="utf-8")
    spec = (ROOT / "packaging" / "privdesk.spec").read_text(encoding="utf-8")
    assert "privdesk/__init__.py" in build and '"__init__.py"' in spec
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = { attr = "privdesk.__version__" }' in pyproject
    assert not re.search(r"^version\s*=\s*\"", pyproject, re.M)
