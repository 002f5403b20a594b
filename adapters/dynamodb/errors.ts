/**
 * How the DynamoDB adapters read the SDK's errors, in one place: which are a false condition (the
 * write was refused, nothing changed), which are worth another try (throttling, a conflict with a
 * concurrent transaction), and the retry loop they share.
 */
import type { CancellationReason } from '@aws-sdk/client-dynamodb';

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** The per-item reasons of a cancelled transaction (undefined for any other error, or when it gave none). */
export function cancellationReasons(err: unknown): CancellationReason[] | undefined {
  return errorName(err) === 'TransactionCanceledException' ? (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons : undefined;
}

/**
 * A write refused by its condition: a single write's ConditionalCheckFailedException, or a
 * transaction cancelled because one of its conditions was false. A transaction cancelled for
 * another reason (a conflict that outlasted the retries, a validation error) is not: the caller
 * must not read it as "someone else got there first".
 */
export function isConditionFailure(err: unknown): boolean {
  if (errorName(err) === 'ConditionalCheckFailedException') return true;
  return cancellationReasons(err)?.some((reason) => reason.Code === 'ConditionalCheckFailed') ?? false;
}

/** Throttling, or a conflict with a concurrent transaction, and no false condition: another try may succeed. */
export function isRetryable(err: unknown): boolean {
  const name = errorName(err);
  if (name === 'TransactionConflictException' || name === 'ThrottlingException' || name === 'ProvisionedThroughputExceededException') return true;
  const reasons = cancellationReasons(err);
  if (!reasons) return false;
  return reasons.some((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError') && !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}

const RETRIES = 8;

/** A jittered wait that doubles from 5 ms up to 200 ms. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work`, again after a backoff while its error is retryable, up to RETRIES more times. */
export async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= RETRIES || !isRetryable(err)) throw err;
      await backoff(attempt);
    }
  }
}
