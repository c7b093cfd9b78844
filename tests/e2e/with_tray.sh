#!/usr/bin/env bash
# Runs the given command with a system tray host on the X display (trayer, an XEmbed tray), so
# the app's tray icon has somewhere to show under Xvfb (steps_native.py screenshots it). Without
# trayer installed the command runs alone and the tray step says so.
set -euo pipefail
tray_pid=
if command -v trayer >/dev/null; then
  trayer --edge top --align right --widthtype pixel --width 48 --height 28 --SetDockType false \
    --transparent false --tint 0x334155 >/dev/null 2>&1 &
  tray_pid=$!
  sleep 0.5
fi
status=0
"$@" || status=$?
[ -n "$tray_pid" ] && kill "$tray_pid" 2>/dev/null || true
exit "$status"
