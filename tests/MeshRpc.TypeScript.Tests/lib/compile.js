'use strict';
// Compiles TypeScript exactly as the docs tell Hauki OS developers to: tsc --target es5 --outFile, one plain script.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const tsc = require.resolve('typescript/bin/tsc');
const outDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'meshrpc-ts-'));

/** Compiles the given .ts files (their /// <reference> files come along) into one ES5 script and returns its path. */
function compileToEs5(name, files) {
  const outFile = path.join(outDirectory, `${name}.js`);
  try {
    execFileSync(process.execPath, [tsc, '--target', 'es5', '--lib', 'es5', '--strict', '--alwaysStrict',
      '--outFile', outFile, ...files], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    throw new Error(`tsc could not compile ${files.join(', ')}:\n${error.stdout}${error.stderr}`);
  }
  return outFile;
}

module.exports = { compileToEs5, outDirectory };
