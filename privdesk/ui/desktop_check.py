"""Is there a desktop session to open a window on? Checked before Qt starts, because Qt
aborts the process (exit 134, "could not connect to display") when there is none.

No Qt import here: the command line asks this before deciding to load the GUI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from ctypes.util import find_library

# Qt platforms that draw without a desktop session (tests, screenshots, kiosks).
HEADLESS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")

NO_SESSION = (
    "privdesk needs a desktop session to open its window, and none was found (neither "
    "DISPLAY nor WAYLAND_DISPLAY is set: for example a server, a container or an SSH "
    "login). Start it from the desktop, or over SSH with X forwarding (ssh -X). The "
    "command-line tools work without a desktop: see privdesk --help.")

NO_XCB_CURSOR = (
    "privdesk's window needs the system library libxcb-cursor0 (Qt's X11 support), which "
    "is not installed. On Debian or Ubuntu: sudo apt-get install libxcb-cursor0 (the "
    "README's \"First run on a bare machine\" lists every package).")


def desktop_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                    has_library: object = None) -> str | None:
    """Why a window cannot open here, in plain words; None when it can (or when this
    platform has its own window system: Windows, macOS)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") and "bsd" not in platform:
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip().lower()
    if qpa in HEADLESS:
        return None
    wayland, x11 = bool(env.get("WAYLAND_DISPLAY")), bool(env.get("DISPLAY"))
    if not wayland and not x11:
        return NO_SESSION
    uses_xcb = qpa == "xcb" or (not wayland and qpa in ("", "xcb"))
    find = has_library if callable(has_library) else find_library
    if uses_xcb and not find("xcb-cursor"):
        return NO_XCB_CURSOR
    return None
