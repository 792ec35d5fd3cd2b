#!/usr/bin/env bash
# Runs a command with throw-away Redis servers on loopback:
#
#   bash .ci/redis.sh COMMAND [ARG...]
#
# Installs redis-server from Debian's packages when it is missing, starts
#   - one server, exported as NEWSDEDUP_REDIS_URL=redis://127.0.0.1:PORT/0
#   - a 3-master Redis Cluster, exported as NEWSDEDUP_REDIS_CLUSTER_URL=
#     redis://127.0.0.1:P1?cluster=true&addr=127.0.0.1:P2&addr=127.0.0.1:P3
#     (skip it with NEWSDEDUP_REDIS_CLUSTER=0)
# on free ports of 127.0.0.1 with no persistence, in a temporary directory;
# runs COMMAND, stops the servers (also on failure or interrupt), removes
# the directory and exits with COMMAND's exit code.
set -euo pipefail

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  echo "redis.sh: installing redis-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q redis-server >&2
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/newsdedup-redis.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start PORT [redis-server args...]: starts a server on PORT in the
# background; returns 1 when it does not answer PING within 10 s.
start() {
  local port=$1
  shift
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis-$port.log" --daemonize no "$@" &
  local pid=$!
  pids+=("$pid")
  local i
  for i in $(seq 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  if grep -q 'Address already in use' "$dir/redis-$port.log" 2>/dev/null; then
    echo "redis.sh: port $port was taken meanwhile, trying another" >&2
  else
    echo "redis.sh: redis-server on port $port did not start:" >&2
    tail -n 20 "$dir/redis-$port.log" >&2 || true
  fi
  return 1
}

# Ports are drawn below the kernel's ephemeral range, so that the
# outgoing connections of the tests cannot be holding them.
eph_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
port_lo=10000
port_hi=$((eph_lo - 1))
if [ "$port_hi" -le $((port_lo + 1000)) ]; then
  port_hi=60000
fi

# pick_port: sets $picked to a port nothing listens on.
picked=
pick_port() {
  local i p
  for i in $(seq 200); do
    p=$((port_lo + (RANDOM * 32768 + RANDOM) % (port_hi - port_lo)))
    if port_free "$p"; then
      picked=$p
      return 0
    fi
  done
  echo "redis.sh: no free port found" >&2
  return 1
}

# start_free [args...]: starts a server on a free port, retrying when
# another process takes the port first; sets $started to the port. With
# cluster=1 set, it also picks the cluster bus port. It runs in this
# shell, not in $(...), so that the server's pid lands in $pids.
started=
cluster=
start_free() {
  local try p extra
  for try in 1 2 3 4 5; do
    pick_port
    p=$picked
    extra=()
    if [ -n "$cluster" ]; then
      pick_port
      extra=(--cluster-enabled yes --cluster-port "$picked" --cluster-config-file "nodes-$p.conf"
        --cluster-node-timeout 5000)
    fi
    if start "$p" "${extra[@]}" "$@"; then
      started=$p
      return 0
    fi
  done
  return 1
}

start_free
port=$started
export NEWSDEDUP_REDIS_URL="redis://127.0.0.1:$port/0"
echo "redis.sh: redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') at $NEWSDEDUP_REDIS_URL" >&2

if [ "${NEWSDEDUP_REDIS_CLUSTER:-1}" != 0 ]; then
  cports=()
  for n in 1 2 3; do
    cluster=1 start_free
    cports+=("$started")
  done
  redis-cli --cluster create "127.0.0.1:${cports[0]}" "127.0.0.1:${cports[1]}" \
    "127.0.0.1:${cports[2]}" --cluster-replicas 0 --cluster-yes >"$dir/cluster-create.log" 2>&1 || {
    echo "redis.sh: redis-cli --cluster create failed:" >&2
    cat "$dir/cluster-create.log" >&2
    exit 1
  }
  ok=
  for i in $(seq 100); do
    ok=1
    for p in "${cports[@]}"; do
      if ! redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; then
        ok=
      fi
    done
    [ -n "$ok" ] && break
    sleep 0.1
  done
  if [ -z "$ok" ]; then
    echo "redis.sh: the cluster did not reach cluster_state:ok" >&2
    exit 1
  fi
  export NEWSDEDUP_REDIS_CLUSTER_URL="redis://127.0.0.1:${cports[0]}?cluster=true&addr=127.0.0.1:${cports[1]}&addr=127.0.0.1:${cports[2]}"
  echo "redis.sh: Redis Cluster at $NEWSDEDUP_REDIS_CLUSTER_URL" >&2
fi

set +e
"$@"
code=$?
set -e
exit "$code"
