#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report's browser test
# (cmd/newsdedup/browser_test.go), unless a chromium is already there.
# Called by .ci/run; safe to run again.
set -euo pipefail

for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null; then
    echo "chromium: $("$b" --version 2>/dev/null || echo "$b")"
    exit 0
  fi
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: $(chromium --version)"
