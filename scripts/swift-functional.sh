#!/usr/bin/env bash
# Runs OpenStack Swift's own functional suite (test/functional of tag 2.30.1) against a server started
# here, then stops it: Tessera on either backend, or the reference Swift (scripts/peers/swift-saio.sh)
# for the figure to compare with. Prints a table per test file and one last line:
#   SUMMARY passed=N failed=N errors=N skipped=N total=N
# Not part of the test suite: the Swift checkout has to be fetched first, and CI has no network.
#
#   scripts/swift-functional.sh [embedded|cassandra|swift] [SWIFT_CHECKOUT]
#
# SWIFT_CHECKOUT (or SWIFT_SRC): a clone of openstack/swift at tag 2.30.1, or any git repository of it
# that has the tag (bare mirrors too: the tag's test/ tree is extracted). Get one with
#   git clone --branch 2.30.1 https://opendev.org/openstack/swift
# Environment:
#   PORT              HTTP port of the Tessera started here (default 8098); NBD takes any free port
#   SWIFT_TEST_FILES  test files relative to test/functional (default: the 13 below)
#   SWIFT_PYTEST_ARGS extra pytest arguments (e.g. "-x" or "-k TestObject")
#   SWIFT_FUNC_OUT    where to keep test.conf, the pytest log, junit.xml, the server's log (default: mktemp -d)
#   TESSERA_CASSANDRA_CONTACT_POINTS  for cassandra (default 127.0.0.1:9042: `bin/cassandra-local start`);
#                     each run creates a keyspace of its own
#   TESSERA_CASSANDRA_REPLICATION  its replication (default {class: SimpleStrategy, factor: 1}: one node)
# Debian's python runs the suite (/usr/bin/python3 with python3-pytest, python3-mock, python3-swift,
# python3-swiftclient): installed here with apt-get when missing (needs root).
# Build first (not for swift): mvn -B -q -DskipTests package
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PY=/usr/bin/python3
TAG=2.30.1
target=${1:-embedded}
src=${2:-${SWIFT_SRC:-}}
case $target in embedded|cassandra|swift) ;; *) echo "usage: $0 [embedded|cassandra|swift] [SWIFT_CHECKOUT]" >&2; exit 2 ;; esac

how_to_get() {
  echo "$1" >&2
  echo "Swift's functional suite comes from a checkout of openstack/swift at tag $TAG:" >&2
  echo "  git clone --branch $TAG https://opendev.org/openstack/swift /path/to/swift" >&2
  echo "  $0 $target /path/to/swift        (or SWIFT_SRC=/path/to/swift $0 $target)" >&2
  exit 2
}
[ -n "$src" ] || how_to_get "no Swift checkout given."
[ -e "$src" ] || how_to_get "$src does not exist."
src=$(cd "$src" && pwd)

out=${SWIFT_FUNC_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/swift-func.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# ------------------------------------------------------------------ the suite's tree
if [ -f "$src/test/functional/__init__.py" ]; then
  tree=$src
  at=$(git -C "$src" describe --tags --exact-match 2>/dev/null || echo "not a tagged git checkout")
  [ "$at" = "$TAG" ] || echo "warning: $src is at $at, not $TAG: counts may differ from docs/compatibility.md" >&2
elif git --git-dir="$src" rev-parse -q --verify "$TAG^{commit}" >/dev/null 2>&1 ||
     git -C "$src" rev-parse -q --verify "$TAG^{commit}" >/dev/null 2>&1; then
  gitdir=$(git -C "$src" rev-parse --git-dir 2>/dev/null || echo "$src")
  case $gitdir in /*) ;; *) gitdir=$src/$gitdir ;; esac
  tree=$out/swift-$TAG
  rm -rf "$tree"; mkdir -p "$tree"
  git --git-dir="$gitdir" archive "$TAG" test | tar -x -C "$tree"
else
  how_to_get "$src has no test/functional and no tag $TAG."
fi

# ------------------------------------------------------------------ Debian's packages for the suite
if ! "$PY" -c 'import pytest, mock, swift, swiftclient, eventlet, six' 2>/dev/null; then
  pkgs="python3-pytest python3-mock python3-swift python3-swiftclient"
  [ "$(id -u)" = 0 ] || { echo "the suite needs Debian's $pkgs; as root: apt-get install $pkgs" >&2; exit 2; }
  echo "installing $pkgs" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -q >&2
  apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $pkgs >&2
fi

# ------------------------------------------------------------------ the server
server_pid= saio=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  [ -z "$saio" ] || scripts/peers/swift-saio.sh stop "$saio" --purge >&2 || true
}
trap cleanup EXIT
if [ "$target" = swift ]; then
  saio=$out/saio
  scripts/peers/swift-saio.sh start "$saio" > "$out/saio.env"
  auth_url=$(sed -n 's/^SWIFT_AUTH_URL=//p' "$out/saio.env")
  echo "reference Swift at $auth_url, logs in $saio/log" >&2
else
  [ -n "$(ls server/target/tessera-server-*.jar 2>/dev/null)" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
  port=${PORT:-8098}
  home=$out/tessera
  mkdir -p "$home"
  hash() { printf '%s' "$1" | bin/tessera hash-key; }
  cat > "$home/users.yaml" <<USERS
# the tempauth users of Swift's functional tests (its test.conf): for this run only
users:
  - {user: "test:tester",   key_hash: "$(hash testing)",  roles: [admin]}
  - {user: "test:tester2",  key_hash: "$(hash testing2)", roles: [admin]}
  - {user: "test:tester3",  key_hash: "$(hash testing3)", roles: []}
  - {user: "test2:tester2", key_hash: "$(hash testing2)", roles: [admin]}
USERS
  cat > "$home/tessera.yaml" <<CONF
server: {host: 127.0.0.1, port: $port}
store:
  backend: $target
  data_dir: $home/data
  cassandra:
    keyspace: func_$(date +%s)
    replication: ${TESSERA_CASSANDRA_REPLICATION:-"{class: SimpleStrategy, factor: 1}"}
auth: {users_file: users.yaml}
volumes: {nbd_port: 0}
CONF
  TESSERA_CONFIG=$home/tessera.yaml bin/tessera run > "$out/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/info" && break
    kill -0 "$server_pid" 2>/dev/null || { echo "tessera did not start:" >&2; tail -20 "$out/server.log" >&2; exit 1; }
    sleep 0.5
  done
  auth_url=http://127.0.0.1:$port/auth/v1.0
  echo "tessera ($target) on port $port, pid $server_pid, log $out/server.log" >&2
fi

# ------------------------------------------------------------------ the suite
# The users of Swift's test.conf (test/sample.conf); account5 (service tokens) is left out, as in the
# reference runs docs/compatibility.md compares with. No storage_domain: test_domain_remap skips.
cat > "$out/test.conf" <<EOF
[func_test]
auth_uri = $auth_url
account = test
username = tester
password = testing
account2 = test2
username2 = tester2
password2 = testing2
username3 = tester3
password3 = testing3
collate = C
insecure = no
storage_domain =

[unit_test]
fake_syslog = False

[swift-constraints]
# none here: the suite reads them from GET /info
EOF
files=${SWIFT_TEST_FILES:-"tests.py test_account.py test_container.py test_object.py test_access_control.py
  test_dlo.py test_slo.py test_tempurl.py test_staticweb.py test_symlink.py test_versioned_writes.py
  test_object_versioning.py test_domain_remap.py"}
args=()
for f in $files; do args+=("test/functional/$f"); done
# pytest runs in a folder that holds only a link to the tree's test/: `import swift` must find Debian's
# python3-swift (the version the suite is tagged with), never the checkout's own swift/ package.
work=$out/work
mkdir -p "$work"
ln -sfn "$tree/test" "$work/test"
echo "running ${#args[@]} files of Swift's functional suite against $auth_url (log: $out/pytest.log)" >&2
rc=0
# shellcheck disable=SC2086
(cd "$work" && SWIFT_TEST_CONFIG_FILE=$out/test.conf SWIFT_TEST_IN_PROCESS=0 PYTHONDONTWRITEBYTECODE=1 \
  "$PY" -m pytest -p no:cacheprovider --rootdir "$work" -o junit_family=xunit1 -q -rfEs --tb=short \
    --junitxml "$out/junit.xml" ${SWIFT_PYTEST_ARGS:-} "${args[@]}") > "$out/pytest.log" 2>&1 || rc=$?
tail -n 2 "$out/pytest.log" >&2

# ------------------------------------------------------------------ the counts, per file
"$PY" - "$out/junit.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict

KINDS = ("passed", "failed", "errors", "skipped")
try:
    cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
except (OSError, ET.ParseError) as e:
    print("SUMMARY passed=0 failed=0 errors=1 skipped=0 total=0 (no junit report: %s)" % e)
    sys.exit(0)
per_file = OrderedDict()
for case in cases:
    parts = (case.get("classname") or "").split(".")  # test.functional.<file>.<class>
    name = parts[2] + ".py" if parts[:2] == ["test", "functional"] and len(parts) > 2 else ".".join(parts)
    tags = {child.tag for child in case}
    kind = ("failed" if "failure" in tags else "errors" if "error" in tags
            else "skipped" if "skipped" in tags else "passed")
    per_file.setdefault(name, Counter())[kind] += 1
total = Counter()
print("%-28s" % "file" + "".join("%8s" % k for k in KINDS))
for name, counts in per_file.items():
    total.update(counts)
    print("%-28s" % name + "".join("%8d" % counts[k] for k in KINDS))
print("SUMMARY " + " ".join("%s=%d" % (k, total[k]) for k in KINDS) + " total=%d" % sum(total.values()))
EOF
echo "details: $out/pytest.log $out/junit.xml" >&2
# pytest: 0 all passed, 1 some failed, 5 nothing collected (every file skipped)
[ $rc = 0 ] || [ $rc = 5 ] || exit 1
