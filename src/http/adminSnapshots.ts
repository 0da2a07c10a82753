/**
 * `/_emulator/snapshots`: the admin API's snapshot endpoints (docs/snapshots.md), mounted by the
 * admin router behind its credentials check and JSON body parser.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BusyError } from '../admin/control';
import { SnapshotError, type SnapshotService } from '../admin/snapshots';

/** Sends a refusal with its status, or passes anything else on to the admin API's error handler. */
function refusal(res: Response, next: NextFunction, e: unknown): void {
  if (res.headersSent) res.destroy(e instanceof Error ? e : undefined);
  else if (e instanceof SnapshotError) res.status(e.status).json({ error: e.message });
  else if (e instanceof BusyError) res.status(409).json({ error: e.message, hosts: e.hosts });
  else next(e);
}

export function snapshotRouter(snapshots: SnapshotService): express.Router {
  const r = express.Router();
  const handle =
    (work: (req: Request, res: Response) => Promise<void> | void) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        await work(req, res);
      } catch (e) {
        refusal(res, next, e);
      }
    };

  r.get(
    '/',
    handle((_req, res) => {
      res.json(snapshots.list());
    }),
  );
  r.post(
    '/',
    handle(async (req, res) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new SnapshotError(400, 'send a JSON object {"name": "…"} with Content-Type: application/json');
      }
      const info = await snapshots.take((body as { name?: unknown }).name);
      res.status(201).location(`/_emulator/snapshots/${info.name}`).json(info);
    }),
  );
  r.get(
    '/:name',
    handle((req, res) => {
      res.json(snapshots.get(req.params.name));
    }),
  );
  r.delete(
    '/:name',
    handle((req, res) => {
      snapshots.remove(req.params.name);
      res.status(204).end();
    }),
  );
  r.post(
    '/:name/restore',
    handle(async (req, res) => {
      res.json(await snapshots.restore(req.params.name));
    }),
  );
  r.get(
    '/:name/archive',
    handle(async (req, res) => {
      const { file, info } = snapshots.archive(req.params.name);
      // Opened before the headers go, so a snapshot deleted meanwhile still sends whole or is a 404.
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, 'r');
      } catch {
        throw new SnapshotError(404, `no snapshot ${info.name}`);
      }
      try {
        const { size } = await handle.stat();
        res.status(200);
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(size));
        res.setHeader('Content-Disposition', `attachment; filename="${info.name}.sqlar"`);
        await pipeline(handle.createReadStream({ autoClose: false }), res);
      } finally {
        await handle.close();
      }
    }),
  );
  return r;
}
