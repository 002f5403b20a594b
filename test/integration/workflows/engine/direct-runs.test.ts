/**
 * Direct runs (docs/engine.md, "Direct runs"): a worker that finishes a task runs the operations
 * that finish starts itself, up to STRATUS_MAX_DIRECT_RUNS at once; the rest go through the tasks
 * queue. Counted here from what the real task worker of the local runtime receives from its queue.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { createTaskWorkerHandler } from '../../../../lambdas/task-worker';
import type { Handler } from '../../../../local/lambda-invoker';
import { deploy, HEADER, instances, run, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

const APPS = 12;
/** One host whose install releases APPS independent app chains at once. */
const FAN_OUT = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: ${APPS}}}}
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop}
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Installs the fan-out and returns how many task messages the task worker received. */
async function install(maxDirectRuns: string): Promise<number> {
  let received = 0;
  h = await startHarness(
    {
      handlers: {
        taskWorker: (settings) => {
          const inner = createTaskWorkerHandler(settings) as unknown as Handler<SQSEvent>;
          const counting: Handler<SQSEvent> = async (event, context) => {
            received += event.Records.length;
            return inner(event, context);
          };
          return counting as Handler<never>;
        },
      },
    },
    { STRATUS_MAX_DIRECT_RUNS: maxDirectRuns },
  );
  await deploy(h, 'fan', FAN_OUT);
  const ended = await waitForEnd(h, (await run(h, 'fan', 'install')).id as string);
  expect(ended.status).toBe('terminated');
  const states = (await instances(h, 'fan')).map((instance) => instance.state);
  expect(states).toEqual(Array(APPS + 1).fill('started'));
  return received;
}

describe('direct runs', () => {
  it('with room for them, the chains a finished task starts run in that worker, not through the queue', async () => {
    expect(await install('64')).toBeLessThan(APPS / 2);
  });

  it('with STRATUS_MAX_DIRECT_RUNS=0, every chain goes through the tasks queue and still installs', async () => {
    expect(await install('0')).toBeGreaterThanOrEqual(APPS);
  });
});
