/**
 * An OPENSSL_CONF that turns on OpenSSL 3's legacy provider, for python clients
 * that need MD4 (ntlm-auth, hence pywinrm's ntlm transport) on Debian 12, where
 * hashlib.new('md4') fails otherwise (reference/clients.md). Written once per
 * test process to a temporary file; real users set the same thing up themselves
 * (docs/security.md).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPENSSL_LEGACY = `openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
`;

let file: string | undefined;

/** The path of the config file (made on first use, removed when the process exits). */
export function opensslLegacyConf(): string {
  if (file === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'openssl-legacy-'));
    file = join(dir, 'openssl-legacy.cnf');
    writeFileSync(file, OPENSSL_LEGACY);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return file;
}
