#!/usr/bin/env bash
# Runs the forge benchmark for one sandbox provider at two revisions in turn (base, head, base, head, ...) in one
# invocation, so that both see the same machine at the same time, and prints each run's table row.
# Usage: tests/MeshRpc.Benchmarks/compare-revisions.sh <base-revision> [rounds=2] [samples=10] [provider=lxc]
set -euo pipefail
base=${1:?usage: compare-revisions.sh <base-revision> [rounds] [samples] [provider]}
rounds=${2:-2}
samples=${3:-10}
provider=${4:-lxc}

echo "| round | revision $(printf '%s' '| provider | floor: /bin/true | floor: .NET hello | floor: native host | cold | cold / .NET floor | cold, native gem | native / .NET floor | warm pool | cold, TLS off | warm pool, TLS off |')"
"$(dirname "$0")/revisions.sh" "$base" "$rounds" forge --samples "$samples" --providers "$provider" | grep -F "| $provider |"
