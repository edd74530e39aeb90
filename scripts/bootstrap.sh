#!/usr/bin/env bash
# Makes a fresh machine of this kind ready for `make demo` and `make test`: installs Dovecot (the tests' and
# the demo's IMAP server) and chromium (the console's browser tests), starts RabbitMQ, PostgreSQL and Redis
# when they are not running, and enables RabbitMQ's management and Prometheus plugins.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
    echo "bootstrap: installing dovecot-imapd"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq dovecot-imapd >/dev/null
fi
# Debian's chromium: the operator console's browser tests drive it with Playwright (no browser download).
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    echo "bootstrap: installing chromium"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
# The system's own Dovecot is not needed (the tests and the demo run their own on a high port).
if command -v systemctl >/dev/null 2>&1; then as_root systemctl disable --now dovecot >/dev/null 2>&1 || true; fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
    for _ in $(seq 1 120); do port_open "$1" && return 0; sleep 0.5; done
    echo "bootstrap: $2 did not come up on port $1" >&2; return 1
}

if ! port_open 5432; then
    echo "bootstrap: starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    wait_port 5432 PostgreSQL
fi
if ! port_open 6379; then
    echo "bootstrap: starting Redis"
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_port 6379 Redis
fi
if ! port_open 5672; then
    echo "bootstrap: starting RabbitMQ"
    as_root rabbitmq-server -detached
    wait_port 5672 RabbitMQ
fi
# The management UI and HTTP API (http://127.0.0.1:15672) and the Prometheus endpoint (:15692/metrics) the
# operators' dashboard reads; enabling is idempotent and takes effect on the running broker, without a restart.
echo "bootstrap: enabling RabbitMQ's management and Prometheus plugins"
as_root rabbitmq-plugins enable --quiet rabbitmq_management rabbitmq_prometheus >/dev/null

# promtool checks the alert rules and each service's /metrics in the tests. It comes from Debian's prometheus
# package, unpacked into .tools/ (gitignored) rather than installed, so no Prometheus server starts here.
TOOLS="$(cd "$(dirname "$0")/.." && pwd)/.tools"
PROMTOOL="$TOOLS/bin/promtool"
if [ ! -x "$PROMTOOL" ]; then
    echo "bootstrap: fetching promtool (Debian's prometheus package, unpacked into .tools/)"
    unpack="$(mktemp -d)"
    (cd "$unpack" && as_root apt-get update -qq && as_root apt-get download -qq -o APT::Sandbox::User=root prometheus)
    dpkg-deb -x "$unpack"/prometheus_*.deb "$unpack/root"
    mkdir -p "$TOOLS/bin"
    install -m 755 "$unpack/root/usr/bin/promtool" "$PROMTOOL"
    rm -rf "$unpack"
fi
