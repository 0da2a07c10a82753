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
