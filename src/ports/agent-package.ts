/**
 * Port for the single-file agent bundle hosts download (docs/agent.md): in AWS an object of the
 * agentPackages bucket (handed out as a short-lived presigned URL), in the local runtime the bundle
 * built from this checkout on first use.
 */
export type AgentPackage = { body: Buffer } | { redirect: string };

export interface AgentPackageSource {
  /** The bundle, or undefined when none was published. */
  get(): Promise<AgentPackage | undefined>;
}

/** Where the bundle lives in the agentPackages bucket. */
export const AGENT_BUNDLE_KEY = 'agent/stratus-agent.js';
