#!/usr/bin/env bash
# Runs the whole MeshRpc test suite: restore, build, every .NET test project, then the Node.js tests of the
# TypeScript stubs (tests/MeshRpc.TypeScript.Tests, against the builds dotnet test just made).
# Ends with one line counted from the real results: "tests: N passed, M failed[, K skipped]".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
tap=$(mktemp)
trap 'rm -f "$log" "$tap"' EXIT

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

# Node.js tests: the compiled ES5 stubs, their ES5 check, and calls to real workers through the Node host bridge.
node_tests=tests/MeshRpc.TypeScript.Tests
# They start the gateway and node agent from the kit's build, which no .NET test project references.
if ! dotnet build tests/MeshRpc.TestMeshKit --nologo -v quiet; then
  echo "Building tests/MeshRpc.TestMeshKit failed: the TypeScript stub tests could not run." >&2
  status=1
elif ! (cd "$node_tests" && npm ci --no-audit --no-fund --loglevel=error); then
  echo "npm ci failed in $node_tests: the TypeScript stub tests could not run." >&2
  status=1
else
  (cd "$node_tests" && timeout --kill-after=30s 10m node --test \
    --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$tap")
  node_status=$?
  tap_count() { grep -E "^# $1 [0-9]+" "$tap" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
  node_total=$(tap_count tests)
  passed=$((passed + $(tap_count pass)))
  failed=$((failed + $(tap_count fail) + $(tap_count cancelled)))
  skipped=$((skipped + $(tap_count skipped)))
  total=$((total + node_total))
  if [ "$node_status" -ne 0 ] || [ "$node_total" -eq 0 ]; then
    echo "The Node.js tests failed or did not run (exit code $node_status)." >&2
    status=1
  fi
fi

if [ "$total" -eq 0 ]; then
  echo "No test ran: the build failed or no test project was found (see above)." >&2
  [ "$status" -eq 0 ] && status=1
fi

line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$status"
