import type { Fleet, FleetHost } from './fleet';

/**
 * The host a request is for: the one its Host header names (name or
 * name:port), else the fleet's default host (for IP addresses and localhost,
 * which is how most clients reach a lab listener).
 */
export function resolveHost(fleet: Fleet, hostHeader: string | undefined): FleetHost {
  if (hostHeader) {
    const name = hostHeader.replace(/^\[([^\]]*)\](:\d+)?$/, '$1').replace(/:\d+$/, '');
    const host = fleet.host(name);
    if (host) return host;
  }
  return fleet.defaultHost;
}
