// UTF-8 and base64 for engines without TextEncoder or atob: the data plane speaks UTF-8 JSON and tickets carry base64.
namespace MeshRpc.Bytes {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    var hex = "0123456789ABCDEF";

    /**
     * Percent-encodes a URL path segment or query value: letters, digits and - _ . ! ~ * ' ( ) stay, every other byte
     * of its UTF-8 becomes %XX, exactly as encodeURIComponent does (which mquickjs has not).
     */
    export function percentEncode(text: string): string {
        var bytes = utf8Encode(text);
        var out = "";
        for (var i = 0; i < bytes.length; i++) {
            var b = bytes[i];
            var unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e || b === 0x21 || b === 0x2a || b === 0x27 || b === 0x28 || b === 0x29;
            out += unreserved ? String.fromCharCode(b) : "%" + hex.charAt(b >> 4) + hex.charAt(b & 0x0f);
        }
        return out;
    }

    export function utf8Encode(text: string): Uint8Array {
        var out: number[] = [];
        for (var i = 0; i < text.length; i++) {
            var c = text.charCodeAt(i);
            if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
                var low = text.charCodeAt(i + 1);
                if (low >= 0xdc00 && low <= 0xdfff) {
                    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                    i++;
                }
            }
            if (c < 0x80) {
                out.push(c);
            } else if (c < 0x800) {
                out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
            } else if (c < 0x10000) {
                out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
            } else {
                out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
            }
        }
        return new Uint8Array(out);
    }

    export function utf8Decode(bytes: Uint8Array, start: number, end: number): string {
        var parts: string[] = [];
        var i = start;
        while (i < end) {
            var b = bytes[i++];
            var c: number;
            if (b < 0x80) {
                c = b;
            } else if (b < 0xe0) {
                c = ((b & 0x1f) << 6) | (bytes[i++] & 0x3f);
            } else if (b < 0xf0) {
                c = ((b & 0x0f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
            } else {
                c = ((b & 0x07) << 18) | ((bytes[i++] & 0x3f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
            }
            if (c >= 0x10000) {
                c -= 0x10000;
                parts.push(String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff)));
            } else {
                parts.push(String.fromCharCode(c));
            }
        }
        return parts.join("");
    }

    export function base64Encode(bytes: Uint8Array): string {
        var out = "";
        for (var i = 0; i < bytes.length; i += 3) {
            var n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8) | (i + 2 < bytes.length ? bytes[i + 2] : 0);
            out += alphabet.charAt((n >> 18) & 63) + alphabet.charAt((n >> 12) & 63);
            out += i + 1 < bytes.length ? alphabet.charAt((n >> 6) & 63) : "=";
            out += i + 2 < bytes.length ? alphabet.charAt(n & 63) : "=";
        }
        return out;
    }

    /** Returns null for text that is not base64, so a malformed ticket becomes an error value, not a wrong key. */
    export function base64Decode(text: string): Uint8Array | null {
        var clean = text.replace(/=+$/, "");
        if (clean.length % 4 === 1) {
            return null;
        }
        var out = new Uint8Array(Math.floor(clean.length * 3 / 4));
        var bits = 0;
        var value = 0;
        var index = 0;
        for (var i = 0; i < clean.length; i++) {
            var digit = alphabet.indexOf(clean.charAt(i));
            if (digit < 0) {
                return null;
            }
            value = (value << 6) | digit;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[index++] = (value >> bits) & 0xff;
            }
        }
        return out;
    }

    export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
        var out = new Uint8Array(a.length + b.length);
        out.set(a, 0);
        out.set(b, a.length);
        return out;
    }
}
