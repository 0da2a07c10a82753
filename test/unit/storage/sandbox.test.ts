/**
 * HostSandbox: how a Windows path from a request (WidSchemaPath) becomes a
 * folder of the host's sandbox, and every way a hostile path is refused
 * before it can reach outside `<dataDir>/hosts/<fqdn>/fs`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostSandbox, SandboxPathError } from '../../../src/storage/sandbox';

let dataDir: string;
let sandbox: HostSandbox;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-'));
  sandbox = new HostSandbox(dataDir, 'ipam1.contoso.com');
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The refusal a path gets; fails the test when the path is accepted. */
function refusal(fn: () => unknown): SandboxPathError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SandboxPathError) return e;
    throw e;
  }
  throw new Error('expected a SandboxPathError');
}

describe('the sandbox root', () => {
  test('is <dataDir>/hosts/<fqdn>/fs', () => {
    expect(sandbox.root).toBe(path.join(dataDir, 'hosts', 'ipam1.contoso.com', 'fs'));
  });

  test.each(['../evil', 'ipam1/../../x', 'IPAM1.contoso.com', '', 'a b'])('a host name that is not a lower-case DNS name (%j) is refused', (fqdn) => {
    expect(refusal(() => new HostSandbox(dataDir, fqdn)).message).toBe(`not a host name: ${fqdn}`);
  });
});

describe('environment variables', () => {
  test.each([
    ['%WINDIR%\\System32\\IPAM\\Database', 'C:\\Windows\\System32\\IPAM\\Database'],
    ['%windir%\\System32', 'C:\\Windows\\System32'],
    ['%SystemRoot%\\IPAM', 'C:\\Windows\\IPAM'],
    ['%SystemDrive%\\IPAM\\Db', 'C:\\IPAM\\Db'],
    ['%ProgramData%\\IPAM', 'C:\\ProgramData\\IPAM'],
  ])('%s expands to %s', (given, canonical) => {
    expect(HostSandbox.canonical(given)).toBe(canonical);
  });

  test('%WINDIR% maps to the C drive of the sandbox, lower-cased below it', () => {
    expect(sandbox.map('%WINDIR%\\System32\\IPAM\\Database')).toBe(path.join(sandbox.root, 'C', 'windows', 'system32', 'ipam', 'database'));
  });

  test.each(['%TEMP%\\x', '%USERPROFILE%', 'C:\\%APPDATA%\\x', '%NOPE%'])('an unknown variable (%s) is refused rather than taken literally', (p) => {
    expect(refusal(() => HostSandbox.canonical(p)).message).toMatch(/^the environment variable %[A-Za-z]+% is not known on this host$/);
    expect(refusal(() => sandbox.map(p))).toBeInstanceOf(SandboxPathError);
  });
});

describe('drive letters and case', () => {
  test('the drive letter is upper-cased and becomes the first folder', () => {
    expect(HostSandbox.canonical('d:\\Database')).toBe('D:\\Database');
    expect(sandbox.map('d:\\Database')).toBe(path.join(sandbox.root, 'D', 'database'));
  });

  test('a bare drive is its root', () => {
    expect(HostSandbox.canonical('E:')).toBe('E:\\');
    expect(HostSandbox.canonical('E:\\')).toBe('E:\\');
    expect(sandbox.map('E:\\')).toBe(path.join(sandbox.root, 'E'));
  });

  test('segments are lower-cased: D:\\Database and d:\\DATABASE are one folder, as on Windows', () => {
    expect(sandbox.map('D:\\Database\\IPAM')).toBe(sandbox.map('d:\\DATABASE\\ipam'));
  });

  test('forward slashes, doubled and trailing separators and surrounding blanks are normalised', () => {
    expect(HostSandbox.canonical('  D:/Data//IPAM\\  ')).toBe('D:\\Data\\IPAM');
  });
});

describe('paths that are refused', () => {
  test.each(['C:\\Windows\\..\\..\\etc', 'C:\\..', 'D:\\a\\..\\b', 'D:\\.\\a', 'D:/a/../../../..'])("'..' or '.' (%s)", (p) => {
    expect(refusal(() => sandbox.map(p)).message).toBe(`'${p}' may not contain '.' or '..'`);
  });

  test.each(['D:\\CON', 'D:\\con\\db', 'D:\\NUL', 'D:\\nul.txt', 'D:\\PRN', 'D:\\AUX', 'D:\\COM1', 'D:\\com9.db', 'D:\\LPT1'])('a reserved device name (%s)', (p) => {
    expect(refusal(() => sandbox.map(p)).message).toMatch(/^'.*' has a segment Windows does not allow: '.*'$/);
  });

  test('names that only start like a device are fine', () => {
    expect(HostSandbox.canonical('D:\\CONSOLE\\COM10\\nullable')).toBe('D:\\CONSOLE\\COM10\\nullable');
  });

  test.each(['D:\\db.', 'D:\\db \\x', 'D:\\a\\b...'])('a segment ending in a dot or a space (%s)', (p) => {
    expect(refusal(() => sandbox.map(p)).message).toContain('has a segment Windows does not allow');
  });

  test.each(['D:\\a<b', 'D:\\a>b', 'D:\\a:b', 'D:\\a"b', 'D:\\a|b', 'D:\\a?b', 'D:\\a*b', 'D:\\a\u0001b', 'D:\\a\tb'])('a forbidden character (%j)', (p) => {
    expect(refusal(() => sandbox.map(p)).message).toContain('has a segment Windows does not allow');
  });

  test.each(['\\\\server\\share\\ipam', '//server/share', '\\\\?\\C:\\x', '\\\\.\\C:\\x'])('a UNC or device path (%s)', (p) => {
    expect(refusal(() => sandbox.map(p)).message).toBe(`'${p}' is not an absolute local path`);
  });

  test.each(['Database', 'IPAM\\Database', '\\Windows', 'C:Windows', '/etc/passwd', '', 'CD:\\x'])('a relative, rooted-without-drive or POSIX path (%j)', (p) => {
    expect(refusal(() => sandbox.map(p)).message).toBe(`'${p}' is not an absolute local path`);
  });
});

describe('mkdirs', () => {
  test('creates the folder and its missing parents, and returns exactly those it created, parent first', () => {
    const created = sandbox.mkdirs('D:\\Data\\IPAM\\Db');
    const d = path.join(sandbox.root, 'D');
    // The host's own folders are among them the first time (issue 14: an undo must remove them too).
    const host = path.dirname(sandbox.root);
    expect(created).toEqual([host, sandbox.root, d, path.join(d, 'data'), path.join(d, 'data', 'ipam'), path.join(d, 'data', 'ipam', 'db')]);
    expect(fs.statSync(path.join(d, 'data', 'ipam', 'db')).isDirectory()).toBe(true);
  });

  test('returns only the folders that were missing, and nothing when all exist', () => {
    sandbox.mkdirs('D:\\Data');
    expect(sandbox.mkdirs('d:\\DATA\\Ipam')).toEqual([path.join(sandbox.root, 'D', 'data', 'ipam')]);
    expect(sandbox.mkdirs('D:\\Data\\IPAM')).toEqual([]);
  });

  test('refuses to go through a symbolic link, even one pointing to a folder', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-outside-'));
    try {
      fs.mkdirSync(sandbox.root, { recursive: true });
      fs.symlinkSync(outside, path.join(sandbox.root, 'D'), 'dir');
      expect(refusal(() => sandbox.mkdirs('D:\\Escape\\Db')).message).toBe("'D:\\Escape\\Db': D exists and is not a folder");
      expect(fs.readdirSync(outside)).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('refuses to go through a file, and creates nothing below it', () => {
    sandbox.mkdirs('D:\\Data');
    fs.writeFileSync(path.join(sandbox.root, 'D', 'data', 'ipam'), 'a file');
    expect(refusal(() => sandbox.mkdirs('D:\\Data\\IPAM\\Db')).message).toBe("'D:\\Data\\IPAM\\Db': ipam exists and is not a folder");
    expect(fs.readFileSync(path.join(sandbox.root, 'D', 'data', 'ipam'), 'utf8')).toBe('a file');
  });

  test('refuses a bad path before creating anything', () => {
    expect(refusal(() => sandbox.mkdirs('D:\\ok\\..\\..\\..\\escape'))).toBeInstanceOf(SandboxPathError);
    expect(fs.existsSync(path.join(sandbox.root, 'D'))).toBe(false);
  });
});

describe('contains', () => {
  test('is true for paths below the root, false for the root itself and anything outside', () => {
    expect(sandbox.contains(sandbox.map('D:\\Data'))).toBe(true);
    expect(sandbox.contains(path.join(sandbox.root, 'C', 'x', 'y'))).toBe(true);
    expect(sandbox.contains(sandbox.root)).toBe(false);
    expect(sandbox.contains(path.join(sandbox.root, '..'))).toBe(false);
    expect(sandbox.contains(path.join(sandbox.root, '..', '..', 'ipam2.contoso.com', 'fs', 'C'))).toBe(false);
    expect(sandbox.contains(path.join(dataDir, 'state.sqlite'))).toBe(false);
    expect(sandbox.contains('/etc/passwd')).toBe(false);
    expect(sandbox.contains(`${sandbox.root}-other`)).toBe(false);
  });
});

describe('folder names over the file system limit (issue 14)', () => {
  test.each([['é'.repeat(128)], ['中'.repeat(86)], ['😀'.repeat(64)], ['İ'.repeat(100)]])('%s is refused before it reaches the file system', (name) => {
    const sandbox = new HostSandbox('/tmp/ipam-sandbox-test', 'ipam1.contoso.com');
    expect(() => sandbox.map(`D:\\${name}`)).toThrow(SandboxPathError);
    expect(() => sandbox.map(`D:\\${name}`)).toThrow('longer than 255 bytes');
  });

  test('a name of exactly 255 bytes maps', () => {
    const sandbox = new HostSandbox('/tmp/ipam-sandbox-test', 'ipam1.contoso.com');
    expect(sandbox.map(`D:\\${'中'.repeat(85)}`)).toBe(`/tmp/ipam-sandbox-test/hosts/ipam1.contoso.com/fs/D/${'中'.repeat(85)}`);
  });
});
