#!/usr/bin/env bash
# Runs Tunebench's main job from a build folder: the demo (the starter model fine-tuned with
# LoRA on the demo data, ending with a report). With a display, the GUI opens on the demo project
# (running the demo first when needed); without one, the demo runs in the terminal.
set -euo pipefail
build=${1:-build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/bin/tunebench" --demo
else
  echo "No display found: running the demo in the terminal (tunebench-cli demo)."
  exec "$build/bin/tunebench-cli" demo --replace
fi
