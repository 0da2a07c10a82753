/**
 * The HTTPS listener's certificate: the one configured, or a self-signed one
 * made at first start and kept in `<dataDir>/tls/` (the key readable by the
 * owner only), valid for every host of the fleet, localhost and 127.0.0.1.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { thumbprintOf } from '../security/token';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  /** SHA-1 thumbprint, upper-case hex, as Windows shows a listener's CertificateThumbprint. */
  readonly thumbprint: string;
  readonly generated: boolean;
}

/** The thumbprint of a PEM certificate, as WS-Security certificate mappings name it. */
function thumbprintOfPem(certPem: string): string {
  return thumbprintOf(new X509Certificate(certPem));
}

export async function loadOrCreateCertificate(dataDir: string, names: readonly string[], configured?: { certFile: string; keyFile: string }): Promise<TlsMaterial> {
  if (configured) {
    const cert = fs.readFileSync(configured.certFile, 'utf8');
    return { key: fs.readFileSync(configured.keyFile, 'utf8'), cert, thumbprint: thumbprintOfPem(cert), generated: false };
  }
  const dir = path.join(dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const cert = fs.readFileSync(certFile, 'utf8');
    return { key: fs.readFileSync(keyFile, 'utf8'), cert, thumbprint: thumbprintOfPem(cert), generated: false };
  }
  const altNames = [
    ...new Set([...names.map((n) => n.toLowerCase()), 'localhost']),
  ].map((value) => ({ type: 2 as const, value }));
  const pems = await selfsigned.generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    notBeforeDate: new Date(Date.now() - 24 * 3600 * 1000),
    notAfterDate: new Date(Date.now() + 3650 * 24 * 3600 * 1000),
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...altNames, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  fs.writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { key: pems.private, cert: pems.cert, thumbprint: thumbprintOfPem(pems.cert), generated: true };
}
