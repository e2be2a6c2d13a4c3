// Turns the Handlebars templates into plain JavaScript functions at build time. Handlebars'
// own precompiled output runs each expression through its runtime (a container, wrapped programs,
// helper dispatch): run once per process, that code is mostly compiled and then thrown away, and
// it was a fifth of a whole generation. The templates use a small part of the language (paths,
// the if / unless / each blocks, helpers, `../`, @index / @first / @last / @key), and for that
// part this emits what Handlebars would compute, in strict mode without escaping, as string
// concatenation. A template using anything else is reported as unsupported and the build falls
// back to Handlebars' precompiler for it; test/e2e/bundle.test.ts compares the built CLI's output
// with Handlebars rendering the sources.
import Handlebars from 'handlebars';

export class Unsupported extends Error {}

/** The functions the generated code calls, emitted once per module. */
export const RUNTIME = `
const own = Object.prototype.hasOwnProperty;
// Handlebars reads own properties only (prototype access is denied by default).
const get = (obj, name) => {
  const v = obj[name];
  return v == null || own.call(obj, name) ? v : undefined;
};
// strict mode: an expression printed as is must name something that exists.
const strict = (obj, name) => {
  if (!obj || !(name in obj)) throw new Error('"' + name + '" not defined in ' + obj);
  return get(obj, name);
};
const out = (v) => (v == null ? '' : v);
const lambda = (v, self) => (typeof v === 'function' ? v.call(self) : v);
// #if: false, null, undefined, 0, '' and [] are false.
const truthy = (v, self) => {
  if (typeof v === 'function') v = v.call(self);
  return !(!v || (Array.isArray(v) && v.length === 0));
};
const frame = (parent) => ({ ...parent, _parent: parent });
// #each over arrays, other iterables and objects, with Handlebars' @key/@index/@first/@last.
const each = (context, self, parentData, fn, inverse) => {
  if (typeof context === 'function') context = context.call(self);
  const data = frame(parentData);
  const step = (items, field, index, last) => {
    data.key = field;
    data.index = index;
    data.first = index === 0;
    data.last = !!last;
    fn(items[field], data);
  };
  let i = 0;
  if (context && typeof context === 'object') {
    if (Array.isArray(context)) {
      for (const j = context.length; i < j; i++) if (i in context) step(context, i, i, i === context.length - 1);
    } else if (typeof context[Symbol.iterator] === 'function') {
      const items = [...context];
      for (const j = items.length; i < j; i++) step(items, i, i, i === items.length - 1);
    } else {
      let prior;
      for (const key of Object.keys(context)) {
        if (prior !== undefined) step(context, prior, i - 1);
        prior = key;
        i++;
      }
      if (prior !== undefined) step(context, prior, i - 1, true);
    }
  }
  if (i === 0) inverse();
};
`;

const DATA_NAMES = new Set(['index', 'first', 'last', 'key']);

/**
 * The body of `(c0) => string` for one template, or Unsupported. `helpers` are the names the
 * generated code may call as `h.<name>`.
 */
export function compileTemplate(source, helpers) {
  const ast = Handlebars.parse(source);
  let vars = 0;
  const fresh = (prefix) => `${prefix}${++vars}`;

  /** scope: the context variables, innermost last, and the current data frame variable. */
  function program(node, scope) {
    if (node.blockParams) throw new Unsupported('block parameters');
    return node.body.map((s) => statement(s, scope)).join('');
  }

  function statement(node, scope) {
    switch (node.type) {
      case 'ContentStatement':
        return node.value ? `o+=${JSON.stringify(node.value)};` : '';
      case 'CommentStatement':
        return '';
      case 'MustacheStatement':
        return `o+=out(${mustache(node, scope)});`;
      case 'BlockStatement':
        return block(node, scope);
      default:
        throw new Unsupported(node.type);
    }
  }

  function noHash(node) {
    if (node.hash && node.hash.pairs.length > 0) throw new Unsupported('hash arguments');
  }

  function isHelperName(path) {
    return path.type === 'PathExpression' && !path.data && path.depth === 0 && path.parts.length === 1 && !/^(this|\.)/.test(path.original);
  }

  function mustache(node, scope) {
    noHash(node);
    const { path, params } = node;
    if (params.length > 0 || (isHelperName(path) && helpers.includes(path.parts[0]))) return helperCall(node, scope);
    if (path.type !== 'PathExpression') throw new Unsupported(`a ${path.type} printed`);
    return `lambda(${lookup(path, scope, true)},${context(scope)})`;
  }

  function helperCall(node, scope) {
    noHash(node);
    const { path, params } = node;
    const name = isHelperName(path) ? path.parts[0] : null;
    if (!name || !helpers.includes(name)) throw new Unsupported(`the helper ${path.original}`);
    const args = params.map((p) => param(p, scope));
    const options = `{name:${JSON.stringify(name)},hash:{},data:${scope.data}}`;
    return `h[${JSON.stringify(name)}].call(${context(scope)}??{},${[...args, options].join(',')})`;
  }

  function param(node, scope) {
    switch (node.type) {
      case 'PathExpression':
        return lookup(node, scope, false);
      case 'SubExpression':
        return helperCall(node, scope);
      case 'StringLiteral':
        return JSON.stringify(node.value);
      case 'NumberLiteral':
      case 'BooleanLiteral':
        return String(node.value);
      case 'UndefinedLiteral':
        return 'undefined';
      case 'NullLiteral':
        return 'null';
      default:
        throw new Unsupported(node.type);
    }
  }

  const context = (scope) => scope.ctx[scope.ctx.length - 1];

  /** As Handlebars' strict mode: a printed path must end in something defined; a parameter need not. */
  function lookup(path, scope, requireTerminal) {
    let base;
    if (path.data) {
      if (path.depth !== 0 || path.parts.length !== 1 || !DATA_NAMES.has(path.parts[0])) throw new Unsupported(`@${path.original}`);
      base = scope.data;
    } else {
      if (path.depth >= scope.ctx.length) throw new Unsupported(`${path.original} above the template's context`);
      base = scope.ctx[scope.ctx.length - 1 - path.depth];
    }
    const parts = path.parts;
    if (parts.length === 0) return base;
    let code = base;
    parts.forEach((part, i) => {
      const terminal = i === parts.length - 1;
      code = `${terminal && requireTerminal ? 'strict' : 'get'}(${code},${JSON.stringify(part)})`;
    });
    return code;
  }

  function block(node, scope) {
    noHash(node);
    const { path, params } = node;
    const name = isHelperName(path) ? path.parts[0] : null;
    const no = node.inverse ? program(node.inverse, scope) : '';
    if ((name === 'if' || name === 'unless') && params.length === 1) {
      const yes = node.program ? program(node.program, scope) : '';
      const test = `truthy(${param(params[0], scope)},${context(scope)})`;
      return name === 'if' ? `if(${test}){${yes}}else{${no}}` : `if(${test}){${no}}else{${yes}}`;
    }
    if (name === 'each' && params.length === 1) {
      const item = fresh('c');
      const data = fresh('d');
      const inner = { ctx: [...scope.ctx, item], data };
      const body = node.program ? program(node.program, inner) : '';
      return `each(${param(params[0], scope)},${context(scope)},${scope.data},(${item},${data})=>{${body}},()=>{${no}});`;
    }
    throw new Unsupported(`the block {{#${path.original}}}`);
  }

  return `(c0)=>{const d0={root:c0};let o='';${program(ast, { ctx: ['c0'], data: 'd0' })}return o;}`;
}

/**
 * The module that replaces src/builtin.ts in the bundle: `builtinTemplates()` resolving to one Map
 * of template functions per process. Templates beyond compileTemplate are precompiled with
 * Handlebars (`options` are its compile options) and run on its runtime, which is then bundled.
 */
export function templatesModule(templates, options, { helpersFrom, warn }) {
  const helpers = Object.keys(options.knownHelpers ?? {});
  let fallback = false;
  const entries = templates.map(({ file, name, source }) => {
    const key = JSON.stringify(name);
    try {
      return `[${key}, ${compileTemplate(source, helpers)}],`;
    } catch (error) {
      if (!(error instanceof Unsupported)) throw new Error(`${file}: ${error.message}`);
      warn(`${file}: ${error.message} is beyond the template compiler; precompiled with Handlebars instead`);
    }
    let spec;
    try {
      // precompile adds keys to the options it is given
      spec = Handlebars.precompile(source, { ...options });
    } catch (error) {
      throw new Error(`${file}: ${error.message}`);
    }
    fallback = true;
    return `[${key}, fromSpec(${key}, ${spec})],`;
  });
  return `import { HELPERS as h } from ${JSON.stringify(helpersFrom)};
${fallback ? FALLBACK : ''}
${RUNTIME}
// At module level, so the template code is scanned when the module is compiled and then once
// more per template actually called; inside a function it would be scanned a third time.
const templates = new Map([
${entries.join('\n')}
]);
export async function builtinTemplates() {
  return templates;
}
`;
}

const FALLBACK = `import Handlebars from 'handlebars/runtime.js';
let env;
// The Handlebars environment and each template are made on first use.
const fromSpec = (name, spec) => {
  let template;
  return (context) => {
    if (!env) {
      env = Handlebars.create();
      env.registerHelper(h);
    }
    template ??= env.template(spec);
    return template(context);
  };
};`;
