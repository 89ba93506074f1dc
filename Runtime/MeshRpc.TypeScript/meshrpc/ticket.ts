// The Capability Ticket as the gateway issues it (docs/schemas/capability-ticket.schema.json).
namespace MeshRpc {
    export interface CapabilityTicket {
        schemaVersion: number;
        ticketId: string;
        workerId: string;
        contract: { name: string; hash: string };
        nodeId: string;
        endpoints: { direct: string; relay?: string };
        auth: { algorithm: string; keyId: string; claims: string; signature: string; expiresAt: string; secret: string };
        heartbeat: { intervalMs: number; timeoutMs: number };
        issuedAt: string;
        expiresAt: string;
    }

    /** The contract a stub speaks: the worker refuses a handshake whose hash differs from its own. */
    export interface ContractIdentity {
        name: string;
        hash: string;
    }

    /** Parses "tcp://host:port"; null when the endpoint is not one. */
    export function parseTcpEndpoint(endpoint: string): { host: string; port: number } | null {
        var match = /^tcp:\/\/(\[[^\]]+\]|[^:\/]+):(\d+)\/?$/.exec(endpoint);
        if (!match) {
            return null;
        }
        var host = match[1].charAt(0) === "[" ? match[1].substring(1, match[1].length - 1) : match[1];
        return { host: host, port: parseInt(match[2], 10) };
    }
}
