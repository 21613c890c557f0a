#!/usr/bin/env bash
# Installs the Debian 12 packages actortx needs; does nothing when they are all present.
# Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(
  build-essential cmake pkg-config g++
  libcaf-dev libpqxx-dev libpq-dev libspdlog-dev libfmt-dev catch2
  postgresql postgresql-contrib
  libcli11-dev nlohmann-json3-dev libssl-dev openssl
  libcivetweb-dev libjs-chart.js
  "$@"
)

missing=()
for pkg in "${packages[@]}"; do
  # "install ok installed" only for a fully installed package (not "deinstall", "half-...").
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this script as root (or install sudo), or install them yourself:" >&2
  echo "  apt-get install ${missing[*]}" >&2
  exit 1
fi

"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
