'use strict';
// Where the .NET build put what these tests use; test.sh builds it before running them.
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const configuration = process.env.MESHRPC_CONFIGURATION || 'Debug';
const framework = 'net10.0';

module.exports = {
  repoRoot,
  /** The folder holding the gateway, node agent, worker host and the gem publisher. */
  kit: path.join(repoRoot, 'tests', 'MeshRpc.TestMeshKit', 'bin', configuration, framework),
  /** The stubs the MeshRpc build wrote for the test worker contracts (the default MeshRpcTypeScriptOutputPath). */
  stubs: path.join(repoRoot, 'tests', 'MeshRpc.TestWorker', 'bin', configuration, framework, 'meshrpc-ts'),
  /** The mquickjs sample. */
  sample: path.join(repoRoot, 'samples', 'mquickjs'),
};
