#!/usr/bin/env bash
# Run on this (Debian) machine before sending the tree to a GPU machine: GPU machines have no
# network and lack the header-only libraries and sqlite3.h, so their Debian packages travel
# unpacked under deps/cuda (ignored by git; name it in the device run's carry list).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/deps/cuda"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
(cd "$work" && apt-get download libsqlite3-dev nlohmann-json3-dev libcli11-dev)
for deb in "$work"/*.deb; do dpkg -x "$deb" "$dest"; done
echo "fetch-headers: unpacked $(ls "$work"/*.deb | wc -l) packages into $dest"
