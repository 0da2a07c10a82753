/**
 * The banner `serve` prints on a terminal before its log: where the emulator listens, which
 * hosts it plays, and the lab credentials of the fixture to log on with. The credentials are
 * for the person at the terminal only: the banner is never written to the log, the ready
 * file or the ready line (contract-13: no passwords, ever).
 */
import type { Fixture, FixtureAccount } from '../config/fixture';
import type { ReadyInfo } from '../embed/startEmulator';
import { painter, type Paint } from './ansi';

/** An account of the fixture, password included (the fixture file's own text). */
export interface BannerAccount {
  /** The host it belongs to; none for a domain account, valid on every host of its domain. */
  readonly host?: string;
  readonly user: string;
  readonly password: string;
  readonly groups: readonly string[];
}

/**
 * The accounts of the fixture the emulator serves (with `--hosts N`, the one with the generated
 * hosts): each host's own, and each domain's as DOMAIN\\name, valid on every host. A disabled
 * account cannot log on, so it is left out.
 */
export function fixtureAccounts(fixture: Fixture): BannerAccount[] {
  const usable = (accounts: FixtureAccount[] | undefined): FixtureAccount[] => (accounts ?? []).filter((a) => a.disabled !== true);
  return [
    ...fixture.hosts.flatMap((h) => usable(h.accounts).map((a) => ({ host: h.fqdn, user: a.name, password: a.password, groups: a.groups ?? [] }))),
    ...fixture.domains.flatMap((d) => usable(d.accounts).map((a) => ({ user: `${d.name}\\${a.name}`, password: a.password, groups: a.groups ?? [] }))),
  ];
}

/** Who may use the admin API: the fixture's `admin` section (docs/admin-api.md), as it is. */
export interface BannerAdmin {
  /** The default host's group whose accounts may (default Administrators). */
  readonly group?: string;
  /** The admin API's own credential: when given, it alone opens the admin API. */
  readonly credential?: { readonly user: string; readonly password: string };
}

/** What the banner shows: the ready object of `serve` (contract-13), the fixture's accounts and its `admin` section. */
export type BannerInfo = ReadyInfo & { readonly accounts: readonly BannerAccount[]; readonly admin?: BannerAdmin };

const PRODUCT = 'ipam-wsman-emulator';
/** Up to this many hosts the banner lists them all; past it, the first few. */
const LIST_ALL_UP_TO = 10;
const LIST_FIRST = 5;
const LABEL_WIDTH = 11;

export function formatBanner(info: BannerInfo, opts: { readonly color: boolean }): string {
  const paint = painter(opts.color);
  const url = (u: string): string => paint('cyan', u);
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`  ${paint('dim', label)}${' '.repeat(LABEL_WIDTH - label.length)}${value}`);
  };
  const hostCount = `${info.hosts.length} ${info.hosts.length === 1 ? 'host' : 'hosts'}`;
  lines.push(`${paint('bold', `${PRODUCT} ${info.version}`)}  fleet ${info.fleet}, ${hostCount}`);
  row('WS-Man', url(info.url));
  if (info.httpsUrl !== null) row('', `${url(info.httpsUrl)}${info.thumbprint ? `  certificate SHA-1 ${info.thumbprint}` : ''}`);
  hostRows(info, paint).forEach((text, i) => row(i === 0 ? 'Hosts' : '', text));
  accountRows(info).forEach((text, i) => row(i === 0 ? 'Accounts' : '', text));
  const adminLogon = info.admin?.credential ? `${info.admin.credential.user} / ${info.admin.credential.password}` : `an account of ${info.defaultHost} in ${info.admin?.group ?? 'Administrators'}`;
  row('Admin API', `${url(info.adminUrl)}  (Basic: ${adminLogon})`);
  row('Dashboard', url(info.dashboardUrl));
  row('Health', url(info.healthUrl));
  lines.push(paint('dim', 'Ctrl-C to stop.'));
  return lines.join('\n');
}

/**
 * Each host with the URL that reaches it. Every host is also reached through the main URL by
 * its name in the Host header (http/routing.ts), which one line says for a fleet of several;
 * a host without a port of its own is reached only so.
 */
function hostRows(info: BannerInfo, paint: Paint): string[] {
  const shown = info.hosts.length <= LIST_ALL_UP_TO ? info.hosts : info.hosts.slice(0, LIST_FIRST);
  const width = Math.max(...shown.map((h) => h.name.length));
  const rows = shown.map((h) => {
    const notes = [h.name.toLowerCase() === info.defaultHost.toLowerCase() ? 'default host' : '', !h.ownPort && info.hosts.length > 1 ? 'by Host header' : ''].filter(Boolean);
    return `${h.name.padEnd(width)}  ${paint('cyan', h.url)}${notes.length ? `  (${notes.join(', ')})` : ''}`;
  });
  if (shown.length < info.hosts.length) rows.push(`… and ${info.hosts.length - shown.length} more (GET ${info.adminUrl}hosts)`);
  if (info.hosts.length > 1) rows.push(`${info.url} reaches the default host, or any host named in the Host header`);
  return rows;
}

/**
 * The accounts, each once: a generated fleet gives every host the same ones, so an account is
 * listed with the hosts it is on only when that is not every host.
 */
function accountRows(info: BannerInfo): string[] {
  const byAccount = new Map<string, { account: BannerAccount; hosts: Set<string>; everywhere: boolean }>();
  for (const a of info.accounts) {
    const key = JSON.stringify([a.user, a.password, a.groups]);
    const seen = byAccount.get(key) ?? { account: a, hosts: new Set<string>(), everywhere: false };
    if (a.host === undefined) seen.everywhere = true;
    else seen.hosts.add(a.host.toLowerCase());
    byAccount.set(key, seen);
  }
  const all = [...byAccount.values()];
  const width = Math.max(0, ...all.map(({ account }) => `${account.user} / ${account.password}`.length));
  return all.map(({ account, hosts, everywhere }) => {
    const where = everywhere || hosts.size >= info.hosts.length ? '' : `  on ${listed([...hosts])}`;
    return `${`${account.user} / ${account.password}`.padEnd(width)}  ${account.groups.join(', ') || '(no groups)'}${where}`;
  });
}

function listed(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
