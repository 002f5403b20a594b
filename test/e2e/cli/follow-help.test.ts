/**
 * The follow display in a pseudo-terminal (`script` from util-linux runs the CLI on a pty): the
 * live bar with colours, its 100% on an ended execution and the final line, the exit codes; the
 * same command without a terminal prints plain lines with no escape codes. Executions that run
 * operations need the workflow engine; until it serves them these tests follow the system
 * executions the manager already ends (upload_blueprint) or leaves pending (pollers off).
 * Also: every command's --help carries an example.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { buildProgram } from '../../../cli/main';
import { bin, Cli, HELLO } from './cli-process';
import type { Run } from './cli-process';

let runtime: LocalRuntime;
let cli: Cli;

/** Runs the CLI on a pseudo-terminal; the output is what the terminal received. */
function onPty(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const childEnv = cli.env({ NO_COLOR: undefined, TERM: 'xterm', ...env });
  return new Promise((resolve) => {
    execFile('script', ['-qefc', quoted, '/dev/null'], { env: childEnv, cwd: cli.home }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: number | string }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  cli = new Cli(runtime);
  const dir = mkdtempSync(path.join(tmpdir(), 'stratus-cli-follow-'));
  mkdirSync(path.join(dir, 'hello'));
  writeFileSync(path.join(dir, 'hello/blueprint.yaml'), HELLO);
  await cli.ok(['blueprints', 'upload', path.join(dir, 'hello'), '-b', 'hello']);
  await cli.ok(['deployments', 'create', 'd1', '-b', 'hello', '--no-wait']);
});

afterAll(async () => {
  await runtime?.stop();
});

async function systemExecution(workflow: string): Promise<string> {
  const list = await cli.json<{ items: { id: string; workflow_id: string }[] }>(['executions', 'list', '--include-system-workflows']);
  const found = list.items.find((e) => e.workflow_id === workflow);
  if (!found) throw new Error(`no ${workflow} execution in ${JSON.stringify(list.items)}`);
  return found.id;
}

describe('following an execution', () => {
  it('on a terminal: a coloured bar at 100% for an ended execution, the final line, exit 0', async () => {
    const id = await systemExecution('upload_blueprint');
    const result = await onPty(['executions', 'get', id, '--follow']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\x1b[32m[##############################] 0/0 operations 100%  terminated');
    // The final line comes last, after the bar's line was ended.
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe("\x1b[32mFinished executing workflow 'upload_blueprint' on blueprint 'hello': completed\x1b[39m");
  });

  it('on a terminal: the bar at 0% while pending, redrawn in place, and exit 1 when following times out', async () => {
    const id = await systemExecution('create_deployment_environment');
    const result = await onPty(['executions', 'get', id, '--follow', '--timeout', '2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[------------------------------] 0/0 operations   0%  pending');
    // Redrawn by returning to the line start and clearing it, not by new lines.
    expect(result.stdout).toContain('\r\x1b[2K');
    expect(result.stdout).toMatch(/\[timeout\]: Stopped following execution \S+ after 2 s: it is still pending/);
  });

  it('without a terminal: plain status lines, no escape codes', async () => {
    const id = await systemExecution('upload_blueprint');
    const result = await cli.run(['executions', 'get', id, '--follow'], { env: { NO_COLOR: undefined } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Execution ${id} terminated (0/0 operations)\nFinished executing workflow 'upload_blueprint' on blueprint 'hello': completed\n`);
    const json = await cli.run(['executions', 'get', id, '--follow', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, status: 'terminated', workflow_id: 'upload_blueprint' });
  });

  it('colours tables only on a terminal', async () => {
    const [tty, plain] = await Promise.all([onPty(['blueprints', 'list']), cli.run(['blueprints', 'list'], { env: { NO_COLOR: undefined } })]);
    expect(tty.stdout).toContain('\x1b[32muploaded');
    expect(tty.stdout).toContain('\x1b[1mID');
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout).toMatch(/^hello\s+blueprint\.yaml\s+uploaded/m);
  });
});

describe('--help', () => {
  function leaves(command: Command): Command[] {
    return command.commands.length ? command.commands.flatMap(leaves) : [command];
  }

  it('exits 2 on an unknown command or option, 0 on --help and --version', async () => {
    const [unknown, option, help, version] = await Promise.all([cli.run(['nosuch']), cli.run(['deployments', 'list', '--nosuch']), cli.run(['--help']), cli.run(['--version'])]);
    expect([unknown.code, option.code, help.code, version.code]).toEqual([2, 2, 0, 0]);
    expect(unknown.stderr).toContain("unknown command 'nosuch'");
    expect(help.stdout).toContain('STRATUS_MANAGER');
  });

  it('every command has a description and an example in its --help', () => {
    const commands = leaves(buildProgram());
    expect(commands.length).toBeGreaterThan(35);
    for (const command of commands) {
      let text = '';
      command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      command.outputHelp();
      const name = `${command.parent?.name() ?? ''} ${command.name()}`.trim();
      expect({ name, description: command.description().length > 0 }).toEqual({ name, description: true });
      expect({ name, example: /Examples?:\n {2}\$ stratus /.test(text) }).toEqual({ name, example: true });
    }
  });
});
