#!/usr/bin/env bash
# Runs one benchmark at two revisions in turn (base, head, base, head, ...) in one invocation, so that both see the same
# machine at the same time, and prints every table row of every run, each led by its round and revision.
# Usage: tests/MeshRpc.Benchmarks/revisions.sh <base-revision> <rounds> <benchmark arguments...>
#   e.g. revisions.sh c022d26 3 proxy --rounds 10      revisions.sh c022d26 2 summon --samples 20
set -euo pipefail
base=${1:?usage: revisions.sh <base-revision> <rounds> <benchmark arguments...>}
rounds=${2:?usage: revisions.sh <base-revision> <rounds> <benchmark arguments...>}
shift 2
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

for round in $(seq "$rounds"); do
  for tree in "$work/base" "$root"; do
    name=$([ "$tree" = "$root" ] && echo "head ($(git -C "$root" rev-parse --short HEAD))" || echo "base ($(git -C "$root" rev-parse --short "$base"))")
    dotnet run -c Release --no-build --project "$tree/tests/MeshRpc.Benchmarks" -- "$@" | grep -E '^\| ' | grep -vE '^\|-' | sed "s/^/| $round | $name /"
  done
done
