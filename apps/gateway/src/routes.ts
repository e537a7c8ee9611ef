/** REST routes of docs/api.md over the store, the orchestrator control and the live hub. */
import { randomBytes } from 'node:crypto';
import type { ControlAction, ExportFormat, LiveSweep, SweepControl, SweepDetail, SweepEventRow, SweepRow, SweepStatus } from '@slab/api';
import { FRAME_LIMITS, type LiveUpdate } from '@slab/proto';
import { exportSweep, type Store } from '@slab/store';
import { type Auth, SESSION_COOKIE } from './auth';
import { HttpError, readJson, Router, sendJson, sendText, streamJsonArray } from './http';
import type { LiveHub } from './hub';
import { DeadlineExceeded, type GatewayLimits, withDeadline } from './limits';
import { parseFitPost, parseReport } from './report';
import type { ParseSpec } from './spec';
import { sweepStudy } from './study';

export interface RouteDeps {
  store: Store;
  hub: LiveHub;
  auth: Auth;
  control?: SweepControl;
  parseSpec: ParseSpec;
  log: (message: string) => void;
  limits: Pick<GatewayLimits, 'metricsPageRows' | 'statusTimeoutMs' | 'controlTimeoutMs'>;
  /** Called with the trials a report says finished (their checkpoints are no longer needed). */
  onTrialsFinished?: (sweepId: string, trialIds: string[]) => void;
}

/** After a status query times out, status reads skip the orchestrator this long (ms). */
const ORCHESTRATOR_BACKOFF_MS = 10_000;
/** How long after submission a sweep without a reported status counts as starting, not as unanswered. */
const STARTING_MS = 60_000;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Sweep names are printed by `slab ls` and shown in the console: bounded and free of terminal escapes. */
function checkSweepName(name: string): void {
  if (name.length > FRAME_LIMITS.idLength) throw new HttpError(400, `name: expected at most ${FRAME_LIMITS.idLength} characters, got ${name.length}`);
  if (CONTROL.test(name)) throw new HttpError(400, `name: expected no control characters, got ${JSON.stringify(name.slice(0, 60))}`);
}

/** `?name=`: a metric name within the wire format's bounds, or undefined for every metric. */
function metricName(query: URLSearchParams): string | undefined {
  const name = query.get('name');
  if (name === null || name === '') return undefined;
  if (name.length > FRAME_LIMITS.nameLength) throw new HttpError(400, `name: expected at most ${FRAME_LIMITS.nameLength} characters, got ${name.length}`);
  return name;
}

/** Readable, unique, and valid as a Temporal workflow id: `<slug>-<time><random>`. */
function newSweepId(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32) || 'sweep';
  return `${slug}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Status when the workflow has not reported yet (or no orchestrator is attached). */
function statusFromRow(row: SweepRow): SweepStatus {
  const c = row.counts;
  return {
    sweepId: row.id,
    name: row.name,
    phase: row.status,
    batch: 0,
    trials: { planned: c.planned, running: c.running, completed: c.completed, diverged: c.diverged, failed: c.failed + c.stopped },
    flopsSpent: row.flopsSpent,
    budget: {},
    ...(row.stopReason ? { stopReason: row.stopReason } : {}),
  };
}

/** LiveUpdate{sweepJson} with the sweep row and its stored status (a LiveSweep). */
export async function sweepUpdate(store: Store, id: string, row?: SweepRow): Promise<LiveUpdate | undefined> {
  const sweep = row ?? (await store.getSweep(id));
  if (!sweep) return undefined;
  const live: LiveSweep = { sweep, status: (await store.sweepStatus(id)) ?? statusFromRow(sweep) };
  return { sweepId: id, kind: 'sweepJson', sweepJson: JSON.stringify(live) };
}

/** Snapshot sent to a new subscriber: one sweepJson per sweep it asked for. */
export async function sweepSnapshot(store: Store, sweepId: string): Promise<LiveUpdate[]> {
  // Every sweep: the listed rows are used as they are, not read again one by one.
  const updates = sweepId === '' ? await Promise.all((await store.listSweeps()).map((row) => sweepUpdate(store, row.id, row))) : [await sweepUpdate(store, sweepId)];
  return updates.filter((u): u is LiveUpdate => u !== undefined);
}

export function buildRouter(deps: RouteDeps): Router {
  const { store, hub, auth, control, log } = deps;

  const sweepOr404 = async (id: string): Promise<SweepRow> => {
    const row = await store.getSweep(id);
    if (!row) throw new HttpError(404, `sweep ${JSON.stringify(id)} not found`);
    return row;
  };

  // With Temporal down a status query can hang for tens of seconds: answer from the store after a
  // short deadline, and for a while do not ask again.
  let orchestratorQuietUntil = 0;
  const currentStatus = async (row: SweepRow): Promise<SweepStatus> => {
    if (control && Date.now() >= orchestratorQuietUntil) {
      try {
        const live = await withDeadline(control.status(row.id), deps.limits.statusTimeoutMs, `status of ${row.id}`);
        if (live) return live;
      } catch (err) {
        if (err instanceof DeadlineExceeded) orchestratorQuietUntil = Date.now() + ORCHESTRATOR_BACKOFF_MS;
        const stored = await store.sweepStatus(row.id);
        // A sweep submitted moments ago whose workflow has not reported yet is starting (its first task
        // waits for the orchestrator worker): the stored status is the answer, not a failure to log.
        const starting = !stored && Date.now() - Date.parse(row.createdAt) < STARTING_MS;
        if (!starting) log(`status query for ${row.id} failed, using the stored status: ${String(err)}`);
        return stored ?? statusFromRow(row);
      }
    }
    return (await store.sweepStatus(row.id)) ?? statusFromRow(row);
  };

  const publishSweep = async (id: string): Promise<void> => {
    const update = await sweepUpdate(store, id);
    if (update) hub.publish(update);
  };

  const router = new Router();

  router.on('GET', '/healthz', ({ res }) => sendJson(res, 200, { ok: true }));

  // The console trades the token for an HttpOnly, SameSite=Strict cookie once, so the token does
  // not stay in the page's URL, history or storage.
  router.on('POST', '/api/session', ({ req, res }) => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new HttpError(401, 'authorization: expected "Bearer <token>"');
    const scopes = auth.scopesOfToken(token);
    if (!scopes) throw new HttpError(403, 'authorization: token is not valid');
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${auth.sessionFor(token)}; HttpOnly; SameSite=Strict; Path=/`);
    sendJson(res, 200, { scopes: [...scopes].sort() });
  });

  router.on('DELETE', '/api/session', ({ res }) => {
    res.setHeader('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    res.writeHead(204).end();
  });

  router.on('POST', '/api/sweeps', async ({ req, res }) => {
    auth.require(req, 'control');
    const body = await readJson(req);
    const yaml = (body as { spec?: unknown })?.spec;
    if (typeof yaml !== 'string' || yaml.trim() === '') throw new HttpError(400, 'spec: expected the YAML text of a sweep spec');
    let parsed: ReturnType<ParseSpec>;
    try {
      parsed = deps.parseSpec(yaml);
    } catch (err) {
      // A parser bug or a pathological document is still the client's input, not a 500.
      throw new HttpError(400, `spec: could not be parsed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!parsed.ok) {
      const lines = parsed.issues.map((i) => `${i.path}: ${i.message}`);
      throw new HttpError(400, `invalid spec (${lines.length} issue${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, parsed.issues);
    }
    checkSweepName(parsed.spec.name);
    const id = newSweepId(parsed.spec.name);
    await store.createSweep({ id, name: parsed.spec.name, specYaml: yaml });
    if (control) {
      try {
        await control.start(id, parsed.spec);
      } catch (err) {
        const message = `could not start the sweep workflow: ${err instanceof Error ? err.message : String(err)}`;
        await store.setSweepPhase(id, 'failed', message);
        await publishSweep(id);
        throw new HttpError(502, message);
      }
    }
    await publishSweep(id);
    sendJson(res, 201, { id, name: parsed.spec.name });
  });

  router.on('GET', '/api/sweeps', async ({ req, res }) => {
    auth.require(req, 'read');
    sendJson(res, 200, await store.listSweeps());
  });

  router.on('GET', '/api/sweeps/:id', async ({ req, res, params }) => {
    auth.require(req, 'read');
    const sweep = await sweepOr404(params.id);
    const detail: SweepDetail = { sweep, status: await currentStatus(sweep) };
    const fit = await store.latestFit(sweep.id);
    if (fit) detail.fit = fit;
    sendJson(res, 200, detail);
  });

  for (const action of ['pause', 'resume', 'cancel', 'stop'] as ControlAction[]) {
    router.on('POST', `/api/sweeps/:id/${action}`, async ({ req, res, params }) => {
      auth.require(req, 'control');
      await sweepOr404(params.id);
      if (!control) throw new HttpError(503, `${action}: no orchestrator is attached to this gateway`);
      try {
        await withDeadline(control.signal(params.id, action), deps.limits.controlTimeoutMs, action);
      } catch (err) {
        if (err instanceof DeadlineExceeded) throw new HttpError(504, `${err.message} (the signal may still arrive)`);
        throw new HttpError(502, `${action} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      sendJson(res, 202, { ok: true });
    });
  }

  router.on('POST', '/api/sweeps/:id/report', async ({ req, res, params }) => {
    auth.require(req, 'ingest');
    await sweepOr404(params.id);
    const report = parseReport(await readJson(req), params.id);
    if (report.newTrials?.length) await store.planTrials(params.id, report.newTrials);
    if (report.finished?.length) {
      await store.finishTrials(params.id, report.finished);
      deps.onTrialsFinished?.(params.id, report.finished.map((r) => r.trialId));
    }
    // A fit with a reportId was stored by POST /fits already; only failed fits come here whole.
    if (report.fit && report.fit.summary.reportId === undefined) {
      const fit = await store.addFit(params.id, report.fit.summary, report.fit.report ?? { skipped: report.fit.summary.skipped });
      hub.publish({ sweepId: params.id, kind: 'fitJson', fitJson: JSON.stringify(fit) });
    }
    await store.setSweepStatus(params.id, report.status);
    await publishSweep(params.id);
    res.writeHead(204).end();
  });

  router.on('GET', '/api/sweeps/:id/trials', async ({ req, res, params }) => {
    auth.require(req, 'read');
    await sweepOr404(params.id);
    sendJson(res, 200, await store.listTrials(params.id));
  });

  // Events say when each attempt ran, on which worker and backend, and how it ended (steps, FLOPs,
  // wall time): the console's durations, per-trial history and samples/FLOPs axes come from them.
  router.on('GET', '/api/sweeps/:id/events', async ({ req, res, params, query }) => {
    auth.require(req, 'read');
    await sweepOr404(params.id);
    const only = query.get('trial');
    if (only && (await store.getTrial(only))?.sweepId !== params.id) throw new HttpError(404, `trial: ${JSON.stringify(only.slice(0, 80))} is not a trial of sweep ${JSON.stringify(params.id)}`);
    const ids = only ? [only] : await store.sweepTrialIds(params.id);
    const rows: SweepEventRow[] = [];
    for (const trialId of ids) for (const e of await store.trialEvents(trialId)) rows.push({ trialId, ...e });
    sendJson(res, 200, rows);
  });

  // The fitLaws activity stores full reports (every bootstrap sample) here, so that only their
  // summary and id travel through workflow history.
  router.on('POST', '/api/sweeps/:id/fits', async ({ req, res, params }) => {
    auth.require(req, 'ingest');
    await sweepOr404(params.id);
    const { summary, report } = parseFitPost(await readJson(req));
    const fit = await store.addFit(params.id, summary, report);
    hub.publish({ sweepId: params.id, kind: 'fitJson', fitJson: JSON.stringify(fit) });
    sendJson(res, 201, { id: fit.id });
  });

  router.on('GET', '/api/sweeps/:id/fits', async ({ req, res, params }) => {
    auth.require(req, 'read');
    await sweepOr404(params.id);
    sendJson(res, 200, await store.listFits(params.id));
  });

  router.on('GET', '/api/sweeps/:id/study', async ({ req, res, params }) => {
    auth.require(req, 'read');
    const sweep = await sweepOr404(params.id);
    const answer = await sweepStudy(store, sweep, deps.parseSpec);
    if (!answer) throw new HttpError(404, `sweep ${JSON.stringify(params.id)}: its spec has no study section`);
    sendJson(res, 200, answer);
  });

  // Metrics answers can hold millions of points: they are streamed a page at a time, trial by
  // trial in (name, step) order, never built whole in memory.
  router.on('GET', '/api/sweeps/:id/metrics', async ({ req, res, params, query }) => {
    auth.require(req, 'read');
    await sweepOr404(params.id);
    const name = metricName(query);
    const trials = await store.sweepTrialIds(params.id);
    let t = 0;
    let after: { name: string; step: number } | undefined;
    await streamJsonArray(res, async () => {
      while (t < trials.length) {
        const trialId = trials[t];
        const rows = await store.trialMetricsPage(trialId, { name, after, limit: deps.limits.metricsPageRows });
        if (rows.length > 0) {
          const last = rows[rows.length - 1];
          after = { name: last.name, step: last.step };
          return rows.map((r) => ({ trialId, step: r.step, name: r.name, value: r.value, wallTime: r.wallTime }));
        }
        t += 1;
        after = undefined;
      }
      return [];
    });
  });

  router.on('GET', '/api/trials/:trialId/metrics', async ({ req, res, params, query }) => {
    auth.require(req, 'read');
    const afterRaw = query.get('afterStep');
    let afterStep: number | undefined;
    if (afterRaw !== null && afterRaw !== '') {
      afterStep = Number(afterRaw);
      if (!Number.isSafeInteger(afterStep)) throw new HttpError(400, `afterStep: expected an integer, got ${JSON.stringify(afterRaw.slice(0, 40))}`);
    }
    const name = metricName(query);
    let after: { name: string; step: number } | undefined;
    await streamJsonArray(res, async () => {
      const rows = await store.trialMetricsPage(params.trialId, { name, afterStep, after, limit: deps.limits.metricsPageRows });
      const last = rows[rows.length - 1];
      if (last) after = { name: last.name, step: last.step };
      return rows;
    });
  });

  router.on('GET', '/api/sweeps/:id/export', async ({ req, res, params, query }) => {
    auth.require(req, 'read');
    const sweep = await sweepOr404(params.id);
    const format = (query.get('format') ?? 'json') as ExportFormat;
    if (format !== 'csv' && format !== 'json') throw new HttpError(400, `format: expected "csv" or "json", got ${JSON.stringify(format)}`);
    const body = await exportSweep(store, sweep.id, format);
    sendText(res, 200, format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8', body);
  });

  return router;
}
