import crypto from 'node:crypto';
import { Tag, children, content, readTlv } from './der';

/**
 * Channel bindings for NTLM over TLS (MS-NLMP 3.1.1.2 / 3.2.1.2): the unhashed
 * gss_channel_bindings_struct (RFC 2744 §3.11) with no addresses and the
 * application data "tls-server-end-point:" + certificate hash (RFC 5929 §4).
 * MsvAvChannelBindings carries MD5 of this struct.
 */
export function gssChannelBindings(applicationData: Buffer): Buffer {
  // initiator_addrtype, initiator_address length, acceptor_addrtype, acceptor_address length: all 0.
  const head = Buffer.alloc(20);
  head.writeUInt32LE(applicationData.length, 16);
  return Buffer.concat([head, applicationData]);
}

/** The application data for the tls-server-end-point binding of a certificate hash (RFC 5929 §4.1). */
export function tlsServerEndPoint(certificateHash: Buffer): Buffer {
  return Buffer.concat([Buffer.from('tls-server-end-point:', 'latin1'), certificateHash]);
}

/** Signature algorithms whose hash is stronger than SHA-256, by the DER content of their OID. */
const STRONGER_HASH: Readonly<Record<string, 'sha384' | 'sha512'>> = {
  '2a864886f70d01010c': 'sha384', // sha384WithRSAEncryption 1.2.840.113549.1.1.12
  '2a864886f70d01010d': 'sha512', // sha512WithRSAEncryption 1.2.840.113549.1.1.13
  '2a8648ce3d040303': 'sha384', // ecdsa-with-SHA384 1.2.840.10045.4.3.3
  '2a8648ce3d040304': 'sha512', // ecdsa-with-SHA512 1.2.840.10045.4.3.4
};

/**
 * The hash RFC 5929 §4.1 asks for: the one of the certificate's signature algorithm,
 * except that MD5 and SHA-1 (and anything else not listed) become SHA-256.
 */
export function endPointHashOf(certificateDer: Buffer): 'sha256' | 'sha384' | 'sha512' {
  try {
    const cert = readTlv(certificateDer, 0);
    const sigAlg = children(certificateDer, cert)[1];
    const oid = sigAlg ? children(certificateDer, sigAlg)[0] : undefined;
    if (!oid || oid.tag !== Tag.OID) return 'sha256';
    return STRONGER_HASH[content(certificateDer, oid).toString('hex')] ?? 'sha256';
  } catch {
    return 'sha256'; // not a certificate our DER reader takes: the RFC's default
  }
}

/** The channel bindings (gss_channel_bindings_struct) of a TLS connection whose server has this certificate. */
export function certificateChannelBindings(certificateDer: Buffer): Buffer {
  return gssChannelBindings(tlsServerEndPoint(crypto.createHash(endPointHashOf(certificateDer)).update(certificateDer).digest()));
}
