'use strict';
// The strict ES5 subset mquickjs runs: acorn parses with ecmaVersion 5 (so no let, const, class, arrows, templates),
// and a walk over the tree checks every global the script names against mquickjs's own (an allow-list), and every
// method it calls against the built-in methods mquickjs lacks.
const acorn = require('acorn');
const engine = require('../../../Runtime/MeshRpc.TypeScript/node/mquickjs-engine.js');

const allowedGlobals = new Set(engine.globals);
const missingMethods = new Set(Object.values(engine.missingMethods).flat());

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
  for (const name of freeGlobals(tree)) {
    if (!allowedGlobals.has(name.name)) {
      problems.push(`uses global ${name.name}, which mquickjs has not, at line ${name.loc.start.line}`);
    }
  }
  walk(tree, (node) => {
    const at = node.loc ? ` at line ${node.loc.start.line}` : '';
    if (node.type === 'MemberExpression' && !node.computed && missingMethods.has(node.property.name)) {
      problems.push(`calls built-in method ${node.property.name}, which mquickjs has not${at}`);
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

/**
 * The identifiers the script reads or writes that no scope of its own declares: the globals it relies on. ES5 has
 * function scope only: var and function declarations hoist to the enclosing function (or the script), parameters,
 * a named function expression's name and catch parameters bind inside.
 */
function freeGlobals(program) {
  const found = [];
  const visit = (node, scope) => {
    if (!node || typeof node.type !== 'string') {
      return;
    }
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') {
      const inner = new Set(['arguments', ...node.params.map((p) => p.name), ...declarations(node.body)]);
      if (node.type === 'FunctionExpression' && node.id) {
        inner.add(node.id.name);
      }
      visit(node.body, [inner, ...scope]);
      return;
    }
    if (node.type === 'CatchClause') {
      visit(node.body, [new Set([node.param.name]), ...scope]);
      return;
    }
    if (node.type === 'Identifier') {
      if (!scope.some((names) => names.has(node.name))) {
        found.push(node);
      }
      return;
    }
    for (const [key, child] of references(node)) {
      void key;
      if (Array.isArray(child)) {
        child.forEach((c) => visit(c, scope));
      } else {
        visit(child, scope);
      }
    }
  };
  visit(program, [new Set(declarations(program))]);
  return found;
}

/** The children of a node that hold references, leaving out names that are not (property keys, labels, declared ids). */
function references(node) {
  switch (node.type) {
    case 'MemberExpression':
      return node.computed ? [['object', node.object], ['property', node.property]] : [['object', node.object]];
    case 'Property':
      return node.computed ? [['key', node.key], ['value', node.value]] : [['value', node.value]];
    case 'VariableDeclarator':
      return [['init', node.init]];
    case 'LabeledStatement':
      return [['body', node.body]];
    case 'BreakStatement':
    case 'ContinueStatement':
      return [];
    default:
      return Object.entries(node).filter(([key, value]) => key !== 'loc' && value && typeof value === 'object');
  }
}

/** The names var and function declarations bind in a function body (or the script), not looking into nested functions. */
function declarations(body) {
  const names = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') {
      return;
    }
    if (node.type === 'VariableDeclarator') {
      names.push(node.id.name);
    }
    if (node.type === 'FunctionDeclaration') {
      names.push(node.id.name);
      return;
    }
    if (node.type === 'FunctionExpression') {
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc') {
        continue;
      }
      if (Array.isArray(value)) {
        value.forEach(visit);
      } else if (value && typeof value === 'object') {
        visit(value);
      }
    }
  };
  (body.type === 'Program' ? body.body : [body]).forEach(visit);
  return names;
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
