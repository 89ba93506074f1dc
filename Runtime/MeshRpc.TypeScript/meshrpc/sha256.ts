/// <reference path="bytes.ts" />
// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104): the handshake proof, computed where no crypto API exists.
namespace MeshRpc.Sha256 {
    var k = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
    ];

    function rotr(x: number, n: number): number {
        return (x >>> n) | (x << (32 - n));
    }

    export function hash(message: Uint8Array): Uint8Array {
        var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
        var paddedLength = Math.ceil((message.length + 9) / 64) * 64;
        var padded = new Uint8Array(paddedLength);
        padded.set(message, 0);
        padded[message.length] = 0x80;
        var bitLength = message.length * 8;
        padded[paddedLength - 4] = (bitLength >>> 24) & 0xff;
        padded[paddedLength - 3] = (bitLength >>> 16) & 0xff;
        padded[paddedLength - 2] = (bitLength >>> 8) & 0xff;
        padded[paddedLength - 1] = bitLength & 0xff;
        padded[paddedLength - 5] = Math.floor(message.length / 0x20000000) & 0xff;

        var w: number[] = [];
        for (var offset = 0; offset < paddedLength; offset += 64) {
            for (var t = 0; t < 64; t++) {
                if (t < 16) {
                    var j = offset + t * 4;
                    w[t] = (padded[j] << 24) | (padded[j + 1] << 16) | (padded[j + 2] << 8) | padded[j + 3];
                } else {
                    var s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
                    var s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
                    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
                }
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (var r = 0; r < 64; r++) {
                var t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[r] + w[r]) | 0;
                var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
                hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
            }
            h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
            h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0;
        }

        var digest = new Uint8Array(32);
        for (var i = 0; i < 8; i++) {
            digest[i * 4] = (h[i] >>> 24) & 0xff;
            digest[i * 4 + 1] = (h[i] >>> 16) & 0xff;
            digest[i * 4 + 2] = (h[i] >>> 8) & 0xff;
            digest[i * 4 + 3] = h[i] & 0xff;
        }
        return digest;
    }

    export function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
        var block = new Uint8Array(64);
        block.set(key.length > 64 ? hash(key) : key, 0);
        var inner = new Uint8Array(64);
        var outer = new Uint8Array(64);
        for (var i = 0; i < 64; i++) {
            inner[i] = block[i] ^ 0x36;
            outer[i] = block[i] ^ 0x5c;
        }
        return hash(MeshRpc.Bytes.concat(outer, hash(MeshRpc.Bytes.concat(inner, message))));
    }
}
