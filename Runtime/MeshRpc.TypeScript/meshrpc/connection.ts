/// <reference path="host.ts" />
/// <reference path="errors.ts" />
/// <reference path="ticket.ts" />
/// <reference path="frames.ts" />
/// <reference path="sha256.ts" />
/// <reference path="protocol.ts" />
// An authenticated, heartbeating JSON-RPC 2.0 connection to one worker: what generated stubs call through.
namespace MeshRpc {
    var protocolVersion = MeshRpc.Protocol.version;
    var authAlgorithm = MeshRpc.Protocol.authAlgorithm;
    var handshakeTimeoutMs = 15000;

    /** Per-call options. */
    export interface CallOptions {
        /** Give up after this many milliseconds: the callback gets a Timeout error and the worker is asked to cancel. */
        timeoutMs?: number;
        /**
         * The caller's W3C trace context (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>), sent with the request so
         * the worker's span of the call joins the caller's trace; tracestate goes with it when given.
         */
        traceparent?: string;
        tracestate?: string;
    }

    var traceParentPattern = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

    /** A call in flight. cancel() asks the worker to cancel (its CancellationToken fires) and reports Cancelled at once. */
    export interface PendingCall {
        cancel(): void;
    }

    interface Pending {
        method: string;
        callback: Callback<any>;
        timer: unknown;
    }

    /** The worker's error reply, as JSON-RPC and StreamJsonRpc shape it. */
    interface RpcError {
        code: number;
        message: string;
        data?: { type?: string; typeName?: string; message?: string } | null;
    }

    export class Connection {
        /** The worker's process id, as it reported it in the handshake. */
        processId = 0;

        private socket: MeshSocket | null = null;
        private reader = new MeshRpc.Frames.Reader();
        private state = "challenge";
        private nextId = 1;
        private pending: { [id: string]: Pending } = {};
        private onReady: Callback<Connection> | null;
        private teardown: ((callback: (error: MeshError | null) => void) => void) | null = null;
        private extender: ((lifetimeMs: number, callback: Callback<string>) => void) | null = null;
        private destructed = false;
        private handshakeTimer: unknown = null;
        private refusedCertificate: string | null = null;
        private heartbeatTimer: unknown = null;

        constructor(public readonly ticket: CapabilityTicket, public readonly contract: ContractIdentity, onReady: Callback<Connection>) {
            this.onReady = onReady;
        }

        /** Connects to the ticket's worker and completes the handshake; the callback gets the ready connection. */
        static open(ticket: CapabilityTicket, contract: ContractIdentity, callback: Callback<Connection>): void {
            var host = MeshRpc.host();
            if (host === null) {
                callback(error(ErrorCodes.InvalidArgument, "No MeshRpc host bridge: call MeshRpc.useHost(host) with the host's bridge before connecting."));
                return;
            }
            if (!ticket || !ticket.auth || !ticket.endpoints || !ticket.heartbeat) {
                callback(error(ErrorCodes.InvalidArgument, "The ticket is not a Capability Ticket: it lacks auth, endpoints or heartbeat. Pass the ticket the gateway issued, unchanged."));
                return;
            }
            if (ticket.auth.algorithm !== authAlgorithm) {
                callback(error(ErrorCodes.CallRefused, "The ticket uses auth algorithm '" + ticket.auth.algorithm + "', but this client speaks '" + authAlgorithm + "'. Upgrade the MeshRpc runtime."));
                return;
            }
            var endpoint = parseDirectEndpoint(ticket.endpoints.direct);
            if (endpoint === null) {
                callback(error(ErrorCodes.InvalidArgument, "The ticket's direct endpoint '" + ticket.endpoints.direct + "' is not of the form tls://host:port or tcp://host:port."));
                return;
            }
            var pinned = certificatePin(ticket, endpoint.tls);
            if (pinned.problem !== null) {
                callback(error(ErrorCodes.InvalidArgument, pinned.problem));
                return;
            }
            var connection = new Connection(ticket, contract, callback);
            var pin = pinned.pin;
            var tls: MeshTlsOptions | undefined = pin === null ? undefined : {
                verify: function (presented: string): boolean {
                    if (presented === pin) {
                        return true;
                    }
                    connection.refusedCertificate = presented;
                    return false;
                }
            };
            connection.socket = host.connect(endpoint.host, endpoint.port,
                function (bytes: Uint8Array) { connection.receive(bytes); },
                function (reason: string | null) { connection.closed(reason); },
                tls);
            connection.handshakeTimer = setTimeout(function () {
                if (connection.state === "challenge" || connection.state === "handshake") {
                    connection.fail(error(ErrorCodes.WorkerLost, "Worker " + ticket.workerId + " at " + ticket.endpoints.direct + " did not complete the handshake within " + (handshakeTimeoutMs / 1000) + " seconds."));
                }
            }, handshakeTimeoutMs);
        }

        /** Runs after destruct() closes the connection, e.g. to have the gateway tear the worker down. */
        onDestruct(teardown: (callback: (error: MeshError | null) => void) => void): void {
            this.teardown = teardown;
        }

        /** How extend() reaches the gateway; set by MeshRpc.summon. */
        onExtend(extender: (lifetimeMs: number, callback: Callback<string>) => void): void {
            this.extender = extender;
        }

        /**
         * Lets the worker live lifetimeMs from now (at most the gateway's cap); the callback gets when it now ends (an
         * ISO 8601 instant). Only a worker summoned through MeshRpc.summon can be extended.
         */
        extend(lifetimeMs: number, callback: Callback<string>): void {
            if (typeof lifetimeMs !== "number" || !(lifetimeMs >= 1)) {
                callback(error(ErrorCodes.InvalidArgument, "extend() takes the milliseconds the worker may live from now, a positive number; got " + lifetimeMs + "."));
                return;
            }
            if (this.extender === null) {
                callback(error(ErrorCodes.InvalidArgument, "Worker " + this.ticket.workerId + " was connected with a ticket, not summoned here: only the gateway that summoned it extends it."));
                return;
            }
            this.extender(Math.floor(lifetimeMs), callback);
        }

        /** Calls a method; the callback gets the result or an error value. */
        call(method: string, args: any[], callback: Callback<any>, options?: CallOptions): PendingCall {
            var self = this;
            if (this.state !== "ready") {
                callback(this.unusable(method));
                return { cancel: function () { } };
            }
            var request: { [key: string]: unknown } = { jsonrpc: "2.0", id: 0, method: method, params: args };
            if (options && options.traceparent !== undefined) {
                if (typeof options.traceparent !== "string" || !traceParentPattern.test(options.traceparent)) {
                    callback(error(ErrorCodes.InvalidArgument, "traceparent '" + options.traceparent + "' is not W3C trace context: give 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>."));
                    return { cancel: function () { } };
                }
                request["traceparent"] = options.traceparent;
                if (typeof options.tracestate === "string" && options.tracestate.length > 0) {
                    request["tracestate"] = options.tracestate;
                }
            }
            var id = this.nextId++;
            request["id"] = id;
            var pending: Pending = { method: method, callback: callback, timer: null };
            this.pending[id] = pending;
            this.send(request);
            if (options && options.timeoutMs && options.timeoutMs > 0) {
                var timeoutMs = options.timeoutMs;
                pending.timer = setTimeout(function () {
                    self.abandon(id, error(ErrorCodes.Timeout, "'" + method + "' on worker " + self.ticket.workerId + " did not finish within " + timeoutMs + " ms; the worker was asked to cancel it."));
                }, timeoutMs);
            }
            return {
                cancel: function () {
                    self.abandon(id, error(ErrorCodes.Cancelled, "'" + method + "' was cancelled by the caller."));
                }
            };
        }

        /** Sends a one-way notification. Returns an error value if the connection cannot carry it. */
        notify(method: string, args: any[]): MeshError | null {
            if (this.state !== "ready") {
                return this.unusable(method);
            }
            this.send({ jsonrpc: "2.0", method: method, params: args });
            return null;
        }

        /**
         * Calls a streaming method and pulls its items in batches; the worker produces only as fast as onItem consumes.
         * onItem returning false stops the stream early. The callback runs once, after the last item or on failure.
         */
        stream(method: string, args: any[], onItem: (item: any) => boolean | void, callback: Callback<void>, options?: CallOptions): PendingCall {
            var self = this;
            var current: PendingCall | null = null;
            var streamId: number | null = null;
            var finished = false;
            function finish(failure: MeshError | null): void {
                if (!finished) {
                    finished = true;
                    callback(failure);
                }
            }
            function stop(): void {
                if (streamId !== null) {
                    self.notify(MeshRpc.Protocol.streamDispose, [streamId]);
                }
            }
            function pull(): void {
                current = self.call(MeshRpc.Protocol.streamNext, [streamId, MeshRpc.Protocol.streamBatchSize], function (failure, batch) {
                    if (failure || finished) {
                        finish(failure);
                        return;
                    }
                    for (var i = 0; i < batch.items.length; i++) {
                        if (onItem(batch.items[i]) === false) {
                            if (!batch.done) {
                                stop();
                            }
                            finish(null);
                            return;
                        }
                    }
                    if (batch.done) {
                        finish(null);
                    } else {
                        pull();
                    }
                }, options);
            }
            current = this.call(method, args, function (failure, handle) {
                if (failure || finished) {
                    finish(failure);
                    return;
                }
                streamId = handle.streamId;
                pull();
            }, options);
            return {
                cancel: function () {
                    if (!finished) {
                        if (current) {
                            current.cancel();
                        }
                        stop();
                        finish(error(ErrorCodes.Cancelled, "The stream '" + method + "' was cancelled by the caller."));
                    }
                }
            };
        }

        /** Stops heartbeating, closes the connection and tears the worker down; the callback runs when it is gone. */
        destruct(callback?: (error: MeshError | null) => void): void {
            var done = callback || function () { };
            if (this.destructed) {
                done(null);
                return;
            }
            this.destructed = true;
            this.fail(error(ErrorCodes.WorkerLost, "Worker " + this.ticket.workerId + " was destructed."));
            if (this.teardown) {
                this.teardown(done);
            } else {
                done(null);
            }
        }

        private receive(bytes: Uint8Array): void {
            var read = this.reader.push(bytes);
            for (var i = 0; i < read.frames.length && this.state !== "closed"; i++) {
                var message: any;
                try {
                    message = JSON.parse(read.frames[i]);
                } catch (e) {
                    this.fail(error(ErrorCodes.WorkerLost, "Worker " + this.ticket.workerId + " sent a frame that is not JSON; the connection was closed."));
                    return;
                }
                this.dispatch(message);
            }
            if (read.error !== null) {
                this.fail(error(ErrorCodes.WorkerLost, "The connection to worker " + this.ticket.workerId + " was closed: " + read.error + "."));
            }
        }

        private dispatch(message: any): void {
            if (this.state === "challenge") {
                this.answerChallenge(message);
            } else if (this.state === "handshake") {
                this.completeHandshake(message);
            } else if (message && message.id !== undefined && message.id !== null && this.pending[message.id]) {
                var call = this.pending[message.id];
                delete this.pending[message.id];
                cancelTimer(call.timer);
                if (message.error) {
                    call.callback(this.translate(call.method, message.error));
                } else {
                    call.callback(null, message.result);
                }
            }
        }

        private answerChallenge(message: any): void {
            var ticket = this.ticket;
            var params = message && message.method === MeshRpc.Protocol.challengeMethod ? message.params : null;
            if (!params) {
                this.fail(error(ErrorCodes.CallRefused, "The service at " + ticket.endpoints.direct + " did not open with a MeshRpc challenge; it is not a MeshRpc worker."));
                return;
            }
            if (params.protocol !== protocolVersion) {
                this.fail(error(ErrorCodes.CallRefused, "Worker " + ticket.workerId + " speaks " + params.protocol + ", this client speaks " + protocolVersion + ". Use matching MeshRpc versions."));
                return;
            }
            if (params.workerId !== ticket.workerId) {
                this.fail(error(ErrorCodes.CallRefused, "The endpoint " + ticket.endpoints.direct + " serves worker " + params.workerId + ", but the ticket is for worker " + ticket.workerId + ". The ticket is stale; summon the worker again."));
                return;
            }
            var secret = MeshRpc.Bytes.base64Decode(ticket.auth.secret);
            if (secret === null) {
                this.fail(error(ErrorCodes.InvalidArgument, "The ticket's auth.secret is not base64; pass the ticket the gateway issued, unchanged."));
                return;
            }
            var proofInput = MeshRpc.Bytes.utf8Encode(protocolVersion + "\n" + ticket.workerId + "\n" + ticket.ticketId + "\n" + params.nonce);
            this.state = "handshake";
            this.send({
                jsonrpc: "2.0", id: MeshRpc.Protocol.handshakeMethod, method: MeshRpc.Protocol.handshakeMethod, params: {
                    ticketId: ticket.ticketId, workerId: ticket.workerId, contract: this.contract.name, contractHash: this.contract.hash,
                    keyId: ticket.auth.keyId, claims: ticket.auth.claims, signature: ticket.auth.signature,
                    proof: MeshRpc.Bytes.base64Encode(MeshRpc.Sha256.hmac(secret, proofInput))
                }
            });
        }

        private completeHandshake(message: any): void {
            if (message && message.error) {
                this.fail(error(ErrorCodes.CallRefused, message.error.message || ("Worker " + this.ticket.workerId + " refused the handshake without a reason.")));
                return;
            }
            if (!message || !message.result) {
                this.fail(error(ErrorCodes.CallRefused, "Worker " + this.ticket.workerId + " answered the handshake with neither a result nor an error."));
                return;
            }
            this.processId = message.result.processId;
            this.state = "ready";
            cancelTimer(this.handshakeTimer);
            this.heartbeat();
            var ready = this.onReady;
            this.onReady = null;
            if (ready) {
                ready(null, this);
            }
        }

        private heartbeat(): void {
            var self = this;
            this.heartbeatTimer = setTimeout(function () {
                if (self.state === "ready") {
                    self.send({ jsonrpc: "2.0", method: MeshRpc.Protocol.heartbeatMethod, params: [] });
                    self.heartbeat();
                }
            }, this.ticket.heartbeat.intervalMs);
        }

        private translate(method: string, rpc: RpcError): MeshError {
            var workerId = this.ticket.workerId;
            if (rpc.code === MeshRpc.Protocol.methodNotFoundCode || rpc.code === MeshRpc.Protocol.invalidParamsCode) {
                return error(ErrorCodes.CallRefused, "Worker " + workerId + " does not serve '" + method + "'. Caller and worker were built from different contracts; rebuild both.");
            }
            if (rpc.code === MeshRpc.Protocol.handshakeRefusedCode) {
                return error(ErrorCodes.CallRefused, rpc.message);
            }
            if (rpc.code === MeshRpc.Protocol.requestCanceledCode) {
                return error(ErrorCodes.Cancelled, "'" + method + "' was cancelled.");
            }
            var data = rpc.data || {};
            var remote = error(ErrorCodes.RemoteError, data.message || rpc.message);
            remote.remoteType = data.type || data.typeName || "unknown";
            return remote;
        }

        private abandon(id: number, reason: MeshError): void {
            var call = this.pending[id];
            if (call) {
                delete this.pending[id];
                cancelTimer(call.timer);
                this.send({ jsonrpc: "2.0", method: MeshRpc.Protocol.cancelRequestMethod, params: { id: id } });
                call.callback(reason);
            }
        }

        private unusable(method: string): MeshError {
            return this.destructed
                ? error(ErrorCodes.WorkerLost, "'" + method + "' was called on a stub for worker " + this.ticket.workerId + " after destruct(); summon a new worker.")
                : error(ErrorCodes.WorkerLost, "The connection to worker " + this.ticket.workerId + " is closed; '" + method + "' cannot be sent. The worker exited, was torn down, or its node died.");
        }

        private send(message: any): void {
            if (this.socket !== null && this.state !== "closed") {
                this.socket.send(MeshRpc.Frames.encode(JSON.stringify(message)));
            }
        }

        private closed(reason: string | null): void {
            var workerId = this.ticket.workerId;
            if (this.refusedCertificate !== null) {
                this.fail(error(ErrorCodes.CallRefused, "The TLS certificate at " + this.ticket.endpoints.direct + " has fingerprint sha-256 " + this.refusedCertificate +
                    ", but the ticket for worker " + workerId + " pins " + (this.ticket.tls ? this.ticket.tls.fingerprint : "") +
                    ". Either something is intercepting the connection or the ticket is not for the worker listening there; refusing to talk to it. Summon the worker again."));
            } else if (this.state === "challenge" || this.state === "handshake") {
                this.fail(error(ErrorCodes.WorkerLost, "Could not connect to worker " + workerId + " at " + this.ticket.endpoints.direct + (reason ? ": " + reason : "") +
                    ". The worker may have exited (its heartbeat timeout passed or it was torn down) or its address is not reachable from here."));
            } else {
                this.fail(null);
            }
        }

        /** Closes the connection once; every call still waiting gets a lost-worker error. */
        private fail(reason: MeshError | null): void {
            if (this.state === "closed") {
                return;
            }
            this.state = "closed";
            cancelTimer(this.handshakeTimer);
            cancelTimer(this.heartbeatTimer);
            var socket = this.socket;
            this.socket = null;
            if (socket !== null) {
                socket.close();
            }
            var ready = this.onReady;
            this.onReady = null;
            if (ready) {
                ready(reason || error(ErrorCodes.WorkerLost, "The connection to worker " + this.ticket.workerId + " closed during the handshake."));
            }
            var pending = this.pending;
            this.pending = {};
            for (var id in pending) {
                if (pending.hasOwnProperty(id)) {
                    cancelTimer(pending[id].timer);
                    pending[id].callback(error(ErrorCodes.WorkerLost, "The connection to worker " + this.ticket.workerId + " was lost during '" + pending[id].method + "': the worker exited, was torn down, or its node died."));
                }
            }
        }
    }
}
