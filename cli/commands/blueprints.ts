/**
 * `stratus blueprints ...`: offline blueprint tools (online ones: blueprints-online.ts).
 *
 *   validate FILE [--json] [--plugins-dir DIR]
 *   plan FILE [-i key=value|inputs.yaml ...] [--json] [--plugins-dir DIR]
 *
 * Imports resolve relative to FILE's directory (which acts as the blueprint archive: nothing
 * outside it is read); Cloudify type URLs map to Stratus's built-in types; `plugin:` imports are
 * read from --plugins-dir (see blueprint-plugins.ts). On an invalid blueprint or invalid inputs the
 * command exits 1 and prints the error: `--json` prints `{"error_code", "message"}` on stdout, where
 * error_code is, for an invalid blueprint, Cloudify's numeric DSL code (25, 107...) or
 * "invalid_blueprint_error" for code-less errors (an unknown get_input), and for deployment-time
 * errors the REST error code (missing_required_deployment_input_error,
 * unknown_deployment_input_error, bad_parameters_error, function_evaluation_error); without --json
 * the error goes to stderr. Bad command-line usage (unknown option, missing FILE, a malformed -i) exits 2.
 */
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { DeploymentPlan, DslError, Plan, PluginResolver } from '../../src/dsl';
import { InputArgumentError, parseInputArguments } from './blueprint-inputs';
import { addOnlineBlueprintCommands } from './blueprints-online';
import { example } from '../context';

/**
 * The DSL engine, loaded only by the commands that use it: it takes most of the CLI's start-up
 * time, which every online command would otherwise pay.
 */
let engine: typeof import('../../src/dsl') | undefined; // eslint-disable-line @typescript-eslint/consistent-type-imports

async function dsl() {
  const [loaded, plugins] = await Promise.all([import('../../src/dsl'), import('./blueprint-plugins')]);
  engine = loaded;
  return { ...loaded, directoryPluginResolver: plugins.directoryPluginResolver };
}

/** A DslError can only come from the engine once it is loaded. */
function isDslError(err: unknown): err is DslError {
  return engine !== undefined && err instanceof engine.DslError;
}

interface CommonOptions {
  json?: boolean;
  pluginsDir?: string;
}

interface PlanOptions extends CommonOptions {
  inputs: string[];
}

/** Ends the command with an exit code (the message, if any, was already printed). */
function exit(code: number): never {
  throw new CommanderError(code, 'stratus.exit', '');
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function fail(err: unknown, json: boolean | undefined): never {
  if (isDslError(err)) {
    // Blueprint errors carry Cloudify's numeric code; deployment-time errors (inputs, functions) their REST code.
    const errorCode = err.errorCode === 'invalid_blueprint_error' ? (err.code ?? err.errorCode) : err.errorCode;
    if (json) print(JSON.stringify({ error_code: errorCode, message: err.message }));
    else process.stderr.write(`Error [${errorCode}]: ${err.message}\n`);
    exit(1);
  }
  if (err instanceof InputArgumentError) {
    if (json) print(JSON.stringify({ error_code: 'bad_parameters_error', message: err.message }));
    else process.stderr.write(`Error: ${err.message}\n`);
    exit(2);
  }
  throw err;
}

async function load(file: string, options: CommonOptions): Promise<Plan> {
  const full = path.resolve(file);
  const { directoryPluginResolver, directorySource, parse } = await dsl();
  const pluginResolver: PluginResolver | undefined = options.pluginsDir ? directoryPluginResolver(options.pluginsDir) : undefined;
  return parse(path.basename(full), { source: directorySource(path.dirname(full)), pluginResolver });
}

/** The JSON `plan --json` prints: deployment-shaped nodes and instances plus the plan's sections. */
export function planJson(deployment: DeploymentPlan): Record<string, unknown> {
  return {
    nodes: deployment.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      type_hierarchy: n.type_hierarchy,
      properties: n.properties,
      operations: n.operations,
      relationships: n.relationships,
      plugins: n.plugins,
      host_id: n.host_id,
      number_of_instances: n.number_of_instances,
      planned_number_of_instances: n.planned_number_of_instances,
      deploy_number_of_instances: n.deploy_number_of_instances,
      min_number_of_instances: n.min_number_of_instances,
      max_number_of_instances: n.max_number_of_instances,
    })),
    node_instances: deployment.node_instances.map((i) => ({
      id: i.id,
      node_id: i.node_id,
      host_id: i.host_id,
      relationships: i.relationships,
      scaling_groups: i.scaling_groups,
    })),
    inputs: deployment.inputs,
    outputs: deployment.outputs,
    workflows: deployment.workflows,
    groups: deployment.groups,
    policies: deployment.policies,
    scaling_groups: deployment.scaling_groups,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

function brief(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The readable summary `plan` prints without --json. */
export function planSummary(file: string, deployment: DeploymentPlan): string {
  const totals = new Map<string, number>();
  for (const i of deployment.node_instances) totals.set(i.node_id, (totals.get(i.node_id) ?? 0) + 1);
  const lines = [`Blueprint ${file} (${deployment.tosca_definitions_version})`, ''];
  const inputNames = Object.keys(deployment.inputs);
  if (inputNames.length) {
    lines.push('Inputs:', table(inputNames.map((name) => [`  ${name}`, brief(deployment.inputs[name])])), '');
  }
  const rows = [['NODE', 'TYPE', 'PER PARENT', 'INSTANCES', 'CONTAINED IN']];
  for (const n of deployment.nodes) {
    const container = n.relationships.find((r) => r.type_hierarchy.includes('cloudify.relationships.contained_in'))?.target_id ?? '-';
    rows.push([n.id, n.type, String(n.number_of_instances), String(totals.get(n.id) ?? 0), container]);
  }
  lines.push(table(rows), '', `${deployment.nodes.length} nodes, ${deployment.node_instances.length} node instances`);
  const groups = Object.entries(deployment.scaling_groups);
  if (groups.length) {
    lines.push('', 'Scaling groups:');
    for (const [name, g] of groups) lines.push(`  ${name}: ${g.members.join(', ')} (${g.properties.current_instances} instances)`);
  }
  const workflows = Object.keys(deployment.workflows);
  if (workflows.length) lines.push('', `Workflows: ${workflows.join(', ')}`);
  const outputs = Object.keys(deployment.outputs);
  if (outputs.length) lines.push(`Outputs: ${outputs.join(', ')}`);
  return lines.join('\n');
}

/** Usage errors (unknown option, missing argument...) exit 2, apart from invalid blueprints (1). */
function usageExit(err: CommanderError): never {
  if (err.exitCode === 1 && err.code.startsWith('commander.')) throw new CommanderError(2, err.code, err.message);
  throw err;
}

export function blueprintsCommand(): Command {
  // Set before the subcommands are created so they inherit it.
  const group = new Command('blueprints').description('Upload and manage blueprints; validate and plan them offline').exitOverride(usageExit);

  const validate = group
    .command('validate')
    .description('Parse and validate a blueprint file')
    .argument('<file>', 'the blueprint YAML file (imports resolve relative to it)')
    .option('--json', 'print the result as JSON')
    .option('--plugins-dir <dir>', 'directory of plugins for plugin: imports (<dir>/<name>/plugin.yaml)')
    .action(async (file: string, options: CommonOptions) => {
      try {
        const plan = await load(file, options);
        if (options.json) print(JSON.stringify({ valid: true, tosca_definitions_version: plan.tosca_definitions_version, nodes: plan.nodes.length }));
        else print(`Blueprint ${file} is valid (${plan.tosca_definitions_version}, ${plan.nodes.length} nodes).`);
      } catch (err) {
        fail(err, options.json);
      }
    });

  example(validate, 'stratus blueprints validate examples/hello-world/blueprint.yaml', 'stratus blueprints validate app/blueprint.yaml --plugins-dir ./plugins --json');

  const plan = group
    .command('plan')
    .description('Show the nodes and node instances a deployment of the blueprint would have')
    .argument('<file>', 'the blueprint YAML file (imports resolve relative to it)')
    .option('-i, --inputs <input>', 'an input as key=value, a YAML file of inputs, or an inline {dict} (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--json', 'print the plan as JSON')
    .option('--plugins-dir <dir>', 'directory of plugins for plugin: imports (<dir>/<name>/plugin.yaml)')
    .action(async (file: string, options: PlanOptions) => {
      try {
        const plan = await load(file, options);
        const inputs = parseInputArguments(options.inputs, plan.inputs);
        const deployment = await (await dsl()).prepareDeployment(plan, inputs, { autoCorrectTypes: true });
        print(options.json ? JSON.stringify(planJson(deployment)) : planSummary(file, deployment));
      } catch (err) {
        fail(err, options.json);
      }
    });

  example(plan, 'stratus blueprints plan examples/hello-world/blueprint.yaml -i port=8080', 'stratus blueprints plan app/blueprint.yaml -i inputs.yaml --json');

  addOnlineBlueprintCommands(group);
  return group;
}
