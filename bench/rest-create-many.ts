/**
 * The write path of a large deployment (issue 4): `createMany` of one deployment's node instances
 * (documents shaped like src/deployments/create.ts writes them, ≈700 bytes) on DynamoDB Local, as
 * `PUT /deployments/{id}` does before writing the deployment; wall time and DynamoDB requests by
 * command. Then the instances are read back and counted (and deleted, to time that too).
 *
 *   npx tsx bench/rest-create-many.ts [--instances 10000] [--runs 2]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../adapters/dynamodb/model-store';
import { startLocalRuntime } from '../local/runtime';
import type { NewEntity } from '../src/ports/model-store';
import { deleteEntities } from '../src/resources/bulk';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({ options: { instances: { type: 'string', default: '10000' }, runs: { type: 'string', default: '2' } } });
const instances = Number(values.instances);
const runs = Number(values.runs);
const TENANT = 'default_tenant';

function instanceDoc(deployment: string, i: number): NewEntity<object> {
  const id = `vm_${i.toString(36)}${'x'.repeat(4)}`;
  return {
    kind: 'node_instance',
    tenant: TENANT,
    id: `${deployment}.${id}`,
    parent: deployment,
    data: {
      id,
      node_id: `vm_${i % 10}`,
      deployment_id: deployment,
      host_id: id,
      index: i,
      state: 'uninitialized',
      runtime_properties: {},
      system_properties: {},
      relationships: [{ type: 'cloudify.relationships.contained_in', target_id: `host_${i % 100}`, target_name: 'host' }],
      scaling_groups: [],
      visibility: 'tenant',
      created_by: 'admin',
    },
  };
}

async function main(): Promise<void> {
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const runtime = await startLocalRuntime({ port: 0, inMemory: true, logLevel: 'SILENT', scheduleMinutes: 0, pollers: false });
  const raw = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  const requests: string[] = [];
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  try {
    const store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: runtime.resources.tables.model });
    for (let run = 0; run < runs; run++) {
      const deployment = `big-${run}`;
      const entities = Array.from({ length: instances }, (_, i) => instanceDoc(deployment, i));
      requests.length = 0;
      const started = performance.now();
      await store.createMany(entities);
      const seconds = (performance.now() - started) / 1000;
      const byCommand = Object.entries(requests.reduce<Record<string, number>>((acc, name) => ({ ...acc, [name]: (acc[name] ?? 0) + 1 }), {}))
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      const counted = await store.count({ tenant: TENANT, kind: 'node_instance', parent: deployment });
      if (counted !== instances) throw new Error(`counted ${counted} instances, wrote ${instances}`);
      console.log(`Run ${run + 1}: createMany of ${instances} node instances in ${seconds.toFixed(1)} s (${Math.round(instances / seconds)}/s); requests: ${byCommand}; load ${os.loadavg()[0].toFixed(2)}`);
      const refs = await store.all({ tenant: TENANT, kind: 'node_instance', parent: deployment });
      const deleteStarted = performance.now();
      await deleteEntities(store, refs);
      console.log(`Run ${run + 1}: deleting them (src/resources/bulk.ts) took ${((performance.now() - deleteStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    raw.destroy();
    await runtime.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
