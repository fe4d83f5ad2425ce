#!/usr/bin/env bash
# A throwaway redis-server for the shared throttle's tests and bench: on a free loopback
# port, no persistence, stopped at the end.
#
#   eval "$(.ci/redis.sh start)"   # installs redis-server if missing (Debian's package),
#                                  # starts it, exports API_ENTREPRISE_REDIS_TEST_URL
#   .ci/redis.sh stop              # stops the server that start started
#
# Sourced, it defines the functions redis_start and redis_stop instead.

REDIS_DIR="${REDIS_DIR:-${TMPDIR:-/tmp}/apie-ci-redis}"

redis_install() {
    command -v redis-server >/dev/null && return 0
    echo "installing redis-server (Debian package)" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >&2
}

redis_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_start() {
    redis_install
    mkdir -p "$REDIS_DIR"
    local port
    port="$(redis_free_port)"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
        --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
        --dir "$REDIS_DIR" >&2
    local i
    for i in $(seq 1 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -p "$port" ping >/dev/null || { cat "$REDIS_DIR/redis.log" >&2; return 1; }
    export API_ENTREPRISE_REDIS_TEST_URL="redis://127.0.0.1:$port/"
    echo "redis-server on port $port" >&2
    echo "export API_ENTREPRISE_REDIS_TEST_URL=$API_ENTREPRISE_REDIS_TEST_URL"
}

redis_stop() {
    local pidfile="$REDIS_DIR/redis.pid"
    [ -f "$pidfile" ] || return 0
    local pid
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$pidfile" "$REDIS_DIR/redis.log"
    rmdir "$REDIS_DIR" 2>/dev/null || true
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start) redis_start ;;
        stop) redis_stop ;;
        *) echo "usage: $0 start|stop" >&2; exit 2 ;;
    esac
fi
