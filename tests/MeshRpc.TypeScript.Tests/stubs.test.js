'use strict';
// The compiled ES5 stubs against real C# workers: UAH CORE and a node agent as separate processes, the stub loaded
// into a context shaped like mquickjs (its globals only, no String.prototype.substr, no global MeshHost) and talking
// through the Node.js host bridge, handed over with MeshRpc.useHost as a Hauki OS host does.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { compileToEs5 } = require('./lib/compile');
const { Mesh } = require('./lib/mesh');
const { stubs, sample, repoRoot } = require('./lib/paths');
const { createNodeHost, createScriptContext } = require('../../Runtime/MeshRpc.TypeScript/node/meshrpc-node-host.js');

let mesh;
let Stubs;
let MeshRpc;

before(async () => {
  const script = compileToEs5('stubs-under-test', ['TestWorker.ts', 'ShapesWorker.ts'].map((f) => path.join(stubs, f)));
  const context = createScriptContext();
  context.load(script);
  Stubs = context.MeshStubs;
  MeshRpc = context.MeshRpc;
  MeshRpc.useHost(createNodeHost());
  mesh = await Mesh.start();
  MeshRpc.useCredential(mesh.callerKey);
});

after(async () => {
  if (mesh) {
    await mesh.stop();
  }
});

/** Calls a node-style method and resolves with { error, result }: errors are values, so the test inspects both. */
function call(method, ...args) {
  return new Promise((resolve) => method(...args, (error, result) => resolve({ error, result })));
}

async function summon(stub, request) {
  const { error, result } = await call(stub.summon, mesh.gatewayUrl, request);
  assert.equal(error, null, `summon failed: ${JSON.stringify(error)}\n${mesh.logs()}`);
  return result;
}

/** Resolves with the result of a call that must succeed, copied into this realm (the script's objects have its own prototypes). */
async function ok(method, ...args) {
  const { error, result } = await call(method, ...args);
  assert.equal(error, null, JSON.stringify(error));
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `${what} did not happen within ${timeoutMs} ms\n${mesh.logs()}`);
    await delay(50);
  }
}

function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== 'ESRCH';
  }
}

test('every data shape crosses the wire as the C# proxy sends it', async () => {
  const S = Stubs.ShapesWorker;
  const worker = await summon(S, { gem: 'gem://shapes-worker@1.0.0' });
  try {
    const order = {
      id: '8c4e3e0a-5b52-4f3e-9f5e-2f0f3a1e8b11', status: S.OrderStatus.New,
      lines: [{ sku: 'pen', quantity: 3, unitPrice: 1.25 }, { sku: 'ink', quantity: 1, unitPrice: 4 }],
      tags: { gift: 'yes' }, placedAt: '2026-11-28T10:00:00+00:00', signature: 'AQIDBA==', total: null, note: null,
    };
    const placed = await ok(worker.place, order);
    assert.equal(placed.status, S.OrderStatus.Paid);
    assert.equal(placed.total, 7.75);
    assert.deepEqual(placed.lines, order.lines);
    assert.deepEqual(placed.tags, order.tags);
    assert.equal(placed.signature, 'AQIDBA==');
    assert.equal(placed.note, null);

    assert.equal(await ok(worker.maybe, 21), 42);
    assert.equal(await ok(worker.maybe, null), null);
    assert.equal((await call(worker.ping)).error, null);
    assert.equal(await ok(worker.greet, 'mquickjs', undefined), 'Hello, mquickjs');
    assert.equal(await ok(worker.greet, 'mquickjs', 'Moi'), 'Moi, mquickjs');
    assert.equal(await ok(worker.describe_int, 7), 'int 7');
    assert.equal(await ok(worker.describe_string, 'seven'), 'string seven');
    assert.equal(await ok(worker.version), 'v1');
    assert.equal(await ok(worker.fromBase), 'base');
    assert.deepEqual(await ok(worker.countKeys, { a: 'x', b: 'y' }, order.id, '2026-11-28T10:00:00+02:00', 'AQID'),
      { keys: 2, idVersion: 4, offsetMinutes: 120, bytes: 3 });

    assert.equal(worker.remember('first'), null);
    assert.equal(worker.remember('second'), null);
    assert.deepEqual(await ok(worker.notes), ['first', 'second']);
  } finally {
    await call(worker.destruct);
  }
});

test('overloads differing only in the Async suffix, and a reserved word as a method name, compile with tsc and reach their own methods', async () => {
  const worker = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0' });
  try {
    assert.equal(await ok(worker.add_int, 41), 42);
    assert.equal(await ok(worker.add_long, 41), 1000000000041);
    assert.equal(await ok(worker['delete'], 'k'), 'deleted k');
  } finally {
    await ok(worker.destruct);
  }
});

test('a stream delivers every item, and stopping early stops the worker', async () => {
  const worker = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0' });
  try {
    const items = [];
    assert.equal((await call(worker.count, 40, (item) => { items.push(item); })).error, null);
    assert.deepEqual(items, Array.from({ length: 40 }, (_, i) => i + 1));

    const early = [];
    assert.equal((await call(worker.count, 100000, (item) => { early.push(item); return item < 5; })).error, null);
    assert.deepEqual(early, [1, 2, 3, 4, 5]);
    await until(async () => (await ok(worker.countProgress)).cancelled, 'the worker seeing its stream cancelled');
    assert.ok((await ok(worker.countProgress)).produced < 100000);
  } finally {
    await call(worker.destruct);
  }
});

test('a remote exception arrives as a RemoteError value and the worker keeps serving', async () => {
  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0' });
  try {
    const { error } = await call(worker.fail, 'the answer is not 41');
    assert.equal(error.code, MeshRpc.ErrorCodes.RemoteError);
    assert.equal(error.remoteType, 'System.InvalidOperationException');
    assert.equal(error.message, 'the answer is not 41');
    assert.equal(await ok(worker.echo, 'still here'), 'still here');
  } finally {
    await call(worker.destruct);
  }
});

test('cancel() fires the worker\'s cancellation token', async () => {
  const worker = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0' });
  try {
    let pending;
    const cancelled = new Promise((resolve) => { pending = worker.waitForCancellation((error) => resolve(error)); });
    await delay(200);
    assert.equal(await ok(worker.wasCancelled), false);
    pending.cancel();
    assert.equal((await cancelled).code, MeshRpc.ErrorCodes.Cancelled);
    await until(() => ok(worker.wasCancelled), 'the worker seeing cancel()');
    assert.equal((await call(worker.ping)).error, null);
  } finally {
    await call(worker.destruct);
  }
});

test('timeoutMs ends the call with a Timeout value and fires the worker\'s cancellation token', async () => {
  const worker = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0' });
  try {
    const error = await new Promise((resolve) => worker.waitForCancellation((e) => resolve(e), { timeoutMs: 300 }));
    assert.equal(error.code, MeshRpc.ErrorCodes.Timeout);
    assert.match(error.message, /did not finish within 300 ms/);
    await until(() => ok(worker.wasCancelled), 'the worker seeing the timeout\'s cancellation');
    assert.equal((await call(worker.ping)).error, null);
  } finally {
    await call(worker.destruct);
  }
});

test('traceparent travels with a call: the worker\'s span of it is the caller\'s child; a malformed one is refused before it is sent', async () => {
  const worker = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0' });
  try {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const seen = await new Promise((resolve) => worker.traceParent((e, r) => resolve({ e, r }), { traceparent }));
    assert.equal(seen.e, null);
    assert.equal(seen.r, traceparent);
    assert.equal(await ok(worker.traceParent), null);
    const bad = await new Promise((resolve) => worker.traceParent((e) => resolve(e), { traceparent: 'not-a-trace' }));
    assert.equal(bad.code, MeshRpc.ErrorCodes.InvalidArgument);
    assert.match(bad.message, /not W3C trace context/);
  } finally {
    await call(worker.destruct);
  }
});

test('a worker ends with its lifetime, and extend() keeps one alive past it', async () => {
  const ending = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0', maxLifetimeMs: 2000 });
  const extended = await summon(Stubs.ShapesWorker, { gem: 'gem://shapes-worker@1.0.0', maxLifetimeMs: 2000 });
  try {
    assert.ok(Date.parse(ending.connection.ticket.lifetime.endsAt) <= Date.now() + 3000);
    const endsAt = await ok(extended.extend, 120000);
    assert.ok(Date.parse(endsAt) > Date.now() + 60000, `extend() answered ${endsAt}`);
    const refused = await new Promise((resolve) => extended.extend(0, (e) => resolve(e)));
    assert.equal(refused.code, MeshRpc.ErrorCodes.InvalidArgument);
    await delay(5000);
    assert.equal((await call(ending.ping)).error.code, MeshRpc.ErrorCodes.WorkerLost);
    assert.equal((await call(extended.ping)).error, null);
  } finally {
    await call(ending.destruct);
    await call(extended.destruct);
  }
});

test('heartbeats keep an idle worker alive past its heartbeat timeout', async () => {
  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0', heartbeatTimeoutMs: 1500 });
  try {
    const hostPid = await mesh.hostProcessIdOf(worker.connection.ticket.workerId);
    await delay(4500);
    assert.equal(await ok(worker.echo, 'awake'), 'awake');
    assert.ok(processExists(hostPid));
  } finally {
    await call(worker.destruct);
  }
});

test('destruct() kills the worker at once, and later calls say it was destructed', async () => {
  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0' });
  const workerId = worker.connection.ticket.workerId;
  const hostPid = await mesh.hostProcessIdOf(workerId);
  assert.ok(hostPid > 0 && processExists(hostPid), `worker host ${hostPid} should be running`);
  assert.equal(await ok(worker.increment), 1);

  assert.equal((await call(worker.destruct)).error, null);

  assert.equal(processExists(hostPid), false, `worker host ${hostPid} outlived destruct()`);
  await until(async () => (await mesh.hostProcessIdOf(workerId)) === null, 'the registry dropping the worker');
  const { error } = await call(worker.increment);
  assert.equal(error.code, MeshRpc.ErrorCodes.WorkerLost);
  assert.match(error.message, /after destruct\(\)/);
});

// The C# contract file and a class implementing it: raw source as a script sends it.
const testWorkerSource = () => fs.readFileSync(path.join(repoRoot, 'tests', 'MeshRpc.TestWorker', 'ITestWorker.cs'), 'utf8') + `
public sealed class ScriptedWorker : ITestWorker
{
    private int _count;
    public Task<int> GetProcessIdAsync() => Task.FromResult(Environment.ProcessId);
    public Task<int> IncrementAsync() => Task.FromResult(Interlocked.Increment(ref _count));
    public Task<int> GetCountAsync() => Task.FromResult(_count);
    public Task<string> EchoAsync(string text) => Task.FromResult("scripted: " + text);
    public Task FailAsync(string message) => throw new InvalidOperationException(message);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
`;

test('source summoned again from a script is served from the compile cache: its node compiles it once', async () => {
  const compilations = () => (mesh.agent.output.match(/Compiled summoned source/g) || []).length;
  const before = compilations();
  const source = testWorkerSource() + `// summoned by stubs.test.js at ${Date.now()}\n`;

  for (const text of ['first', 'second']) {
    const worker = await summon(Stubs.TestWorker, { sourceCode: source });
    assert.equal(await ok(worker.echo, text), `scripted: ${text}`);
    assert.equal((await call(worker.destruct)).error, null);
  }

  assert.equal(compilations(), before + 1, `the node compiled the source ${compilations() - before} times\n${mesh.logs()}`);
});

test('a stub with another contract hash is refused, naming both hashes, and the worker keeps serving', async () => {
  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0' });
  try {
    const stale = { name: Stubs.TestWorker.contract.name, hash: '0123456789abcdef0123456789abcdef' };
    const { error } = await new Promise((resolve) =>
      MeshRpc.Connection.open(worker.connection.ticket, stale, (e, c) => resolve({ error: e, connection: c })));
    assert.equal(error.code, MeshRpc.ErrorCodes.CallRefused);
    assert.match(error.message, /0123456789abcdef0123456789abcdef/);
    assert.ok(error.message.includes(Stubs.TestWorker.contract.hash), error.message);
    assert.equal(await ok(worker.echo, 'served'), 'served');
  } finally {
    await call(worker.destruct);
  }
});

test('the data plane is TLS pinned by the ticket: a wrong fingerprint is refused, naming both, and the worker keeps serving', async () => {
  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0' });
  try {
    const ticket = JSON.parse(JSON.stringify(worker.connection.ticket));
    assert.match(ticket.endpoints.direct, /^tls:\/\//);
    assert.match(ticket.tls.fingerprint, /^[0-9a-f]{64}$/);
    const wrong = '0'.repeat(64);
    const tampered = { ...ticket, tls: { algorithm: 'sha-256', fingerprint: wrong } };
    const { error } = await call(Stubs.TestWorker.connect, tampered);
    assert.equal(error.code, MeshRpc.ErrorCodes.CallRefused);
    assert.ok(error.message.includes(ticket.tls.fingerprint), error.message);
    assert.ok(error.message.includes(`pins ${wrong}`), error.message);
    assert.equal(await ok(worker.echo, 'still pinned'), 'still pinned');
  } finally {
    await call(worker.destruct);
  }
});

test('an unknown gem and a dead endpoint are error values naming the problem', async () => {
  const { error } = await call(Stubs.TestWorker.summon, mesh.gatewayUrl, { gem: 'gem://no-such-gem@9.9.9' });
  assert.equal(error.code, MeshRpc.ErrorCodes.SummonFailed);
  assert.equal(error.reason, 'gem_not_found');
  assert.match(error.message, /no-such-gem/);

  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0' });
  const ticket = worker.connection.ticket;
  await call(worker.destruct);
  const lost = await call(Stubs.TestWorker.connect, ticket);
  assert.equal(lost.error.code, MeshRpc.ErrorCodes.WorkerLost);
  assert.ok(lost.error.message.includes(ticket.workerId), lost.error.message);
});

test('egress reaches the gateway as the summon lists it, and a gateway that allows none refuses it naming its policy', async () => {
  const { error } = await call(Stubs.TestWorker.summon, mesh.gatewayUrl, { gem: 'gem://test-worker@1.0.0', egress: ['10.1.2.0/24:443'] });
  assert.equal(error.code, MeshRpc.ErrorCodes.SummonFailed);
  assert.equal(error.reason, 'forbidden');
  assert.match(error.message, /does not cover 10\.1\.2\.0\/24:443: it allows workers no egress/);
  assert.match(error.message, /--egress-allow/);
});

test('a summon without a credential, or with a credential the gateway never issued, is refused naming what is missing', async () => {
  MeshRpc.useCredential(null);
  try {
    const anonymous = await call(Stubs.TestWorker.summon, mesh.gatewayUrl, { gem: 'gem://test-worker@1.0.0' });
    assert.equal(anonymous.error.code, MeshRpc.ErrorCodes.SummonFailed);
    assert.equal(anonymous.error.reason, 'unauthenticated');
    assert.match(anonymous.error.message, /Authorization: Bearer/);

    MeshRpc.useCredential('mesh_000000000000_' + '0'.repeat(64));
    const forged = await call(Stubs.TestWorker.summon, mesh.gatewayUrl, { gem: 'gem://test-worker@1.0.0' });
    assert.equal(forged.error.reason, 'unauthenticated');
    assert.match(forged.error.message, /not one this gateway issued/);
    assert.ok(!forged.error.message.includes('0'.repeat(64)), 'the refusal repeats the presented key');
  } finally {
    MeshRpc.useCredential(mesh.callerKey);
  }
  const worker = await summon(Stubs.TestWorker, { gem: 'gem://test-worker@1.0.0' });
  assert.equal(await ok(worker.echo, 'still allowed'), 'still allowed');
  await ok(worker.destruct);
});

test('the mquickjs sample summons the calculator, calls it and destructs it', async () => {
  const script = compileToEs5('mquickjs-sample-run', [path.join(sample, 'summon-calculator.ts')]);
  const output = await new Promise((resolve, reject) => execFile(process.execPath, [path.join(sample, 'run-on-node.js'), mesh.gatewayUrl, script],
    { timeout: 60000, env: { ...process.env, MESHRPC_CREDENTIAL: mesh.callerKey } }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}${stderr}`)) : resolve(stdout))));
  assert.match(output, /summoned worker \S+ on node node-ts/);
  assert.match(output, /2 \+ 3 = 5/);
  assert.match(output, /1 \/ 0 -> RemoteError System.DivideByZeroException/);
  assert.match(output, /destructed/);
  assert.ok(fs.existsSync(script));
});
