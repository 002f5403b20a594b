import { describe, expect, it } from '@jest/globals';
import { FUNCTIONS, QUEUES, TABLES, deadLetterName, physicalName } from '../../../src/config/resources';

describe('resource definitions', () => {
  it('gives every queue a visibility timeout of at least 6x its consumer timeout', () => {
    for (const queue of Object.values(QUEUES)) {
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * FUNCTIONS[queue.consumer].timeoutSeconds);
    }
  });

  it('keeps SQS batch limits (10 without a batching window)', () => {
    for (const queue of Object.values(QUEUES)) {
      if (queue.maxBatchingWindowSeconds === 0) expect(queue.batchSize).toBeLessThanOrEqual(10);
      expect(queue.batchSize).toBeLessThanOrEqual(10000);
    }
  });

  it('names resources by stage, with a -dlq twin', () => {
    expect(physicalName('prod', TABLES.model.id)).toBe('stratus-prod-model');
    expect(deadLetterName('prod', QUEUES.tasks.id)).toBe('stratus-prod-tasks-dlq');
  });

  it('uses unique env vars', () => {
    const vars = [...Object.values(TABLES), ...Object.values(QUEUES)].map((d) => d.envVar);
    expect(new Set(vars).size).toBe(vars.length);
  });
});
