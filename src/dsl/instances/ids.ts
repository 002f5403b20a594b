/**
 * Node instance ids: `<node>_<6 characters of [a-z0-9]>`, never one that is already taken. The
 * random source is injectable so tests and tools can plan reproducibly.
 */
export type RandomSource = () => number;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LENGTH = 6;
/** Random draws before falling back to counting (only a broken or exhausted source gets there). */
const RANDOM_TRIES = 16;

export class InstanceIdGenerator {
  private readonly taken: Set<string>;
  private counter = 0;

  constructor(
    private readonly random: RandomSource = Math.random,
    taken: Iterable<string> = [],
  ) {
    this.taken = new Set(taken);
  }

  /** Marks an id as used (an existing instance during a modification). */
  reserve(id: string): void {
    this.taken.add(id);
  }

  next(name: string): string {
    for (let i = 0; i < RANDOM_TRIES; i++) {
      const id = `${name}_${this.randomSuffix()}`;
      if (!this.taken.has(id)) return this.claim(id);
    }
    // Deterministic scan, so a constant random source can never loop forever.
    for (;;) {
      const id = `${name}_${this.counter.toString(36).padStart(LENGTH, '0')}`;
      this.counter++;
      if (this.counter > 36 ** LENGTH) throw new Error(`No node instance id left for ${name}`);
      if (!this.taken.has(id)) return this.claim(id);
    }
  }

  private randomSuffix(): string {
    let suffix = '';
    for (let i = 0; i < LENGTH; i++) {
      const pick = Math.min(ALPHABET.length - 1, Math.max(0, Math.floor(this.random() * ALPHABET.length)));
      suffix += ALPHABET[pick];
    }
    return suffix;
  }

  private claim(id: string): string {
    this.taken.add(id);
    return id;
  }
}
