'use strict';
// Every script the stubs compile to is plain strict ES5 that mquickjs can load.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { compileToEs5 } = require('./lib/compile');
const { es5Problems } = require('./lib/es5-check');
const { createScriptContext } = require('../../Runtime/MeshRpc.TypeScript/node/meshrpc-node-host.js');
const { repoRoot, stubs, sample } = require('./lib/paths');

const stubFiles = fs.readdirSync(stubs).filter((f) => f.endsWith('.ts')).map((f) => path.join(stubs, f));

test('the build wrote a stub per [MeshWorker] interface, with the shared runtime beside them', () => {
  assert.deepEqual(stubFiles.map((f) => path.basename(f)).sort(), ['ContainmentProbe.ts', 'SandboxProbe.ts', 'ShapesWorker.ts', 'TestWorker.ts']);
  assert.ok(fs.existsSync(path.join(stubs, 'meshrpc', 'connection.ts')));
  assert.ok(fs.existsSync(path.join(stubs, 'node', 'meshrpc-node-host.js')));
});

// The generator's snapshot stubs cover type mappings the test workers do not use (string enums, renamed and optional
// properties, recursive DTOs, shapes typed unknown); each must compile too, beside a copy of the shared runtime.
const snapshots = path.join(repoRoot, 'tests', 'MeshRpc.Generators.Tests', 'Snapshots');
const snapshotStubs = fs.mkdtempSync(path.join(os.tmpdir(), 'meshrpc-snapshot-stubs-'));
fs.cpSync(path.join(stubs, 'meshrpc'), path.join(snapshotStubs, 'meshrpc'), { recursive: true });
const snapshotFiles = fs.readdirSync(snapshots).filter((f) => f.endsWith('.ts.txt')).map((f) => {
  const file = path.join(snapshotStubs, f.replace(/\.ts\.txt$/, '.ts'));
  fs.copyFileSync(path.join(snapshots, f), file);
  return file;
});

test('the generator snapshots include TypeScript stubs', () => {
  assert.ok(snapshotFiles.length >= 4, `only ${snapshotFiles.length} snapshot stubs in ${snapshots}`);
});

const scripts = [
  ...stubFiles.map((file) => ({ name: path.basename(file, '.ts'), files: [file] })),
  ...snapshotFiles.map((file) => ({ name: `snapshot-${path.basename(file, '.ts')}`, files: [file] })),
  { name: 'all-test-stubs', files: stubFiles },
  { name: 'mquickjs-sample', files: [path.join(sample, 'summon-calculator.ts')] },
];

for (const script of scripts) {
  test(`${script.name} compiles with tsc --target es5 --outFile to strict ES5 without forbidden features`, () => {
    const compiled = compileToEs5(script.name, script.files);
    assert.deepEqual(es5Problems(fs.readFileSync(compiled, 'utf8')), []);
  });
}

test('the ES5 check catches what mquickjs cannot run', () => {
  const strict = '"use strict";\n';
  assert.match(es5Problems(strict + 'var m = new Map();').join(), /uses global Map/);
  assert.match(es5Problems(strict + 'var p = Promise.resolve(1);').join(), /uses global Promise/);
  assert.match(es5Problems(strict + 'var a = [1, , 2];').join(), /array with holes/);
  assert.match(es5Problems(strict + 'var o = { get x() { return 1; } };').join(), /getter/);
  assert.match(es5Problems(strict + 'Object.defineProperty(o, "x", { get: function () { return 1; } });').join(), /accessor/);
  assert.match(es5Problems(strict + 'let x = 1;').join(), /not ES5/);
  assert.match(es5Problems(strict + 'var f = () => 1;').join(), /not ES5/);
  assert.match(es5Problems('var x = 1;').join(), /use strict/);
  assert.match(es5Problems(strict + 'with (o) { x = 1; }').join(), /not ES5/);
  assert.match(es5Problems(strict + 'var u = encodeURIComponent("w");').join(), /uses global encodeURIComponent, which mquickjs has not, at line 2/);
  assert.match(es5Problems(strict + 'var v = new DataView(new ArrayBuffer(1));').join(), /uses global DataView/);
  assert.match(es5Problems(strict + 'var s = "abc".substr(1);').join(), /calls built-in method substr/);
  assert.match(es5Problems(strict + 'var g = unknownHostGlobal;').join(), /uses global unknownHostGlobal/);
});

test('the ES5 check knows what the script declares itself, whatever its name', () => {
  const strict = '"use strict";\n';
  assert.deepEqual(es5Problems(strict + 'var encodeURIComponent = function (s) { return s; }; encodeURIComponent("w");'), []);
  assert.deepEqual(es5Problems(strict + 'function f(Map) { return Map; } try { f(1); } catch (Promise) { print(Promise); }'), []);
  assert.deepEqual(es5Problems(strict + 'var o = { Promise: 1 }; o.Map = o.Promise; outer: for (;;) { break outer; }'), []);
  assert.deepEqual(es5Problems(strict + 'var f = function Symbol() { return Symbol; };'), []);
});

test('a fixture calling encodeURIComponent is caught by the allow-list and fails in the mquickjs-shaped context', () => {
  const fixture = path.join(__dirname, 'fixtures', 'teardown-with-encode-uri.js');
  assert.match(es5Problems(fs.readFileSync(fixture, 'utf8')).join(), /uses global encodeURIComponent, which mquickjs has not, at line 4/);

  const context = createScriptContext();
  context.load(fixture);
  assert.throws(() => context.teardownUrl('http://gateway', 'w-1'), (error) => error.name === 'ReferenceError' && /encodeURIComponent/.test(error.message));
});
