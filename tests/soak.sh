#!/usr/bin/env bash
# The multi-gateway soak (issue 20): summon, call and tear down N times (1,000 by default) across two gateways, one
# Redis and three LXC agents, all started here; then counts what workers left (processes, containers, cgroups, network
# devices, mounts, temporary files, Redis keys) and the gateways' and agents' memory, prints the counts, and fails if
# anything of a worker is left or memory grew past the bound. Needs root, lxc and redis-server. The test suite runs the
# same test with 40 cycles.
# Usage: tests/soak.sh [cycles]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/MeshRpc.IntegrationTests --nologo -v quiet
MESHRPC_SOAK_CYCLES=${1:-1000} MESHRPC_REQUIRE_LXC=1 \
  tests/MeshRpc.IntegrationTests/bin/Debug/net10.0/MeshRpc.IntegrationTests -class MeshRpc.IntegrationTests.SoakTests -showLiveOutput
