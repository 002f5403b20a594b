/**
 * Fuzzing the REST API (fast-check) through real HTTP on the local runtime: generated garbage —
 * path segments, query strings, content types, bodies of random bytes, random JSON and JSON shaped
 * like the resources' own fields with wrongly typed values, wrong methods, bad credentials and
 * tenants — is sent to every route of the router. No request may produce a server error, no
 * garbage request may succeed in changing anything, and the stored state (model and files) is the
 * same afterwards.
 *
 * The caller is a plain member of the tenant (no sys_admin powers), so the only request that may
 * legitimately create something from an empty body, POST /tokens, creates the caller's own token:
 * tokens are left out of the state comparison.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { LocalRuntime } from '../../local/runtime';
import { createApiRouter } from '../../src/api/app';
import { createApiServices } from '../../src/api/dependencies';
import { startTestRuntime } from '../support/local-runtime';
import { tarGzOf } from '../support/archives/build';
import { basic, blueprintUpload, multipart, RestClient } from '../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let s3: S3Client;
let member: string;
const existing: Record<string, string[]> = {};

const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_4
imports: [cloudify/types/types.yaml]
inputs:
  n: {type: integer, default: 1}
node_templates:
  vm: {type: cloudify.nodes.Compute, properties: {agent_config: {install_method: none}}}
`;

/** Every route of the router (the same table the OpenAPI test checks). */
function routeTable(): { method: string; pattern: string }[] {
  const never = new Proxy({}, { get: () => () => { throw new Error('unused'); } });
  return createApiRouter({}, createApiServices({ store: never as never, cipher: never as never, adminPassword: never as never, files: never as never, queues: never as never })).table();
}

async function snapshot(): Promise<unknown> {
  const asAdmin = { tenant: 'default_tenant' };
  const list = async (path: string, fields: string) => (await rest.list(`${path}${path.includes('?') ? '&' : '?'}_include=${fields}&_get_all_results=true`, asAdmin)).items;
  const objects = await s3.send(new ListObjectsV2Command({ Bucket: runtime.resources.buckets.resources }));
  return {
    blueprints: await list('/api/v3.1/blueprints', 'id,state,updated_at,visibility,labels'),
    plugins: await list('/api/v3.1/plugins', 'id,visibility'),
    deployments: await list('/api/v3.1/deployments', 'id,updated_at,latest_execution,visibility,labels'),
    nodes: await list('/api/v3.1/nodes', 'id,deployment_id'),
    instances: await list('/api/v3.1/node-instances', 'id,version,state'),
    executions: await list('/api/v3.1/executions?_include_system_workflows=true', 'id,status'),
    secrets: await list('/api/v3.1/secrets', 'key,updated_at'),
    tenants: await list('/api/v3.1/tenants', 'name'),
    users: (await rest.list('/api/v3.1/users', asAdmin)).items.map((user) => [user.username, user.role]),
    files: (objects.Contents ?? []).map((object) => `${object.Key}:${object.Size}`).sort(),
  };
}

const FIELD_NAMES = ['blueprint_id', 'inputs', 'visibility', 'labels', 'display_name', 'version', 'state', 'runtime_properties', 'force', 'deployment_id', 'workflow_id', 'parameters', 'queue', 'username', 'password', 'role', 'tenant_name', 'description', 'is_hidden_value', 'update_if_exists', 'skip_plugins_validation'];

/** Values of the wrong type or out of range for every field above. */
const wrongValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.double({ noNaN: false }).filter((n) => !Number.isInteger(n)),
  fc.integer({ max: -1 }),
  fc.constant(Number.MAX_SAFE_INTEGER * 4),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

type GarbageBody = { raw: string | Buffer; type?: string } | undefined;
const garbageBody: fc.Arbitrary<GarbageBody> = fc.oneof(
  fc.constant<GarbageBody>(undefined),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ raw: Buffer.from(bytes) })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ raw: JSON.stringify(value) ?? 'null' })),
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), wrongValue, { maxKeys: 5 }).map((value) => ({ raw: JSON.stringify(value) })),
  fc.string({ unit: 'grapheme', maxLength: 300 }).map((text) => ({ raw: text })),
  fc.string({ maxLength: 200 }).map((text) => ({ raw: `--b\r\nContent-Disposition: form-data; name="params"\r\n\r\n${text}`, type: 'multipart/form-data; boundary=b' })),
);

const contentType = fc.constantFrom('application/json', 'application/octet-stream', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=zz', 'application/x-www-form-urlencoded', '', 'garbage/;;;');

const segment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.constantFrom('..', '.', '%', '%2e%2e', '#x', 'a b', '\u0000', 'x'.repeat(300), 'ünïcödé', '1'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
);

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('_size', '_offset', '_sort', '_include', '_search', '_range', '_all_tenants', 'force', 'id', 'deployment_id', 'state', 'visibility', 'upload_id', 'blueprint_archive_url', 'application_file_name'), fc.string({ maxLength: 10 })),
      fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '1e9', 'True', 'maybe', ',,,', '-nope', 'a,b,c', '')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => new URLSearchParams(pairs).toString());

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  rest = new RestClient(runtime);
  s3 = new S3Client({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.s3, forcePathStyle: true });
  await rest.ok('PUT', '/api/v3.1/users', 201, { body: { username: 'fuzzer', password: 'fuzzer-password', role: 'default' } });
  await rest.ok('PUT', '/api/v3.1/tenants/add-user', 200, { body: { username: 'fuzzer', tenant_name: 'default_tenant', role: 'user' } });
  member = basic('fuzzer', 'fuzzer-password');
  await rest.ok('PUT', '/api/v3.1/blueprints/fuzz-bp', 201, blueprintUpload(await tarGzOf([{ name: 'bp/blueprint.yaml', data: BLUEPRINT }])));
  await rest.ok('PUT', '/api/v3.1/deployments/fuzz-dep', 201, { body: { blueprint_id: 'fuzz-bp' } });
  await rest.ok('POST', '/api/v3.1/plugins', 201, { rawBody: 'plugins:\n  p: {executor: central_deployment_agent, package_name: fuzz-plugin}\n', contentType: 'application/octet-stream' });
  expect((await rest.call('PUT', '/api/v3.1/secrets/fuzz-secret', { body: { value: 'v' } })).status).toBeLessThan(300);
  existing.id = ['fuzz-bp', 'fuzz-dep', (await rest.list('/api/v3.1/plugins')).items[0].id as string, (await rest.list('/api/v3.1/node-instances')).items[0].id as string];
  existing.key = ['fuzz-secret'];
  existing.name = ['default_tenant'];
  existing.username = ['fuzzer', 'admin'];
});

afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
});

describe('REST fuzzing', () => {
  it('serves the OpenAPI document without credentials', async () => {
    expect(await rest.ok('GET', '/api/v3.1/openapi.json', 200, { auth: null, tenant: null })).toMatchObject({ openapi: '3.1.0' });
  });

  it('answers generated garbage on every route without a server error or a change of state', async () => {
    const before = await snapshot();
    const routes = routeTable();
    const mutations: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            method: fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS') }),
            params: fc.array(fc.oneof({ weight: 3, arbitrary: segment }, { weight: 1, arbitrary: fc.constantFrom(...existing.id, ...existing.key) }), { minLength: 3, maxLength: 3 }),
            query: queryString,
            body: garbageBody,
            type: contentType,
            auth: fc.oneof({ weight: 8, arbitrary: fc.constant(member) }, { weight: 1, arbitrary: fc.constant(basic('fuzzer', 'wrong')) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }),
            tenant: fc.oneof({ weight: 8, arbitrary: fc.constant('default_tenant') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
          }),
          async (input) => {
            let n = 0;
            const path = route.pattern.replace(/\{\w+\}/g, () => encodeURIComponent(input.params[n++]));
            const mutating = input.method !== 'GET' && input.method !== 'OPTIONS';
            // Existing ids are only aimed at by reads and by writes that carry garbage bodies.
            if (input.method === 'DELETE' && input.params.some((param) => existing.id.includes(param) || existing.key.includes(param))) return;
            const url = `${path}${input.query ? `?${input.query}` : ''}`;
            const headers: Record<string, string> = {};
            const reply = await rest.call(input.method, url, {
              auth: input.auth,
              tenant: input.tenant.replace(/[\r\n]/g, ''),
              rawBody: input.method === 'GET' ? undefined : input.body?.raw,
              contentType: input.body?.type ?? input.type,
              headers,
            });
            expect(reply.status).toBeLessThan(500);
            if (mutating && reply.status < 400 && !(route.pattern === '/api/v3.1/tokens' && input.method === 'POST') && !(route.pattern === '/api/v3.1/uploads' && input.method === 'POST')) {
              mutations.push(`${input.method} ${url} → ${reply.status}`);
            }
          },
        ),
        { numRuns: 14, seed: 20261122 },
      );
    }
    expect(mutations).toEqual([]);
    expect(await snapshot()).toEqual(before);
  }, 300_000);

  it('answers every hostile archive and multipart body on the upload routes with a 4xx and stores nothing', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), fc.constantFrom('multipart', 'legacy', 'plugin'), async (bytes, form) => {
        const archive = Buffer.concat([Buffer.from(fc.sample(fc.constantFrom('PK\u0003\u0004', '\u001f\u008b', 'BZh9', ''), 1)[0], 'latin1'), Buffer.from(bytes)]);
        const options =
          form === 'multipart' ? blueprintUpload(archive) : form === 'legacy' ? { rawBody: archive, contentType: 'application/octet-stream' } : { rawBody: archive, contentType: 'application/octet-stream' };
        const path = form === 'plugin' ? '/api/v3.1/plugins' : '/api/v3.1/blueprints/fuzz-upload';
        const reply = await rest.call(form === 'plugin' ? 'POST' : 'PUT', path, { auth: member, ...options });
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 60, seed: 7 },
    );
    const { body, contentType } = multipart([{ name: 'params', value: '{}' }, { name: 'blueprint_archive', value: Buffer.alloc(10, 1), filename: 'f' }]);
    for (let cut = 1; cut < body.length; cut += 7) {
      const reply = await rest.call('PUT', '/api/v3.1/blueprints/fuzz-cut', { auth: member, rawBody: body.subarray(0, cut), contentType });
      expect(reply.status).toBeGreaterThanOrEqual(400);
    }
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
