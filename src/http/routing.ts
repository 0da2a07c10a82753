/**
 * Which host of the fleet a request is for, from its Host header and the port it
 * arrived on: HTTP's part of virtual hosting (the fleet only answers lookups).
 */
import net from 'node:net';
import type { Fleet, FleetHost } from '../fleet/fleet';

export type Route = { readonly host: FleetHost } | { readonly unknownHost: string };

/**
 * The host a request is for: the one its Host header names (name or name:port);
 * else the one whose own listener it arrived on; else the fleet's default host.
 * A Host header that is an IP address or localhost names no host. A header that
 * names something else that is not a host of the fleet is refused by the caller.
 */
export function resolveHost(fleet: Fleet, hostHeader: string | undefined, localPort?: number): Route {
  const { name, isName } = hostOf(hostHeader ?? '');
  if (isName) {
    const host = fleet.host(name);
    if (host) return { host };
    return { unknownHost: name };
  }
  const byPort = localPort !== undefined ? fleet.hostOnPort(localPort) : undefined;
  return { host: byPort ?? fleet.defaultHost };
}

interface HostHeader {
  /** The name part (see hostName). */
  readonly name: string;
  /** Whether it is a name that may designate a host: not empty, not an IP address, not localhost. */
  readonly isName: boolean;
}

/** Parsed Host headers: a client sends the same one on every request. A pure function's cache, bounded. */
const hostHeaders = new Map<string, HostHeader>();
const HOST_HEADER_CACHE = 1024;

function hostOf(header: string): HostHeader {
  const known = hostHeaders.get(header);
  if (known) return known;
  const name = hostName(header);
  const lower = name.toLowerCase();
  const parsed = { name, isName: name !== '' && net.isIP(name) === 0 && lower !== 'localhost' && lower !== 'localhost.' };
  if (hostHeaders.size < HOST_HEADER_CACHE && header.length <= 300) hostHeaders.set(header, parsed);
  return parsed;
}

/** The name part of a Host header: `[v6]` or `[v6]:port` unwrapped, `name:port` without its port. */
function hostName(header: string): string {
  const h = header.trim();
  const v6 = /^\[([^\]]*)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1] as string;
  return h.replace(/:\d+$/, '');
}
