#!/usr/bin/env bash
# Runs the forge benchmark for one sandbox provider at two revisions in turn (base, head, base, head, ...) in one
# invocation, so that both see the same machine at the same time, and prints each run's table row and the medians.
# Usage: tests/MeshRpc.Benchmarks/compare-revisions.sh <base-revision> [rounds=2] [samples=10] [provider=lxc]
set -euo pipefail
base=${1:?usage: compare-revisions.sh <base-revision> [rounds] [samples] [provider]}
rounds=${2:-2}
samples=${3:-10}
provider=${4:-lxc}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
# Unprivileged containers (root's subordinate uid) must reach the base worktree's build output through it.
chmod o+x "$work"
cleanup() { git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

git -C "$root" worktree add --detach "$work/base" "$base" >/dev/null
for tree in "$work/base" "$root"; do
  dotnet build -c Release "$tree/tests/MeshRpc.Benchmarks" -v quiet --nologo >/dev/null
done

echo "| round | revision | $(printf '%s' '| provider | floor: /bin/true | floor: .NET hello | floor: native host | cold | cold / .NET floor | cold, native gem | native / .NET floor | warm pool | cold, TLS off | warm pool, TLS off |' | cut -c3-)"
for round in $(seq "$rounds"); do
  for tree in "$work/base" "$root"; do
    name=$([ "$tree" = "$root" ] && echo "head ($(git -C "$root" rev-parse --short HEAD))" || echo "base ($(git -C "$root" rev-parse --short "$base"))")
    row=$(dotnet run -c Release --no-build --project "$tree/tests/MeshRpc.Benchmarks" -- forge --samples "$samples" --providers "$provider" | grep -m1 "^| $provider |")
    echo "| $round | $name $row"
  done
done
