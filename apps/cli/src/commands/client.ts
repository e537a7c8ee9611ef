/** Commands that talk to a running gateway: submit, ls, status, watch, pause/resume/cancel, export. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { GatewayClient, GatewayError, heldOutTrials, type SweepCounts } from '@slab/api';
import { clientTarget, tokenSource } from '../config';
import { httpTransport } from '../http-transport';
import { configLabel, ENDED_PHASES, fitLine, red, sci, table, trialCounts, trialStatus } from '../format';
import { registerControlCommands } from './control';
import type { SweepStatus } from '@slab/orchestration';
// The spec check (plugin schemas, replay tables), the study section and the progress bar are loaded
// by the commands that use them, so `slab --help` and `slab ls` start without them.
async function watchSweep(client: GatewayClient, id: string): Promise<SweepStatus> {
  return (await import('../watch')).watchSweep(client, id);
}

export function gatewayClient(opts: { gateway?: string }): GatewayClient {
  const { gatewayUrl, token } = clientTarget(opts);
  return new GatewayClient(gatewayUrl, token, httpTransport);
}

/** Parse locally first so mistakes are shown without a round trip and nothing is stored. */
export async function readSpecOrExit(path: string): Promise<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read spec ${path}: ${(e as Error).message}`);
  }
  const [{ checkSpec }, { formatIssues }] = await Promise.all([import('../spec-check'), import('@slab/spec')]);
  const parsed = checkSpec(text);
  if (!parsed.ok) throw new CliError(`${path}: ${parsed.issues.length} problem(s)\n${formatIssues(parsed.issues)}`);
  return text;
}

export class CliError extends Error {}

export async function submitAndMaybeWatch(client: GatewayClient, specText: string, watch: boolean): Promise<string> {
  const { id, name } = await client.createSweep(specText);
  console.log(`submitted sweep ${id} (${name})`);
  if (watch) {
    const status = await watchSweep(client, id);
    // The same ending as `slab run`: the law, then the answer with every doubt the fit carries.
    printFinal(status);
    printAnswer(status);
    if (!succeeded(status)) process.exitCode = 1;
  }
  return id;
}

/** A sweep succeeded when it completed and its last fit produced a law. */
export function succeeded(status: SweepStatus): boolean {
  return status.phase === 'completed' && !status.fitFailed;
}

/** `completed`, or `completed, fit failed` / `failed` in red. */
export function phaseLabel(s: { phase?: string; status?: string; fitFailed?: string }): string {
  const phase = s.phase ?? s.status ?? '?';
  if (phase === 'failed') return red(phase);
  return s.fitFailed ? red(`${phase}, fit failed`) : phase;
}

export function printFinal(status: SweepStatus): void {
  const line = `sweep ${phaseLabel(status)}${status.stopReason ? ` (${status.stopReason})` : ''}`;
  console.log(status.phase === 'failed' ? red(line) : line);
  if (status.fitFailed) console.log(red(`no law: ${status.fitFailed}`));
  const fit = status.lastFit;
  if (fit?.groups?.length) {
    const interval = (t?: { value: number; lo: number; hi: number }) => (t ? `  → ${sci(t.value, 4)} [${sci(t.lo, 4)}, ${sci(t.hi, 4)}]` : '');
    for (const g of fit.groups) console.log(`  ${g.key}: ${g.summary.formula || g.summary.skipped}${interval(g.summary.target)}`);
    // Laws of different metrics (law.metrics) predict different quantities: none of them is "best".
    const perMetric = fit.groups.every((g) => g.key.startsWith('metric='));
    if (fit.group && !perMetric) console.log(`best${fit.target ? ` at the target (${fit.target.label})` : ''}: ${fit.group}`);
  }
  if (fit?.formula) console.log(`fitted law${fit.group ? ` (${fit.group})` : ''}: ${fit.formula}`);
  else if (fit?.skipped) console.log(`no fit: ${fit.skipped}`);
}

/** The sweep's answer at its target, with every doubt the fit carries (identifiability, held-out error). */
export function printAnswer(status: SweepStatus): void {
  const fit = status.lastFit;
  if (!fit) return;
  if (fit.target) console.log(`prediction ${fit.target.label}: ${sci(fit.target.value, 4)} (95% interval ${sci(fit.target.lo, 4)} – ${sci(fit.target.hi, 4)})`);
  if (fit.target?.warning) console.log(red(`WARNING: ${fit.target.warning}`));
  if (fit.identifiability && fit.identifiability.verdict !== 'identified') console.log(red(`identifiability: ${fit.identifiability.verdict}: ${fit.identifiability.undetermined.join(', ')} not determined by the data`));
  if (fit.holdoutError !== undefined) console.log(`held-out error: ${(fit.holdoutError * 100).toFixed(2)}%`);
}

export function registerClientCommands(program: Command): void {
  const withGateway = (c: Command) => c.option('--gateway <url>', 'gateway URL (default: from `slab up`, SLAB_GATEWAY, or http://127.0.0.1:7300)');

  withGateway(program.command('submit').argument('<spec>', 'sweep spec YAML').option('-w, --watch', 'show live progress until the sweep ends').description('validate a sweep spec and start it'))
    .action(async (spec: string, opts: { watch?: boolean; gateway?: string }) => {
      await submitAndMaybeWatch(gatewayClient(opts), await readSpecOrExit(spec), Boolean(opts.watch));
    });

  withGateway(program.command('validate').argument('<spec>', 'sweep spec YAML').description('check a spec without submitting it'))
    .action(async (spec: string) => {
      await readSpecOrExit(spec);
      console.log(`${spec}: ok`);
    });

  withGateway(program.command('ls').option('--json', 'machine-readable output').description('list sweeps'))
    .action(async (opts: { gateway?: string; json?: boolean }) => {
      const client = gatewayClient(opts);
      const sweeps = await client.listSweeps();
      if (opts.json) return console.log(JSON.stringify(sweeps, null, 2));
      if (!sweeps.length) return console.log('no sweeps yet: `slab submit spec.yaml`');
      // An unfinished sweep's row holds what the store last heard; its status (what `slab status`
      // prints) is the orchestrator's own count, so both commands show the same numbers mid-run.
      const live = await Promise.all(sweeps.map((s) => (ENDED_PHASES.has(s.status) ? undefined : client.getSweep(s.id).then((d) => d.status, () => undefined))));
      const rows = sweeps.map((s, i) => {
        const status = live[i];
        const counts = status ? trialCounts(status.trials, { phase: status.phase, budget: status.budget.trials }) : trialCounts(trialsOfRow(s.counts), { phase: s.status });
        return [s.id, s.name, phaseLabel(status ?? s), counts, sci(status?.flopsSpent ?? s.flopsSpent), s.createdAt];
      });
      console.log(table(['id', 'name', 'status', 'trials', 'FLOPs', 'created'], rows));
    });

  withGateway(program.command('status').argument('<id>', 'sweep id').option('--json', 'machine-readable output').description('show a sweep: phase, trials, latest fit'))
    .action(async (id: string, opts: { gateway?: string; json?: boolean }) => {
      const client = gatewayClient(opts);
      const [detail, trials] = await Promise.all([client.getSweep(id), client.trials(id)]);
      // The study's answer (stored, or computed here when none is): `study` is absent when the spec names none.
      if (opts.json) return console.log(JSON.stringify({ ...detail, trials, study: await (await import('./study')).studyAnswer(client, id, detail.sweep.specYaml, trials) }, null, 2));
      const { status } = detail;
      console.log(`${id} ${detail.sweep.name}: ${phaseLabel(status)}${status.stopReason ? ` (${status.stopReason})` : ''}, batch ${status.batch}`);
      if (status.fitFailed) console.log(red(`fit failed: ${status.fitFailed}`));
      if (status.waiting) console.log(status.waiting);
      console.log(`trials: ${trialCounts(status.trials, { phase: status.phase, budget: status.budget.trials })}`);
      console.log(`FLOPs spent ${sci(status.flopsSpent)}${status.budget.flops ? ` of ${sci(status.budget.flops)}` : ''}${status.scoringFlops ? ` (data scoring ${sci(status.scoringFlops)})` : ''}`);
      const fit = detail.fit?.summary ?? status.lastFit;
      // Held-out runs scored the law's extrapolation and were not fitted: marked so no one reads them as fitted points.
      const held = heldOutTrials(fit);
      console.log(table(['trial', 'status', 'config', 'N', 'D', 'eval_loss', 'backend'], trials.map((t) => [t.id.slice(id.length + 1), held.has(t.id) ? `${t.status}, held out` : trialStatus(t), configLabel(t.config ?? {}), sci(t.params), sci(t.data), sci(t.final?.eval_loss ?? null, 4), t.backend ?? ''])));
      if (fit) {
        console.log(`\nfit (${fit.nPoints} points${fit.converged ? '' : ', NOT converged'}): ${fitLine(fit)}`);
        if (fit.target) console.log(`target ${fit.target.label}: ${sci(fit.target.value, 4)} [${sci(fit.target.lo, 4)}, ${sci(fit.target.hi, 4)}]${fit.target.warning ? `  WARNING: ${fit.target.warning}` : ''}`);
        if (fit.identifiability && fit.identifiability.verdict !== 'identified') console.log(`identifiability: ${fit.identifiability.verdict}: ${fit.identifiability.undetermined.join(', ')} not determined by the data`);
        if (fit.holdoutError !== undefined) console.log(`held-out error: ${(fit.holdoutError * 100).toFixed(2)}%${held.size ? ` over ${held.size} held-out trial${held.size === 1 ? '' : 's'}` : ''}`);
        for (const d of fit.diagnostics ?? []) console.log(`note: ${d}`);
        if (fit.groups?.length) {
          // Laws of different metrics predict different quantities: none of them is "best".
          const perMetric = fit.groups.every((g) => g.key.startsWith('metric='));
          console.log(perMetric ? '\none fit per metric:' : `\none fit per group${fit.group ? ` (best at the target: ${fit.group})` : ''}:`);
          const heldOut = (e?: number) => (e === undefined ? '—' : `${(e * 100).toFixed(2)}%`);
          console.log(table([perMetric ? 'metric' : 'group', 'points', 'law', 'target', 'held-out error'], fit.groups.map((g) => [perMetric ? g.key.slice('metric='.length) : g.key, g.summary.nPoints, g.summary.formula || g.summary.skipped || '', g.summary.target ? `${sci(g.summary.target.value, 4)} [${sci(g.summary.target.lo, 4)}, ${sci(g.summary.target.hi, 4)}]` : '—', heldOut(g.summary.holdoutError)])));
        }
      }
      await (await import('./study')).printStudy(client, id, detail.sweep.specYaml, trials);
    });

  withGateway(program.command('watch').argument('<id>', 'sweep id').description('live progress of a sweep until it ends'))
    .action(async (id: string, opts: { gateway?: string }) => {
      const status = await watchSweep(gatewayClient(opts), id);
      printFinal(status);
      if (!succeeded(status)) process.exitCode = 1;
    });

  registerControlCommands(program, withGateway, gatewayClient);

  withGateway(program.command('export').argument('<id>', 'sweep id').option('-f, --format <format>', 'csv or json', 'csv').option('-o, --out <file>', 'write to a file instead of stdout').description('export one row per trial'))
    .action(async (id: string, opts: { gateway?: string; format: string; out?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new CliError(`--format: expected csv or json, got "${opts.format}"`);
      const text = await gatewayClient(opts).exportSweep(id, opts.format);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
}

/** A stored sweep row's trial counts in the status's terms: every trial row was created by the planner. */
function trialsOfRow(c: SweepCounts): SweepStatus['trials'] {
  return { planned: c.total, running: c.running, completed: c.completed, diverged: c.diverged, failed: c.failed };
}

/** The one line (or a spec's issues) `slab` prints for an error; the spec library loads only for issues. */
export async function explainError(err: unknown): Promise<string> {
  if (err instanceof GatewayError && (err.status === 401 || err.status === 403)) {
    return `${err.message}\nthe token sent was read from ${tokenSource()}; SLAB_TOKEN overrides it, SLAB_STATE_DIR says which stack's directory to read`;
  }
  if (err instanceof GatewayError && err.status === 0) {
    return `${err.message}\nno stack answers there: start one with \`npx slab up\` (or \`npx slab run SPEC\`), or point --gateway / SLAB_GATEWAY at a running gateway`;
  }
  if (err instanceof GatewayError) {
    const issues = (err as GatewayError & { issues?: { path: string; message: string }[] }).issues;
    return issues?.length ? `${err.message}\n${(await import('@slab/spec')).formatIssues(issues)}` : err.message;
  }
  if (err instanceof Error && /ECONNREFUSED|fetch failed/.test(`${err.message} ${String((err as { cause?: unknown }).cause)}`)) {
    return `cannot reach the gateway (${clientTarget().gatewayUrl}): start the stack with \`npx slab up\` or set --gateway`;
  }
  return err instanceof Error ? err.message : String(err);
}
