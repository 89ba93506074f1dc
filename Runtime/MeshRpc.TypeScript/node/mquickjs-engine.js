'use strict';
// What mquickjs (upstream, January 2026) offers a script, in one place: the global object's names, and the built-in
// methods V8 has that mquickjs lacks. The Node.js script context and the tests' ES5 check both read it.

/** Every global a script sees on mquickjs. */
const globals = Object.freeze([
  'Object', 'Function', 'Number', 'Boolean', 'String', 'Array', 'Math', 'Date', 'JSON', 'RegExp',
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'InternalError',
  'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array',
  'parseInt', 'parseFloat', 'eval', 'isNaN', 'isFinite', 'Infinity', 'NaN', 'undefined', 'globalThis',
  'console', 'performance', 'print', 'gc', 'load', 'setTimeout', 'clearTimeout',
]);

/** Built-in methods that exist in V8 but not in mquickjs, by the prototype that holds them. */
const missingMethods = Object.freeze({ 'String.prototype': Object.freeze(['substr']) });

module.exports = { globals, missingMethods };
