#!/usr/bin/env bash
# The slowest test classes of the last run, from the reports Surefire and Failsafe leave in every
# module's target/ (one TEST-<class>.xml per class, its wall time in the <testsuite time="..."> tag).
# scripts/test-all.sh prints this at the end of every run, passed or failed, so that CI's time has names.
#
#   scripts/slowest-tests.sh [N]    the N slowest classes (default 15), then the total per module
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-15}
shopt -s nullglob
reports=(*/target/surefire-reports/TEST-*.xml */target/failsafe-reports/TEST-*.xml)
[ ${#reports[@]} -gt 0 ] || { echo "no test reports under */target (run the tests first)"; exit 0; }
# one line per class: seconds, module, class, tests (the attributes of the first <testsuite ...> tag)
rows=$(for f in "${reports[@]}"; do
  tag=$(grep -m1 -o '<testsuite [^>]*>' "$f" || true)
  [ -n "$tag" ] || continue
  attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$tag"; }
  printf '%s %s %s %s\n' "$(attr time | tr -d ,)" "${f%%/*}" "$(attr name)" "$(attr tests)"
done)
echo "Slowest $n test classes (seconds, wall time of each class in its JVM):"
sort -rn <<<"$rows" | head -n "$n" | awk '{printf "  %8.1f  %-13s %s (%s tests)\n", $1, $2, $3, $4}'
echo "Per module (sum of its classes; with parallel forks the module takes less than this):"
awk '{s[$2] += $1} END {for (m in s) printf "  %8.1f  %s\n", s[m], m}' <<<"$rows" | sort -rn
