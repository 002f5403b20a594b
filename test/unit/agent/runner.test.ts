import { describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunMessage } from '../../../src/agents/protocol';
import { CTX_CLI_SOURCE } from '../../../agent/ctx/proxy';
import { inputsAsEnv, runOperation } from '../../../agent/runner';

/** Running (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function setup() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-test-'));
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'ctx'), CTX_CLI_SOURCE);
  await chmod(path.join(bin, 'ctx'), 0o755);
  const logs: { level: string; message: string }[] = [];
  const resources: Record<string, string> = {};
  const hooks = {
    log: (level: string, message: string) => logs.push({ level, message }),
    fetchResource: async (p: string) => {
      if (!(p in resources)) throw new Error(`no resource ${p}`);
      return Buffer.from(resources[p]);
    },
    workDir: path.join(dir, 'resources'),
    ctxBinDir: bin,
  };
  return { dir, logs, resources, hooks: hooks as never };
}

function run(inputs: Record<string, unknown>, timeout: number | null = null): RunMessage {
  return {
    action: 'run', execution_id: 'e1', task_id: 't1', attempt: 1, name: 'cloudify.interfaces.lifecycle.create', plugin: 'script', operation: 'script_runner.tasks.run', inputs: inputs as never, timeout,
    context: { tenant: 'default_tenant', deployment_id: 'd1', blueprint_id: 'b1', execution_id: 'e1', workflow_id: 'install', node: { id: 'web', type: 'cloudify.nodes.WebServer', properties: { port: 8080, name: 'Stratus' } }, instance: { id: 'web_1', node_id: 'web', runtime_properties: { old: 1 }, host_ip: '127.0.0.1' }, relationship: null },
  };
}

describe('script running on the agent', () => {
  it('passes inputs as environment variables (JSON for dicts, lists and booleans), streams output as logs, uses ctx', async () => {
    const { dir, logs, hooks } = await setup();
    const script = [
      '#!/bin/sh',
      'echo "name=$NAME dict=$CONF list=$LIST flag=$FLAG n=$N extra=$EXTRA"',
      'echo "to stderr" >&2',
      'ctx logger info "from ctx"',
      'ctx instance runtime-properties pid $$',
      'ctx instance runtime-properties nested.count @3',
      'echo "port=$(ctx node properties port) ip=$(ctx instance host-ip)"',
      `ctx returns '@{"ok":true}'`,
    ].join('\n');
    const op = runOperation(run({ script_source: script, NAME: 'web', CONF: { a: 1 }, LIST: [1, 'x'], FLAG: true, N: 5, process: { env: { EXTRA: 'yes' } } }), hooks, path.join(dir, 'op'));
    const result = await op.done;
    expect(result).toMatchObject({ status: 'success', error: null, returns: { ok: true } });
    expect(result.runtime_properties.web_1).toMatchObject({ nested: { count: 3 } });
    expect(typeof result.runtime_properties.web_1.pid).toBe('string');
    expect(result.runtime_properties.web_1.old).toBeUndefined();
    expect(logs).toContainEqual({ level: 'info', message: 'name=web dict={"a":1} list=[1,"x"] flag=true n=5 extra=yes' });
    expect(logs).toContainEqual({ level: 'warning', message: 'to stderr' });
    expect(logs).toContainEqual({ level: 'info', message: 'from ctx' });
    expect(logs).toContainEqual({ level: 'info', message: 'port=8080 ip=127.0.0.1' });
  });

  it('a non-zero exit is a recoverable failure naming the code and stderr', async () => {
    const { dir, hooks } = await setup();
    const result = await runOperation(run({ script_source: '#!/bin/sh\necho broken >&2\nexit 3' }), hooks, path.join(dir, 'op')).done;
    expect(result).toMatchObject({ status: 'failure', recoverable: true });
    expect(result.error).toMatch(/exited with code 3: broken/);
  });

  it('abort-operation fails without retry; retry-operation asks for a retry after N seconds', async () => {
    const { dir, hooks } = await setup();
    const aborted = await runOperation(run({ script_source: '#!/bin/sh\nctx abort-operation "cannot go on"\nexit 0' }), hooks, path.join(dir, 'a')).done;
    expect(aborted).toMatchObject({ status: 'failure', recoverable: false, error: 'cannot go on' });
    const retried = await runOperation(run({ script_source: '#!/bin/sh\nctx retry-operation "not yet" @7' }), hooks, path.join(dir, 'r')).done;
    expect(retried).toMatchObject({ status: 'failure', recoverable: true, error: 'not yet', retry_after: 7 });
  });

  it('downloads script_path from the blueprint resources and renders templates with ctx values', async () => {
    const { dir, hooks, resources } = await setup();
    resources['scripts/create.sh'] = '#!/bin/sh\nout=$(ctx download-resource-and-render templates/page.html "$TARGET")\ncat "$out"\n';
    resources['templates/page.html'] = '<h1>{{ ctx.node.properties.name }} on {{ ctx.node.properties.port }} ({{ ctx.instance.id }})</h1>';
    const target = path.join(dir, 'page.html');
    const logs: { level: string; message: string }[] = (hooks as { log: unknown }).log ? [] : [];
    const result = await runOperation(run({ script_path: 'scripts/create.sh', TARGET: target }), hooks, path.join(dir, 'op')).done;
    expect(result.status).toBe('success');
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(target, 'utf8')).toBe('<h1>Stratus on 8080 (web_1)</h1>');
    expect(logs).toEqual([]);
  });

  it('a timeout terminates the whole process tree (children too)', async () => {
    const { dir, hooks } = await setup();
    const pidFile = path.join(dir, 'child.pid');
    const script = `#!/bin/sh\nsleep 30 &\necho $! > ${pidFile}\nsleep 30\n`;
    const started = Date.now();
    const result = await runOperation(run({ script_source: script }, 1), hooks, path.join(dir, 'op')).done;
    expect(Date.now() - started).toBeLessThan(6000);
    expect(result).toMatchObject({ status: 'failure', recoverable: true });
    expect(result.error).toMatch(/timed out after 1 seconds/);
    const { readFile } = await import('node:fs/promises');
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(childPid)).toBe(false);
  });

  it('cancel kills the running script and fails the operation without retry', async () => {
    const { dir, hooks } = await setup();
    const op = runOperation(run({ script_source: '#!/bin/sh\nsleep 30\n' }), hooks, path.join(dir, 'op'));
    setTimeout(() => op.cancel('killed by the user'), 300);
    const result = await op.done;
    expect(result).toMatchObject({ status: 'failure', recoverable: false });
    expect(result.error).toMatch(/cancelled: killed by the user/);
  });

  it('refuses operations other than the script plugin clearly', async () => {
    const { dir, hooks } = await setup();
    const result = await runOperation({ ...run({}), plugin: 'fabric', operation: 'fabric_plugin.tasks.run_task' }, hooks, path.join(dir, 'op')).done;
    expect(result).toMatchObject({ status: 'failure', recoverable: false });
    expect(result.error).toMatch(/not supported by the Stratus agent/);
  });

  it('encodes inputs for the environment', () => {
    expect(inputsAsEnv({ s: 'x', n: 1.5, b: false, d: { a: [1] }, z: null })).toEqual({ s: 'x', n: '1.5', b: 'false', d: '{"a":[1]}', z: '' });
  });
});
