/**
 * Results the manager has not acknowledged yet, kept on disk (one JSON file each, written to a
 * temporary name and renamed, so a crash never leaves half a file). They are resent after every
 * (re)connect and after a restart; the manager ignores duplicates and acknowledges them all.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResultMessage } from '../src/agents/protocol';

export class Outbox {
  private readonly entries = new Map<string, ResultMessage>();

  constructor(private readonly dir: string) {}

  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const message = JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as ResultMessage;
        if (message.action === 'result' && typeof message.id === 'string') this.entries.set(message.id, message);
      } catch {
        // A file we cannot read is not a result we can send.
      }
    }
  }

  private file(id: string): string {
    return path.join(this.dir, `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  async add(message: ResultMessage): Promise<void> {
    this.entries.set(message.id, message);
    const file = this.file(message.id);
    await writeFile(`${file}.tmp`, JSON.stringify(message));
    await rename(`${file}.tmp`, file);
  }

  async remove(id: string): Promise<void> {
    this.entries.delete(id);
    await rm(this.file(id), { force: true });
  }

  pending(): ResultMessage[] {
    return [...this.entries.values()];
  }

  /** A stored result of this operation attempt, if any. */
  find(executionId: string, taskId: string, attempt: number): ResultMessage | undefined {
    return this.pending().find((m) => m.execution_id === executionId && m.task_id === taskId && m.attempt === attempt);
  }
}
