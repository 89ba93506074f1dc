// The Capability Ticket as the gateway issues it (docs/schemas/capability-ticket.schema.json).
namespace MeshRpc {
    export interface CapabilityTicket {
        schemaVersion: number;
        ticketId: string;
        workerId: string;
        contract: { name: string; hash: string };
        nodeId: string;
        endpoints: { direct: string; relay?: string };
        tls?: { algorithm: string; fingerprint: string };
        auth: { algorithm: string; keyId: string; claims: string; signature: string; expiresAt: string; secret: string };
        heartbeat: { intervalMs: number; timeoutMs: number };
        issuedAt: string;
        expiresAt: string;
        lifetime?: { endsAt: string; idleTimeoutMs?: number };
    }

    /** The contract a stub speaks: the worker refuses a handshake whose hash differs from its own. */
    export interface ContractIdentity {
        name: string;
        hash: string;
    }

    /** Parses a direct endpoint, "tls://host:port" (TLS, certificate pinned by the ticket) or "tcp://host:port"; null when it is neither. */
    export function parseDirectEndpoint(endpoint: string): { host: string; port: number; tls: boolean } | null {
        var match = /^(tls|tcp):\/\/(\[[^\]]+\]|[^:\/]+):(\d+)\/?$/.exec(endpoint);
        if (!match) {
            return null;
        }
        var host = match[2].charAt(0) === "[" ? match[2].substring(1, match[2].length - 1) : match[2];
        return { host: host, port: parseInt(match[3], 10), tls: match[1] === "tls" };
    }

    /** The ticket's certificate pin for a TLS endpoint, or an explanation of why the ticket's TLS fields do not fit its endpoint. */
    export function certificatePin(ticket: CapabilityTicket, tls: boolean): { pin: string | null; problem: string | null } {
        if (!tls) {
            return ticket.tls ? { pin: null, problem: "The ticket's endpoint '" + ticket.endpoints.direct + "' is plain TCP but the ticket pins a certificate. The ticket is malformed; summon the worker again." }
                : { pin: null, problem: null };
        }
        if (!ticket.tls || ticket.tls.algorithm !== "sha-256" || !/^[0-9a-f]{64}$/.test(ticket.tls.fingerprint)) {
            return { pin: null, problem: "The ticket's endpoint '" + ticket.endpoints.direct + "' is TLS but the ticket pins no sha-256 certificate fingerprint. The ticket is malformed; summon the worker again." };
        }
        return { pin: ticket.tls.fingerprint, problem: null };
    }
}
