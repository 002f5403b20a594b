/**
 * The OpenAPI 3.1 document of the whole REST API, built from OPERATIONS and SCHEMAS, served at
 * `GET /api/v3.1/openapi.json`.
 */
import { ERROR_CODES } from '../../model/errors';
import { STRATUS_VERSION } from '../version';
import { OPERATIONS } from './operations';
import type { OperationSpec } from './operations';
import { SCHEMAS } from './schemas';

type Doc = Record<string, unknown>;

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The reference's error codes by HTTP status (reference/cloudify-rest-api.md, "Errors"). */
const CODES_BY_STATUS: Record<number, string[]> = {
  400: [
    ERROR_CODES.badParameters,
    ERROR_CODES.illegalAction,
    ERROR_CODES.invalidBlueprint,
    'invalid_plugin_error',
    ERROR_CODES.existingRunningExecution,
    ERROR_CODES.nonexistentWorkflow,
    ERROR_CODES.dependentExists,
    ERROR_CODES.deploymentCreation,
    ERROR_CODES.deploymentEnvironmentCreationInProgress,
    ERROR_CODES.deploymentEnvironmentCreationPending,
    ERROR_CODES.missingRequiredDeploymentInput,
    ERROR_CODES.unknownDeploymentInput,
    ERROR_CODES.unknownDeploymentSecret,
    ERROR_CODES.deploymentPluginNotFound,
    ERROR_CODES.noSuchIncludeField,
  ],
  401: [ERROR_CODES.unauthorized],
  403: [ERROR_CODES.forbidden],
  404: [ERROR_CODES.notFound],
  405: [ERROR_CODES.methodNotAllowed, ERROR_CODES.blueprintInUse, ERROR_CODES.pluginInUse],
  409: [ERROR_CODES.conflict],
  413: [ERROR_CODES.payloadTooLarge],
  415: [ERROR_CODES.unsupportedContentType],
};

const LIST_PARAMETERS = ['Include', 'Sort', 'Size', 'Offset', 'Search', 'AllTenants', 'GetAllResults'].map((name) => ({ $ref: `#/components/parameters/${name}` }));

function pathParameters(path: string): Doc[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function requestBody(spec: OperationSpec): Doc | undefined {
  const body = spec.body ?? 'none';
  if (body === 'none') return undefined;
  if (body === 'binary') return { required: false, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };
  if (body === 'blueprint-upload') {
    return {
      required: false,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { params: { type: 'string', contentMediaType: 'application/json', description: 'BlueprintUploadParams as a JSON string' }, blueprint_archive: { type: 'string', contentMediaType: 'application/octet-stream' } },
          },
        },
        'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream', description: 'Legacy form: the archive, parameters in the query' } },
      },
    };
  }
  return { required: body.required ?? false, content: { 'application/json': { schema: schemaRef(body.json) } } };
}

function okResponse(spec: OperationSpec): Doc {
  const ok = spec.ok;
  if (ok === 'empty') return { description: 'Done' };
  if (ok === 'binary') return { description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };
  if (ok === 'object') return { description: 'OK', content: { 'application/json': { schema: schemaRef('Object') } } };
  if ('list' in ok) {
    return {
      description: 'A page of items; `total` counts every match',
      content: { 'application/json': { schema: { type: 'object', required: ['items', 'metadata'], properties: { items: { type: 'array', items: schemaRef(ok.list) }, metadata: schemaRef('ListMetadata') } } } },
    };
  }
  return { description: 'OK', content: { 'application/json': { schema: schemaRef(ok.schema) } } };
}

function operation(spec: OperationSpec): Doc {
  const isList = typeof spec.ok === 'object' && 'list' in spec.ok;
  const responses: Doc = { [String(spec.status)]: okResponse(spec) };
  const statuses = new Set([...(spec.errors ?? []), ...(spec.open ? [] : [401, 403]), ...(isList ? [400] : [])]);
  for (const status of [...statuses].sort()) responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  const query = (spec.query ?? []).map((param) => ({ name: param.name, in: 'query', required: false, description: param.description, schema: { type: param.type ?? 'string' } }));
  const doc: Doc = {
    tags: [spec.tag],
    summary: spec.summary,
    operationId: `${spec.method.toLowerCase()}${spec.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    parameters: [...pathParameters(spec.path), ...(spec.open ? [] : [{ $ref: '#/components/parameters/Tenant' }]), ...(isList ? LIST_PARAMETERS : []), ...query],
    responses,
  };
  const body = requestBody(spec);
  if (body) doc.requestBody = body;
  if (spec.open) doc.security = [];
  return doc;
}

function errorResponses(): Doc {
  const responses: Doc = {};
  for (const [status, codes] of Object.entries(CODES_BY_STATUS)) {
    responses[`Error${status}`] = {
      description: `Error; error_code one of: ${codes.join(', ')}`,
      content: { 'application/json': { schema: { allOf: [schemaRef('Error'), { properties: { error_code: { enum: codes } } }] } } },
    };
  }
  return responses;
}

const query = (name: string, description: string, schema: Doc) => ({ name, in: 'query', required: false, description, schema });

export function openApiDocument(): Doc {
  const paths: Record<string, Doc> = {};
  for (const spec of OPERATIONS) (paths[spec.path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stratus REST API',
      version: STRATUS_VERSION,
      description: 'Cloudify Manager REST API v3.1, as Stratus serves it (wire-compatible with the cfy CLI and cloudify-rest-client).',
    },
    servers: [{ url: '/' }],
    security: [{ basic: [] }, { token: [] }],
    tags: [...new Set(OPERATIONS.map((spec) => spec.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic' },
        token: { type: 'apiKey', in: 'header', name: 'Authentication-Token' },
      },
      parameters: {
        Tenant: { name: 'Tenant', in: 'header', required: false, description: 'The tenant the request acts in (default: default_tenant)', schema: { type: 'string' } },
        Include: query('_include', 'Comma-separated fields to return', { type: 'string' }),
        Sort: query('_sort', 'Field to sort by, `-` for descending; repeatable', { type: 'string', pattern: '^[+-]?@?\\w+$' }),
        Size: query('_size', 'Page size (default 1000)', { type: 'integer', minimum: 0 }),
        Offset: query('_offset', 'Items to skip', { type: 'integer', minimum: 0 }),
        Search: query('_search', 'Substring of the id', { type: 'string' }),
        AllTenants: query('_all_tenants', 'Every tenant the caller may act in', { type: 'boolean' }),
        GetAllResults: query('_get_all_results', 'Ignore paging', { type: 'boolean' }),
      },
      responses: errorResponses(),
      schemas: SCHEMAS,
    },
  };
}
