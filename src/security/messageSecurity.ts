/**
 * WS-Security as a logon: a request signed with an X.509 key (wsSecurity.ts
 * checks the signature) logs on as the account its certificate is mapped to
 * in the fixture's certificateMappings, as WinRM's certificate mapping maps a
 * client certificate to a local account. Replies to signed requests are signed
 * with the emulator's own certificate (the HTTPS listener's).
 *
 * WinRM itself has no WS-Security; the faults are those of WSS 1.1 §12
 * (docs/security.md).
 */
import type { Fixture } from '../config/fixture';
import { principalOf, type AccountAuthenticator } from '../fleet/authentication';
import type { FleetHost, Principal } from '../fleet/fleet';
import { WsmanFault, type FaultName } from '../wsman/faults';
import { hasSecurityHeader, signEnvelope, verifySignedEnvelope, WsSecurityError, type SigningKey, type WssFaultCode } from './wsSecurity';

export interface SignedCaller {
  readonly principal: Principal;
  /** SHA-1 thumbprint of the signing certificate, upper-case hex. */
  readonly thumbprint: string;
}

interface Mapping {
  readonly thumbprint: string;
  /** Lower-case FQDN, or '*'. */
  readonly host: string;
  readonly account: string;
}

const FAULT_OF: Readonly<Record<WssFaultCode, FaultName>> = {
  UnsupportedSecurityToken: 'WssUnsupportedSecurityToken',
  UnsupportedAlgorithm: 'WssUnsupportedAlgorithm',
  InvalidSecurity: 'WssInvalidSecurity',
  InvalidSecurityToken: 'WssInvalidSecurityToken',
  FailedAuthentication: 'WssFailedAuthentication',
  FailedCheck: 'WssFailedCheck',
  SecurityTokenUnavailable: 'WssSecurityTokenUnavailable',
  MessageExpired: 'WssMessageExpired',
};

export class MessageSecurity {
  private readonly mappings: readonly Mapping[];

  constructor(
    mappings: Fixture['certificateMappings'],
    private readonly accounts: AccountAuthenticator,
    /** The key replies are signed with; undefined until the emulator has loaded it. */
    private readonly signingKey: () => SigningKey | undefined,
  ) {
    this.mappings = (mappings ?? []).map((m) => ({
      thumbprint: m.thumbprint.replace(/:/g, '').toUpperCase(),
      host: m.host === '*' ? '*' : m.host.toLowerCase(),
      account: m.account,
    }));
  }

  /** Whether the message carries a wsse:Security header this host should check. */
  applies(xml: string, host: FleetHost): boolean {
    return host.policy.auth.certificate && hasSecurityHeader(xml);
  }

  /**
   * Verifies the signature and maps the certificate to an account of the host.
   * Throws a WsmanFault with the WSS subcode when either fails.
   */
  authenticate(xml: string, host: FleetHost): SignedCaller {
    let thumbprint: string;
    try {
      thumbprint = verifySignedEnvelope(xml).thumbprint;
    } catch (err) {
      if (err instanceof WsSecurityError) throw new WsmanFault(FAULT_OF[err.wssFault], { extra: `${err.message}.` });
      throw err;
    }
    const mapping = this.mappings.find((m) => m.thumbprint === thumbprint && (m.host === '*' || m.host === host.fqdn));
    if (!mapping) {
      throw new WsmanFault('WssFailedAuthentication', { extra: `No account of ${host.fqdn} is mapped to the certificate with thumbprint ${thumbprint}.` });
    }
    const found = this.accounts.account(host, mapping.account);
    if (!('account' in found)) {
      throw new WsmanFault('WssFailedAuthentication', {
        extra: `The certificate with thumbprint ${thumbprint} is mapped to ${mapping.account}, which cannot log on to ${host.fqdn} (${found.reason}).`,
      });
    }
    this.accounts.outcome(host, found.account, true);
    return { principal: principalOf(found.account), thumbprint };
  }

  /** The reply, signed (the body and a timestamp) with the emulator's certificate. */
  sign(xml: string): string {
    const key = this.signingKey();
    if (!key) return xml;
    return signEnvelope(xml, key);
  }
}
