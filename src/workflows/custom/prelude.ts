/**
 * The workflow API as the blueprint's function sees it (docs/workflows.md, "Stratus workflow
 * functions"). This is JavaScript source evaluated INSIDE the sandbox's own realm, never a host
 * object handed in: a host function or object reachable from blueprint code would lead back to the
 * host's Function constructor (`fn.constructor.constructor('return process')()`). Data comes in as
 * a JSON string and the graph description goes out as a JSON string, so only primitives cross.
 *
 * The description is a list of items (operations, events, state changes, groups, embedded
 * built-in workflows) and "waits for" edges between them; assemble.ts turns it into the graph.
 */
export const PRELUDE = String.raw`
(function () {
  'use strict';
  const freeze = (value) => {
    if (value && typeof value === 'object' && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const key of Object.keys(value)) freeze(value[key]);
    }
    return value;
  };
  return function build(input, userModule) {
    const data = JSON.parse(input);
    const items = [];
    const edges = [];
    const member = new Set();
    const handles = new WeakMap();
    const instances = new Map(data.instances.map((i) => [i.id, i]));
    const nodes = new Map(data.nodes.map((n) => [n.id, n]));
    const fail = (message) => { throw new TypeError(message); };
    const add = (item) => {
      if (items.length >= data.maxItems) fail('The workflow adds more than ' + data.maxItems + ' tasks and groups');
      items.push(item);
      const handle = Object.freeze({ kind: item.t });
      handles.set(handle, items.length - 1);
      return handle;
    };
    const position = (handle, what) => {
      const at = handle !== null && typeof handle === 'object' ? handles.get(handle) : undefined;
      if (at === undefined) fail(what + ' must be a task or group made by this wf (wf.operation, wf.sequence, ...), got ' + String(handle));
      return at;
    };
    const instanceId = (value, what) => {
      const id = typeof value === 'string' ? value : value && typeof value === 'object' ? value.id : undefined;
      if (typeof id !== 'string' || !instances.has(id)) fail(what + ': no node instance ' + JSON.stringify(id) + ' in this deployment');
      return id;
    };
    const plain = (value, what) => {
      if (value === undefined) return {};
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(what + ' must be an object');
      return JSON.parse(JSON.stringify(value));
    };
    const children = (list, what) => {
      const flat = list.flat(Infinity);
      return flat.map((child) => {
        const at = position(child, what);
        if (member.has(at)) fail(what + ': a task or group can be placed in only one sequence or parallel group');
        member.add(at);
        return at;
      });
    };
    const wf = {
      workflowId: data.workflowId,
      deploymentId: data.deploymentId,
      parameters: freeze(data.parameters),
      nodes: freeze(data.nodes),
      instances: freeze(data.instances),
      node: (id) => nodes.get(id),
      instance: (id) => instances.get(id),
      instancesOf: (nodeId) => data.instances.filter((i) => i.node_id === nodeId),
      operation: (instance, name, kwargs, options) => {
        if (typeof name !== 'string' || name === '') fail('wf.operation: the operation name must be a non-empty string');
        const opts = plain(options, 'wf.operation options');
        return add({ t: 'op', instance: instanceId(instance, 'wf.operation'), name, kwargs: plain(kwargs, 'wf.operation kwargs'), ignoreFailure: opts.ignoreFailure === true });
      },
      event: (message, instance) => add({ t: 'event', instance: instance === undefined || instance === null ? null : instanceId(instance, 'wf.event'), message: String(message) }),
      setState: (instance, state) => {
        if (typeof state !== 'string' || state === '') fail('wf.setState: the state must be a non-empty string');
        return add({ t: 'state', instance: instanceId(instance, 'wf.setState'), state });
      },
      sequence: (...steps) => add({ t: 'seq', members: children(steps, 'wf.sequence') }),
      parallel: (...steps) => add({ t: 'par', members: children(steps, 'wf.parallel') }),
      dependsOn: (waiting, ...on) => {
        const from = position(waiting, 'wf.dependsOn');
        for (const other of on.flat(Infinity)) edges.push([from, position(other, 'wf.dependsOn')]);
        return waiting;
      },
      builtin: (workflow, parameters) => {
        if (typeof workflow !== 'string') fail('wf.builtin: the workflow name must be a string');
        return add({ t: 'builtin', workflow, parameters: plain(parameters, 'wf.builtin parameters') });
      },
      install: (list) => wf.builtin('install', { node_instance_ids: list.map((i) => instanceId(i, 'wf.install')) }),
      uninstall: (list, options) => wf.builtin('uninstall', { node_instance_ids: list.map((i) => instanceId(i, 'wf.uninstall')), ignore_failure: plain(options, 'wf.uninstall options').ignoreFailure === true }),
    };
    Object.freeze(wf);
    const exported = userModule.exports && typeof userModule.exports === 'object' && 'default' in userModule.exports ? userModule.exports.default : userModule.exports;
    if (typeof exported !== 'function') fail('The workflow file must export a function as its default export (export default function (wf) { ... }), found ' + typeof exported);
    const result = exported(wf);
    if (result && typeof result.then === 'function') fail('The workflow function must build the graph synchronously: async functions and promises are not supported');
    const roots = [];
    for (let i = 0; i < items.length; i++) if (!member.has(i)) roots.push(i);
    return JSON.stringify({ items, edges, roots });
  };
})()
`;
