/**
 * The small programs of a Windows host a shell runs by name: hostname.exe and
 * whoami.exe (reference/winrs-shell.md §4). powershell.exe and cmd.exe are given
 * by the host (host/launcher.ts), which knows how to start them.
 */
import type { ConsoleProgram } from './cmd';

/** hostname.exe: the computer name. */
export const hostname: ConsoleProgram = async (_args, ctx, io) => {
  io.stdout(`${ctx.computerName}\r\n`);
  return 0;
};

/** whoami.exe: `domain\user` in lower case; /upn and /groups are not served. */
export const whoami: ConsoleProgram = async (args, ctx, io) => {
  const a = args.trim().toLowerCase();
  if (a !== '' && a !== '/user' && a !== '/fqdn') {
    io.stderr(`ERROR: Invalid argument/option - '${args.trim().split(/\s+/)[0]}'.\r\nType "WHOAMI /?" for usage.\r\n`);
    return 1;
  }
  io.stdout(`${ctx.userDomain.toLowerCase()}\\${ctx.userName.toLowerCase()}\r\n`);
  return 0;
};
