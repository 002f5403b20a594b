/**
 * The README's shell blocks as the tests run them. Each ```sh block in README.md is preceded by a
 * marker saying how it is exercised:
 *
 *   <!-- readme-test: run -->                   each command, in order, as written, via `sh -c`
 *   <!-- readme-test: background: WHAT -->      one long-running command (the manager, the agent)
 *   <!-- readme-test: smoke -->                 the smoke check, run against a local manager
 *   <!-- readme-test: excluded: WHY -->         not run, and why (e.g. `npx cdk deploy`)
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../cli/cli-process';

export type BlockKind = 'run' | 'background' | 'smoke' | 'excluded';

export interface ReadmeBlock {
  kind: BlockKind;
  /** What the marker says after the kind (the background process, the reason for an exclusion). */
  note: string;
  /** The section (## or ### heading) the block is in. */
  section: string;
  /** One entry per command (continuation lines joined); comment-only and empty lines dropped. */
  commands: string[];
}

export const README = path.join(repoRoot, 'README.md');

export function readmeText(): string {
  return readFileSync(README, 'utf8');
}

/** Every ```sh block of the README with its marker; throws when a block has none. */
export function readmeBlocks(text = readmeText()): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = text.split('\n');
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^#{2,3} (.+)$/.exec(line);
    if (heading) section = heading[1];
    if (!/^```(sh|bash|shell)\s*$/.test(line)) continue;
    const marker = /^<!-- readme-test: (run|background|smoke|excluded)(?:: (.+?))? -->$/.exec(lines[i - 1] ?? '');
    if (!marker) throw new Error(`README.md line ${i + 1}: a shell block without a <!-- readme-test: ... --> marker just before it`);
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const commands: string[] = [];
    let pending = '';
    for (const raw of body) {
      if (raw.endsWith('\\')) {
        pending += `${raw.slice(0, -1)} `;
        continue;
      }
      const command = `${pending}${raw}`.trim();
      pending = '';
      if (command && !command.startsWith('#')) commands.push(command);
    }
    blocks.push({ kind: marker[1] as BlockKind, note: marker[2] ?? '', section, commands });
  }
  return blocks;
}
