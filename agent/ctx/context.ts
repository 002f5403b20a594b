/**
 * The `ctx` object an operation's script talks to (through the ctx proxy), built from the run
 * message: node and instance (or source/target of a relationship) with their properties and
 * runtime properties, the logger, resource downloads, returns, abort and retry. Runtime property
 * writes stay in memory and travel with the result as per-instance updates of top-level keys.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Dict } from '../../src/dsl';
import type { EndpointContext, LogLine, RunMessage } from '../../src/agents/protocol';
import { CtxError, Namespace } from './resolve';
import type { Callable } from './resolve';

export interface CtxHooks {
  log(level: LogLine['level'], message: string): void;
  /** Downloads a blueprint resource (blueprint-relative path) and returns its bytes. */
  fetchResource(resourcePath: string): Promise<Buffer>;
  /** Where downloads without a target go. */
  workDir: string;
}

export type CtxOutcome = { kind: 'abort'; message: string } | { kind: 'retry'; message: string; afterSeconds: number | null };

export interface OperationCtx {
  root: Namespace;
  /** What `ctx returns` set. */
  returns(): unknown;
  outcome(): CtxOutcome | null;
  /** Changed top-level runtime properties per instance id. */
  runtimeUpdates(): Record<string, Dict>;
  /** Runtime properties as the script left them (for templates). */
  templateView(): Record<string, unknown>;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}

function changedKeys(before: Dict, after: Dict): Dict {
  const out: Dict = {};
  for (const [key, value] of Object.entries(after)) if (JSON.stringify(before[key]) !== JSON.stringify(value)) out[key] = value;
  return out;
}

function safeTarget(workDir: string, resourcePath: string): string {
  const base = path.basename(resourcePath.replace(/\\/g, '/')) || 'resource';
  return path.join(workDir, 'resources', `${Date.now()}-${Math.random().toString(36).slice(2, 8)}-${base}`);
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new CtxError(`${what} is required`);
  return value;
}

export function buildOperationCtx(run: RunMessage, hooks: CtxHooks): OperationCtx {
  const context = run.context;
  const tracked = new Map<string, { before: Dict; live: Dict }>();
  const track = (instanceId: string, props: Dict): Dict => {
    if (!tracked.has(instanceId)) tracked.set(instanceId, { before: clone(props), live: clone(props) });
    return tracked.get(instanceId)!.live;
  };
  let returned: unknown = null;
  let outcome: CtxOutcome | null = null;

  const endpointNs = (endpoint: EndpointContext | null) =>
    endpoint
      ? {
          node: new Namespace({ id: endpoint.node.id, name: endpoint.node.id, type: endpoint.node.type, properties: endpoint.node.properties }),
          instance: new Namespace({ id: endpoint.instance.id, runtime_properties: track(endpoint.instance.id, endpoint.instance.runtime_properties), host_ip: endpoint.instance.host_ip, update: (() => null) as Callable }),
        }
      : null;
  const own = context.node && context.instance ? endpointNs({ node: context.node, instance: context.instance }) : null;
  const rel = context.relationship;

  const logger = (level: LogLine['level']): Callable => (args) => {
    hooks.log(level, args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    return null;
  };

  const download = async (resourcePath: string, target: unknown): Promise<{ file: string; data: Buffer }> => {
    const data = await hooks.fetchResource(resourcePath);
    const file = typeof target === 'string' && target ? path.resolve(target) : safeTarget(hooks.workDir, resourcePath);
    await mkdir(path.dirname(file), { recursive: true });
    return { file, data };
  };

  const fields: Record<string, unknown> = {
    logger: new Namespace({ debug: logger('debug'), info: logger('info'), warn: logger('warning'), warning: logger('warning'), error: logger('error') }),
    deployment: new Namespace({ id: context.deployment_id }),
    blueprint: new Namespace({ id: context.blueprint_id }),
    execution_id: context.execution_id,
    workflow_id: context.workflow_id,
    tenant_name: context.tenant,
    type: rel ? 'relationship-instance' : 'node-instance',
    operation: new Namespace({ name: run.name, retry_number: run.attempt - 1 }),
    download_resource: (async (args, kwargs) => {
      const { file, data } = await download(str(args[0] ?? kwargs.resource_path, 'download-resource PATH'), args[1] ?? kwargs.target_path);
      await writeFile(file, data);
      return file;
    }) as Callable,
    download_resource_and_render: (async (args, kwargs) => {
      const source = str(args[0] ?? kwargs.resource_path, 'download-resource-and-render PATH');
      const { file, data } = await download(source, args[1] ?? kwargs.target_path);
      const variables = (kwargs.template_variables as Dict | undefined) ?? (args.length === 0 || kwargs.target_path ? {} : (kwargs as Dict));
      const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
      let rendered: string;
      try {
        rendered = env.renderString(data.toString('utf8'), { ctx: view(), ...variables });
      } catch (err) {
        throw new CtxError(`Rendering ${source} failed: ${(err as Error).message}`);
      }
      await writeFile(file, rendered);
      return file;
    }) as Callable,
    returns: ((args, kwargs) => {
      // `ctx returns @{...}`: a lone dict arrives as kwargs; it is the value.
      returned = args.length ? args[0] : Object.keys(kwargs).length ? kwargs : null;
      return null;
    }) as Callable,
    abort_operation: ((args) => {
      outcome = { kind: 'abort', message: typeof args[0] === 'string' ? args[0] : 'Operation aborted' };
      return null;
    }) as Callable,
    retry_operation: ((args) => {
      const after = args[1] === undefined || args[1] === null ? null : Number(args[1]);
      if (after !== null && (!Number.isFinite(after) || after < 0)) throw new CtxError('retry-operation SECONDS must be a non-negative number');
      outcome = { kind: 'retry', message: typeof args[0] === 'string' ? args[0] : 'Operation retry requested', afterSeconds: after };
      return null;
    }) as Callable,
  };
  if (own && !rel) Object.assign(fields, own);
  if (rel) {
    fields.source = new Namespace(endpointNs(rel.source)!);
    fields.target = new Namespace(endpointNs(rel.target)!);
  }
  const root = new Namespace(fields);

  // Templates see ctx as plain values (ctx.node.properties.port, ctx.instance.runtime_properties.x).
  function view(): Record<string, unknown> {
    const plain = (value: unknown): unknown => {
      if (value instanceof Namespace) return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v !== 'function').map(([k, v]) => [k, plain(v)]));
      return value;
    };
    return plain(root) as Record<string, unknown>;
  }

  return {
    root,
    returns: () => returned,
    outcome: () => outcome,
    runtimeUpdates: () => {
      const out: Record<string, Dict> = {};
      for (const [id, { before, live }] of tracked) {
        const changed = changedKeys(before, live);
        if (Object.keys(changed).length) out[id] = changed;
      }
      return out;
    },
    templateView: view,
  };
}
