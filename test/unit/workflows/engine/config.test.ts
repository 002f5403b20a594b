import { DEFAULT_ENGINE_CONFIG, LOCAL_ENGINE_DEFAULTS, engineConfigFromEnv } from '../../../../src/workflows/engine/config';

describe('engine settings', () => {
  it("are the manager's defaults (Cloudify's: 60 retries, 15 s apart) when nothing is set", () => {
    const config = engineConfigFromEnv({});
    expect(config).toEqual(DEFAULT_ENGINE_CONFIG);
    expect(config).toMatchObject({ maxRetries: 60, retryIntervalSeconds: 15, waitAfterFailSeconds: 600, maxDirectRuns: 32 });
  });

  it('take the local runtime defaults over them, and an operator variable over both', () => {
    expect(engineConfigFromEnv({}, LOCAL_ENGINE_DEFAULTS).maxDirectRuns).toBe(256);
    expect(engineConfigFromEnv({ STRATUS_MAX_DIRECT_RUNS: '8' }, LOCAL_ENGINE_DEFAULTS).maxDirectRuns).toBe(8);
    expect(engineConfigFromEnv({ STRATUS_MAX_DIRECT_RUNS: '0' }).maxDirectRuns).toBe(0);
    expect(engineConfigFromEnv({ STRATUS_TASK_RETRIES: '-1' }).maxRetries).toBe(-1);
  });

  it('refuse a value that is not a non-negative number, naming the variable', () => {
    expect(() => engineConfigFromEnv({ STRATUS_MAX_DIRECT_RUNS: 'many' })).toThrow('STRATUS_MAX_DIRECT_RUNS must be a non-negative number');
    expect(() => engineConfigFromEnv({ STRATUS_OPERATION_LEASE: '-5' })).toThrow('STRATUS_OPERATION_LEASE');
  });
});
