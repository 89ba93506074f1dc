'use strict';
// Runs the compiled sample the way Hauki OS runs it on mquickjs, with the Node.js host bridge standing in for the OS.
// Usage: node run-on-node.js <gateway-url> [compiled-script], with the caller's credential in MESHRPC_CREDENTIAL
const path = require('node:path');
const { createNodeHost, createScriptContext } = require('../../Runtime/MeshRpc.TypeScript/node/meshrpc-node-host.js');

const [gatewayUrl, script = path.join(__dirname, 'out', 'summon-calculator.js')] = process.argv.slice(2);
if (!gatewayUrl) {
  console.error('Usage: node run-on-node.js <gateway-url> [compiled-script]');
  process.exit(2);
}

const context = createScriptContext();
context.load(script);
context.main(createNodeHost(), gatewayUrl, process.env.MESHRPC_CREDENTIAL);
