/**
 * Human output: aligned tables, local times, colours only on a terminal (and never with NO_COLOR),
 * and the JSON printer of `--json`.
 */
import { InvalidArgumentError } from 'commander';

export interface Streams {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, grey: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(text: string, colour: Colour, stream: NodeJS.WriteStream = process.stdout): string {
  return useColour(stream) ? `\x1b[${CODES[colour]}m${text}\x1b[${colour === 'bold' ? 22 : 39}m` : text;
}

/** Colour of a status word (executions, blueprints, node instances, deployments). */
export function statusColour(status: string): Colour | undefined {
  if (/^(terminated|completed|uploaded|started|good|active|OK)$/.test(status)) return 'green';
  if (/fail|invalid|error|Fail|requires_attention/.test(status)) return 'red';
  if (/cancel|Degraded|queued|scheduled/.test(status)) return 'yellow';
  if (/pending|progress|uploading|extracting|parsing|creating|configuring|starting|stopping|deleting/.test(status)) return 'cyan';
  return undefined;
}

export function print(text = ''): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** An ISO timestamp in the machine's local time zone, `YYYY-MM-DD HH:MM:SS`. */
export function localTime(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** A cell's text: scalars as they are, lists joined, objects as compact JSON, null as empty. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(',');
  return JSON.stringify(value);
}

export interface Column<T = Record<string, unknown>> {
  header: string;
  value: (item: T) => unknown;
  /** Kind of value: times print in local time, statuses in colour. */
  kind?: 'time' | 'status';
}

/** Columns reading fields by name: `['id', 'created_at:time', 'status:status']`. */
export function columns(specs: string[]): Column[] {
  return specs.map((spec) => {
    const [field, kind] = spec.split(':') as [string, Column['kind']];
    return { header: field.toUpperCase(), value: (item) => item[field], kind };
  });
}

function render(value: unknown, kind: Column['kind']): string {
  if (kind === 'time') return localTime(value);
  return cell(value).replace(/\s*\n\s*/g, ' ');
}

/** An aligned table (two spaces between columns), headers in bold on a terminal. */
export function table<T>(items: T[], cols: Column<T>[]): string {
  const rows = items.map((item) => cols.map((c) => render(c.value(item), c.kind)));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], header: boolean) =>
    cells
      .map((text, i) => {
        const padded = i === cells.length - 1 ? text : text.padEnd(widths[i]);
        if (header) return paint(padded, 'bold');
        const colour = cols[i].kind === 'status' ? statusColour(text) : undefined;
        return colour ? paint(padded, colour) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header), true), ...rows.map((r) => line(r, false))].join('\n');
}

/** `key: value` lines for one resource, keys aligned. */
export function details(pairs: [string, unknown, Column['kind']?][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs
    .map(([key, value, kind]) => {
      const text = render(value, kind);
      const colour = kind === 'status' ? statusColour(text) : undefined;
      return `${`${key}:`.padEnd(width + 1)} ${colour ? paint(text, colour) : text}`;
    })
    .join('\n');
}

/** Repeatable option collector for commander. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got ${JSON.stringify(value)}`);
    return n;
  };
}
