/**
 * The admin API, `/_emulator/` on the same listener: JSON for harnesses.
 * Credentials: Basic, an account of the default host in the fleet's admin group
 * (Administrators unless the fixture says otherwise). docs/admin-api.md lists it.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { AdminRequestError, BusyError, type EmulatorControl } from '../admin/control';
import type { SnapshotService } from '../admin/snapshots';
import type { AccountAuthenticator } from '../fleet/authentication';
import type { Fleet } from '../fleet/fleet';
import type { Logger } from '../log';
import { JobState } from '../storage/jobStore';
import { snapshotRouter } from './adminSnapshots';
import { parseBasicToken } from './auth';
import { passwordMatches } from '../security/passwords';
import { journalRoute } from './journalRoutes';

function requireAdmin(fleet: Fleet, accounts: AccountAuthenticator) {
  const challenge = (res: Response, body: Record<string, unknown>): void => {
    res.status(401).setHeader('WWW-Authenticate', 'Basic realm="ipam-emulator admin"');
    res.json(body);
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const m = /^Basic\s+(\S+)$/i.exec((req.headers.authorization ?? '').trim());
    const credentials = m ? parseBasicToken(m[1] as string) : undefined;
    // The fixture's admin credential, when it names one, is the only way in: no host account, no lockout.
    const own = fleet.adminCredential;
    if (own) {
      const ok = credentials !== undefined && credentials.user.toLowerCase() === own.user.toLowerCase() && passwordMatches(credentials.password, own.passwordDigest);
      if (!ok) challenge(res, { error: "authentication required: Basic credentials of the fixture's admin.credential" });
      else next();
      return;
    }
    const result = credentials ? accounts.password(fleet.defaultHost, credentials.user, credentials.password) : undefined;
    const principal = result?.ok ? result.principal : undefined;
    if (!principal) {
      const until = result && !result.ok && result.reason === 'locked' && result.account ? accounts.lockouts.lockedUntil(result.account) : undefined;
      if (until && result && !result.ok) {
        challenge(res, {
          error: `the account ${result.account} is locked out until ${until.toISOString()} after too many failed logons; a fleet reset or DELETE /_emulator/lockouts by another administrator ends it (or name a separate admin credential in the fixture: admin.credential)`,
          lockedOut: { account: result.account, until: until.toISOString() },
        });
      } else challenge(res, { error: 'authentication required: Basic credentials of an administrator of the default host' });
      return;
    }
    if (!principal.groups.some((g) => g.toLowerCase() === fleet.adminGroup.toLowerCase())) {
      res.status(403).json({ error: `${principal.name} is not a member of ${fleet.adminGroup}` });
      return;
    }
    next();
  };
}

/** A job state by name (Running) or number (4); the enum's reverse mapping and Object's own keys are not names. */
function jobStateOf(q: unknown): JobState | undefined {
  if (typeof q !== 'string' || q === '') return undefined;
  const byName: unknown = Object.hasOwn(JobState, q) ? (JobState as unknown as Record<string, unknown>)[q] : undefined;
  if (typeof byName === 'number') return byName as JobState;
  const n = Number(q);
  return Number.isInteger(n) && typeof JobState[n] === 'string' ? (n as JobState) : undefined;
}

export function adminRouter(fleet: Fleet, accounts: AccountAuthenticator, control: EmulatorControl, log: Logger, snapshots?: SnapshotService, dashboard?: express.Router): express.Router {
  const r = express.Router();
  r.use(requireAdmin(fleet, accounts));
  // The dashboard's pages and event stream (http/dashboard.ts): behind the same credentials, before the JSON body parser.
  if (dashboard) r.use('/ui', dashboard);
  r.use(express.json({ limit: '16kb' }));

  r.get('/', (_req, res) => {
    res.json({
      fleet: fleet.name,
      hosts: fleet.hosts.length,
      defaultHost: fleet.defaultHost.fqdn,
      endpoints: ['GET health (no credentials)', 'GET hosts', 'GET hosts/:fqdn', 'POST hosts/:fqdn/reset', 'POST reset', 'GET jobs?host=&state=', 'GET jobs/:id', 'GET concurrency', 'POST concurrency/reset', 'GET shells?host=', 'DELETE shells/:id', 'GET clock', 'POST clock', 'GET lockouts', 'DELETE lockouts', 'GET faults', 'POST faults', 'GET faults/:id', 'DELETE faults/:id', 'DELETE faults', 'GET requests?host=&operation=&status=&fault=&since=&limit=', 'GET near-misses?host=&operation=&fault=&kind=&since=&limit=', 'GET snapshots', 'POST snapshots', 'GET snapshots/:name', 'DELETE snapshots/:name', 'POST snapshots/:name/restore', 'GET snapshots/:name/archive', 'GET ui/', 'GET ui/events'],
    });
  });
  r.get('/hosts', (_req, res) => {
    res.json(control.hosts());
  });
  r.get('/hosts/:fqdn', (req, res) => {
    const h = control.host(String(req.params.fqdn));
    if (!h) res.status(404).json({ error: `no host ${req.params.fqdn}` });
    else res.json(h);
  });
  const reset = (work: () => Promise<unknown>) => async (_req: Request, res: Response, next: NextFunction) => {
    try {
      res.json(await work());
    } catch (e) {
      if (e instanceof BusyError) res.status(409).json({ error: e.message, hosts: e.hosts });
      else next(e);
    }
  };
  r.post('/hosts/:fqdn/reset', (req, res, next) => {
    if (!fleet.host(String(req.params.fqdn))) {
      res.status(404).json({ error: `no host ${req.params.fqdn}` });
      return;
    }
    void reset(() => control.resetHost(String(req.params.fqdn)))(req, res, next);
  });
  r.post('/reset', (req, res, next) => void reset(() => control.resetFleet())(req, res, next));
  r.get('/jobs', (req, res) => {
    const state = jobStateOf(req.query.state);
    if (req.query.state !== undefined && state === undefined) {
      res.status(400).json({ error: `unknown job state ${String(req.query.state)}; use a name (Running, Completed…) or a JobState number` });
      return;
    }
    res.json(control.jobs({ host: typeof req.query.host === 'string' ? req.query.host : undefined, state }).map(jobJson));
  });
  r.get('/jobs/:id', (req, res) => {
    const j = control.job(String(req.params.id));
    if (!j) res.status(404).json({ error: `no job ${req.params.id}` });
    else res.json(jobJson(j));
  });
  r.get('/shells', (req, res) => {
    res.json(control.shells(typeof req.query.host === 'string' ? req.query.host : undefined));
  });
  r.delete('/shells/:id', async (req, res, next) => {
    try {
      if (await control.deleteShell(String(req.params.id))) res.status(204).end();
      else res.status(404).json({ error: `no shell ${req.params.id}` });
    } catch (e) {
      next(e);
    }
  });
  r.get('/faults', (_req, res) => {
    res.json(control.faultRules());
  });
  r.get('/faults/:id', (req, res) => {
    const rule = control.faultRule(String(req.params.id));
    if (!rule) res.status(404).json({ error: `no fault rule ${req.params.id}` });
    else res.json(rule);
  });
  r.post('/faults', (req, res, next) => {
    try {
      const rule = control.addFaultRule(req.body);
      res.status(201).json({ id: rule.id, rule });
    } catch (e) {
      if (e instanceof AdminRequestError) res.status(e.status).json({ error: e.message });
      else next(e);
    }
  });
  r.delete('/faults/:id', (req, res) => {
    if (control.removeFaultRule(String(req.params.id))) res.status(204).end();
    else res.status(404).json({ error: `no fault rule ${req.params.id}` });
  });
  r.delete('/faults', (_req, res) => {
    res.json(control.clearFaultRules());
  });
  r.get('/lockouts', (_req, res) => {
    res.json(control.lockouts());
  });
  r.delete('/lockouts', (_req, res) => {
    res.json(control.clearLockouts());
  });
  r.get('/clock', (_req, res) => {
    res.json(control.clock());
  });
  r.post('/clock', async (req, res, next) => {
    try {
      res.json(await control.moveClock(req.body));
    } catch (e) {
      if (e instanceof AdminRequestError) res.status(e.status).json({ error: e.message });
      else next(e);
    }
  });
  r.get('/requests', journalRoute(fleet, () => control.journal, 'requests'));
  r.get('/near-misses', journalRoute(fleet, () => control.journal, 'near-misses'));
  r.get('/concurrency', (_req, res) => {
    res.json(control.concurrency());
  });
  r.post('/concurrency/reset', (_req, res) => {
    res.json(control.resetConcurrency());
  });
  if (snapshots) r.use('/snapshots', snapshotRouter(snapshots));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // express.json's own refusals: a body that is not JSON, or too large.
    const status = (err as { status?: unknown; type?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (err as { type?: unknown }).type;
      res.status(status).json({ error: type === 'entity.parse.failed' ? 'the body is not valid JSON' : type === 'entity.too.large' ? 'the body is too large' : 'the request was refused' });
      return;
    }
    log.error({ err }, 'admin API error');
    res.status(500).json({ error: 'internal error; see the emulator log' });
  });
  return r;
}

function jobJson(j: ReturnType<EmulatorControl['jobs']>[number]) {
  return { ...j, stateName: JobState[j.state] };
}
