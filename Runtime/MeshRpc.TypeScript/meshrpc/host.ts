// The host bridge: the only I/O the runtime needs. Hauki OS (or the Node.js bridge, meshrpc-node-host.js) hands it over
// with MeshRpc.useHost(host): on mquickjs, properties a C host sets on the global object are not visible to scripts as
// globals, so the runtime reads none.

/** A TCP connection the host opened. */
interface MeshSocket {
    /** Queues bytes for sending; the host may buffer them until the connection is established. */
    send(bytes: Uint8Array): void;

    /** Closes the connection; the host then calls onClose(null) once. */
    close(): void;
}

/**
 * TLS for a connection. The worker's certificate is self-signed: the host checks no CA and no name, computes the lowercase
 * hex SHA-256 of the certificate's DER encoding and asks verify(); only on true does it deliver or send any data.
 */
interface MeshTlsOptions {
    verify(certificateSha256: string): boolean;
}

/** What a host injects. */
interface MeshHostBridge {
    /**
     * Opens a TCP connection, with TLS when tls is given. onData gets every chunk received, in order. onClose is called
     * exactly once: with null after close() or an orderly end, with an error message when the connection failed or broke
     * (including a certificate verify() refused).
     */
    connect(host: string, port: number, onData: (bytes: Uint8Array) => void, onClose: (error: string | null) => void, tls?: MeshTlsOptions): MeshSocket;

    /**
     * One HTTP request with a JSON (or empty) body. The callback gets a transport error, or the status and body text.
     * authorization, when given, is the request's Authorization header (the caller's credential for UAH CORE).
     */
    http(method: string, url: string, body: string | null, callback: (error: string | null, status: number, body: string) => void, authorization?: string): void;
}

declare function setTimeout(callback: () => void, milliseconds: number): unknown;
declare var clearTimeout: ((handle: unknown) => void) | undefined;

namespace MeshRpc {
    var installed: MeshHostBridge | null = null;
    var credential: string | null = null;

    /**
     * Sets the caller's credential for UAH CORE (an API key from the operator, or a JWT), sent with every summon and
     * teardown that follows; null removes it.
     */
    export function useCredential(value: string | null): void {
        credential = value;
    }

    /** The Authorization header for gateway requests, or undefined without a credential. */
    export function authorization(): string | undefined {
        return credential === null ? undefined : "Bearer " + credential;
    }

    /** Sets the host bridge: the host calls this (or has the script call it) before anything is summoned or connected. */
    export function useHost(host: MeshHostBridge): void {
        installed = host;
    }

    /**
     * Cancels a timer where the engine has clearTimeout, so a finished call or handshake holds no timer that keeps a host
     * (such as Node.js) alive; where it has not, the timer fires later and finds nothing left to do.
     */
    export function cancelTimer(handle: unknown): void {
        if (typeof clearTimeout === "function") {
            clearTimeout(handle);
        }
    }

    /** The bridge useHost installed, or null. */
    export function host(): MeshHostBridge | null {
        return installed;
    }
}
