/**
 * tls-server-end-point channel bindings (RFC 5929 §4.1): the certificate is hashed
 * with its own signature's hash, MD5 and SHA-1 becoming SHA-256. Certificates made
 * by the same library the listener uses for its self-signed one.
 */
import crypto, { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';
import { certificateChannelBindings, endPointHashOf, gssChannelBindings, tlsServerEndPoint } from '../../../../src/security/ntlm';

async function certificate(algorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512'): Promise<Buffer> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'ipam1.contoso.com' }], { algorithm, keySize: 2048 });
  return new X509Certificate(pems.cert).raw;
}

test.each([
  ['sha1', 'sha256'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha512', 'sha512'],
] as const)('a certificate signed with %s is hashed with %s', async (signedWith, hashedWith) => {
  const der = await certificate(signedWith);
  expect(endPointHashOf(der)).toBe(hashedWith);
  expect(certificateChannelBindings(der)).toEqual(gssChannelBindings(tlsServerEndPoint(crypto.createHash(hashedWith).update(der).digest())));
}, 30_000);

test('bytes that are not a certificate fall back to SHA-256 rather than throwing', () => {
  expect(endPointHashOf(Buffer.from('not a certificate'))).toBe('sha256');
  expect(endPointHashOf(Buffer.alloc(0))).toBe('sha256');
});
