/**
 * `stratus executions start|list|get|cancel|resume` (start follows the execution by default) and
 * `stratus events list` (with --tail to follow).
 */
import type { Command } from 'commander';
import type { Query, StratusClient } from '../client/client';
import { ApiError } from '../client/errors';
import { END_STATES, sleep } from '../client/wait';
import type { Execution } from '../client/wait';
import { action, clientFor, example, group } from '../context';
import { finalLine, followExecution, formatEvent } from '../follow';
import type { Event } from '../follow';
import { collect, columns, details, print, printJson } from '../output';
import { listQuery, printList, withListOptions } from './common';
import type { ListOptions } from './common';
import { readArguments } from './deployments';

const exe = (id: string) => `/executions/${encodeURIComponent(id)}`;

interface StartOptions {
  deploymentId: string;
  parameters: string[];
  allowCustomParameters?: boolean;
  force?: boolean;
  dryRun?: boolean;
  queue?: boolean;
  follow: boolean;
  timeout: number;
  json?: boolean;
}

function executionDetails(e: Record<string, unknown>): string {
  return details([
    ['ID', e.id],
    ['Workflow', e.workflow_id],
    ['Deployment', e.deployment_id],
    ['Blueprint', e.blueprint_id],
    ['Status', e.status_display ?? e.status, 'status'],
    ['Operations', `${Number(e.finished_operations ?? 0)}/${Number(e.total_operations ?? 0)}`],
    ['Created', e.created_at, 'time'],
    ['Started', e.started_at, 'time'],
    ['Ended', e.ended_at, 'time'],
    ['Dry run', e.is_dry_run],
    ['Parameters', e.parameters],
    ['Created by', e.created_by],
    ...(e.error ? ([['Error', e.error]] as [string, unknown][]) : []),
  ]);
}

const ENVIRONMENT_NOT_READY = new Set(['deployment_environment_creation_pending_error', 'deployment_environment_creation_in_progress_error']);

/**
 * Starts the execution; while the deployment's environment is still being created (a deployment
 * created with --no-wait, or by someone else a moment ago) it retries, as `cfy` does.
 */
async function startWhenReady(client: StratusClient, body: Record<string, unknown>, timeoutSeconds: number, quiet: boolean): Promise<Execution> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let told = false;
  for (;;) {
    try {
      return await client.request<Execution>('POST', '/executions', { json: body });
    } catch (err) {
      if (!(err instanceof ApiError) || !ENVIRONMENT_NOT_READY.has(err.errorCode) || Date.now() >= deadline) throw err;
      if (!told && !quiet) process.stderr.write(`The environment of deployment ${String(body.deployment_id)} is still being created; waiting...\n`);
      told = true;
      await sleep(1000);
    }
  }
}

/** Exit code of an ended execution: 0 only when it completed. */
function exitCodeOf(execution: Execution): number {
  return execution.status === 'terminated' ? 0 : 1;
}

export function executionsCommand(): Command {
  const executions = group('executions', 'Run workflows and follow them');

  example(
    executions
      .command('start')
      .description('Start a workflow on a deployment and follow it: live progress and events, exit 1 if it fails or is cancelled')
      .argument('<workflow-id>', 'install, uninstall, heal, scale, execute_operation, or a custom workflow')
      .requiredOption('-d, --deployment-id <id>', 'the deployment')
      .option('-p, --parameters <parameter>', 'a parameter as key=value (the value read as YAML), a YAML/JSON file, or an inline {dict} (repeatable)', collect, [] as string[])
      .option('--allow-custom-parameters', 'allow parameters the workflow does not declare')
      .option('-f, --force', 'run even if another execution of the deployment is running')
      .option('--dry-run', 'only show what would run')
      .option('--queue', 'queue the execution if another one is running')
      .option('--no-follow', 'return once the execution is started')
      .option('--timeout <seconds>', "how long to wait for the deployment's environment and to follow (the execution goes on)", Number, 3600)
      .option('--json', 'print the execution as JSON (at its end when following) instead of the progress')
      .action(
        action(async (cmd, workflowId: string, options: StartOptions) => {
          const client = clientFor(cmd);
          const body = {
            deployment_id: options.deploymentId,
            workflow_id: workflowId,
            parameters: readArguments(options.parameters),
            allow_custom_parameters: options.allowCustomParameters === true,
            force: options.force === true,
            dry_run: options.dryRun === true,
            queue: options.queue === true,
          };
          const started = await startWhenReady(client, body, options.timeout, options.json === true);
          if (!options.follow) {
            if (options.json) printJson(started);
            else print(`Execution ${started.id} of workflow ${workflowId} on deployment ${options.deploymentId} started (${started.status}).`);
            return 0;
          }
          if (!options.json) process.stderr.write(`Executing workflow '${workflowId}' on deployment '${options.deploymentId}' (execution ${started.id})\n`);
          const final = await followExecution(client, started.id, { timeoutSeconds: options.timeout, events: !options.json, out: options.json ? process.stderr : process.stdout });
          if (options.json) printJson(final);
          else print(finalLine(final));
          return exitCodeOf(final);
        }),
      ),
    'stratus executions start install -d hello',
    'stratus executions start scale -d app -p scalable_entity_name=web -p delta=2',
    'stratus executions start uninstall -d hello -p ignore_failure=true --no-follow',
  );

  example(
    withListOptions(executions.command('list').description('List executions'))
      .option('-d, --deployment-id <id>', 'only executions of this deployment')
      .option('--include-system-workflows', 'also list system executions (upload_blueprint, create_deployment_environment, ...)')
      .action(
        action(async (cmd, options: ListOptions & { deploymentId?: string; includeSystemWorkflows?: boolean }) => {
          const query: Query = listQuery(options, {
            deployment_id: options.deploymentId,
            _include_system_workflows: options.includeSystemWorkflows ? 'true' : 'false',
            _include: 'id,workflow_id,status,status_display,is_dry_run,deployment_id,created_at,started_at,ended_at,total_operations,finished_operations,visibility,tenant_name,created_by',
          });
          await printList(
            clientFor(cmd),
            '/executions',
            query,
            options,
            [
              ...columns(['id', 'workflow_id', 'status_display:status', 'deployment_id', 'created_at:time', 'ended_at:time']),
              { header: 'OPERATIONS', value: (e) => `${Number(e.finished_operations ?? 0)}/${Number(e.total_operations ?? 0)}` },
              ...columns(['is_dry_run', 'created_by']),
            ],
            'executions',
          );
        }),
      ),
    'stratus executions list -d hello',
  );

  example(
    executions
      .command('get')
      .description('Show an execution (--follow: follow it like start does)')
      .argument('<execution-id>')
      .option('--follow', 'follow it until it ends')
      .option('--timeout <seconds>', 'stop following after this many seconds', Number, 3600)
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, id: string, options: { json?: boolean; follow?: boolean; timeout: number }) => {
          const client = clientFor(cmd);
          if (options.follow) {
            const final = await followExecution(client, id, { timeoutSeconds: options.timeout, events: !options.json, out: options.json ? process.stderr : process.stdout });
            if (options.json) printJson(final);
            else print(finalLine(final));
            return exitCodeOf(final);
          }
          const execution = await client.get(exe(id));
          if (options.json) printJson(execution);
          else print(executionDetails(execution));
        }),
      ),
    'stratus executions get 3f0c2b1e-...',
  );

  for (const [name, description, forced] of [
    ['cancel', 'Cancel a running execution (--force: force-cancel, --kill: kill)', 'force-cancel'],
    ['resume', 'Resume a failed or cancelled execution (--force: force-resume, retrying failed operations)', 'force-resume'],
  ] as const) {
    const command = executions
      .command(name)
      .description(description)
      .argument('<execution-id>')
      .option('-f, --force', `use ${forced}`)
      .option('--json', 'print the execution as JSON');
    if (name === 'cancel') command.option('-k, --kill', 'kill the running operations too');
    example(
      command.action(
        action(async (cmd, id: string, options: { force?: boolean; kill?: boolean; json?: boolean }) => {
          const verb = options.kill ? 'kill' : options.force ? forced : name;
          const execution = await clientFor(cmd).request('POST', exe(id), { json: { action: verb } });
          if (options.json) printJson(execution);
          else print(`Execution ${id}: ${verb} requested (status ${String(execution.status)}).`);
        }),
      ),
      `stratus executions ${name} 3f0c2b1e-...`,
    );
  }
  return executions;
}

interface EventsOptions {
  executionId?: string;
  deploymentId?: string;
  blueprintId?: string;
  nodeId?: string;
  nodeInstanceId?: string;
  eventType: string[];
  level: string[];
  type: string[];
  search?: string;
  from?: string;
  to?: string;
  tail?: boolean;
  interval: number;
  json?: boolean;
}

export function eventsCommand(): Command {
  const events = group('events', 'Show events and logs');
  example(
    events
      .command('list')
      .description('List events and logs, oldest first; --tail keeps printing new ones')
      .option('-e, --execution-id <id>', 'of this execution')
      .option('-d, --deployment-id <id>', 'of this deployment')
      .option('-b, --blueprint-id <id>', 'of this blueprint')
      .option('--node-id <node>', 'of this node')
      .option('--node-instance-id <id>', 'of this node instance')
      .option('--event-type <type>', 'only events of this type, e.g. task_failed (repeatable)', collect, [] as string[])
      .option('--level <level>', 'only logs of this level (repeatable)', collect, [] as string[])
      .option('--type <type>', 'cloudify_event or cloudify_log (repeatable; default both)', collect, [] as string[])
      .option('--search <text>', 'only messages containing this text')
      .option('--from <time>', 'reported at or after this ISO time')
      .option('--to <time>', 'reported before this ISO time')
      .option('--tail', 'keep following new events (Ctrl+C to stop; ends with the execution when -e is given)')
      .option('--interval <seconds>', 'polling interval of --tail', Number, 1)
      .option('--json', "print the API's JSON (with --tail: one event per line)")
      .action(
        action(async (cmd, options: EventsOptions) => {
          const client = clientFor(cmd);
          const query: Query = {
            execution_id: options.executionId,
            deployment_id: options.deploymentId,
            blueprint_id: options.blueprintId,
            node_id: options.nodeId,
            node_instance_id: options.nodeInstanceId,
            event_type: options.eventType.length ? options.eventType : undefined,
            level: options.level.length ? options.level : undefined,
            type: options.type.length ? options.type : ['cloudify_event', 'cloudify_log'],
            'message.text': options.search ? `%${options.search}%` : undefined,
            _range: options.from || options.to ? `@timestamp,${options.from ?? ''},${options.to ?? ''}` : undefined,
            _sort: 'reported_timestamp',
          };
          if (!options.tail) {
            const { items, total } = await client.listAll<Event>('/events', query);
            if (options.json) return printJson({ items, metadata: { pagination: { total, size: items.length, offset: 0 }, filtered: null } });
            for (const event of items) print(formatEvent(event));
            return print(`\nTotal: ${total}`);
          }
          let offset = 0;
          for (;;) {
            const page = await client.page<Event>('/events', query, offset, 1000);
            for (const event of page.items) print(options.json ? JSON.stringify(event) : formatEvent(event));
            offset += page.items.length;
            if (page.items.length === 1000) continue;
            if (options.executionId) {
              const execution = await client.get<Execution>(exe(options.executionId), { _include: 'id,status' });
              if (END_STATES.has(execution.status)) {
                const rest = await client.page<Event>('/events', query, offset, 1000);
                for (const event of rest.items) print(options.json ? JSON.stringify(event) : formatEvent(event));
                return;
              }
            }
            await sleep(options.interval * 1000);
          }
        }),
      ),
    'stratus events list -e 3f0c2b1e-...',
    'stratus events list -d hello --event-type task_failed --json',
    'stratus events list -d hello --tail',
  );
  return events;
}
