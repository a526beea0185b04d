"""Build the desktop bundle with packaging/build.sh, then prove it works as installed.

Part of the default run (and so of CI): a build takes 1-3 minutes on two cores, and
while it was opt-in the bundle stopped working unnoticed (a dependency's data files and
numpy were left out). Needs PyInstaller (in the `test` extra); the window check needs Xvfb.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk import __version__

ROOT = Path(__file__).resolve().parents[2]
GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv)
image = app.primaryScreen().grabWindow(0).toImage()
lit = sum(1 for x in range(0, image.width(), 8) for y in range(0, image.height(), 8)
          if image.pixelColor(x, y).lightness() > 40)
image.save(sys.argv[1])
print(lit)
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller")
    out = tmp_path_factory.mktemp("bundle")
    env = {**os.environ, "PYTHON": sys.executable, "DIST_DIR": str(out / "dist"),
           "WORK_DIR": str(out / "work")}
    done = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Self-test passed" in done.stdout
    return out / "dist" / "privdesk"


def test_bundle_self_test_runs_from_anywhere(bundle: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PRIVDESK_HOME": str(tmp_path)}
    done = subprocess.run([str(bundle / "privdesk"), "--self-test"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"from {bundle}" in done.stdout  # resources came from the bundle, not a checkout
    version = subprocess.run([str(bundle / "privdesk"), "--version"], capture_output=True,
                             text=True, timeout=60)
    assert version.stdout.strip() == f"privdesk {__version__}"


def test_bundle_carries_resources_and_migrations_but_not_unused_qt(bundle: Path) -> None:
    internal = bundle / "_internal"
    pkg = internal / "privdesk"
    for resource in (ROOT / "resources").rglob("*"):
        if resource.is_file() and "__pycache__" not in resource.parts:
            assert (pkg / "resources" / resource.relative_to(ROOT / "resources")).is_file(), resource
    migrations = ROOT / "privdesk" / "store" / "migrations"
    for source in [*migrations.glob("versions/*.py"), migrations / "script.py.mako",
                   migrations / "env.py"]:
        assert (pkg / "store" / "migrations" / source.relative_to(migrations)).is_file(), source
    names = {p.name for p in internal.rglob("*")}
    assert not [n for n in names if "WebEngine" in n or "Qt6Quick" in n or "Qt63D" in n]
    assert any(n.startswith("libqxcb") for n in names)
    assert any(n.startswith("libqoffscreen") for n in names)


@pytest.fixture
def display() -> Iterator[str]:
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed")
    # -displayfd: Xvfb picks a free display itself (the machine is shared).
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def test_bundle_opens_a_real_window_under_xvfb(bundle: Path, display: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=display, PRIVDESK_HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    app = subprocess.Popen([str(bundle / "privdesk"), "--demo"], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    shot = ROOT / "tests" / "screenshots" / "bundle_unlock_xvfb.png"
    shot.parent.mkdir(exist_ok=True)
    try:
        lit = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(2)
            grab = subprocess.run([sys.executable, "-c", GRAB, str(shot)],
                                  env={**env, "QT_QPA_PLATFORM": "xcb"},
                                  capture_output=True, text=True, timeout=60)
            lit = int(grab.stdout.strip() or 0)
            if lit > 2000:  # the unlock dialog, not a black screen
                break
        assert app.poll() is None, app.communicate()[0]
        assert lit > 2000, f"no window drawn on {display} (lit samples: {lit})"
    finally:
        app.terminate()
        app.wait(timeout=20)


def test_the_bundle_imports_a_long_file_with_its_worker_process(bundle: Path,
                                                                 tmp_path: Path) -> None:
    """A file of 20,000+ rows is checked in a spawned worker process: in a frozen app the
    worker is the bundle's own executable started again (freeze_support in its entry),
    never a Python that is not there."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PRIVDESK_HOME": str(tmp_path / "home")}
    pw = tmp_path / "pw.txt"
    pw.write_text("bundle import passphrase\n")
    common = ["--store", str(tmp_path / "s.privdesk"), "--passphrase-file", str(pw)]
    exe = str(bundle / "privdesk")
    init = subprocess.run([exe, "init", *common], env=env, capture_output=True, text=True,
                          timeout=120)
    assert init.returncode == 0, init.stdout + init.stderr
    rows = 25_000
    data = tmp_path / "people.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        fh.write("name,email,phone,company,source,first_contact\n")
        fh.writelines(f"Zofia Łukasiewicz {i},z{i}@example.pl,+44 7700 {i:06d},Acme {i % 50},"
                      "email,2026-01-02\n" for i in range(rows))
    done = subprocess.run([exe, "contacts", "import", str(data), *common, "--json"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)["imported"] == rows
    found = subprocess.run([exe, "contacts", "search", "lukasiewicz 24999", *common, "--json"],
                           env=env, capture_output=True, text=True, timeout=120)
    assert [r["name"] for r in json.loads(found.stdout)] == ["Zofia Łukasiewicz 24999"]
