#!/usr/bin/env bash
# Install a built bundle (dist/privdesk) for the current user on Linux, no root needed:
#   ~/.local/opt/privdesk/          the bundle (replaced on upgrade; your data is elsewhere)
#   ~/.local/bin/privdesk           a link to its executable
#   ~/.local/share/applications/privdesk.desktop, and icons in ~/.local/share/icons/hicolor
#
#   bash packaging/install-linux.sh [BUNDLE_DIR]        (default: dist/privdesk)
#   bash packaging/install-linux.sh --uninstall
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
PREFIX="${PREFIX:-$HOME/.local}"
DATA="${XDG_DATA_HOME:-$PREFIX/share}"
APPDIR="$PREFIX/opt/privdesk"
SIZES="16 32 48 64 128 256 512"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$APPDIR" "$PREFIX/bin/privdesk" "$DATA/applications/privdesk.desktop" \
    "$DATA/icons/hicolor/scalable/apps/privdesk.svg"
  for s in $SIZES; do rm -f "$DATA/icons/hicolor/${s}x${s}/apps/privdesk.png"; done
  echo "privdesk removed (your stores and backups were not touched)"
  exit 0
fi

BUNDLE="$(cd "${1:-$ROOT/dist/privdesk}" && pwd)"
[ -x "$BUNDLE/privdesk" ] || { echo "no built bundle at $BUNDLE (run packaging/build.sh)" >&2; exit 1; }

mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$DATA/applications"
rm -rf "$APPDIR.new"
cp -a "$BUNDLE" "$APPDIR.new"
rm -rf "$APPDIR"
mv "$APPDIR.new" "$APPDIR"  # swap in whole, so a failed copy never leaves half a bundle
ln -sfn "$APPDIR/privdesk" "$PREFIX/bin/privdesk"

ICONS="$APPDIR/_internal/privdesk/resources/icons"
for s in $SIZES; do
  install -D -m 644 "$ICONS/privdesk-$s.png" "$DATA/icons/hicolor/${s}x${s}/apps/privdesk.png"
done
install -D -m 644 "$ICONS/privdesk.svg" "$DATA/icons/hicolor/scalable/apps/privdesk.svg"
sed -e "s|^Exec=.*|Exec=$APPDIR/privdesk|" -e "s|^TryExec=.*|TryExec=$APPDIR/privdesk|" \
  "$HERE/privdesk.desktop" > "$DATA/applications/privdesk.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true

echo "privdesk installed in $APPDIR"
"$APPDIR/privdesk" --version
