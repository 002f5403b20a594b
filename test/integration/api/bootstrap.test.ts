/**
 * First-start bootstrap against DynamoDB Local: default_tenant and the admin appear once, however
 * many processes start together, and a later start never overwrites them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { SecretsManagerAdminPassword } from '../../../adapters/secrets-manager/admin-password';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { bootstrapManager, onceBootstrap } from '../../../src/api/auth/bootstrap';
import { verifyPassword } from '../../../src/api/auth/passwords';
import type { UserData } from '../../../src/model/auth';
import { SYSTEM_SCOPE } from '../../../src/ports/model-store';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let store: DynamoModelStore;

beforeAll(async () => {
  table = await createModelTable();
  store = new DynamoModelStore({ client: table.client, tableName: table.name });
});

afterAll(async () => {
  await table?.drop();
});

const admin = (password: string) => ({ read: async () => ({ username: 'admin', password }) });

describe('bootstrap', () => {
  it('creates default_tenant and a sys_admin admin once, even when started concurrently', async () => {
    await Promise.all(Array.from({ length: 5 }, () => bootstrapManager(store, admin('first-password'))));
    expect((await store.all({ tenant: SYSTEM_SCOPE, kind: 'tenant' })).map((tenant) => tenant.id)).toEqual(['default_tenant']);
    const users = await store.all<UserData>({ tenant: SYSTEM_SCOPE, kind: 'user' });
    expect(users.map((user) => user.id)).toEqual(['admin']);
    expect(users[0].data).toMatchObject({ role: 'sys_admin', tenants: { default_tenant: 'user' }, active: true });
    expect(await verifyPassword('first-password', users[0].data.password_hash)).toBe(true);
  });

  it('never overwrites an existing admin (a password changed through the API stays changed)', async () => {
    await bootstrapManager(store, admin('another-password'));
    const user = await store.get<UserData>({ kind: 'user', tenant: SYSTEM_SCOPE, id: 'admin' });
    expect(await verifyPassword('first-password', user!.data.password_hash)).toBe(true);
  });

  it('retries after a failure instead of remembering it', async () => {
    const fresh = await createModelTable();
    try {
      const freshStore = new DynamoModelStore({ client: fresh.client, tableName: fresh.name });
      let attempts = 0;
      const flaky = {
        read: async () => {
          attempts++;
          if (attempts === 1) throw new Error('secret not readable yet');
          return { username: 'admin', password: 'third-password' };
        },
      };
      const ready = onceBootstrap(freshStore, flaky);
      await expect(ready()).rejects.toThrow('secret not readable yet');
      await ready();
      await ready();
      expect(attempts).toBe(2);
      expect(await freshStore.get({ kind: 'user', tenant: SYSTEM_SCOPE, id: 'admin' })).toBeDefined();
    } finally {
      await fresh.drop();
    }
  });
});

describe('SecretsManagerAdminPassword', () => {
  // Secrets Manager does not run here: a stand-in answers GetSecretValue with what the stack stores.
  const source = (secretString: string | undefined) =>
    new SecretsManagerAdminPassword({ send: async () => ({ SecretString: secretString }) } as unknown as SecretsManagerClient, 'arn:secret');

  it('reads the JSON the stack generates, or a plain string as the password', async () => {
    expect(await source('{"username":"admin","password":"p4ss"}').read()).toEqual({ username: 'admin', password: 'p4ss' });
    expect(await source('{"password":"p4ss"}').read()).toEqual({ username: 'admin', password: 'p4ss' });
    expect(await source('plain-password').read()).toEqual({ username: 'admin', password: 'plain-password' });
  });

  it('refuses a secret without a password', async () => {
    await expect(source('{"username":"admin"}').read()).rejects.toThrow('no "password"');
    await expect(source(undefined).read()).rejects.toThrow('no string value');
  });
});
