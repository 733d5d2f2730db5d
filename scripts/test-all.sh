#!/usr/bin/env bash
# README's test command: installs what the tests need, then runs every test of every module
# (unit tests, the store contract suite, and the end-to-end suites with real clients, on both
# backends, plus the node-loss scenario on a three-node Cassandra cluster of its own).
#
# The Cassandra tests of every module share one local node: it is started here (bin/cassandra-local,
# data under data/cassandra) unless one is running already, and stopped at the end if it was started
# here. Where it cannot start, the Cassandra tests fail; they are never skipped.
#
# With that one node shared, each module's test classes run in TESSERA_TEST_FORKS JVMs side by side
# (default 2; 1 runs them one after another, as a plain `mvn verify` does). At the end, passed or
# failed, the slowest test classes are listed (scripts/slowest-tests.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-test-deps.sh

if [[ -z "${TESSERA_TEST_CASSANDRA:-}" ]]; then
  if ! bin/cassandra-local status >/dev/null 2>&1; then
    trap 'bin/cassandra-local stop' EXIT
    bin/cassandra-local start
  fi
  # shellcheck disable=SC1091
  source "${TESSERA_CASSANDRA_RUN_DIR:-$PWD/data/cassandra}/cassandra.env"
fi
rc=0
mvn -B verify -Dtessera.test.forks="${TESSERA_TEST_FORKS:-2}" "$@" || rc=$?
scripts/slowest-tests.sh 15 || true
exit $rc
