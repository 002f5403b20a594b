/**
 * `stratus blueprints upload|list|get|delete|download`: blueprints on the manager.
 */
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { defaultBlueprintId, isArchiveName, packFolder } from '../client/archive';
import type { StratusClient } from '../client/client';
import { ApiError, UsageError } from '../client/errors';
import { MAX_INLINE_BYTES, stageUpload } from '../client/upload';
import { action, clientFor, example } from '../context';
import { collect, columns, details, print, printJson } from '../output';
import { listQuery, printList, withListOptions } from './common';
import type { ListOptions } from './common';

const END_STATES = new Set(['uploaded', 'failed_uploading', 'failed_extracting', 'failed_parsing', 'failed_extracting_to_file_server', 'invalid']);
const LIST_FIELDS = ['id', 'description', 'main_file_name', 'state', 'created_at', 'updated_at', 'visibility', 'tenant_name', 'created_by'];

interface UploadOptions {
  blueprintId?: string;
  blueprintFilename?: string;
  visibility: string;
  labels: string[];
  json?: boolean;
  timeout: number;
}

/** The archive to send and the main file inside it, from a folder, a YAML file or an archive. */
async function archiveOf(source: string, filename: string | undefined): Promise<{ bytes: Buffer; main: string; id: string; name: string }> {
  if (!existsSync(source)) throw new UsageError(`${source} does not exist`);
  const isDirectory = statSync(source).isDirectory();
  const id = defaultBlueprintId(source, isDirectory);
  if (isDirectory) {
    const main = filename ?? 'blueprint.yaml';
    if (!existsSync(path.join(source, main))) throw new UsageError(`${path.join(source, main)} does not exist (name the main file with -n/--blueprint-filename)`);
    return { bytes: await packFolder(source), main, id, name: `${id}.tar.gz` };
  }
  if (isArchiveName(source)) return { bytes: readFileSync(source), main: filename ?? 'blueprint.yaml', id, name: path.basename(source) };
  if (!/\.ya?ml$/i.test(source)) throw new UsageError(`${source} is neither a folder, a YAML file nor an archive (.zip, .tar, .tar.gz, .tgz, .tar.bz2)`);
  // A YAML file: its folder is the blueprint (imports and scripts beside it), as with cfy.
  const folder = path.dirname(path.resolve(source));
  return { bytes: await packFolder(folder), main: filename ?? path.basename(source), id, name: `${path.basename(folder)}.tar.gz` };
}

function parseLabels(labels: string[]): { key: string; value: string }[] {
  return labels.map((label) => {
    const at = label.indexOf(':');
    if (at <= 0) throw new UsageError(`Label ${JSON.stringify(label)} must be key:value`);
    return { key: label.slice(0, at), value: label.slice(at + 1) };
  });
}

async function waitForUpload(client: StratusClient, blueprint: Record<string, unknown>, timeoutSeconds: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let current = blueprint;
  while (!END_STATES.has(String(current.state))) {
    if (Date.now() > deadline) throw new ApiError(0, 'timeout', `Blueprint ${String(blueprint.id)} is still ${String(current.state)} after ${timeoutSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    current = await client.get(`/blueprints/${encodeURIComponent(String(blueprint.id))}`);
  }
  return current;
}

function blueprintDetails(b: Record<string, unknown>, deployments: string[]): string {
  return details([
    ['ID', b.id],
    ['Description', b.description],
    ['Main file', b.main_file_name],
    ['State', b.state, 'status'],
    ['Created', b.created_at, 'time'],
    ['Updated', b.updated_at, 'time'],
    ['Visibility', b.visibility],
    ['Tenant', b.tenant_name],
    ['Created by', b.created_by],
    ['Labels', ((b.labels as { key: string; value: string }[] | undefined) ?? []).map((l) => `${l.key}:${l.value}`).join(', ')],
    ['Deployments', deployments.join(', ') || '-'],
    ...(b.error ? ([['Error', b.error]] as [string, unknown][]) : []),
  ]);
}

export function addOnlineBlueprintCommands(blueprints: Command): void {
  example(
    blueprints
      .command('upload')
      .description('Upload a blueprint: a folder (packed as tar.gz), its main YAML file (its folder is packed), or an archive')
      .argument('<path>', 'folder, YAML file, or .zip/.tar/.tar.gz/.tgz/.tar.bz2 archive')
      .option('-b, --blueprint-id <id>', 'blueprint id (default: the folder or archive name)')
      .option('-n, --blueprint-filename <file>', 'main YAML file inside the folder or archive (default blueprint.yaml; for a YAML path, its name)')
      .option('--visibility <visibility>', 'private, tenant or global', 'tenant')
      .option('--labels <key:value>', 'a label (repeatable)', collect, [] as string[])
      .option('--timeout <seconds>', 'how long to wait for the upload to finish', Number, 300)
      .option('--json', 'print the blueprint as JSON')
      .action(
        action(async (cmd, source: string, options: UploadOptions) => {
          const client = clientFor(cmd);
          const archive = await archiveOf(source, options.blueprintFilename);
          const id = options.blueprintId ?? archive.id;
          const params: Record<string, unknown> = {
            visibility: options.visibility,
            // Synchronous: an invalid blueprint is refused with its error and nothing is left behind.
            async_upload: false,
            skip_execution: false,
            application_file_name: archive.main,
            labels: parseLabels(options.labels),
          };
          const form = new FormData();
          if (archive.bytes.length > MAX_INLINE_BYTES) params.upload_id = await stageUpload(client, archive.bytes);
          form.append('params', JSON.stringify(params));
          if (params.upload_id === undefined) form.append('blueprint_archive', new Blob([archive.bytes]), archive.name);
          if (!options.json) process.stderr.write(`Uploading blueprint ${id} (${archive.bytes.length} bytes)...\n`);
          const created = await client.request('PUT', `/blueprints/${encodeURIComponent(id)}`, { body: form });
          const final = await waitForUpload(client, created, options.timeout);
          const failed = final.state !== 'uploaded';
          if (options.json) printJson(final);
          else if (failed) process.stderr.write(`Blueprint ${id} upload ended ${String(final.state)}: ${String(final.error ?? '')}\n`);
          else print(`Blueprint ${id} uploaded (main file ${String(final.main_file_name)}).`);
          return failed ? 1 : 0;
        }),
      ),
    'stratus blueprints upload examples/hello-world -b hello',
    'stratus blueprints upload ./app/openstack.yaml -b app --labels env:dev',
    'stratus blueprints upload app.zip -n main.yaml',
  );

  example(
    withListOptions(blueprints.command('list').description('List blueprints')).action(
      action(async (cmd, options: ListOptions) => {
        const client = clientFor(cmd);
        await printList(client, '/blueprints', listQuery(options, { _include: LIST_FIELDS.join(',') }), options, columns(['id', 'description', 'main_file_name', 'state:status', 'created_at:time', 'updated_at:time', 'visibility', 'tenant_name', 'created_by']), 'blueprints');
      }),
    ),
    'stratus blueprints list',
    'stratus blueprints list --sort-by id --json',
  );

  example(
    blueprints
      .command('get')
      .description('Show a blueprint and its deployments')
      .argument('<blueprint-id>')
      .option('--json', "print the API's JSON (with the plan)")
      .action(
        action(async (cmd, id: string, options: { json?: boolean }) => {
          const client = clientFor(cmd);
          const blueprint = await client.get(`/blueprints/${encodeURIComponent(id)}`);
          if (options.json) return printJson(blueprint);
          const { items } = await client.listAll('/deployments', { blueprint_id: id, _include: 'id' });
          print(blueprintDetails(blueprint, items.map((d) => String(d.id))));
        }),
      ),
    'stratus blueprints get hello',
  );

  example(
    blueprints
      .command('delete')
      .description('Delete a blueprint (refused while deployments use it, unless --force)')
      .argument('<blueprint-id>')
      .option('-f, --force', 'delete even if deployments use it')
      .action(
        action(async (cmd, id: string, options: { force?: boolean }) => {
          await clientFor(cmd).request('DELETE', `/blueprints/${encodeURIComponent(id)}`, { query: { force: options.force ? 'true' : 'false' } });
          print(`Blueprint ${id} deleted.`);
        }),
      ),
    'stratus blueprints delete hello',
  );

  example(
    blueprints
      .command('download')
      .description("Download a blueprint's archive")
      .argument('<blueprint-id>')
      .option('-o, --output-path <file>', 'where to write it (default: the name the manager gives, in the current folder)')
      .action(
        action(async (cmd, id: string, options: { outputPath?: string }) => {
          const response = await clientFor(cmd).download(`/blueprints/${encodeURIComponent(id)}/archive`);
          const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
          const file = options.outputPath ?? path.basename(named ?? `${id}.tar.gz`);
          if (!response.body) throw new ApiError(response.status, 'invalid_response', 'The archive download had no body');
          await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file));
          print(`Blueprint ${id} downloaded to ${file} (${statSync(file).size} bytes).`);
        }),
      ),
    'stratus blueprints download hello -o hello.tar.gz',
  );
}
