'use strict';
// The strict ES5 subset mquickjs runs: acorn parses with ecmaVersion 5 (so no let, const, class, arrows, templates),
// and a walk over the tree finds the globals and forms mquickjs lacks.
const acorn = require('acorn');

const forbiddenGlobals = new Set(['Promise', 'Proxy', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Reflect']);

/** Returns the problems found in an ES5 script's source, each naming what and where; empty when it is clean. */
function es5Problems(source) {
  let tree;
  try {
    tree = acorn.parse(source, { ecmaVersion: 5, sourceType: 'script', locations: true });
  } catch (error) {
    return [`not ES5: ${error.message}`];
  }
  const problems = [];
  const first = tree.body[0];
  if (!first || first.type !== 'ExpressionStatement' || first.directive !== 'use strict') {
    problems.push('the script does not start with "use strict", so it would not run as strict code');
  }
  walk(tree, (node) => {
    const at = node.loc ? ` at line ${node.loc.start.line}` : '';
    if (node.type === 'Identifier' && forbiddenGlobals.has(node.name)) {
      problems.push(`uses ${node.name}${at}`);
    } else if (node.type === 'Property' && (node.kind === 'get' || node.kind === 'set')) {
      problems.push(`declares a ${node.kind}ter${at}`);
    } else if (node.type === 'Property' && !node.computed && ['get', 'set'].includes(node.key.name || node.key.value)
      && node.value.type === 'FunctionExpression') {
      problems.push(`passes a ${node.key.name || node.key.value} accessor function (Object.defineProperty)${at}`);
    } else if (node.type === 'ArrayExpression' && node.elements.some((e) => e === null)) {
      problems.push(`has an array with holes${at}`);
    }
  });
  return problems;
}

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') {
    return;
  }
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      value.forEach((child) => walk(child, visit));
    } else if (value && typeof value === 'object' && key !== 'loc') {
      walk(value, visit);
    }
  }
}

module.exports = { es5Problems };
