import { AwsClients } from '../../../adapters/aws-clients';

const settings = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:1' },
  combineRequests: false,
};

function middlewareNames(client: { middlewareStack: { identify(): string[] } }): string[] {
  return client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);
}

describe('AwsClients', () => {
  it('builds every client without the SDK logger middleware (it filters each request and response for a logger we never give)', () => {
    const clients = new AwsClients(settings);
    const all = [clients.documents, clients.sqs, clients.s3, clients.kms, clients.secretsManager, clients.management('https://example.com/stage')];
    for (const client of all) {
      const names = middlewareNames(client as unknown as { middlewareStack: { identify(): string[] } });
      expect(names.length).toBeGreaterThan(3);
      expect(names).not.toContain('loggerMiddleware');
    }
    clients.destroy();
  });

  it('keeps the rest of the stack (signing, retries, serialization)', () => {
    const clients = new AwsClients(settings);
    const names = middlewareNames(clients.sqs as unknown as { middlewareStack: { identify(): string[] } });
    expect(names).toEqual(expect.arrayContaining(['retryMiddleware', 'httpSigningMiddleware']));
    clients.destroy();
  });
});
