import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../../../agent/agent';

/** A manager that accepts TCP connections and closes them at once: every attempt fails. */
async function refusingManager(): Promise<{ port: number; attempts: () => number; close: () => Promise<void> }> {
  let attempts = 0;
  const server = net.createServer((socket) => {
    attempts++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, attempts: () => attempts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('agent reconnect backoff', () => {
  it('never waits longer than backoffMaxMs between attempts (the --reconnect-max option)', async () => {
    const manager = await refusingManager();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-reconnect-'));
    const lines: string[] = [];
    // A 1 s base would reach waits of up to 8 s by the fourth attempt; capped at 0.2 s, attempts keep coming.
    const agent = new Agent({ wsUrl: `ws://127.0.0.1:${manager.port}/ws`, token: 'T', dataDir, backoffBaseMs: 1000, backoffMaxMs: 200, log: (line) => lines.push(line) });
    try {
      await agent.start();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(manager.attempts()).toBeGreaterThanOrEqual(8);
      const waits = lines.map((line) => /reconnecting in (\d+) ms/.exec(line)).filter((match) => match !== null).map((match) => Number(match[1]));
      expect(waits.length).toBeGreaterThanOrEqual(7);
      expect(Math.max(...waits)).toBeLessThanOrEqual(200);
    } finally {
      await agent.stop();
      await manager.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
