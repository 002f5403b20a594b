import { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { isConditionFailure, isRetryable, withRetries } from '../../../../adapters/dynamodb/errors';

const $metadata = {};
const cancelled = (...codes: string[]) => new TransactionCanceledException({ message: 'cancelled', $metadata, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('DynamoDB errors', () => {
  it('a false condition: a single write refused, or a transaction cancelled by one of its conditions', () => {
    expect(isConditionFailure(new ConditionalCheckFailedException({ message: 'no', $metadata }))).toBe(true);
    expect(isConditionFailure(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
  });

  it('not a false condition: a transaction cancelled by a conflict or a validation error, or any other error', () => {
    expect(isConditionFailure(cancelled('TransactionConflict', 'None'))).toBe(false);
    expect(isConditionFailure(cancelled('ValidationError'))).toBe(false);
    expect(isConditionFailure(new TransactionCanceledException({ message: 'no reasons', $metadata }))).toBe(false);
    expect(isConditionFailure(new Error('socket hang up'))).toBe(false);
    expect(isConditionFailure('ConditionalCheckFailedException')).toBe(false);
  });

  it('retries conflicts and throttling, never a false condition', () => {
    expect(isRetryable(new TransactionConflictException({ message: 'busy', $metadata }))).toBe(true);
    expect(isRetryable(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isRetryable(cancelled('ThrottlingError'))).toBe(true);
    expect(isRetryable(cancelled('TransactionConflict', 'ConditionalCheckFailed'))).toBe(false);
    expect(isRetryable(new ConditionalCheckFailedException({ message: 'no', $metadata }))).toBe(false);
  });

  it('withRetries tries again after a conflict and returns the result', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      if (calls < 3) throw cancelled('TransactionConflict');
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('withRetries gives a false condition back at once', async () => {
    let calls = 0;
    const refused = new ConditionalCheckFailedException({ message: 'no', $metadata });
    await expect(
      withRetries(async () => {
        calls++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('withRetries gives up after its retries and throws the last error', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw new TransactionConflictException({ message: 'busy', $metadata });
      }),
    ).rejects.toThrow('busy');
    expect(calls).toBe(9);
  }, 10000);
});
