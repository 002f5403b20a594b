/**
 * Blueprint upload (`PUT /blueprints/{id}`) and validation (`PUT /blueprints/{id}/validate`).
 *
 * Everything that can reject the upload runs before anything is stored: reading the archive,
 * safe extraction, finding the main file, and parsing with the DSL engine (imports resolved from
 * the archive, the built-in types and the tenant's plugins). A bad request or archive is a 400 with
 * nothing stored. A blueprint the DSL rejects is a 400 as well, except for `async_upload` callers
 * (`cfy blueprints upload`), who poll `GET /blueprints/{id}`: they get 201 and a blueprint in state
 * `invalid` with the parser's message in `error`, as Cloudify's manager answers them.
 *
 * Then the id is claimed (`uploading`; a taken id is 409 unless its blueprint failed to upload),
 * the archive, its files (for `ctx download-resource`) and a large plan go to the file store, and
 * one transaction finishes the entity (`uploaded`), records the `upload_blueprint` execution and
 * the plugins the blueprint uses. Extraction and parsing happen in memory before the entity exists,
 * so the `extracting`/`parsing` states are never observable.
 */
import { gzipSync } from 'node:zlib';
import { DslError, parse } from '../dsl';
import type { BlueprintSource, Plan } from '../dsl';
import { alreadyExists } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Entity, WriteOp } from '../ports/model-store';
import { CatalogPluginResolver } from '../plugins/catalog';
import type { Caller, ResourceContext } from '../resources/context';
import { nowIso } from '../resources/context';
import { stampLabels } from '../resources/labels';
import type { LabelInput } from '../resources/labels';
import { createUsageOps, USAGE_KINDS } from '../resources/usage';
import { newSystemExecution, statusDisplay } from '../executions/records';
import type { ExecutionData } from '../executions/records';
import { discardStagedUpload } from '../uploads/staged';
import { readArchiveSource } from '../uploads/source';
import { ArchiveError, extractArchive } from './archive';
import type { ExtractedArchive } from './archive';
import { archiveKey, blueprintPrefix, FAILED_STATES, planKey, resourceKey } from './model';
import type { BlueprintData, UploadExecutionSummary } from './model';
import { invalidBlueprint } from './upload-request';
import type { BlueprintUploadRequest } from './upload-request';

/** Plans up to this size stay in the entity; larger ones go to the file store gzipped. */
export const INLINE_PLAN_BYTES = 64 * 1024;
const PUT_CONCURRENCY = 16;

/** Plugin YAML texts by file key, shared by uploads of one API instance (uploaded plugins never change). */
const pluginYamlCache = new Map<string, string>();

function archiveSource(files: Map<string, Buffer>): BlueprintSource {
  const texts = new Map<string, string>();
  return {
    async readFile(path) {
      const cached = texts.get(path);
      if (cached !== undefined) return cached;
      const data = files.get(path);
      if (!data) return undefined;
      const text = data.toString('utf8');
      texts.set(path, text);
      return text;
    },
    async exists(path) {
      return files.has(path);
    },
  };
}

async function extract(bytes: Buffer, mainFile: string): Promise<ExtractedArchive> {
  let extracted: ExtractedArchive;
  try {
    extracted = await extractArchive(bytes, { singleFileName: mainFile });
  } catch (err) {
    if (err instanceof ArchiveError) throw invalidBlueprint(`Invalid blueprint archive: ${err.message}`);
    throw err;
  }
  if (!extracted.files.has(mainFile)) {
    const some = [...extracted.files.keys()].filter((path) => /\.ya?ml$/.test(path)).slice(0, 10);
    throw invalidBlueprint(
      `The archive has no ${mainFile} (set application_file_name to the main blueprint file${some.length > 0 ? `; YAML files found: ${some.join(', ')}` : ''})`,
    );
  }
  return extracted;
}

interface Parsed {
  plan?: Plan;
  error?: DslError;
  resolver: CatalogPluginResolver;
}

async function parseArchive(context: ResourceContext, caller: Caller, extracted: ExtractedArchive, mainFile: string): Promise<Parsed> {
  const resolver = new CatalogPluginResolver(context.store, context.files, caller.tenant, pluginYamlCache);
  try {
    return { plan: await parse(mainFile, { source: archiveSource(extracted.files), pluginResolver: resolver }), resolver };
  } catch (err) {
    if (err instanceof DslError) return { error: err, resolver };
    throw err;
  }
}

/** Labels given with the upload plus the plan's `blueprint_labels`. */
function allLabels(given: LabelInput[], plan: Plan | undefined): LabelInput[] {
  const labels = [...given];
  for (const [key, { values }] of Object.entries(plan?.blueprint_labels ?? {})) {
    for (const value of values ?? []) {
      if (typeof value === 'string' && !labels.some((label) => label.key === key.toLowerCase() && label.value === value)) {
        labels.push({ key: key.toLowerCase(), value });
      }
    }
  }
  return labels;
}

async function putAll(tasks: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, tasks.length) }, worker));
}

/** Validation only: 204 when the blueprint is valid, 400 otherwise; nothing is stored. */
export async function validateBlueprint(context: ResourceContext, caller: Caller, request: BlueprintUploadRequest): Promise<void> {
  const { params } = request;
  const bytes = await readArchiveSource(context, caller, { inline: request.archive, url: params.archiveUrl, uploadId: params.uploadId }, 'blueprint archive');
  const extracted = await extract(bytes, params.applicationFileName);
  const parsed = await parseArchive(context, caller, extracted, params.applicationFileName);
  if (parsed.error) throw invalidBlueprint(parsed.error.message);
}

/** Claims the id: a new entity in state `uploading`, replacing a blueprint whose upload failed. */
async function claim(context: ResourceContext, caller: Caller, id: string, data: BlueprintData): Promise<Entity<BlueprintData>> {
  const ref = { kind: KINDS.blueprint, tenant: caller.tenant, id };
  const existing = await context.store.get<BlueprintData>(ref);
  if (existing) {
    if (!FAILED_STATES.includes(existing.data.state)) throw alreadyExists('Blueprint', id);
    await context.store.delete(ref, existing.version);
    await context.files.deletePrefix(blueprintPrefix(caller.tenant, id));
  }
  return context.store.create<BlueprintData>({ ...ref, global: data.visibility === 'global', restricted: data.visibility === 'private', data });
}

export async function uploadBlueprint(context: ResourceContext, caller: Caller, id: string, request: BlueprintUploadRequest): Promise<Entity<BlueprintData>> {
  const { params } = request;
  const ref = { kind: KINDS.blueprint, tenant: caller.tenant, id };
  const early = await context.store.get<BlueprintData>(ref);
  if (early && !FAILED_STATES.includes(early.data.state)) throw alreadyExists('Blueprint', id);

  const bytes = await readArchiveSource(context, caller, { inline: request.archive, url: params.archiveUrl, uploadId: params.uploadId }, 'blueprint archive');
  const extracted = await extract(bytes, params.applicationFileName);
  const parsed = await parseArchive(context, caller, extracted, params.applicationFileName);
  if (parsed.error && !params.asyncUpload) throw invalidBlueprint(parsed.error.message);

  const started = nowIso(context);
  const execution = newSystemExecution({
    tenant: caller.tenant,
    workflowId: 'upload_blueprint',
    deploymentId: null,
    blueprintId: id,
    createdBy: caller.username,
    status: 'started',
    parameters: { blueprint_id: id, app_file_name: params.applicationFileName },
    now: started,
  });
  const summary = (status: ExecutionData['status'], error: string, ended: string | null): UploadExecutionSummary => ({
    id: execution.id,
    workflow_id: 'upload_blueprint',
    status,
    status_display: statusDisplay(status),
    error,
    is_system_workflow: true,
    created_at: started,
    ended_at: ended,
  });
  const claimed = await claim(context, caller, id, {
    main_file_name: params.applicationFileName,
    description: parsed.plan?.description ?? null,
    state: 'uploading',
    error: null,
    error_traceback: null,
    labels: stampLabels(allLabels(params.labels, parsed.plan), caller.username, started),
    visibility: params.visibility ?? 'tenant',
    created_by: caller.username,
    updated_at: started,
    is_hidden: false,
    upload_execution: summary('started', '', null),
    plan: null,
    plan_key: null,
    archive: null,
    dsl_version: parsed.plan?.tosca_definitions_version ?? null,
    plugins: [],
  });

  try {
    const data = parsed.plan ? await storeUploaded(context, caller, id, bytes, extracted, parsed.plan) : {};
    const ended = nowIso(context);
    const failed = parsed.error !== undefined;
    const plugins = failed ? [] : [...parsed.resolver.used.values()].map((plugin) => ({ tenant: plugin.tenant, id: plugin.id }));
    const final: BlueprintData = {
      ...claimed.data,
      ...data,
      state: failed ? 'invalid' : 'uploaded',
      error: parsed.error?.message ?? null,
      updated_at: ended,
      upload_execution: summary(failed ? 'failed' : 'terminated', parsed.error?.message ?? '', ended),
      plugins,
    };
    const finishedExecution = {
      ...execution,
      data: { ...execution.data, status: failed ? ('failed' as const) : ('terminated' as const), error: parsed.error?.message ?? '', ended_at: ended },
    };
    const ops: WriteOp[] = [
      { type: 'update', update: { ref: claimed, expectedVersion: claimed.version, data: final } },
      { type: 'create', entity: finishedExecution },
      ...createUsageOps(USAGE_KINDS.plugin, plugins, { tenant: caller.tenant, id }),
    ];
    const [updated] = await context.store.transact(ops);
    if (params.uploadId) await discardStagedUpload(context, caller, params.uploadId);
    return updated as Entity<BlueprintData>;
  } catch (err) {
    await markFailedUpload(context, claimed, err);
    throw err;
  }
}

async function storeUploaded(
  context: ResourceContext,
  caller: Caller,
  id: string,
  bytes: Buffer,
  extracted: ExtractedArchive,
  plan: Plan,
): Promise<Pick<BlueprintData, 'plan' | 'plan_key' | 'archive'>> {
  const json = JSON.stringify(plan);
  const inline = json.length <= INLINE_PLAN_BYTES;
  const tasks: (() => Promise<void>)[] = [
    () => context.files.put(archiveKey(caller.tenant, id), bytes, { metadata: { format: extracted.format } }),
    ...[...extracted.files].map(([path, data]) => () => context.files.put(resourceKey(caller.tenant, id, path), data)),
  ];
  if (!inline) tasks.push(() => context.files.put(planKey(caller.tenant, id), gzipSync(json, { level: 1 }), { contentType: 'application/json', metadata: { encoding: 'gzip' } }));
  await putAll(tasks);
  return {
    plan: inline ? plan : null,
    plan_key: inline ? null : planKey(caller.tenant, id),
    archive: { key: archiveKey(caller.tenant, id), format: extracted.format, size: bytes.length, file_name: `${id}.${extracted.format}` },
  };
}

/** Storage failed after the id was claimed: the blueprint shows `failed_uploading`, its files go. */
async function markFailedUpload(context: ResourceContext, claimed: Entity<BlueprintData>, cause: unknown): Promise<void> {
  const message = `Storing the blueprint failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  try {
    await context.files.deletePrefix(blueprintPrefix(claimed.tenant, claimed.id));
    await context.store.modify<BlueprintData>(claimed, (current) => ({
      ...current.data,
      state: 'failed_uploading',
      error: message,
      upload_execution: current.data.upload_execution && { ...current.data.upload_execution, status: 'failed', status_display: 'failed', error: message },
    }));
  } catch {
    // The original error is what the caller needs; a blueprint left `uploading` can be re-uploaded after delete.
  }
}

