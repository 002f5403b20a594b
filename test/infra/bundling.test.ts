/**
 * Real bundling: every function's entry is built by esbuild exactly as `cdk synth`/`cdk deploy` do,
 * and each bundle is then loaded by Node (and the REST handler invoked), so a broken entry file, an
 * unbundleable import or a bundle that cannot start fails here rather than in Lambda.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ESM_REQUIRE_BANNER } from '../../lib/constructs/stratus-function';
import { FUNCTIONS } from '../../src/config/resources';
import type { FunctionId } from '../../src/config/resources';
import type { Json } from './support/synth';
import { logicalIdOf, synthStratus } from './support/synth';

interface BundleReport {
  files: string[];
  head: string;
  exports: string;
}

const ids = Object.keys(FUNCTIONS) as FunctionId[];
const bundles = new Map<FunctionId, BundleReport>();
let versionResponse: Json;

/** Loads each bundle in a separate Node process, as Lambda would, and reports what it exports. */
const LOAD_SCRIPT = `
import { pathToFileURL } from 'node:url';
const dirs = process.argv.slice(1);
const out = {};
for (const dir of dirs) {
  const module = await import(pathToFileURL(dir + '/index.mjs'));
  out[dir] = Object.keys(module).map((name) => name + ':' + typeof module[name]).join(',');
}
console.log(JSON.stringify(out));
`;

/** Invokes the bundled REST handler with an HTTP API payload v2 event for GET /api/v3.1/version. */
const INVOKE_SCRIPT = `
import { pathToFileURL } from 'node:url';
const { handler } = await import(pathToFileURL(process.argv[1] + '/index.mjs'));
const event = {
  version: '2.0', routeKey: 'ANY /{proxy+}', rawPath: '/api/v3.1/version', rawQueryString: '', headers: { host: 'localhost' },
  requestContext: { http: { method: 'GET', path: '/api/v3.1/version', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    requestId: 'test', routeKey: 'ANY /{proxy+}', stage: '$default', timeEpoch: Date.now() },
  isBase64Encoded: false,
};
const context = { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 10000 };
console.log(JSON.stringify(await handler(event, context)));
`;

const childEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
  STRATUS_STAGE: 'test',
};

/**
 * The environment the stack gives a function, as Lambda would see it. CloudFormation tokens cannot
 * resolve offline: a Ref or Fn::GetAtt becomes a placeholder name (an https URL for `*_URL`
 * variables, which hold queue URLs), and an Fn::Join is joined around its resolved parts, so
 * `https://${domain endpoint}` stays an https URL.
 */
function resolveOffline(key: string, value: Json): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((part) => resolveOffline('', part)).join(separator);
  }
  return key.endsWith('_URL') ? `https://${key.toLowerCase()}.example.invalid/test` : 'test-token';
}

function deployedEnvironment(fn: Json): Record<string, string> {
  const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, Json>;
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, resolveOffline(key, value)]));
}

beforeAll(() => {
  synthStratus({
    bundle: true,
    inspect: (outdir, assembly, stack) => {
      const resources = assembly.getStackArtifact(stack.artifactId).template.Resources as Record<string, Json>;
      const dirs = new Map<FunctionId, string>();
      for (const id of ids) {
        const fn = resources[logicalIdOf(stack, stack.functions[id].function)];
        dirs.set(id, path.join(outdir, fn.Metadata['aws:asset:path']));
      }
      const httpApiEnv = deployedEnvironment(resources[logicalIdOf(stack, stack.functions.httpApi.function)]);
      const loaded = JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT, '--', ...dirs.values()], { env: childEnv, encoding: 'utf8', timeout: 60000 }),
      );
      for (const [id, dir] of dirs) {
        bundles.set(id, { files: fs.readdirSync(dir).sort(), head: fs.readFileSync(path.join(dir, 'index.mjs'), 'utf8').slice(0, 300), exports: loaded[dir] });
      }
      versionResponse = JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', INVOKE_SCRIPT, '--', dirs.get('httpApi')!], {
          env: { ...childEnv, ...httpApiEnv, AWS_LAMBDA_FUNCTION_NAME: 'stratus-test-httpApi' },
          encoding: 'utf8',
          timeout: 60000,
        }),
      );
    },
  });
}, 120000);

describe('function bundles (esbuild, no Docker)', () => {
  it.each(ids)('%s: one ESM file with its source map, defining require for bundled CommonJS', (id) => {
    const bundle = bundles.get(id)!;
    expect(bundle.files).toEqual(['index.mjs', 'index.mjs.map']);
    expect(bundle.head.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
  });

  it.each(ids)('%s: loads in Node and exports its handler', (id) => {
    expect(bundles.get(id)!.exports).toContain('handler:function');
  });

  it('the bundled REST handler, given the environment the stack sets, answers GET /api/v3.1/version', () => {
    expect(versionResponse.statusCode).toBe(200);
    expect(JSON.parse(versionResponse.body)).toMatchObject({ edition: 'community' });
  });
});

