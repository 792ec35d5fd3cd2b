#!/usr/bin/env bash
# Tests the Scrapy pipeline against a real server: installs Debian's
# python3-scrapy when it is missing, builds newsdedup, starts
# `newsdedup serve` on a free loopback port with a bearer token, runs
# test_pipeline.py (a spider over file:// pages it writes) with Debian's
# python3, then stops the server with SIGTERM and checks it stopped
# cleanly. Called by .ci/run; run it from anywhere:
#
#   bash examples/scrapy/run_test.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3

if ! "$py" -c 'import scrapy' 2>/dev/null; then
  echo "scrapy: installing python3-scrapy" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends python3-scrapy >/dev/null
fi
echo "scrapy: $("$py" -c 'import scrapy; print(scrapy.__version__)')"

dir=$(mktemp -d "${TMPDIR:-/tmp}/newsdedup-scrapy.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

(cd "$repo" && go build -o "$dir/newsdedup" ./cmd/newsdedup)
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token"
"$dir/newsdedup" serve --listen 127.0.0.1:0 --addr-file "$dir/addr" --token-file "$dir/token" 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 200); do
  [ -s "$dir/addr" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/serve.log" >&2; echo "scrapy: the server did not start" >&2; exit 1; }
  sleep 0.05
done
[ -s "$dir/addr" ] || { echo "scrapy: the server did not start in 10 s" >&2; exit 1; }

set +e
(cd "$here" && NEWSDEDUP_URL="http://$(cat "$dir/addr")" NEWSDEDUP_TOKEN="$(cat "$dir/token")" \
  timeout 300 "$py" -m unittest -v test_pipeline)
code=$?
set -e

kill -TERM "$pid"
set +e
wait "$pid"
scode=$?
set -e
pid=
if [ "$code" -ne 0 ]; then
  cat "$dir/serve.log" >&2
  exit "$code"
fi
if [ "$scode" -ne 0 ] || ! grep -q 'newsdedup: stopped' "$dir/serve.log"; then
  cat "$dir/serve.log" >&2
  echo "scrapy: the server exited $scode on SIGTERM, want 0 after a clean stop" >&2
  exit 1
fi
echo "scrapy: ok"
