// Errors are values: every callback's first argument is null or a MeshError, never a thrown exception.
namespace MeshRpc {
    /** The kinds of failure, named as the C# client's exceptions are. */
    export var ErrorCodes = {
        /** The worker could not be reached, or the connection to it broke (C#: WorkerLostException). */
        WorkerLost: "WorkerLost",
        /** The worker refused the handshake or the call: bad ticket, other contract (C#: CallRefusedException). */
        CallRefused: "CallRefused",
        /** The worker's method threw; remoteType names the exception (C#: RemoteWorkerException). */
        RemoteError: "RemoteError",
        /** The gateway could not summon the worker; reason gives the gateway's code (C#: SummonFailedException). */
        SummonFailed: "SummonFailed",
        /** The gateway could not tear the worker down (C#: TeardownFailedException). */
        TeardownFailed: "TeardownFailed",
        /** The caller cancelled the call. */
        Cancelled: "Cancelled",
        /** The call did not finish within its timeoutMs (C#: CallTimeoutException). */
        Timeout: "Timeout",
        /** The script passed something the runtime cannot use (no host bridge, malformed ticket). */
        InvalidArgument: "InvalidArgument"
    };

    /** One compiler diagnostic of summoned source that did not compile. */
    export interface SourceDiagnostic {
        id: string;
        severity: string;
        message: string;
        /** worker.cs for the summoned source, or a file a generator wrote from it; absent for a limit on the whole compilation. */
        file?: string;
        line: number;
        column: number;
    }

    export interface MeshError {
        /** One of ErrorCodes. */
        code: string;
        message: string;
        /** For RemoteError: the remote exception's type name. */
        remoteType?: string;
        /** For SummonFailed: the gateway's error code, one of MeshRpc.Protocol.errorReasons (e.g. "gem_not_found"). */
        reason?: string;
        /** For SummonFailed with reason "compile_failed": each compiler diagnostic. */
        diagnostics?: SourceDiagnostic[];
    }

    /** Node-style callback: an error value, or null and the result. */
    export type Callback<T> = (error: MeshError | null, result?: T) => void;

    export function error(code: string, message: string): MeshError {
        return { code: code, message: message };
    }
}
