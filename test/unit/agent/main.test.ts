import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../../agent/main';

describe('stratus-agent command line', () => {
  let stderr: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  const base = ['node', 'stratus-agent', '--manager', 'http://127.0.0.1:1', '--token', 'T'];
  const written = () => stderr.mock.calls.map((call: unknown[]) => String(call[0])).join('');

  it.each(['0', '0.5', '3601', 'soon'])('refuses --reconnect-max %s with exit code 2 and says the range', async (value) => {
    expect(await main([...base, '--reconnect-max', value])).toBe(2);
    expect(written()).toContain('--reconnect-max must be between 1 and 3600 seconds');
  });

  it('refuses a heartbeat API Gateway would not keep alive', async () => {
    expect(await main([...base, '--heartbeat', '600'])).toBe(2);
    expect(written()).toContain('--heartbeat must be between 0 and 600 seconds');
  });

  it('requires a token', async () => {
    const saved = process.env.STRATUS_AGENT_TOKEN;
    delete process.env.STRATUS_AGENT_TOKEN;
    try {
      expect(await main(['node', 'stratus-agent', '--manager', 'http://127.0.0.1:1'])).toBe(2);
      expect(written()).toContain('--token (or STRATUS_AGENT_TOKEN) is required');
    } finally {
      if (saved !== undefined) process.env.STRATUS_AGENT_TOKEN = saved;
    }
  });
});
