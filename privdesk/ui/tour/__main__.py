"""`python -m privdesk.ui.tour --out DIR --size WxH [--taskbar PX] [--home DIR]`

Opens the demo store on a virtual screen of WxH (Qt's offscreen platform; a taskbar of
--taskbar pixels is taken off its height), saves a PNG of every window, area and dialog
into DIR, and exits 1 naming every window whose buttons fall outside the screen (2 if
the tour itself could not finish). Nothing is written outside DIR and --home.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

TASKBAR = 40


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 1366x768") from None
    if w < 640 or h < 480:
        raise argparse.ArgumentTypeError("the smallest screen the tour knows is 640x480")
    return w, h


def _virtual_screen(folder: Path, width: int, height: int) -> str:
    """Qt's offscreen platform with one screen of this size (its available area)."""
    config = folder / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "tour", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), "utf-8")
    return f"offscreen:configfile={config}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m privdesk.ui.tour", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--size", type=_size, default=(1366, 768), help="screen, e.g. 1366x768")
    parser.add_argument("--taskbar", type=int, default=TASKBAR,
                        help=f"pixels a taskbar takes off the screen's height ({TASKBAR})")
    parser.add_argument("--home", type=Path, default=None,
                        help="privdesk home for the demo store (kept, so a second run is "
                             "quicker); a temporary folder by default")
    args = parser.parse_args(argv)
    width, height = args.size
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="privdesk-tour-") as tmp:
        work = Path(tmp)
        home = args.home or work / "home"
        os.environ["QT_QPA_PLATFORM"] = _virtual_screen(work, width, height - args.taskbar)
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            os.environ[var] = str(work / var.lower())  # QSettings and Qt's caches stay here
        return _run(args.out, home, work)


def _run(out: Path, home: Path, work: Path) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from privdesk.app import Session, ensure_demo_store
    from privdesk.paths import AppPaths
    from privdesk.policy import load_policy
    from privdesk.ui.gc_guard import GuiThreadCollector
    from privdesk.ui.style import apply_style
    from privdesk.ui.tour.driver import Tour
    from privdesk.ui.tour.steps import script

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("privdesk-tour")
    app.setApplicationName("privdesk")
    apply_style(app)
    GuiThreadCollector(app)
    paths = AppPaths(data=home / "data", backups=home / "backups", logs=home / "logs").ensure()
    policy = load_policy()
    print("Preparing the demo store…", flush=True)
    demo = ensure_demo_store(paths, policy)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    session = Session(app, QSettings(), paths, policy, default_officer="")
    tour = Tour(app, out, screen)
    result = tour.run(script(tour, session, demo, work))
    if session.window is not None:
        session.window.destroyed.disconnect(session.close)
    session.close()  # while Qt is still whole: exit backup, key dropped, workers done
    for window in app.topLevelWidgets():
        window.hide()
    print(f"{len(result.shots)} pictures in {out}")
    for misfit in result.misfits:
        print(f"DOES NOT FIT: {misfit}")
    if result.error:
        print(f"The tour stopped: {result.error}", file=sys.stderr)
        return 2
    return 1 if result.misfits else 0


if __name__ == "__main__":
    sys.exit(main())
