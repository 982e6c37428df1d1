#!/usr/bin/env bash
# Runs Tunebench's main job from a build folder: the GUI when a display is present, otherwise the
# headless installation report.
set -euo pipefail
build=${1:-build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/bin/tunebench"
else
  echo "No display found: running the headless report (tunebench-cli info)."
  exec "$build/bin/tunebench-cli" info
fi
