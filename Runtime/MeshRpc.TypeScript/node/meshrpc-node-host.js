'use strict';
// The MeshRpc host bridge for Node.js: the functions Hauki OS injects into mquickjs, built on node:net and node:http,
// and a script context that loads compiled ES5 stubs the way mquickjs does (one global scope, load(file)).
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const tls = require('node:tls');
const vm = require('node:vm');

/**
 * The bridge: connect(host, port, onData, onClose, tlsOptions?) -> { send, close } and http(method, url, body, callback, authorization?).
 * With tlsOptions, the worker's self-signed certificate is judged by tlsOptions.verify(sha256 hex of its DER) alone;
 * until it says yes, nothing is sent and nothing received is delivered.
 */
function createNodeHost() {
  return {
    connect(host, port, onData, onClose, tlsOptions) {
      const socket = tlsOptions
        ? tls.connect({ host, port, rejectUnauthorized: false, minVersion: 'TLSv1.3' })
        : net.connect({ host, port });
      socket.setNoDelay(true);
      let closed = false;
      let trusted = !tlsOptions;
      const queued = [];
      const finish = (error) => {
        if (!closed) {
          closed = true;
          onClose(error);
        }
      };
      if (tlsOptions) {
        socket.on('secureConnect', () => {
          const fingerprint = crypto.createHash('sha256').update(socket.getPeerCertificate().raw).digest('hex');
          if (!tlsOptions.verify(fingerprint)) {
            socket.destroy();
            finish(`the worker's certificate (sha-256 ${fingerprint}) was refused`);
            return;
          }
          trusted = true;
          queued.splice(0).forEach((bytes) => socket.write(bytes));
        });
      }
      socket.on('data', (chunk) => {
        if (trusted) {
          onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        }
      });
      socket.on('error', (error) => finish(error.code ? `${error.code} (${error.message})` : error.message));
      socket.on('close', () => finish(null));
      return {
        send(bytes) {
          const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
          if (trusted) {
            socket.write(buffer);
          } else {
            queued.push(buffer);
          }
        },
        close() {
          socket.destroy();
        },
      };
    },

    http(method, url, body, callback, authorization) {
      const target = new URL(url);
      const transport = target.protocol === 'https:' ? https : http;
      const headers = body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (authorization) {
        headers.authorization = authorization;
      }
      const request = transport.request(target, { method, headers }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => callback(null, response.statusCode, Buffer.concat(chunks).toString('utf8')));
        response.on('error', (error) => callback(error.message, 0, ''));
      });
      request.on('error', (error) => callback(error.code ? `${error.code} (${error.message})` : error.message, 0, ''));
      request.end(body === null ? undefined : body);
    },
  };
}

/**
 * A fresh global scope with only what mquickjs offers a script (JSON, setTimeout, clearTimeout, typed arrays, the ES5 built-ins),
 * plus MeshHost, load(file) and print(...). Returns the context; scripts loaded into it share its globals.
 */
function createScriptContext(options = {}) {
  const host = options.host || createNodeHost();
  const print = options.print || ((...values) => console.log(...values));
  const context = vm.createContext({ MeshHost: host, setTimeout, clearTimeout, print });
  context.load = (file) => {
    vm.runInContext(fs.readFileSync(file, 'utf8'), context, { filename: file });
  };
  return context;
}

module.exports = { createNodeHost, createScriptContext };
