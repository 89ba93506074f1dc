/// <reference path="bytes.ts" />
/// <reference path="protocol.ts" />
// The data plane's framing: each JSON message is preceded by its length as a 4-byte big-endian integer.
namespace MeshRpc.Frames {
    /** The largest frame the runtime accepts, as the C# ends do; a longer header means a broken or hostile peer. */
    export var maxFrameBytes = MeshRpc.Protocol.maxFrameBytes;

    export function encode(json: string): Uint8Array {
        var body = MeshRpc.Bytes.utf8Encode(json);
        var frame = new Uint8Array(body.length + 4);
        frame[0] = (body.length >>> 24) & 0xff;
        frame[1] = (body.length >>> 16) & 0xff;
        frame[2] = (body.length >>> 8) & 0xff;
        frame[3] = body.length & 0xff;
        frame.set(body, 4);
        return frame;
    }

    /** Collects received chunks and hands out whole frames as text. */
    export class Reader {
        private buffer = new Uint8Array(0);

        /** Appends a chunk and returns the complete frames it finished, or an error message for a frame over the limit. */
        push(chunk: Uint8Array): { frames: string[]; error: string | null } {
            this.buffer = MeshRpc.Bytes.concat(this.buffer, chunk);
            var frames: string[] = [];
            var offset = 0;
            while (this.buffer.length - offset >= 4) {
                var b = this.buffer;
                var length = ((b[offset] << 24) >>> 0) + (b[offset + 1] << 16) + (b[offset + 2] << 8) + b[offset + 3];
                if (length > maxFrameBytes) {
                    return { frames: frames, error: "the peer announced a " + length + "-byte frame, over the " + maxFrameBytes + "-byte limit" };
                }
                if (this.buffer.length - offset - 4 < length) {
                    break;
                }
                frames.push(MeshRpc.Bytes.utf8Decode(b, offset + 4, offset + 4 + length));
                offset += 4 + length;
            }
            this.buffer = this.buffer.subarray(offset);
            return { frames: frames, error: null };
        }
    }
}
