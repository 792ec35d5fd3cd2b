#!/usr/bin/env bash
# Load test of `newsdedup serve`'s POST /v1/check-and-add: 16 clients on
# keep-alive loopback connections post N real articles (the repository's
# samples, each page's paragraphs rotated so that no two are equal) to a
# server with the memory index, then with Redis (a throw-away local
# redis-server started by .ci/redis.sh), COUNT times each. Bounded: N
# requests per run.
#
#   scripts/serve-load.sh            # N=20000 COUNT=3
#   N=5000 COUNT=1 scripts/serve-load.sh
#
# req/s is what the shared machine gave; cpu-µs/req is the CPU time per
# request of the whole process (server and clients) plus the Redis
# server, and req/s-of-2-cores is 2 s / that: the rate two cores of our
# own would sustain.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
COUNT=${COUNT:-3}
NEWSDEDUP_REDIS_CLUSTER=0 bash .ci/redis.sh \
  go test ./internal/server -run '^$' -bench ServeCheckAndAdd -benchtime "${N}x" -count "$COUNT"
