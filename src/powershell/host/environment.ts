/**
 * The environment a process starts with on the emulated Windows Server 2022 host,
 * as `set` shows it in a WinRS shell (the user's profile under C:\Users, the
 * system folders, PSModulePath); variables given at Create come on top.
 */

export interface MachineIdentity {
  readonly computerName: string;
  /** The DNS domain ('contoso.com'). */
  readonly dnsDomain: string;
  /** The user's NetBIOS domain, or the computer name for a local account. */
  readonly userDomain: string;
  readonly userName: string;
  readonly processors: number;
}

export function windowsEnvironment(m: MachineIdentity, given: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const profile = `C:\\Users\\${m.userName}`;
  const env = new Map<string, string>([
    ['ALLUSERSPROFILE', 'C:\\ProgramData'],
    ['APPDATA', `${profile}\\AppData\\Roaming`],
    ['CommonProgramFiles', 'C:\\Program Files\\Common Files'],
    ['CommonProgramFiles(x86)', 'C:\\Program Files (x86)\\Common Files'],
    ['CommonProgramW6432', 'C:\\Program Files\\Common Files'],
    ['COMPUTERNAME', m.computerName],
    ['ComSpec', 'C:\\Windows\\system32\\cmd.exe'],
    ['DriverData', 'C:\\Windows\\System32\\Drivers\\DriverData'],
    ['LOCALAPPDATA', `${profile}\\AppData\\Local`],
    ['NUMBER_OF_PROCESSORS', String(m.processors)],
    ['OS', 'Windows_NT'],
    ['Path', 'C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\;C:\\Windows\\System32\\OpenSSH\\;' + `${profile}\\AppData\\Local\\Microsoft\\WindowsApps`],
    ['PATHEXT', '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC'],
    ['PROCESSOR_ARCHITECTURE', 'AMD64'],
    ['PROCESSOR_IDENTIFIER', 'Intel64 Family 6 Model 85 Stepping 7, GenuineIntel'],
    ['PROCESSOR_LEVEL', '6'],
    ['PROCESSOR_REVISION', '5507'],
    ['ProgramData', 'C:\\ProgramData'],
    ['ProgramFiles', 'C:\\Program Files'],
    ['ProgramFiles(x86)', 'C:\\Program Files (x86)'],
    ['ProgramW6432', 'C:\\Program Files'],
    ['PROMPT', '$P$G'],
    ['PSModulePath', `${profile}\\Documents\\WindowsPowerShell\\Modules;C:\\Program Files\\WindowsPowerShell\\Modules;C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules`],
    ['PUBLIC', 'C:\\Users\\Public'],
    ['SystemDrive', 'C:'],
    ['SystemRoot', 'C:\\Windows'],
    ['TEMP', `${profile}\\AppData\\Local\\Temp`],
    ['TMP', `${profile}\\AppData\\Local\\Temp`],
    ['USERDNSDOMAIN', m.dnsDomain.toUpperCase()],
    ['USERDOMAIN', m.userDomain],
    ['USERNAME', m.userName],
    ['USERPROFILE', profile],
    ['windir', 'C:\\Windows'],
  ]);
  for (const [k, v] of given) {
    for (const existing of [...env.keys()]) if (existing.toLowerCase() === k.toLowerCase()) env.delete(existing);
    env.set(k, v);
  }
  return env;
}
