/** Shared by the log line and the banner: times, secrets, and values as key=value text. */

/**
 * Field names never printed, at any depth, whatever their value: pino redacts the known paths
 * already (src/log.ts); this catches a secret logged under a path it does not list.
 */
const SECRET_NAME = /password|authorization|credential/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of a value with every secret-named field left out, for printing as JSON. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !isSecretName(k)).map(([k, v]) => [k, withoutSecrets(v)]));
}

/** A value as one word: bare when it can be read back so, quoted (JSON) when it has spaces, quotes or `=`. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value === '' || /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(withoutSecrets(value));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** HH:MM:SS.mmm of a pino `time` (ms since the epoch), local unless `utc`. */
export function clockTime(time: unknown, utc = false): string {
  const d = new Date(typeof time === 'number' || typeof time === 'string' ? time : NaN);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  const [h, m, s, ms] = utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()] : [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(ms).padStart(3, '0')}`;
}
