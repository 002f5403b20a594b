/**
 * The OpenAPI document against the router: every registered route is documented, nothing is
 * documented that is not routed, and the document holds together (OpenAPI 3.1, every $ref
 * resolves, every path parameter declared, every response described, operation ids unique).
 */
import { describe, expect, it } from '@jest/globals';
import { createApiRouter } from '../../../src/api/app';
import { createApiServices } from '../../../src/api/dependencies';
import type { ApiDependencies } from '../../../src/api/dependencies';
import { openApiDocument } from '../../../src/api/openapi/document';

/** Ports that are never called: registering routes touches none of them. */
function unusedPorts(): ApiDependencies {
  const never = new Proxy({}, { get: () => () => { throw new Error('not used while registering routes'); } });
  return { store: never as never, cipher: never as never, adminPassword: never as never, files: never as never, queues: never as never };
}

type Doc = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

function resolve(doc: Doc, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refs(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refs(item, found);
    }
  }
  return found;
}

const doc = openApiDocument() as Doc;
const routed = createApiRouter({}, createApiServices(unusedPorts()))
  .table()
  .map((route) => `${route.method} ${route.pattern}`)
  .sort();
const documented = Object.entries(doc.paths)
  .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
  .sort();

describe('the OpenAPI document', () => {
  it('documents every route of the router', () => {
    expect(routed.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('documents nothing the router does not route', () => {
    expect(documented.filter((route) => !routed.includes(route))).toEqual([]);
  });

  it('covers the resources of the REST API', () => {
    for (const route of ['PUT /api/v3.1/blueprints/{id}', 'PATCH /api/v3.1/node-instances/{id}', 'GET /api/v3.1/openapi.json', 'PUT /api/v3.1/secrets/{key}', 'POST /api/v3.1/tokens']) {
      expect(documented).toContain(route);
    }
  });

  it('is a consistent OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    for (const ref of refs(doc)) expect({ ref, resolved: resolve(doc, ref) !== undefined }).toEqual({ ref, resolved: true });
    const ids = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const id = op.operationId as string;
        expect(ids.has(id)).toBe(false);
        ids.add(id);
        const params = (op.parameters as Record<string, unknown>[]).map((p) => (p.$ref ? resolve(doc, p.$ref as string) : p) as Record<string, unknown>);
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect({ path, method, name, declared: params.some((p) => p.in === 'path' && p.name === name && p.required === true) }).toEqual({ path, method, name, declared: true });
        }
        const responses = Object.entries(op.responses as Record<string, Record<string, unknown>>);
        expect(responses.some(([status]) => status.startsWith('2'))).toBe(true);
        for (const [, response] of responses) {
          const resolved = (response.$ref ? resolve(doc, response.$ref as string) : response) as Record<string, unknown>;
          expect(typeof resolved.description).toBe('string');
        }
      }
    }
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
