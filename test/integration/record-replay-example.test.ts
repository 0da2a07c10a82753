/**
 * The jest harness of docs/record-replay.md, as written there (importing ../../src instead of the
 * package): record the project's client through the proxy against a host (here a second emulator
 * standing in for Windows), then answer the same calls from the cassette.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { BasicAuthenticator, Emulator, WsmanClient, provisionHost, readCassette, startRecordingProxy } from '../../src';

const SERVER = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';
const silent = pino({ level: 'silent' });

async function session(url: string): Promise<unknown[]> {
  const client = new WsmanClient({ endpoint: url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  try {
    const [before] = await client.enumerate(SERVER);
    const provisioned = await provisionHost(client, { Force: true });
    const [after] = await client.enumerate(SERVER);
    return [before?.ProvisioningState, provisioned.returnValue, after?.ProvisioningState];
  } finally {
    client.close();
  }
}

test('a session recorded through the proxy is answered the same from the cassette', async () => {
  const cassetteFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cassette-')), 'ipam1.json');

  // Record: the client talks to the proxy; the proxy to the host (a Windows host, or here an emulator).
  const host = Emulator.create({ dataDir: ':memory:', logger: silent });
  const target = await host.start('127.0.0.1', 0, { httpsPort: false });
  const proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: 'Passw0rd!', port: 0, out: cassetteFile, logger: silent });
  const recorded = await session(proxy.url);
  await proxy.stop();
  await host.stop();
  expect(recorded).toEqual(['0', 0, '2']);

  // Replay: a fresh emulator answers from the cassette; a request it does not hold would be a fault.
  const replaying = Emulator.create({ dataDir: ':memory:', logger: silent, replay: { cassette: readCassette(cassetteFile), onMiss: 'fault' } });
  const { url } = await replaying.start('127.0.0.1', 0, { httpsPort: false });
  try {
    expect(await session(url)).toEqual(recorded);
  } finally {
    await replaying.stop();
  }
});
