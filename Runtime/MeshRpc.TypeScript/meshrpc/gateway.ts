/// <reference path="connection.ts" />
// Summon and teardown through UAH CORE's v2 API (docs/uah-core-v2.md).
namespace MeshRpc {
    /** What to summon: exactly one of gem (a gem pointer) or sourceCode (C# implementing the contract). */
    export interface SummonRequest {
        gem?: string;
        sourceCode?: string;
        /** How long the worker outlives its last heartbeat. */
        heartbeatTimeoutMs?: number;
        /** Labels the node must carry. */
        requiredLabels?: string[];
        /** Memory the worker needs, in MiB. */
        memoryMb?: number;
        /** Where the worker may connect ("10.1.2.0/24:443", "10.1.2.3:*"); by default nowhere. The gateway's policy caps it. */
        egress?: string[];
        /** How long the worker may live, in milliseconds; the gateway's cap when absent, and at most that. extend() moves it. */
        maxLifetimeMs?: number;
        /** How long the worker may go without a call before it ends, in milliseconds; never when absent. */
        idleTimeoutMs?: number;
    }

    /** Summons a worker through the gateway and connects to it; destruct() later tears it down through the same gateway. */
    export function summon(gatewayUrl: string, contract: ContractIdentity, request: SummonRequest, callback: Callback<Connection>): void {
        var host = MeshRpc.host();
        if (host === null) {
            callback(error(ErrorCodes.InvalidArgument, "No MeshRpc host bridge: call MeshRpc.useHost(host) with the host's bridge before summoning."));
            return;
        }
        if (!request || (!request.gem === !request.sourceCode)) {
            callback(error(ErrorCodes.InvalidArgument, "A summon request needs exactly one of 'gem' (a gem pointer such as gem://name@1.0.0) or 'sourceCode'."));
            return;
        }
        var base = gatewayUrl.replace(/\/+$/, "");
        var authorization = MeshRpc.authorization();
        var body = {
            contract: contract.name, contractHash: contract.hash, gem: request.gem || null, sourceCode: request.sourceCode || null,
            heartbeatTimeoutMs: request.heartbeatTimeoutMs || null, requiredLabels: request.requiredLabels || null, memoryMb: request.memoryMb || null,
            egress: request.egress || null, maxLifetimeMs: request.maxLifetimeMs || null, idleTimeoutMs: request.idleTimeoutMs || null
        };
        host.http("POST", base + "/api/v2/swarm_spawn_ephemeral", JSON.stringify(body), function (transport, status, text) {
            if (transport !== null) {
                callback(summonFailed("gateway_unreachable", "Could not reach the gateway at " + base + ": " + transport + ". Check the gateway URL and that UAH CORE is running."));
                return;
            }
            var reply = parseJson(text);
            if (status !== 200 || !reply || !reply.ticket) {
                var failure = summonFailed(reply && reply.code ? reply.code : "http_" + status,
                    reply && reply.detail ? reply.detail : "The gateway answered the summon with HTTP " + status + ".");
                if (reply && reply.diagnostics) {
                    failure.diagnostics = reply.diagnostics;
                }
                callback(failure);
                return;
            }
            var ticket: CapabilityTicket = reply.ticket;

            // Teardown proves the same caller as the summon, whatever credential the script uses by then.
            function teardown(done: (error: MeshError | null) => void): void {
                host!.http("DELETE", base + "/api/v2/workers/" + Bytes.percentEncode(ticket.workerId), null, function (failed, code, answer) {
                    if (failed !== null || (code !== 204 && code !== 200 && code !== 404)) {
                        var detail = failed !== null ? failed : "HTTP " + code + " " + answer;
                        done(error(ErrorCodes.TeardownFailed, "The gateway could not tear worker " + ticket.workerId + " down (" + detail + "); its heartbeat timeout will end it."));
                    } else {
                        done(null);
                    }
                }, authorization);
            }
            Connection.open(ticket, contract, function (failed, connection) {
                if (failed || !connection) {
                    // A worker nobody can reach is torn down at once instead of waiting out its heartbeat timeout.
                    teardown(function () { callback(failed); });
                    return;
                }
                connection.onDestruct(teardown);
                connection.onExtend(function (lifetimeMs, done) {
                    host!.http("POST", base + "/api/v2/workers/" + Bytes.percentEncode(ticket.workerId) + "/lifetime", JSON.stringify({ lifetimeMs: lifetimeMs }), function (failed, code, answer) {
                        var set = failed === null ? parseJson(answer) : null;
                        if (failed === null && code === 200 && set && typeof set.endsAt === "string") {
                            done(null, set.endsAt);
                        } else {
                            done(summonFailed(set && set.code ? set.code : "http_" + code,
                                "The gateway did not extend worker " + ticket.workerId + ": " + (failed !== null ? failed : set && set.detail ? set.detail : "HTTP " + code) + "."));
                        }
                    }, authorization);
                });
                callback(null, connection);
            });
        }, authorization);
    }

    function summonFailed(reason: string, message: string): MeshError {
        var failure = error(ErrorCodes.SummonFailed, message);
        failure.reason = reason;
        return failure;
    }

    function parseJson(text: string): any {
        try {
            return text ? JSON.parse(text) : null;
        } catch (e) {
            return null;
        }
    }
}
