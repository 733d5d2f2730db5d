#!/usr/bin/env bash
# nginx serving a folder of static files on 127.0.0.1: bench/run.sh's ceiling for GETs (the same bytes as
# Tessera's and Swift's objects, as plain files, with sendfile).
#
#   scripts/peers/nginx-static.sh start DIR    serve DIR/www; prints NGINX_URL=... and NGINX_PID=...
#   scripts/peers/nginx-static.sh stop DIR     stop the nginx that `start DIR` started (its PID file)
#
# DIR holds nginx.conf, its logs, temporary files and run/nginx.pid; fill DIR/www before or after start.
# Environment: NGINX_PORT [18180] (the first free port from there on). Installs Debian's nginx-light
# with apt-get when there is no /usr/sbin/nginx (root).
set -euo pipefail
PEER=nginx-static
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }
[ $# = 2 ] || usage
mkdir -p "$2"
DIR=$(cd "$2" && pwd)

stop() {
  local pid
  [ -f "$DIR/run/nginx.pid" ] || { say "nothing started in $DIR"; return 0; }
  pid=$(cat "$DIR/run/nginx.pid")
  # still ours: the master's command line names our configuration
  if ours "$pid" "$DIR/nginx.conf"; then
    kill -TERM "$pid"   # the master stops its workers
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "SIGKILL $pid"; kill -KILL -- "-$pid" 2>/dev/null || true; }
    say "stopped nginx ($pid)"
  fi
  rm -f "$DIR/run/nginx.pid"
}

start() {
  [ -x /usr/sbin/nginx ] || apt_install nginx-light || exit 1
  if [ -f "$DIR/run/nginx.pid" ] && kill -0 "$(cat "$DIR/run/nginx.pid")" 2>/dev/null; then
    say "$DIR is served already (stop it first)"; exit 1
  fi
  mkdir -p "$DIR/www" "$DIR/tmp" "$DIR/run" "$DIR/log"
  chmod 755 "$DIR"   # the workers run as nobody
  local port
  port=$(next_free_port "${NGINX_PORT:-18180}")
  cat > "$DIR/nginx.conf" <<CONF
worker_processes auto;
pid $DIR/run/nginx.master.pid;
error_log $DIR/log/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 120s;
  keepalive_requests 100000000;  # the default (1000) would close the benchmark's connections mid-run
  default_type application/octet-stream;
  client_body_temp_path $DIR/tmp;
  server {
    listen 127.0.0.1:$port;
    root $DIR/www;
  }
}
CONF
  # in the foreground of its own session: \$! is the master, and the leader of its process group
  setsid /usr/sbin/nginx -p "$DIR" -c "$DIR/nginx.conf" -g 'daemon off;' > "$DIR/log/nginx.out" 2>&1 < /dev/null &
  echo $! > "$DIR/run/nginx.pid"
  for _ in $(seq 1 100); do
    ! port_free "$port" && break
    kill -0 "$(cat "$DIR/run/nginx.pid")" 2>/dev/null || { cat "$DIR/log/nginx.out" "$DIR/log/error.log" >&2 2>/dev/null; exit 1; }
    sleep 0.1
  done
  say "nginx $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2) serving $DIR/www on 127.0.0.1:$port"
  echo "NGINX_URL=http://127.0.0.1:$port"
  echo "NGINX_PID=$(cat "$DIR/run/nginx.pid")"
}

case $1 in start) start ;; stop) stop ;; *) usage ;; esac
