#!/usr/bin/env bash
# README's test command: installs what the tests need, then runs every test of every module
# (unit tests, the store contract suite, and the end-to-end suites with real clients, on both
# backends, plus the node-loss scenario on a three-node Cassandra cluster of its own).
#
# The Cassandra tests of every module share one local node: it is started here (bin/cassandra-local,
# data under data/cassandra) unless one is running already, and stopped at the end if it was started
# here. Where it cannot start, the Cassandra tests fail; they are never skipped.
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
mvn -B verify "$@"
