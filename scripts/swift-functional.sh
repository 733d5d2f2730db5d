#!/usr/bin/env bash
# Runs OpenStack Swift's own functional suite (test/functional of tag 2.30.1) against a Tessera started
# here with the four users the suite needs, then stops that Tessera. Not part of the test suite: the
# Swift checkout has to be fetched first, and CI has no network.
#
#   scripts/swift-functional.sh [embedded|cassandra]
# Environment:
#   SWIFT_SRC         openstack/swift checkout or bare git dir (default /work/.mirror/openstack+swift/repo)
#   PORT              HTTP port of the Tessera started here (default 8098); NBD uses PORT+1
#   SWIFT_TEST_FILES  test files relative to test/functional (default: run-functional.sh's list)
#   SWIFT_FUNC_OUT    where to keep the log and junit XML (default: mktemp -d)
#   TESSERA_CASSANDRA_CONTACT_POINTS  for the cassandra backend (default 127.0.0.1:9042); a keyspace of
#                     its own is created per run
#   TESSERA_CASSANDRA_REPLICATION  its replication (default {class: SimpleStrategy, factor: 1}: one node)
#   RUN_FUNCTIONAL    the runner (default ../shared/bench/swift/run-functional.sh)
# Build first: mvn -B -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
backend=${1:-embedded}
port=${PORT:-8098}
src=${SWIFT_SRC:-/work/.mirror/openstack+swift/repo}
runner=${RUN_FUNCTIONAL:-$(cd .. && pwd)/shared/bench/swift/run-functional.sh}

home=$(mktemp -d "${TMPDIR:-/tmp}/tessera-func.XXXXXX")
hash() { printf '%s' "$1" | bin/tessera hash-key; }
cat > "$home/users.yaml" <<USERS
# the tempauth users of Swift's functional tests (SAIO): for this run only
users:
  - {user: "test:tester",   key_hash: "$(hash testing)",  roles: [admin]}
  - {user: "test:tester2",  key_hash: "$(hash testing2)", roles: [admin]}
  - {user: "test:tester3",  key_hash: "$(hash testing3)", roles: []}
  - {user: "test2:tester2", key_hash: "$(hash testing2)", roles: [admin]}
USERS
cat > "$home/tessera.yaml" <<CONF
server: {host: 127.0.0.1, port: $port}
store:
  backend: $backend
  data_dir: $home/data
  cassandra:
    keyspace: func_$(date +%s)
    replication: ${TESSERA_CASSANDRA_REPLICATION:-"{class: SimpleStrategy, factor: 1}"}
auth: {users_file: users.yaml}
volumes: {nbd_port: $((port + 1))}
CONF

TESSERA_CONFIG=$home/tessera.yaml bin/tessera run > "$home/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/info" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "tessera did not start:" >&2; tail -20 "$home/server.log" >&2; exit 1; }
  sleep 0.5
done
echo "tessera ($backend) on port $port, pid $server_pid, log $home/server.log" >&2
"$runner" "http://127.0.0.1:$port/auth/v1.0" "$src"
