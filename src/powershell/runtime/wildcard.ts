/**
 * PowerShell wildcard patterns (WildcardPattern): `*`, `?`, `[abc]`, `[a-z]`, and
 * the backtick escape. Matching is case-insensitive unless asked otherwise.
 */

const cache = new Map<string, RegExp>();

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(c) ? `\\${c}` : c;
}

/** The anchored regular expression for a wildcard pattern. */
export function wildcardRegex(pattern: string, caseSensitive = false): RegExp {
  const key = `${caseSensitive ? 'c' : 'i'}:${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '`' && i + 1 < pattern.length) {
      source += escapeRegex(pattern[++i]);
    } else if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, close);
      source += `[${body.replace(/[\\^\]]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else source += escapeRegex(c);
  }
  const re = new RegExp(`^${source}$`, caseSensitive ? '' : 'i');
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return re;
}

export function wildcardMatch(text: string, pattern: string, caseSensitive = false): boolean {
  return wildcardRegex(pattern, caseSensitive).test(text);
}

/** Whether a name has wildcard characters (Get-Command -Name Get-*, Get-Module Ipam*). */
export function hasWildcard(text: string): boolean {
  return /[*?[]/.test(text);
}
