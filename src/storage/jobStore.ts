/**
 * Job records in state.sqlite: what MSFT_IPAM_ConcreteJob instances report,
 * kept across restarts.
 */
import type Database from 'better-sqlite3';
import { prepared } from './statements';
import { SystemClock, type Clock } from '../harness/clock';

/** CIM_ConcreteJob.JobState values used here (DMTF CIM_ConcreteJob). */
export enum JobState {
  New = 2,
  Starting = 3,
  Running = 4,
  Completed = 7,
  Terminated = 8,
  Killed = 9,
  Exception = 10,
}

export const FINAL_STATES: ReadonlySet<JobState> = new Set([JobState.Completed, JobState.Terminated, JobState.Killed, JobState.Exception]);

export interface JobRecord {
  readonly instanceId: string;
  /** The host the job works on. */
  readonly fqdn: string;
  /** The host the call came to (differs for a fleet fan-out). */
  readonly submittedOn: string;
  readonly operation: string;
  readonly name: string;
  readonly owner: string;
  readonly client: string | null;
  readonly state: JobState;
  readonly percent: number;
  readonly status: string;
  readonly timeSubmitted: Date;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
  readonly stateChanged: Date;
  readonly errorCode: number | null;
  readonly errorDescription: string | null;
  readonly errorMessageId: string | null;
}

type Row = Record<string, string | number | null>;

const date = (v: string | number | null): Date | null => (v === null ? null : new Date(v as string));

function toRecord(r: Row): JobRecord {
  return {
    instanceId: r.instance_id as string,
    fqdn: r.fqdn as string,
    submittedOn: r.submitted_on as string,
    operation: r.operation as string,
    name: r.name as string,
    owner: r.owner as string,
    client: r.client as string | null,
    state: r.state as JobState,
    percent: r.percent as number,
    status: r.status as string,
    timeSubmitted: new Date(r.time_submitted as string),
    startTime: date(r.start_time),
    endTime: date(r.end_time),
    stateChanged: new Date(r.state_changed as string),
    errorCode: r.error_code as number | null,
    errorDescription: r.error_description as string | null,
    errorMessageId: r.error_message_id as string | null,
  };
}

const INSERT_JOB = `INSERT INTO jobs (instance_id, fqdn, submitted_on, operation, name, owner, client, state, percent, status, time_submitted, state_changed)
       VALUES (@instanceId, @fqdn, @submittedOn, @operation, @name, @owner, @client, @state, 0, @status, @now, @now)`;

const UPDATE_JOB = `UPDATE jobs SET state = @state, percent = @percent, status = @status, state_changed = @now,
         start_time = COALESCE(start_time, @startTime), end_time = COALESCE(@endTime, end_time),
         error_code = COALESCE(@errorCode, error_code), error_description = COALESCE(@errorDescription, error_description),
         error_message_id = COALESCE(@errorMessageId, error_message_id)
       WHERE instance_id = @instanceId`;

export class JobStore {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  insert(j: { instanceId: string; fqdn: string; submittedOn: string; operation: string; name: string; owner: string; client: string | null; status: string }): JobRecord {
    prepared(this.db, INSERT_JOB).run({ ...j, state: JobState.New, now: this.clock.date().toISOString() });
    return this.get(j.instanceId) as JobRecord;
  }

  update(
    instanceId: string,
    u: { state: JobState; percent: number; status: string; started?: boolean; ended?: boolean; errorCode?: number; errorDescription?: string; errorMessageId?: string },
  ): string {
    const now = this.clock.date().toISOString();
    prepared(this.db, UPDATE_JOB).run({
      instanceId,
      state: u.state,
      percent: u.percent,
      status: u.status,
      now,
      startTime: u.started ? now : null,
      endTime: u.ended ? now : null,
      errorCode: u.errorCode ?? null,
      errorDescription: u.errorDescription ?? null,
      errorMessageId: u.errorMessageId ?? null,
    });
    return now;
  }

  get(instanceId: string): JobRecord | undefined {
    const r = prepared(this.db, 'SELECT * FROM jobs WHERE instance_id = ?').get(instanceId) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Several jobs in one query (a Pull's page), in the order of `instanceIds`; undefined where one is gone. */
  getMany(instanceIds: readonly string[]): Array<JobRecord | undefined> {
    if (instanceIds.length === 0) return [];
    const rows = prepared(this.db, 'SELECT * FROM jobs WHERE instance_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(instanceIds)) as Row[];
    const byId = new Map(rows.map((r) => [r.instance_id as string, r]));
    return instanceIds.map((id) => {
      const r = byId.get(id);
      return r ? toRecord(r) : undefined;
    });
  }

  /** How many of a host's own jobs there are, and how many are still queued or running, without reading them. */
  countsForHost(fqdn: string): { total: number; active: number } {
    const row = prepared(this.db, 'SELECT COUNT(*) AS total, COALESCE(SUM(state IN (?, ?)), 0) AS active FROM jobs WHERE fqdn = ?').get(JobState.New, JobState.Running, fqdn) as {
      total: number;
      active: number;
    };
    return { total: row.total, active: row.active };
  }

  /** The InstanceIDs of forHost(fqdn), in the same order, without reading the rows. */
  idsForHost(fqdn: string): string[] {
    return prepared(this.db, 'SELECT instance_id FROM jobs WHERE fqdn = ? OR submitted_on = ? ORDER BY time_submitted, instance_id')
      .pluck()
      .all(fqdn, fqdn) as string[];
  }

  /** Jobs a host shows: those working on it and those submitted to it (fan-out). */
  forHost(fqdn: string): JobRecord[] {
    return (prepared(this.db, 'SELECT * FROM jobs WHERE fqdn = ? OR submitted_on = ? ORDER BY time_submitted, instance_id').all(fqdn, fqdn) as Row[]).map(toRecord);
  }

  all(filter: { fqdn?: string; state?: JobState } = {}): JobRecord[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.fqdn !== undefined) {
      where.push('fqdn = ?');
      params.push(filter.fqdn);
    }
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time_submitted, instance_id`;
    return (prepared(this.db, sql).all(...params) as Row[]).map(toRecord);
  }

  /**
   * At most `limit` jobs for a live view: running ones first, then queued ones (oldest first, as the
   * dispatcher takes them), then the most recently ended.
   */
  board(limit: number): JobRecord[] {
    const sql = `SELECT * FROM jobs ORDER BY CASE state WHEN ${JobState.Running} THEN 0 WHEN ${JobState.New} THEN 1 WHEN ${JobState.Starting} THEN 1 ELSE 2 END,
       CASE WHEN state IN (${JobState.New}, ${JobState.Starting}) THEN time_submitted END, state_changed DESC, instance_id LIMIT ?`;
    return (prepared(this.db, sql).all(limit) as Row[]).map(toRecord);
  }

  /** How many jobs are in each state. */
  stateCounts(): Map<JobState, number> {
    const rows = prepared(this.db, 'SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as Array<{ state: number; n: number }>;
    return new Map(rows.map((r) => [r.state as JobState, r.n]));
  }

  /** Each host's most recent job (the one it works on, not those submitted to it): its state, by FQDN in lower case. */
  latestPerHost(): Map<string, { instanceId: string; state: JobState; operation: string; errorDescription: string | null }> {
    const rows = prepared(
      this.db,
      `SELECT fqdn, instance_id, state, operation, error_description FROM (
         SELECT fqdn, instance_id, state, operation, error_description,
                ROW_NUMBER() OVER (PARTITION BY fqdn ORDER BY time_submitted DESC, instance_id DESC) AS n FROM jobs
       ) WHERE n = 1`,
    ).all() as Array<{ fqdn: string; instance_id: string; state: number; operation: string; error_description: string | null }>;
    return new Map(
      rows.map((r) => [r.fqdn.toLowerCase(), { instanceId: r.instance_id, state: r.state as JobState, operation: r.operation, errorDescription: r.error_description }]),
    );
  }

  /** Jobs left New or Running by a stop. */
  unfinished(): JobRecord[] {
    return (prepared(this.db, 'SELECT * FROM jobs WHERE state IN (?, ?, ?)').all(JobState.New, JobState.Starting, JobState.Running) as Row[]).map(toRecord);
  }

  deleteForHost(fqdn: string): void {
    prepared(this.db, 'DELETE FROM jobs WHERE fqdn = ?').run(fqdn);
  }
}
