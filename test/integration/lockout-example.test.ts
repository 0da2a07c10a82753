/**
 * The jest harness of docs/admin-api.md ("Lockouts in a harness"), as written there (importing
 * ../../src instead of the package): a test locks the Administrator out on purpose, sees it in the
 * admin API (which its own credential keeps open), and ends the lockout.
 */
import pino from 'pino';
import { BasicAuthenticator, Emulator, WsmanAuthError, WsmanClient } from '../../src';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';

test('three bad logons lock the Administrator out; the harness sees it and ends it', async () => {
  const fixture = {
    ...(contoso as Fixture),
    policy: { ...(contoso as Fixture).policy, lockout: { threshold: 3, windowMinutes: 10, durationMinutes: 10 } },
    // The admin API's own credential: no host lockout touches it.
    admin: { credential: { user: 'harness', password: 'Harness-Passw0rd!' } },
  };
  const emu = Emulator.create({ fixture, dataDir: ':memory:', logger: pino({ level: 'silent' }) });
  const { url } = await emu.start('127.0.0.1', 0, { httpsPort: false });
  const adminApi = (path: string, method = 'GET'): Promise<Response> =>
    fetch(url.replace(/wsman$/, `_emulator${path}`), { method, headers: { Authorization: 'Basic ' + Buffer.from('harness:Harness-Passw0rd!').toString('base64') } });
  const as = (password: string): WsmanClient => new WsmanClient({ endpoint: url, authenticator: new BasicAuthenticator('Administrator', password) });
  try {
    for (let i = 0; i < 3; i++) await expect(as('wrong').identify({ authenticated: true })).rejects.toBeInstanceOf(WsmanAuthError);
    // Locked out: the right password is refused too, until the lockout ends.
    await expect(as('Passw0rd!').identify({ authenticated: true })).rejects.toBeInstanceOf(WsmanAuthError);
    expect(await (await adminApi('/lockouts')).json()).toEqual([expect.objectContaining({ account: 'ipam1\\administrator', lockedUntil: expect.any(String) })]);

    expect((await adminApi('/lockouts', 'DELETE')).status).toBe(200);
    await expect(as('Passw0rd!').identify({ authenticated: true })).resolves.toBeDefined();
  } finally {
    await emu.stop();
  }
});
