'use strict';
// A real mesh for the Node.js tests: UAH CORE and one node agent as separate processes, with the test gems published.
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { kit } = require('./paths');

const startTimeoutMs = 60000;
const dotnet = process.env.DOTNET_HOST_PATH || 'dotnet';

function findLine(child, prefix) {
  const line = child.output.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? null : line.substring(prefix.length).trim();
}

function startProcess(assembly, args, environment = {}) {
  const child = spawn(dotnet, [path.join(kit, assembly), ...args], { cwd: kit, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...environment } });
  child.output = '';
  child.waiters = [];
  const onText = (text) => {
    child.output += text;
    for (const waiter of child.waiters.slice()) {
      const found = findLine(child, waiter.prefix);
      if (found !== null) {
        child.waiters.splice(child.waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', onText);
  child.stderr.setEncoding('utf8').on('data', onText);
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => {
      child.output += `could not start ${dotnet} ${assembly}: ${error.message}\n`;
      resolve({ code: null, signal: null });
    });
  });
  return child;
}

/** Resolves with the rest of the first line starting with prefix; rejects if the process exits or takes too long. */
function waitForLine(child, prefix, what) {
  const found = findLine(child, prefix);
  if (found !== null) {
    return Promise.resolve(found);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed no '${prefix}' line within ${startTimeoutMs} ms:\n${child.output}`)), startTimeoutMs);
    child.waiters.push({ prefix, resolve: (value) => { clearTimeout(timer); resolve(value); } });
    child.exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`${what} exited (code ${code}) before printing '${prefix}':\n${child.output}`)); });
  });
}

async function getJson(url, key) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

class Mesh {
  static async start() {
    const mesh = new Mesh();
    try {
      await mesh.startProcesses();
      return mesh;
    } catch (error) {
      await mesh.stop();
      throw error;
    }
  }

  constructor() {
    this.workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'meshrpc-node-'));
  }

  async startProcesses() {
    if (!fs.existsSync(path.join(kit, 'MeshRpc.TestMeshKit.dll'))) {
      throw new Error(`No build of tests/MeshRpc.TestMeshKit in ${kit}. Run ./test.sh, or dotnet build tests/MeshRpc.TestMeshKit first.`);
    }
    // The mesh's operator: an API key store with a key for the scripts' caller, one for the mesh itself, and the join token.
    const credentials = await new Promise((resolve, reject) => execFile(dotnet, [path.join(kit, 'MeshRpc.TestMeshKit.dll'), 'credentials', this.workDirectory],
      (error, stdout, stderr) => (error ? reject(new Error(`Creating the mesh's credentials failed: ${stderr}${stdout}`)) : resolve(JSON.parse(stdout)))));
    this.callerKey = credentials.caller;
    this.adminKey = credentials.admin;
    this.gateway = startProcess('MeshRpc.Gateway.dll', ['--gem-store', path.join(this.workDirectory, 'gems'),
      '--api-keys', credentials.store, '--node-dead-after-ms', '3000', '--urls', 'http://127.0.0.1:0']);
    this.gatewayUrl = await waitForLine(this.gateway, 'MESHRPC-LISTENING', 'The gateway');

    this.agent = startProcess('MeshRpc.NodeAgent.dll', ['--gateway', this.gatewayUrl, '--node-id', 'node-ts',
      '--work-dir', path.join(this.workDirectory, 'agent'), '--sandbox', 'auto'], { MESHRPC_JOIN_TOKEN: credentials.join });
    this.sandbox = await waitForLine(this.agent, 'MESHRPC-SANDBOX', 'The node agent');
    const agentUrl = await waitForLine(this.agent, 'MESHRPC-LISTENING', 'The node agent');
    const deadline = Date.now() + startTimeoutMs;
    while (!(await this.registry()).nodes.some((n) => n.status === 'live' && n.agentUrl === agentUrl)) {
      if (Date.now() > deadline) {
        throw new Error(`The node agent did not register within ${startTimeoutMs} ms:\n${this.logs()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await new Promise((resolve, reject) => execFile(dotnet, [path.join(kit, 'MeshRpc.TestMeshKit.dll'), 'publish-gems', this.gatewayUrl],
      { env: { ...process.env, MESHRPC_CREDENTIAL: this.callerKey } },
      (error, stdout, stderr) => (error ? reject(new Error(`Publishing the test gems failed: ${stderr}${stdout}`)) : resolve())));
  }

  registry() {
    return getJson(`${this.gatewayUrl.replace(/\/$/, '')}/api/v1/service_registry`, this.adminKey);
  }

  /** The worker's host process id as its node reports it, or null when no node lists the worker. */
  async hostProcessIdOf(workerId) {
    const worker = (await this.registry()).nodes.flatMap((n) => n.workers).find((w) => w.workerId === workerId);
    return worker ? worker.processId : null;
  }

  logs() {
    return `--- gateway ---\n${this.gateway ? this.gateway.output : ''}\n--- agent ---\n${this.agent ? this.agent.output : ''}`;
  }

  async stop() {
    // The agent first: stopping it tears down any worker a failed test left behind.
    for (const child of [this.agent, this.gateway]) {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const stopped = await Promise.race([child.exited, new Promise((resolve) => setTimeout(() => resolve(null), 15000))]);
        if (stopped === null) {
          child.kill('SIGKILL');
          await child.exited;
        }
      }
    }
    fs.rmSync(this.workDirectory, { recursive: true, force: true });
  }
}

module.exports = { Mesh };
