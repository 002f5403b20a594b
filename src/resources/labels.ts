/**
 * Labels as Cloudify's client sends them (`[{key, value}]` for blueprints, `[{<key>: <value>}]` for
 * deployments; a value may be a list, meaning one label per item) or as a legacy query string (`k1:v1,k2:v2`), checked and stored as
 * `[{key, value, created_at, created_by}]`. Keys are case-insensitive (stored lower-case).
 */
import { badParameters } from '../model/errors';

export interface Label {
  key: string;
  value: string;
  created_at: string;
  created_by: string;
}

export type LabelInput = { key: string; value: string };

const KEY_PATTERN = /^[\w.:-]+$/;
const MAX_LABEL_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f"]/;

function checkLabel(key: unknown, value: unknown): LabelInput {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key) || key.length > MAX_LABEL_LENGTH) {
    throw badParameters(`Label key ${JSON.stringify(key)} is invalid: use letters, digits, '.', ':', '-' and '_', at most ${MAX_LABEL_LENGTH} characters`);
  }
  if (typeof value !== 'string' || value === '' || value.length > MAX_LABEL_LENGTH || CONTROL.test(value)) {
    throw badParameters(`Label value ${JSON.stringify(value)} of key ${key} is invalid: a non-empty string of at most ${MAX_LABEL_LENGTH} characters without control characters or '"'`);
  }
  return { key: key.toLowerCase(), value };
}

/** `{key, value}` (blueprint uploads) or a one-entry `{<key>: <value>}` (deployments). */
function keyValue(item: Record<string, unknown>): { key: unknown; value: unknown } {
  const names = Object.keys(item);
  if (names.length === 2 && 'key' in item && 'value' in item) return { key: item.key, value: item.value };
  if (names.length === 1) return { key: names[0], value: item[names[0]] };
  throw badParameters('Each label must be {"key": ..., "value": ...} or a one-entry {<key>: <value>}');
}

/** `[{key, value}]` or `[{<key>: <value>}]` (value a string or a list of strings), or a `k:v,k2:v2` string. */
export function parseLabels(raw: unknown): LabelInput[] {
  if (raw === undefined || raw === null) return [];
  const labels: LabelInput[] = [];
  if (typeof raw === 'string') {
    for (const pair of raw.split(',').filter((part) => part.trim() !== '')) {
      const at = pair.indexOf(':');
      if (at <= 0) throw badParameters(`Labels must be given as key:value pairs, got ${JSON.stringify(pair)}`);
      labels.push(checkLabel(pair.slice(0, at).trim(), pair.slice(at + 1).trim()));
    }
  } else if (Array.isArray(raw)) {
    for (const item of raw) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badParameters('Labels must be a list of {"key": ..., "value": ...} objects');
      const { key, value } = keyValue(item as Record<string, unknown>);
      for (const one of Array.isArray(value) ? value : [value]) labels.push(checkLabel(key, one));
    }
  } else {
    throw badParameters('Labels must be a list of {"key": ..., "value": ...} objects');
  }
  const seen = new Set<string>();
  return labels.filter((label) => {
    const id = `${label.key}\u0000${label.value}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function stampLabels(labels: LabelInput[], createdBy: string, now: string): Label[] {
  return labels.map((label) => ({ ...label, created_at: now, created_by: createdBy }));
}
