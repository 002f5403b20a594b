/**
 * The entity kinds of the model store and what the store must know about them. Kinds are part of
 * every key (adapters/dynamodb/model-keys.ts), so renaming one orphans its data.
 */
export const KINDS = {
  tenant: 'tenant',
  user: 'user',
  token: 'token',
  secret: 'secret',
  blueprint: 'blueprint',
  plugin: 'plugin',
  deployment: 'deployment',
  node: 'node',
  nodeInstance: 'node_instance',
  execution: 'execution',
  /** A scale's deployment modification (src/deployments/modifications.ts), id = the execution's. */
  deploymentModification: 'deployment_modification',
  agent: 'agent',
} as const;

/**
 * Kinds whose entities may be `visibility: global` (readable from every tenant). Creating one of
 * these checks that no global entity of another tenant holds the id; other kinds skip that check.
 */
export const GLOBAL_CAPABLE_KINDS: readonly string[] = [KINDS.secret, KINDS.blueprint, KINDS.plugin, KINDS.deployment];
