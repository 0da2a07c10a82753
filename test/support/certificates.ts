/**
 * Test identities: a fresh key pair from node:crypto and a self-signed certificate from
 * `openssl req -x509` (Node's crypto parses X.509 but cannot issue it). Nothing is kept on disk.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestIdentity {
  privateKeyPem: string;
  certificatePem: string;
}

/** A self-signed certificate valid from now for `days` days, with an RSA-2048 key (or P-256). */
export function makeCertificate(commonName: string, opts: { days?: number; keyType?: 'rsa' | 'ec' } = {}): TestIdentity {
  const { privateKey } =
    opts.keyType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dir = mkdtempSync(path.join(tmpdir(), 'wss-test-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    const certificatePem = execFileSync(
      'openssl',
      ['req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=${commonName}`, '-days', String(opts.days ?? 2), '-sha256', '-addext', 'extendedKeyUsage=clientAuth,serverAuth'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { privateKeyPem, certificatePem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
