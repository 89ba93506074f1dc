'use strict';
// The runtime's own UTF-8, base64, SHA-256 and HMAC, run in an mquickjs-like context, against Node's implementations.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const vm = require('node:vm');
const { compileToEs5 } = require('./lib/compile');
const { stubs } = require('./lib/paths');
const { createScriptContext } = require('../../Runtime/MeshRpc.TypeScript/node/meshrpc-node-host.js');

const context = createScriptContext();
context.load(compileToEs5('runtime', [path.join(stubs, 'meshrpc', 'gateway.ts'), path.join(stubs, 'meshrpc', 'types.ts')]));
const { Bytes, Sha256, Frames } = context.MeshRpc;

test('the script context has exactly what mquickjs has', () => {
  const has = (name) => vm.runInContext(`typeof ${name}`, context);
  for (const missing of ['encodeURIComponent', 'decodeURIComponent', 'escape', 'unescape', 'DataView', 'Promise', 'Map', 'Set', 'Symbol', 'Proxy', 'Reflect', 'MeshHost', 'require', 'process']) {
    assert.equal(has(missing), 'undefined', `${missing} is defined in the mquickjs-shaped context`);
  }
  for (const present of ['JSON', 'Uint8Array', 'setTimeout', 'clearTimeout', 'print', 'load', 'globalThis', 'console', 'performance']) {
    assert.notEqual(has(present), 'undefined', `${present} is missing from the mquickjs-shaped context`);
  }
  assert.equal(vm.runInContext('typeof "".substr', context), 'undefined');
  assert.equal(vm.runInContext('typeof "".substring', context), 'function');
});

test('percent-encoding matches encodeURIComponent, which mquickjs has not', () => {
  for (const text of [...samples, 'w-0123abcd', 'a/b?c=d&e#f', ' %+!*\'()~_.-', '\u0000\u007f\u0080']) {
    assert.equal(Bytes.percentEncode(text), encodeURIComponent(text), text);
  }
});

const samples = ['', 'a', 'MeshRpc', 'äöü € 𝄞 日本', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'w'.repeat(1000)];

test('UTF-8 round-trips and matches Node', () => {
  for (const text of samples) {
    const encoded = Bytes.utf8Encode(text);
    assert.deepEqual(Buffer.from(encoded), Buffer.from(text, 'utf8'), text);
    assert.equal(Bytes.utf8Decode(encoded, 0, encoded.length), text);
  }
});

test('base64 matches Node and rejects what is not base64', () => {
  for (let length = 0; length < 40; length++) {
    const bytes = crypto.randomBytes(length);
    const encoded = Bytes.base64Encode(new Uint8Array(bytes));
    assert.equal(encoded, bytes.toString('base64'));
    assert.deepEqual(Buffer.from(Bytes.base64Decode(encoded)), bytes);
  }
  assert.equal(Bytes.base64Decode('not*base64'), null);
});

test('SHA-256 and HMAC-SHA256 match Node', () => {
  for (const text of samples) {
    const message = Buffer.from(text, 'utf8');
    assert.equal(Buffer.from(Sha256.hash(new Uint8Array(message))).toString('hex'), crypto.createHash('sha256').update(message).digest('hex'), text);
    for (const key of [crypto.randomBytes(32), crypto.randomBytes(64), crypto.randomBytes(100)]) {
      assert.equal(Buffer.from(Sha256.hmac(new Uint8Array(key), new Uint8Array(message))).toString('hex'),
        crypto.createHmac('sha256', key).update(message).digest('hex'));
    }
  }
});

test('frames split and joined across chunks come out whole, and an oversized header is refused', () => {
  const first = Frames.encode('{"a":1}');
  const second = Frames.encode('{"b":"€"}');
  const joined = new Uint8Array([...first, ...second]);
  const reader = new Frames.Reader();
  const seen = [];
  for (let i = 0; i < joined.length; i += 3) {
    const read = reader.push(joined.subarray(i, i + 3));
    assert.equal(read.error, null);
    seen.push(...read.frames);
  }
  assert.deepEqual(seen, ['{"a":1}', '{"b":"€"}']);
  assert.match(new Frames.Reader().push(new Uint8Array([0x7f, 0xff, 0xff, 0xff])).error, /over the .* limit/);
});

test('direct endpoints parse as TLS or plain TCP, and the pin must fit the endpoint', () => {
  const { parseDirectEndpoint, certificatePin } = context.MeshRpc;
  assert.deepEqual(JSON.parse(JSON.stringify(parseDirectEndpoint('tls://127.0.0.2:4100'))), { host: '127.0.0.2', port: 4100, tls: true });
  assert.deepEqual(JSON.parse(JSON.stringify(parseDirectEndpoint('tcp://[::1]:80'))), { host: '::1', port: 80, tls: false });
  assert.equal(parseDirectEndpoint('ws://127.0.0.1:1/x'), null);

  const pin = 'ab'.repeat(32);
  const ticket = (direct, tls) => ({ endpoints: { direct }, tls });
  assert.equal(certificatePin(ticket('tls://h:1', { algorithm: 'sha-256', fingerprint: pin }), true).pin, pin);
  assert.match(certificatePin(ticket('tls://h:1', undefined), true).problem, /pins no sha-256 certificate fingerprint/);
  assert.match(certificatePin(ticket('tls://h:1', { algorithm: 'md5', fingerprint: pin }), true).problem, /pins no sha-256/);
  assert.match(certificatePin(ticket('tcp://h:1', { algorithm: 'sha-256', fingerprint: pin }), false).problem, /plain TCP but the ticket pins/);
  assert.equal(certificatePin(ticket('tcp://h:1', undefined), false).problem, null);
});
