#!/bin/sh
# Adds assess to the desktop's application menu for this user (or, run as root with --system, for everyone):
# the desktop entry and the SVG icon. Run from the bundle's folder, the entry starts that bundle's program;
# otherwise `assess` must be on PATH (a wheel installed with pipx, or into a virtual environment whose bin/ is
# on PATH), or give the program's path as ASSESS_PROGRAM=/opt/assess/assess.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
icon="$here/../../assess/resources/assess.svg"
[ -f "$icon" ] || icon="$here/assess.svg"  # the bundle ships the icon beside this script
if [ "${1:-}" = "--system" ]; then
  apps=/usr/share/applications; icons=/usr/share/icons/hicolor/scalable/apps
else
  apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"; icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
fi
mkdir -p "$apps" "$icons"
cp "$icon" "$icons/assess.svg"
program=assess
[ -x "$here/assess" ] && [ -f "$here/assess" ] && program="$here/assess"  # the bundle's own program
program=${ASSESS_PROGRAM:-$program}
sed -e "s|^Exec=.*|Exec=$program|" -e "s|^TryExec=.*|TryExec=$program|" "$here/assess.desktop" > "$apps/assess.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" 2>/dev/null || true
echo "assess: desktop entry $apps/assess.desktop, icon $icons/assess.svg"
