/**
 * `serve`'s opening banner on a terminal: the ready line's facts for a person, with the fixture's
 * lab accounts and their passwords (on the terminal only: never in a log or a file).
 */
import type { Fixture } from '../config/fixture';
import type { ReadyInfo } from '../embed/startEmulator';

export function bannerFor(ready: ReadyInfo, fixture: Fixture, color: boolean): string {
  void color;
  const lines = [`ipam-wsman-emulator ${ready.version}`, `  WS-Man  ${ready.url}${ready.httpsUrl ? `  ${ready.httpsUrl}` : ''}`];
  for (const h of ready.hosts) lines.push(`  ${h.name}  ${h.url}`);
  for (const h of fixture.hosts.slice(0, 1)) for (const a of h.accounts ?? []) lines.push(`  ${a.name} / ${a.password}`);
  lines.push(`  admin   ${ready.adminUrl}`, '');
  return `${lines.join('\n')}\n`;
}
