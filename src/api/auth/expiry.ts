/**
 * Token expiry dates as the Cloudify client sends them: an ISO 8601 timestamp, `YYYY-MM-DD HH:mm`
 * (UTC), or relative to now: `+10h`, `+30 minutes`, `+1 day`, `+2w`. Anything else → 400.
 */
import { badParameters } from '../../model/errors';

const UNITS: Record<string, number> = {
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60000, min: 60000, mins: 60000, minute: 60000, minutes: 60000,
  h: 3600000, hr: 3600000, hrs: 3600000, hour: 3600000, hours: 3600000,
  d: 86400000, day: 86400000, days: 86400000,
  w: 604800000, week: 604800000, weeks: 604800000,
};

export function parseExpiration(value: unknown, now: Date): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw badParameters('`expiration_date` must be a string');
  const relative = /^\+\s*(\d{1,9})\s*([a-z]+)$/i.exec(value.trim());
  if (relative) {
    const unit = UNITS[relative[2].toLowerCase()];
    if (!unit) throw badParameters(`Unknown time unit in \`expiration_date\`: ${relative[2]}`);
    return new Date(now.getTime() + Number(relative[1]) * unit).toISOString();
  }
  const simple = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(value.trim());
  const parsed = simple ? Date.parse(`${simple[1]}T${simple[2]}:00Z`) : /\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(parsed)) {
    throw badParameters(`\`expiration_date\` must be a date (YYYY-MM-DD HH:mm, ISO 8601) or relative (+10h, +1 day), got ${JSON.stringify(value)}`);
  }
  return new Date(parsed).toISOString();
}
