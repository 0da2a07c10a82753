/**
 * Each host's file system is a folder under the data directory:
 * `<dataDir>/hosts/<fqdn>/fs/<drive>/<path…>`. Windows paths from requests
 * (WidSchemaPath, `%WINDIR%\…`) are mapped into it; nothing a request says can
 * reach outside it. Windows paths are case-insensitive, so mapped segments are
 * lower-cased: `D:\Database` and `d:\DATABASE` are the same folder, as on Windows.
 */
import fs from 'node:fs';
import path from 'node:path';

export class SandboxPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxPathError';
  }
}

const ENV: Readonly<Record<string, string>> = {
  windir: 'C:\\Windows',
  systemroot: 'C:\\Windows',
  systemdrive: 'C:',
  programdata: 'C:\\ProgramData',
  programfiles: 'C:\\Program Files',
};

/** Device names Windows reserves in every folder. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

/** NAME_MAX of the file systems the data directory lives on (ext4, xfs, btrfs, tmpfs): 255 bytes. */
const MAX_NAME_BYTES = 255;

export class HostSandbox {
  /** The host's file-system root, e.g. `<dataDir>/hosts/ipam1.contoso.com/fs`. */
  readonly root: string;

  constructor(dataDir: string, fqdn: string) {
    if (!/^[a-z0-9.-]+$/.test(fqdn)) throw new SandboxPathError(`not a host name: ${fqdn}`);
    this.root = path.resolve(dataDir, 'hosts', fqdn, 'fs');
  }

  /** Expands %WINDIR% and friends; unknown variables are an error rather than a literal folder. */
  static expand(windowsPath: string): string {
    return windowsPath.replace(/%([A-Za-z_]+)%/g, (_m, name: string) => {
      const v = ENV[name.toLowerCase()];
      if (v === undefined) throw new SandboxPathError(`the environment variable %${name}% is not known on this host`);
      return v;
    });
  }

  /** Canonical Windows form of a path: variables expanded, separators normalised, no trailing separator. */
  static canonical(windowsPath: string): string {
    const expanded = HostSandbox.expand(windowsPath.trim()).replace(/\//g, '\\');
    const m = /^([A-Za-z]):(\\.*)?$/.exec(expanded);
    if (!m) throw new SandboxPathError(`'${windowsPath}' is not an absolute local path`);
    const segments = (m[2] ?? '').split('\\').filter((s) => s !== '');
    for (const s of segments) {
      if (s === '.' || s === '..') throw new SandboxPathError(`'${windowsPath}' may not contain '.' or '..'`);
      if (/[<>:"|?*]/.test(s) || hasControlChar(s) || RESERVED.test(s) || /[ .]$/.test(s)) {
        throw new SandboxPathError(`'${windowsPath}' has a segment Windows does not allow: '${s}'`);
      }
    }
    return `${(m[1] as string).toUpperCase()}:\\${segments.join('\\')}`;
  }

  /** The sandbox path of a Windows path; throws SandboxPathError for anything that is not a safe local path. */
  map(windowsPath: string): string {
    const canonical = HostSandbox.canonical(windowsPath);
    const [drive, ...segments] = canonical.split('\\');
    const names = segments.filter((s) => s !== '').map((s) => s.toLowerCase());
    // A second line behind the parameter checks: no request-derived name reaches the file system over its limit.
    const long = names.find((n) => Buffer.byteLength(n, 'utf8') > MAX_NAME_BYTES);
    if (long !== undefined) throw new SandboxPathError(`'${windowsPath}' has a folder name longer than ${MAX_NAME_BYTES} bytes`);
    const mapped = path.join(this.root, (drive as string)[0] as string, ...names);
    const rel = path.relative(this.root, mapped);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new SandboxPathError(`'${windowsPath}' leaves the host's file system`);
    return mapped;
  }

  /**
   * Creates a mapped folder and every missing parent inside the sandbox, refusing to
   * go through a symbolic link. Returns the folders it created, deepest last, so a
   * rollback can remove exactly those.
   */
  /** `beforeCreate` is told each folder just before it is made (so a caller can journal it first). */
  mkdirs(windowsPath: string, beforeCreate?: (dir: string) => void): string[] {
    const target = this.map(windowsPath);
    // `<dataDir>/hosts` is the emulator's own; from the host's folder down (its `fs` root included)
    // every folder made is reported, so undoing a run leaves nothing it made.
    const hosts = path.dirname(path.dirname(this.root));
    fs.mkdirSync(hosts, { recursive: true, mode: 0o700 });
    const created: string[] = [];
    let current = hosts;
    for (const seg of path.relative(hosts, target).split(path.sep)) {
      if (seg === '') continue;
      current = path.join(current, seg);
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(current);
      } catch {
        st = undefined;
      }
      if (st === undefined) {
        beforeCreate?.(current);
        fs.mkdirSync(current, { mode: 0o700 });
        created.push(current);
      } else if (!st.isDirectory() || st.isSymbolicLink()) {
        throw new SandboxPathError(`'${windowsPath}': ${seg} exists and is not a folder`);
      }
    }
    return created;
  }

  /** True when a sandbox path lies inside this host's root (for recovery of journaled paths). */
  contains(p: string): boolean {
    const rel = path.relative(this.root, path.resolve(p));
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  }
}
