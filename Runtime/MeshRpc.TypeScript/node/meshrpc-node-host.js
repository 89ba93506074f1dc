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
const engine = require('./mquickjs-engine.js');

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
 * A fresh global scope shaped like mquickjs's: exactly the globals mquickjs has (mquickjs-engine.js), with the built-in
 * methods it lacks removed (String.prototype.substr), so that a script naming anything else fails here as it fails on
 * the engine. Like a C host on mquickjs, it defines no MeshHost: hand the bridge over with MeshRpc.useHost(host).
 * Returns the context; scripts loaded into it (load(file)) share its globals.
 */
function createScriptContext(options = {}) {
  const print = options.print || ((...values) => console.log(...values));
  const context = vm.createContext({});
  vm.runInContext(`(function (allowed, missing) {
    Object.getOwnPropertyNames(globalThis).forEach(function (name) {
      if (allowed.indexOf(name) < 0) { delete globalThis[name]; }
    });
    Object.keys(missing).forEach(function (holder) {
      var target = holder.split('.').reduce(function (object, key) { return object[key]; }, globalThis);
      missing[holder].forEach(function (method) { delete target[method]; });
    });
  })`, context)(engine.globals, engine.missingMethods);
  const natives = {
    console: { log: (...values) => console.log(...values), error: (...values) => console.error(...values) },
    performance: { now: () => performance.now() },
    print,
    gc: () => {},
    setTimeout,
    clearTimeout,
    load: (file) => vm.runInContext(fs.readFileSync(file, 'utf8'), context, { filename: file }),
  };
  for (const [name, value] of Object.entries(natives)) {
    context[name] = value;
  }
  return context;
}

module.exports = { createNodeHost, createScriptContext };
