/**
 * Lambda functions: runtime, logging, tracing, environment, triggers, and least-privilege roles.
 * Expectations are derived from FUNCTIONS (src/config/resources.ts), the definition the stack is
 * built from, plus a few hand-written cases that must never change silently.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { METRICS_NAMESPACE as HANDLER_METRICS_NAMESPACE } from '../../lambdas/support/observability';
import { METRICS_NAMESPACE } from '../../lib/stratus-stack';
import { BUCKETS, ENV, FUNCTIONS, QUEUES, TABLES } from '../../src/config/resources';
import type { Access, BucketId, FunctionAccess, FunctionId, QueueId, TableId } from '../../src/config/resources';
import type { Json, Synthesized } from './support/synth';
import { logicalIdOf, referencedIds, synthStratus } from './support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthStratus();
});

const ids = Object.keys(FUNCTIONS) as FunctionId[];
const access = (id: FunctionId): FunctionAccess => FUNCTIONS[id].access;
const resource = (logicalId: string): Json => synth.json.Resources[logicalId];
const fnId = (id: FunctionId) => logicalIdOf(synth.stack, synth.stack.functions[id].function);
const roleId = (id: FunctionId) => logicalIdOf(synth.stack, synth.stack.functions[id].role);
const tableId = (id: TableId) => logicalIdOf(synth.stack, synth.stack.tables.tables[id]);
const queueId = (id: QueueId) => logicalIdOf(synth.stack, synth.stack.queues[id].queue);
const bucketId = (id: BucketId) => logicalIdOf(synth.stack, synth.stack.buckets[id].bucket);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every policy attached to a function's role (inline or AWS::IAM::Policy). */
function statementsOf(id: FunctionId): Statement[] {
  const role = roleId(id);
  const inline = (resource(role).Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
  const attached = Object.values(synth.json.Resources as Record<string, Json>)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && referencedIds(r.Properties.Roles).has(role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Actions a function may perform on the resource with this logical id. */
function actionsOn(id: FunctionId, logicalId: string): Set<string> {
  return new Set(statementsOf(id).filter((s) => referencedIds(s.Resource).has(logicalId)).flatMap(actionsOf));
}

describe('every function', () => {
  it('exists once per FUNCTIONS entry, each with its own role', () => {
    // Plus CDK's BucketDeployment provider, which publishes the agent bundle (test/infra/agent-package.test.ts).
    const functions = Object.entries(synth.json.Resources as Record<string, { Type: string }>).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.filter(([logicalId]) => !logicalId.startsWith('CustomCDKBucketDeployment'))).toHaveLength(ids.length);
    expect(functions).toHaveLength(ids.length + 1);
    const roles = ids.map((id) => [...referencedIds(resource(fnId(id)).Properties.Role)][0]);
    expect(new Set(roles).size).toBe(ids.length);
  });

  it.each(ids)('%s: Node.js 22, memory and timeout from its definition, X-Ray active, JSON logs into its log group', (id) => {
    const def = FUNCTIONS[id];
    const props = resource(fnId(id)).Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      MemorySize: def.memoryMb,
      Timeout: def.timeoutSeconds,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
    });
    const logGroup = resource([...referencedIds(props.LoggingConfig.LogGroup)][0]);
    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
  });

  it.each(ids)('%s: its role trusts only Lambda and carries no managed policy', (id) => {
    const role = resource(roleId(id)).Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('log retention follows stratus:logRetentionDays', () => {
    const longer = synthStratus({ context: { 'stratus:logRetentionDays': '365' } });
    longer.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('environment: Powertools settings and only the resources a function may use', () => {
  it('the metrics namespace is the one the handlers use', () => {
    expect(METRICS_NAMESPACE).toBe(HANDLER_METRICS_NAMESPACE);
  });

  it.each(ids)('%s', (id) => {
    const a = access(id);
    const expected = new Set<string>([
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_LOG_LEVEL',
      ENV.stage,
      ENV.restUrl,
      ENV.wsUrl,
      ...Object.keys(a.tables ?? {}).map((t) => TABLES[t as TableId].envVar),
      ...(a.sendsTo ?? []).map((q) => QUEUES[q].envVar),
      ...Object.keys(a.buckets ?? {}).map((b) => BUCKETS[b as BucketId].envVar),
      ...(a.manageConnections ? [ENV.wsManagementUrl] : []),
      ...(a.openSearch ? [ENV.openSearchEndpoint] : []),
      ...(a.secretsKey ? [ENV.secretsKeyId] : []),
      ...(a.adminSecret ? [ENV.adminSecretArn] : []),
    ]);
    const variables = resource(fnId(id)).Properties.Environment.Variables as Json;
    expect(new Set(Object.keys(variables))).toEqual(expected);
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: `stratus-${id}`,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      [ENV.stage]: 'dev',
    });
    for (const [table, level] of Object.entries(a.tables ?? {})) {
      expect(variables[TABLES[table as TableId].envVar]).toEqual({ Ref: tableId(table as TableId) });
      expect(level).toMatch(/^(read|readWrite)$/);
    }
  });

  it('the management URL is https://{apiId}.execute-api.{region}.{suffix}/{stage}', () => {
    const url = resource(fnId('websocket')).Properties.Environment.Variables[ENV.wsManagementUrl];
    const wsApi = logicalIdOf(synth.stack, synth.stack.webSocketApi.api);
    expect(url['Fn::Join'][1]).toEqual([
      'https://',
      { Ref: wsApi },
      '.execute-api.',
      { Ref: 'AWS::Region' },
      '.',
      { Ref: 'AWS::URLSuffix' },
      '/dev',
    ]);
  });
});

describe('least privilege', () => {
  const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  it.each(ids)('%s: no action is "*" or a whole service, and "*" resources are only for X-Ray', (id) => {
    for (const statement of statementsOf(id)) {
      expect(statement.Effect).toBe('Allow');
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/(^\*$|:\*$)/);
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      if (resources.includes('*')) expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it.each(ids)('%s: tables exactly as its access says (read cannot write, but for its wake-ups; none cannot touch)', (id) => {
    for (const table of Object.keys(TABLES) as TableId[]) {
      const level: Access | undefined = access(id).tables?.[table];
      const actions = actionsOn(id, tableId(table));
      const wakes = table === 'operations' && access(id).operationWakes === true;
      if (!level) expect(actions.size).toBe(0);
      else {
        expect(actions).toContain('dynamodb:Query');
        expect(actions).toContain('dynamodb:GetItem');
        for (const write of writeActions) expect(actions.has(write)).toBe(level === 'readWrite' || (wakes && write === 'dynamodb:PutItem'));
      }
      // Without a wake grant no statement on a table carries a condition.
      if (!wakes) expect(statementsOf(id).filter((s) => referencedIds(s.Resource).has(tableId(table)) && s.Condition !== undefined)).toEqual([]);
    }
  });

  it.each(ids)('%s: wake-up writes only with operationWakes: PutItem of `W#` items with only their own attributes, on the operations table', (id) => {
    const table = tableId('operations');
    const onTable = statementsOf(id).filter((s) => referencedIds(s.Resource).has(table));
    const writing = onTable.filter((s) => actionsOf(s).some((action) => writeActions.includes(action)));
    const conditioned = onTable.filter((s) => s.Condition !== undefined);
    if (!access(id).operationWakes) return expect(conditioned).toEqual([]);
    const grant = {
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: { 'Fn::GetAtt': [table, 'Arn'] },
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'gsi1pk', 'gsi1sk'] },
      },
    };
    expect(conditioned).toEqual([grant]);
    // A read-only function writes the table through that statement alone.
    if (access(id).tables?.operations === 'read') expect(writing).toEqual([grant]);
  });

  it('the REST API reads the operations table and writes only wake-ups there', () => {
    expect(access('httpApi').tables?.operations).toBe('read');
    expect(access('httpApi').operationWakes).toBe(true);
    expect(actionsOn('httpApi', tableId('operations'))).not.toContain('dynamodb:UpdateItem');
    expect(actionsOn('httpApi', tableId('operations'))).not.toContain('dynamodb:DeleteItem');
    expect(actionsOn('httpApi', tableId('operations'))).not.toContain('dynamodb:BatchWriteItem');
  });

  it('the event indexer cannot read or write the model table; the authorizer can only read it', () => {
    expect(actionsOn('eventIndexer', tableId('model')).size).toBe(0);
    const authorizer = actionsOn('wsAuthorizer', tableId('model'));
    expect(authorizer).toContain('dynamodb:GetItem');
    for (const write of writeActions) expect(authorizer).not.toContain(write);
    expect(actionsOn('wsAuthorizer', tableId('connections')).size).toBe(0);
  });

  it.each(ids)('%s: sends only to its queues and consumes only the queue it is the consumer of', (id) => {
    for (const queue of Object.keys(QUEUES) as QueueId[]) {
      const actions = actionsOn(id, queueId(queue));
      expect(actions.has('sqs:SendMessage')).toBe((access(id).sendsTo as readonly QueueId[] | undefined)?.includes(queue) ?? false);
      expect(actions.has('sqs:ReceiveMessage')).toBe(QUEUES[queue].consumer === id);
      expect(actions.has('sqs:DeleteMessage')).toBe(QUEUES[queue].consumer === id);
    }
  });

  it.each(ids)('%s: reads/writes only its buckets', (id) => {
    for (const bucket of Object.keys(BUCKETS) as BucketId[]) {
      const level = access(id).buckets?.[bucket];
      const actions = actionsOn(id, bucketId(bucket));
      expect(actions.has('s3:GetObject')).toBe(level !== undefined);
      expect(actions.has('s3:PutObject')).toBe(level === 'readWrite');
      expect(actions.has('s3:DeleteObject')).toBe(level === 'readWrite');
    }
  });

  it.each(ids)('%s: execute-api:ManageConnections only with manageConnections, on this API and stage only', (id) => {
    const statements = statementsOf(id).filter((s) => actionsOf(s).includes('execute-api:ManageConnections'));
    expect(statements.length > 0).toBe(access(id).manageConnections === true);
    const wsApi = logicalIdOf(synth.stack, synth.stack.webSocketApi.api);
    for (const statement of statements) {
      expect(actionsOf(statement)).toEqual(['execute-api:ManageConnections']);
      expect(referencedIds(statement.Resource)).toContain(wsApi);
      expect(JSON.stringify(statement.Resource)).toContain('/dev/*/@connections/*');
    }
  });

  it.each(ids)('%s: OpenSearch HTTP actions only with openSearch access', (id) => {
    const domain = logicalIdOf(synth.stack, synth.stack.events.domain);
    const actions = actionsOn(id, domain);
    expect(actions.size > 0).toBe(access(id).openSearch !== undefined);
    for (const action of actions) expect(action).toMatch(/^es:ESHttp(Get|Head|Post|Put|Delete|Patch)$/);
  });

  it.each(ids)('%s: the secrets key and the admin secret only as its access says', (id) => {
    const key = logicalIdOf(synth.stack, synth.stack.secrets.key);
    const secret = logicalIdOf(synth.stack, synth.stack.secrets.adminSecret);
    const keyActions = actionsOn(id, key);
    const level = access(id).secretsKey;
    expect(keyActions.has('kms:Decrypt')).toBe(level !== undefined || access(id).adminSecret === true);
    expect(keyActions.has('kms:Encrypt')).toBe(level === 'encryptDecrypt');
    expect(actionsOn(id, secret).has('secretsmanager:GetSecretValue')).toBe(access(id).adminSecret === true);
  });

  it.each(ids)('%s: writes logs only to its own log group', (id) => {
    const logStatements = statementsOf(id).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    const ownGroup = [...referencedIds(resource(fnId(id)).Properties.LoggingConfig.LogGroup)][0];
    expect(logStatements.length).toBeGreaterThan(0);
    for (const statement of logStatements) {
      expect([...referencedIds(statement.Resource)]).toEqual([ownGroup]);
      expect(actionsOf(statement).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    }
  });
});

describe('triggers', () => {
  it.each(Object.values(QUEUES))('$id queue feeds $consumer in batches, reporting partial batch failures', (def) => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId(def.consumer) },
      EventSourceArn: { 'Fn::GetAtt': [queueId(def.id), 'Arn'] },
      BatchSize: def.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ...(def.maxBatchingWindowSeconds > 0 ? { MaximumBatchingWindowInSeconds: def.maxBatchingWindowSeconds } : {}),
    });
  });

  it('there is exactly one event source per queue', () => {
    synth.template.resourceCountIs('AWS::Lambda::EventSourceMapping', Object.keys(QUEUES).length);
  });

  it.each(ids.filter((id) => 'scheduleMinutes' in FUNCTIONS[id]))('%s runs on an EventBridge schedule; failures go to a dead-letter queue', (id) => {
    const minutes = (FUNCTIONS[id] as { scheduleMinutes: number }).scheduleMinutes;
    const [ruleId, rule] = Object.entries(synth.json.Resources as Record<string, Json>).find(([, r]) => r.Type === 'AWS::Events::Rule')!;
    expect(rule.Properties.ScheduleExpression).toBe(minutes === 1 ? 'rate(1 minute)' : `rate(${minutes} minutes)`);
    expect(rule.Properties.State).toBe('ENABLED');
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fnId(id), 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: minutes * 60, MaximumRetryAttempts: 2 });
    const dlq = [...referencedIds(target.DeadLetterConfig)][0];
    expect(resource(dlq).Type).toBe('AWS::SQS::Queue');
    expect(resource(fnId(id)).Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } });
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId(id), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });
});
