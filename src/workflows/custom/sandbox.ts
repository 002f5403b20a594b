/**
 * Runs a blueprint's workflow function in a node:vm context of its own: no require, process,
 * fetch, timers or host objects (the context's global has a null prototype, so even
 * `this.constructor.constructor` stays inside the sandbox realm), no code generation from strings
 * (eval, new Function), no clock or randomness (the graph must be deterministic), a time limit that
 * also covers the context's microtasks, and a limit on what comes out. Only strings cross: the
 * input as JSON in, the graph description as JSON out, and an error message as a string.
 *
 * The context lives in a worker thread with a small heap (see WORKER below), so neither an
 * unhandled rejection nor a memory bomb reaches the manager's process.
 */
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { PRELUDE } from './prelude';
import { CustomWorkflowError } from './errors';

export interface SandboxLimits {
  /** Wall time for loading the file and running the function. */
  timeoutMs: number;
  /** Items (operations, events, groups, ...) the function may add. */
  maxItems: number;
  /** Size of the description the function produces (JSON). */
  maxOutputBytes: number;
  /** Size of the workflow file. */
  maxSourceBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 2000, maxItems: 20000, maxOutputBytes: 8 * 1024 * 1024, maxSourceBytes: 1024 * 1024 };

/** One item of the description the function builds (see prelude.ts). */
export type DescriptionItem =
  | { t: 'op'; instance: string; name: string; kwargs: Record<string, unknown>; ignoreFailure: boolean }
  | { t: 'event'; instance: string | null; message: string }
  | { t: 'state'; instance: string; state: string }
  | { t: 'seq' | 'par'; members: number[] }
  | { t: 'builtin'; workflow: string; parameters: Record<string, unknown> };

export interface Description {
  items: DescriptionItem[];
  /** `[waiting, on]`: item `waiting` starts after item `on` finished. */
  edges: [number, number][];
  /** Items in no group, in creation order: they run in parallel, subject to edges. */
  roots: number[];
}

/**
 * `export default <expr>` becomes an assignment, so a plain script can evaluate the file; any other
 * import/export statement is refused: a workflow file is self-contained.
 */
export function toScript(source: string): string {
  const body = source.replace(/^(\s*)export\s+default\s+/m, '$1module.exports.default = ');
  const leftover = /^\s*(import\s[^(]|import\s*\{|export\s)/m.exec(body) ?? /\bimport\s*\(/.exec(body);
  if (leftover) throw new CustomWorkflowError(`the workflow file may not use import or export statements other than one "export default" (found "${leftover[0].trim()}"): it runs without modules`);
  return body;
}

/** Globals removed or replaced before blueprint code runs: nondeterminism and the V8 console. */
const HARDEN = String.raw`
(function (g) {
  'use strict';
  const refuse = (what) => function () { throw new Error(what + ' is not available in workflow functions: the graph must be the same every time it is built'); };
  Math.random = refuse('Math.random');
  g.Date = refuse('Date');
  delete g.console;
})(globalThis)
`;

/**
 * Loads the module and calls its function inside one try/catch of the sandbox: whatever blueprint
 * code throws (even an object with a looping getter) is turned into a string there, under the time
 * limit, and the host only ever receives a string.
 */
const RUN = String.raw`
(function (build, input, load) {
  try {
    const module = { exports: {} };
    load(module, module.exports);
    return 'ok:' + build(input, module);
  } catch (err) {
    let text;
    try { text = err instanceof Error ? err.name + ': ' + err.message : 'thrown value ' + String(err); } catch (inner) { text = 'an error that cannot be printed'; }
    return 'error:' + text;
  }
})
`;

/** The file as the body of a function `(module, exports)`: loading it runs nothing until the call. */
function moduleFunction(source: string, file: string): string {
  const wrapped = `(function (module, exports) {\n${toScript(source)}\n})`;
  try {
    new Script(wrapped, { filename: file, lineOffset: -1 });
  } catch (err) {
    throw new CustomWorkflowError(`${file} is not valid JavaScript: ${(err as Error).message}`);
  }
  return wrapped;
}

/**
 * The worker thread's program. The sandbox runs in a worker of its own, not in the caller's
 * thread: an unhandled rejection in sandbox code (`Promise.reject()`) would otherwise crash the
 * whole process, and the worker's heap limit stops a function that allocates without end.
 */
const WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { createContext, Script } = require('node:vm');
process.on('unhandledRejection', () => {});
let message;
try {
  const context = createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
  new Script(workerData.harden, { filename: 'stratus:harden' }).runInContext(context, { timeout: workerData.timeoutMs });
  const refuse = () => { throw new Error('import() is not available in workflow functions'); };
  const outcome = new Script(workerData.call, { filename: workerData.file, importModuleDynamically: refuse }).runInContext(context, { timeout: workerData.timeoutMs, breakOnSigint: false });
  message = typeof outcome === 'string' ? outcome : 'error:no result';
} catch (err) {
  // Only host errors get here (blueprint code's are caught inside the sandbox): the time limit, mostly.
  message = err && err.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' ? 'timeout:' : 'crash:' + String(err && err.message);
}
parentPort.postMessage(message);
`;

/** Heap of the sandbox's worker thread. */
const WORKER_HEAP_MB = 96;

export async function runWorkflowFunction(source: string, input: unknown, file: string, limits: SandboxLimits = DEFAULT_LIMITS): Promise<Description> {
  if (Buffer.byteLength(source) > limits.maxSourceBytes) throw new CustomWorkflowError(`${file} is larger than ${limits.maxSourceBytes} bytes`);
  const load = moduleFunction(source, file);
  // The API, the input (a string literal) and the file are compiled into one call: nothing is
  // assigned from the host into the context, so no host object is ever reachable from it.
  const payload = JSON.stringify(JSON.stringify({ ...(input as object), maxItems: limits.maxItems }));
  const call = `(${RUN})(${PRELUDE}, ${payload}, ${load})`;
  const outcome = await inWorker({ harden: HARDEN, call, file, timeoutMs: limits.timeoutMs });
  if (outcome.startsWith('timeout:')) throw new CustomWorkflowError(`the workflow function did not finish within ${limits.timeoutMs} ms`);
  if (outcome.startsWith('crash:')) throw new CustomWorkflowError(`the workflow function could not run: ${outcome.slice(6)}`);
  return parseOutcome(outcome, limits);
}

function inWorker(data: { harden: string; call: string; file: string; timeoutMs: number }): Promise<string> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { eval: true, workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 }, stdout: true, stderr: true });
    let settled = false;
    const settle = (value: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(value);
      void worker.terminate();
    };
    // The vm time limit stops the sandbox; this stops a worker that hangs anyway.
    const guard = setTimeout(() => settle('timeout:'), data.timeoutMs + 5000);
    worker.once('message', (message: unknown) => settle(typeof message === 'string' ? message : 'crash:no result'));
    worker.once('error', (err: Error & { code?: string }) =>
      settle(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `crash:it used more than ${WORKER_HEAP_MB} MB of memory` : `crash:${err.message}`),
    );
    worker.once('exit', () => settle('crash:the sandbox exited without a result'));
  });
}

function parseOutcome(outcome: unknown, limits: SandboxLimits): Description {
  if (typeof outcome !== 'string') throw new CustomWorkflowError('the workflow function produced no graph');
  if (outcome.startsWith('error:')) throw new CustomWorkflowError(`the workflow function threw ${outcome.slice(6)}`);
  const json = outcome.slice(3);
  if (json.length > limits.maxOutputBytes) throw new CustomWorkflowError(`the workflow graph is larger than ${limits.maxOutputBytes} bytes`);
  try {
    // Only the shape is trusted after assemble.ts checked it: blueprint code could have replaced JSON or Array methods.
    return JSON.parse(json) as Description;
  } catch {
    throw new CustomWorkflowError('the workflow function produced an unreadable graph description');
  }
}
