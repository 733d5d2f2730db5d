#!/usr/bin/env bash
# README's test command: installs what the tests need, then runs every test of every module
# (unit tests, the store contract suite, and the end-to-end suites with real clients).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-test-deps.sh
exec mvn -B verify "$@"
