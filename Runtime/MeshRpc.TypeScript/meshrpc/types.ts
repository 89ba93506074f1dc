// How C# types that JSON carries as text appear in stubs; the aliases say what the text holds.
namespace MeshRpc {
    /** A System.Guid, e.g. "8c4e3e0a-5b52-4f3e-9f5e-2f0f3a1e8b11". */
    export type Guid = string;

    /** A DateTime, DateTimeOffset, DateOnly or TimeOnly in ISO 8601, e.g. "2026-11-28T10:00:00+00:00". */
    export type DateTimeText = string;

    /** A TimeSpan in its invariant "c" format, e.g. "1.02:03:04.5000000". */
    export type TimeSpanText = string;

    /** A byte[] in base64; MeshRpc.Bytes.base64Decode turns it into a Uint8Array. */
    export type Base64 = string;
}
