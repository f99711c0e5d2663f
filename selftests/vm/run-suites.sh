#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test suites one after the other and close with one line summing
# them:  run-suites.sh NAME COMMAND [NAME COMMAND]...
#
# Each COMMAND must end its output with "N passed, N failed, N skipped".
# A suite that exits non-zero without counting a failure, or prints no
# such line, counts as one failure.  Exits non-zero on any failure.
set -uo pipefail

summary_re='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'
total_passed=0 total_failed=0 total_skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

while [ $# -ge 2 ]; do
	name=$1 cmd=$2
	shift 2
	echo "# suite: $name"
	bash -c "$cmd" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	summary=$(tr -d '\r' < "$log" | grep -E "$summary_re" | tail -n 1)
	passed=0 failed=0 skipped=0
	[ -n "$summary" ] && read -r passed _ failed _ skipped _ <<< "$summary"
	if [ -z "$summary" ] || { [ "$rc" != 0 ] && [ "$failed" = 0 ]; }; then
		echo "FAIL $name: exited with $rc${summary:+ after \"$summary\"}"
		failed=$((failed + 1))
	fi
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	total_skipped=$((total_skipped + skipped))
done

echo "# all suites:"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" = 0 ]
