/**
 * Identify (DSP0226 §11, MS-WSMV 3.1.4.1.23). Unauthenticated requests learn
 * only that this is WinRM 3.0; authenticated ones get the OS version and the
 * security profiles enabled on the listener.
 */
import type { FleetHost } from '../../fleet/fleet';
import { NS } from '../namespaces';
import { writeIdentifyReply } from '../reply';

const PROFILE = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/';

/** The reply depends only on the host and on whether the caller authenticated: written once each. */
const cache = new WeakMap<FleetHost, { authenticated?: string; anonymous?: string }>();

export function identify(host: FleetHost, authenticated: boolean): string {
  let forHost = cache.get(host);
  if (!forHost) {
    forHost = {};
    cache.set(host, forHost);
  }
  const key = authenticated ? 'authenticated' : 'anonymous';
  return (forHost[key] ??= writeIdentify(host, authenticated));
}

function writeIdentify(host: FleetHost, authenticated: boolean): string {
  return writeIdentifyReply((w) => {
    w.open('wsmid:IdentifyResponse', { 'xmlns:wsmid': NS.identity });
    w.leaf('wsmid:ProtocolVersion', undefined, NS.wsman);
    w.leaf('wsmid:ProductVendor', undefined, 'Microsoft Corporation');
    const os = authenticated ? `${host.os.version} SP: ${host.os.servicePack}` : '0.0.0 SP: 0.0';
    w.leaf('wsmid:ProductVersion', undefined, `OS: ${os} Stack: 3.0`);
    if (authenticated) {
      w.open('wsmid:SecurityProfiles');
      if (host.policy.auth.basic) w.leaf('wsmid:SecurityProfileName', undefined, `${PROFILE}http/basic`);
      if (host.policy.auth.negotiate) w.leaf('wsmid:SecurityProfileName', undefined, `${PROFILE}http/spnego-kerberos`);
      w.close();
    }
    w.close();
  });
}
