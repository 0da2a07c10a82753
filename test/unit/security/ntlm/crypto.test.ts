/** MD4 and RC4, written out because Node's OpenSSL build has neither. */
import { md4 } from '../../../../src/security/ntlm/md4';
import { Rc4, rc4k } from '../../../../src/security/ntlm/rc4';
import { createHash } from 'node:crypto';
import { NegotiateFlag, describeFlags, hasFlag, ntHash } from '../../../../src/security/ntlm';
import { sealKey } from '../../../../src/security/ntlm/session';
import { hmacMd5, filetime, fromFiletime } from '../../../../src/security/ntlm/primitives';
import vectors from './fixtures/ms-nlmp-4.2.4.json';

describe('MD4 (RFC 1320 appendix A.5 test suite)', () => {
  const suite: Array<[string, string]> = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ];
  it.each(suite)('MD4(%j)', (input, digest) => {
    expect(md4(Buffer.from(input, 'latin1')).toString('hex')).toBe(digest);
  });

  // Lengths around the 56-byte padding edge; digests from OpenSSL's legacy-provider MD4, an independent implementation.
  it.each([
    [55, 'c889c81dd86c4d2e025778944ea02881'],
    [56, 'd5f9a9e9257077a5f08b0b92f348b0ad'],
    [63, '7ea3da77432d44c323671097d1348fc8'],
    [64, '52f5076fabd22680234a3fa9f9dc5732'],
    [65, '330e377bf231f3cacfecc2c182fe7e5b'],
    [119, 'e65dd227ccef97fa1d34d70189120f76'],
    [120, 'b03ddbd470b47c013e0c7ab2ddd763db'],
    [1000, '5f1bf26a8067c9159b91f1440f7c9e8a'],
  ])('MD4 of %i bytes of "a" (padding edges)', (n, digest) => {
    expect(md4(Buffer.alloc(n, 0x61)).toString('hex')).toBe(digest);
  });

  it('the NT hash of "Password" is NTOWFv1 of MS-NLMP 4.2.2.1.2', () => {
    expect(ntHash('Password').toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
  });
});

describe('RC4', () => {
  it('RFC 6229 key 0x0102030405, key stream offsets 0 and 16', () => {
    expect(rc4k(Buffer.from('0102030405', 'hex'), Buffer.alloc(32)).toString('hex')).toBe(
      'b2396305f03dc027ccc3524a0a1118a86982944f18fc82d589c403a47a0d0919',
    );
  });

  it('RFC 6229 128-bit key 0x0102…10, offset 0', () => {
    const key = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
    expect(rc4k(key, Buffer.alloc(16)).toString('hex')).toBe('9ac7cc9a609d1ef7b2932899cde41b97');
  });

  it.each([
    ['Key', 'Plaintext', 'bbf316e8d940af0ad3'],
    ['Wiki', 'pedia', '1021bf0420'],
    ['Secret', 'Attack at dawn', '45a01f645fc35b383552544b9bf5'],
  ])('the classic vector key %j, plaintext %j', (key, plain, cipher) => {
    expect(rc4k(Buffer.from(key), Buffer.from(plain)).toString('hex')).toBe(cipher);
  });

  it('keeps a running key stream across transform calls, and can roll back', () => {
    const key = Buffer.from('0102030405', 'hex');
    const h = new Rc4(key);
    const first = h.transform(Buffer.alloc(16));
    const saved = h.saveState();
    const second = h.transform(Buffer.alloc(16));
    h.restoreState(saved);
    expect(h.transform(Buffer.alloc(16))).toEqual(second);
    expect(Buffer.concat([first, second]).toString('hex')).toBe(rc4k(key, Buffer.alloc(32)).toString('hex'));
  });
});

describe('HMAC-MD5 checksum of MS-NLMP 4.2.4.4', () => {
  it('HMAC_MD5(SigningKey, SeqNum 0 ‖ "Plaintext")[0..7]', () => {
    const w = vectors.wrapEx;
    const mac = hmacMd5(Buffer.from(w.signingKey, 'hex'), Buffer.alloc(4), Buffer.from(w.plaintext, 'hex'));
    expect(mac.subarray(0, 8).toString('hex')).toBe(w.checksumBeforeRc4);
  });
});

describe('negotiate flags', () => {
  it('hasFlag sees NEGOTIATE_56, the sign bit', () => {
    expect(hasFlag(0xe2889032, NegotiateFlag.NEGOTIATE_56)).toBe(true);
    expect(hasFlag(0x62889032, NegotiateFlag.NEGOTIATE_56)).toBe(false);
    expect(describeFlags(0x80000001)).toEqual(['NEGOTIATE_UNICODE', 'NEGOTIATE_56']);
  });

  it('SEALKEY keeps 128, 56 or 40 bits of the session key (MS-NLMP 3.4.5.3)', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const ess = NegotiateFlag.NEGOTIATE_EXTENDED_SESSIONSECURITY;
    const magic = Buffer.from('session key to client-to-server sealing key magic constant\0', 'latin1');
    const md5 = (b: Buffer) => createHash('md5').update(b).update(magic).digest();
    expect(sealKey(key, ess | NegotiateFlag.NEGOTIATE_128 | NegotiateFlag.NEGOTIATE_56, 'client-to-server')).toEqual(md5(key));
    expect(sealKey(key, (ess | NegotiateFlag.NEGOTIATE_56) >>> 0, 'client-to-server')).toEqual(md5(key.subarray(0, 7)));
    expect(sealKey(key, ess, 'client-to-server')).toEqual(md5(key.subarray(0, 5)));
  });
});

describe('FILETIME', () => {
  it('round-trips a date and puts 1601-01-01 at zero', () => {
    const d = new Date('2024-05-06T07:08:09.123Z');
    expect(fromFiletime(filetime(d)).toISOString()).toBe(d.toISOString());
    expect(filetime(new Date(Date.UTC(1601, 0, 1))).toString('hex')).toBe('0000000000000000');
  });
});
