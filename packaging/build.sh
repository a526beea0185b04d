#!/usr/bin/env bash
# Build the one-folder desktop bundle (dist/privdesk/), self-test it, print its size.
#
#   bash packaging/build.sh            use this Python if PyInstaller is installed in it,
#                                      else make a fresh venv in build/venv with .[package]
#   PYTHON=/path/python bash packaging/build.sh    build with that interpreter
#   FRESH_VENV=1 bash packaging/build.sh           always build in a fresh venv
#   DIST_DIR=/tmp/out WORK_DIR=/tmp/work bash ...   build elsewhere (tests/packaging does)
#
# The version comes from privdesk/__init__.py (__version__), the one place it is defined.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
DIST_DIR="$(mkdir -p "${DIST_DIR:-dist}" && cd "${DIST_DIR:-dist}" && pwd)"
WORK_DIR="${WORK_DIR:-build/pyinstaller}"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' privdesk/__init__.py)"
[ -n "$VERSION" ] || { echo "build: no __version__ in privdesk/__init__.py" >&2; exit 1; }

if [ "${FRESH_VENV:-0}" = "1" ] || ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "== fresh build venv (build/venv) with privdesk[package]"
  "$PYTHON" -m venv build/venv
  PYTHON="$ROOT/build/venv/bin/python"
  "$PYTHON" -m pip install --quiet --upgrade pip
  "$PYTHON" -m pip install --quiet ".[package]"
fi

echo "== privdesk $VERSION: PyInstaller $("$PYTHON" -m PyInstaller --version) on $("$PYTHON" --version)"
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST_DIR" --workpath "$WORK_DIR" packaging/privdesk.spec
took=$(( $(date +%s) - start ))

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) EXE="$DIST_DIR/privdesk/privdesk-cli.exe" ;;
  *) EXE="$DIST_DIR/privdesk/privdesk" ;;
esac

echo "== self-test of the built bundle (offscreen, throwaway PRIVDESK_HOME)"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
# From an unrelated folder, so nothing can be picked up from this checkout by accident.
(cd "$home" && QT_QPA_PLATFORM=offscreen PRIVDESK_HOME="$home" "$EXE" --self-test)
"$EXE" --version

# Bytes in files (not disk blocks), the same measure on every OS.
"$PYTHON" - "$VERSION" "$took" "$DIST_DIR/privdesk" <<'PY'
import sys
from pathlib import Path
bundle = Path(sys.argv[3])
files = [f for f in bundle.rglob("*") if f.is_file() and not f.is_symlink()]
size = sum(f.stat().st_size for f in files)
print(f"== built {bundle} (privdesk {sys.argv[1]}) in {sys.argv[2]} s: "
      f"{size / 2**20:.0f} MiB in {len(files)} files")
PY
