/**
 * The package's entry point (issue 10): `main` and `types` name what the build makes of
 * src/index.ts, and what it exports is enough to start an emulator in-process and talk to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as pkg from '../../src/index';
import { tempDir } from '../support/emulator';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; types: string };

test('main and types are the build output of src/index.ts', () => {
  expect(manifest.main).toBe('dist/index.js');
  expect(manifest.types).toBe('dist/index.d.ts');
  expect(fs.existsSync(path.join(root, 'src', 'index.ts'))).toBe(true);
  const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string; declaration: boolean } };
  expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist', declaration: true });
});

test('an emulator started through the entry point answers the client the entry point exports', async () => {
  const emulator = pkg.Emulator.create({ dataDir: tempDir(), logger: (await import('pino')).default({ level: 'silent' }) });
  const listener = await emulator.start('127.0.0.1', 0, { httpsPort: false });
  const client = new pkg.WsmanClient({ endpoint: listener.url, authenticator: new pkg.BasicAuthenticator('Administrator', 'Passw0rd!') });
  try {
    const result = await pkg.provisionHost(client, { ProvisioningMethod: pkg.ProvisioningMethod.Manual, Force: true });
    expect(result.returnValue).toBe(0);
    const [server] = await client.enumerate('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server');
    expect(server?.ProvisioningState).toBe('2');
  } finally {
    client.close();
    await emulator.stop();
  }
});
