import { describe, expect, it } from '@jest/globals';
import { failedIds, toSqsRecord } from '../../../local/sqs-poller';

const records = ['m1', 'm2', 'm3'].map((id) => toSqsRecord({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id }, 'arn:q', 'us-east-1'));

describe('failedIds (Lambda ReportBatchItemFailures semantics)', () => {
  it('keeps exactly the reported failures', () => {
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, records)).toEqual(new Set(['m2']));
  });
  it('treats an empty or missing answer as full success', () => {
    expect(failedIds({ batchItemFailures: [] }, records)).toEqual(new Set());
    expect(failedIds(undefined, records)).toEqual(new Set());
    expect(failedIds({}, records)).toEqual(new Set());
  });
  it('fails the whole batch for an unknown, empty or malformed identifier', () => {
    const all = new Set(['m1', 'm2', 'm3']);
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'other' }] }, records)).toEqual(all);
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: '' }] }, records)).toEqual(all);
    expect(failedIds({ batchItemFailures: [{}] }, records)).toEqual(all);
    expect(failedIds({ batchItemFailures: 'm1' }, records)).toEqual(all);
  });
});

describe('toSqsRecord', () => {
  it('builds a Lambda SQS record with attributes and message attributes', () => {
    const record = toSqsRecord(
      {
        MessageId: 'id',
        ReceiptHandle: 'rh',
        Body: 'b',
        MD5OfBody: 'md5',
        Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1', SenderId: 's', ApproximateFirstReceiveTimestamp: '2' },
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'x' }, blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) } },
      },
      'arn:aws:sqs:us-east-1:000000000000:q',
      'us-east-1',
    );
    expect(record).toEqual({
      messageId: 'id',
      receiptHandle: 'rh',
      body: 'b',
      attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1', SenderId: 's', ApproximateFirstReceiveTimestamp: '2' },
      messageAttributes: {
        kind: { stringValue: 'x', binaryValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { stringValue: undefined, binaryValue: 'AQ==', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
    });
  });
});
