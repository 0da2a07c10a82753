import net from 'node:net';
import type { Fleet, FleetHost } from './fleet';

export type Route = { readonly host: FleetHost } | { readonly unknownHost: string };

/**
 * The host a request is for: the one its Host header names (name or name:port);
 * else the one whose own listener it arrived on; else the fleet's default host.
 * A Host header that is an IP address or localhost names no host. A header that
 * names something else that is not a host of the fleet is refused by the caller.
 */
export function resolveHost(fleet: Fleet, hostHeader: string | undefined, localPort?: number): Route {
  const name = hostName(hostHeader);
  const isName = name !== '' && net.isIP(name) === 0 && name.toLowerCase() !== 'localhost' && name.toLowerCase() !== 'localhost.';
  if (isName) {
    const host = fleet.host(name);
    if (host) return { host };
    return { unknownHost: name };
  }
  const byPort = localPort !== undefined ? fleet.hostOnPort(localPort) : undefined;
  return { host: byPort ?? fleet.defaultHost };
}

/** The name part of a Host header: `[v6]` or `[v6]:port` unwrapped, `name:port` without its port. */
function hostName(header: string | undefined): string {
  const h = (header ?? '').trim();
  const v6 = /^\[([^\]]*)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1] as string;
  return h.replace(/:\d+$/, '');
}
