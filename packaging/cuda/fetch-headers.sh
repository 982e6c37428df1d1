#!/usr/bin/env bash
# Run on this (Debian) machine before sending the tree to a GPU machine: GPU machines have no
# network and lack the header-only libraries, sqlite3.h, the data pipeline's text libraries
# (simdjson, RE2, utf8proc: headers and shared libraries, which need only libc and libstdc++) and
# OpenSSL's libcrypto (SHA-256 fingerprints), so
# their Debian packages travel unpacked under deps/cuda (ignored by git; name it in the device
# run's carry list).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/deps/cuda"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
(cd "$work" && apt-get download libsqlite3-dev nlohmann-json3-dev libcli11-dev \
  libsimdjson-dev libsimdjson14 libre2-dev libre2-9 libutf8proc-dev libutf8proc2 libssl-dev libssl3)
for deb in "$work"/*.deb; do dpkg -x "$deb" "$dest"; done
# The pkg-config files say /usr; make them point at where they were unpacked.
sed -i -E 's#=/usr(/|$)#=${pcfiledir}/../../..\1#' "$dest"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc
echo "fetch-headers: unpacked $(ls "$work"/*.deb | wc -l) packages into $dest"
