#!/usr/bin/env bash
# Runs the whole MeshRpc test suite: restore, build, every test project.
# Ends with one line counted from the real results: "tests: N passed, M failed[, K skipped]".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A backstop far above the suite's few minutes: a hung test must fail the run, not stall it.
timeout --kill-after=30s 25m dotnet test --solution MeshRpc.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "The test run did not finish within 25 minutes and was stopped." >&2
fi

# dotnet test (Microsoft.Testing.Platform) closes with one summary over every test assembly.
count() { grep -E "^\s+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
total=$(count total)
failed=$(count failed)
passed=$(count succeeded)
skipped=$(count skipped)

if [ "$total" -eq 0 ]; then
  echo "No test ran: the build failed or no test project was found (see above)." >&2
  [ "$status" -eq 0 ] && status=1
fi

line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$status"
