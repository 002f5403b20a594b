/**
 * The secret cipher of a handler: the local runtime's AES key (`settings.localSecrets`), else the
 * KMS key ENV.secretsKeyId. Shared by the REST API (seal and open) and the task worker (open, for
 * get_secret in operation inputs).
 */
import type { AwsClients } from '../../adapters/aws-clients';
import { KmsSecretCipher } from '../../adapters/kms/secret-cipher';
import { LocalKeySecretCipher } from '../../adapters/local-key/secret-cipher';
import { ENV } from '../../src/config/resources';
import { MissingConfigError } from '../../src/config/runtime-config';
import type { SecretCipher } from '../../src/ports/secret-cipher';
import type { HandlerSettings } from './settings';

export function cipherFor(settings: HandlerSettings, clients: AwsClients): SecretCipher {
  if (settings.localSecrets) return new LocalKeySecretCipher(Buffer.from(settings.localSecrets.secretsKey, 'base64'));
  const keyId = settings.config.secretsKeyId;
  if (!keyId) throw new MissingConfigError('the KMS key for secrets', ENV.secretsKeyId);
  return new KmsSecretCipher(clients.kms, keyId);
}
