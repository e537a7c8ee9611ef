/**
 * The `study` section: which paper's analysis a sweep answers (computed by @slab/studies from the stored
 * trials and curves, shown by `slab status`). Checks that the sweep varies what the study compares.
 */
import { closest, describe, type IssueList } from './issues';
import type { StudySpec } from './types';

export const STUDY_KINDS = ['lr-sensitivity', 'lr-annealing'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const METRIC = /^[A-Za-z0-9_]+$/;

/** Values listed for a dimension (`{ values: [...] }`), or undefined when it is absent or a range. */
function listed(root: Obj, name: string): unknown[] | undefined {
  const dims = root.dimensions;
  if (!isObj(dims) || !isObj(dims[name])) return undefined;
  const v = (dims[name] as Obj).values;
  return Array.isArray(v) ? v : undefined;
}

/** The validated section; undefined when absent; null after reporting issues. */
export function readStudy(root: Obj, issues: IssueList): StudySpec | undefined | null {
  const raw = root.study;
  if (raw === undefined) return undefined;
  const p = ['study'];
  if (!isObj(raw)) {
    issues.expected(p, `a mapping { kind: ${STUDY_KINDS.join(' | ')} }`, raw);
    return null;
  }
  const before = issues.items.length;
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(STUDY_KINDS as readonly string[]).includes(kind)) {
    const near = typeof kind === 'string' ? closest(kind, STUDY_KINDS) : undefined;
    issues.add([...p, 'kind'], `expected one of ${STUDY_KINDS.join(', ')}, got ${describe(kind)}${near ? ` (did you mean "${near}"?)` : ''}`);
    return null;
  }
  const known = kind === 'lr-sensitivity' ? ['kind', 'metric', 'cap'] : ['kind', 'metric', 'holdout', 'lambda'];
  for (const k of Object.keys(raw)) {
    if (!known.includes(k)) issues.add([...p, k], `unknown key for study ${kind}, expected one of ${known.join(', ')}`);
  }
  if (raw.metric !== undefined && !(typeof raw.metric === 'string' && METRIC.test(raw.metric))) issues.expected([...p, 'metric'], 'a metric name such as eval_loss', raw.metric);
  if (kind === 'lr-sensitivity') {
    if (raw.cap !== undefined && !(typeof raw.cap === 'number' && Number.isFinite(raw.cap) && raw.cap > 0)) issues.expected([...p, 'cap'], 'a positive loss (default ln 256, the loss at initialisation of a byte model)', raw.cap);
    // The study compares LRs within each width: both must be swept dimensions.
    for (const d of ['learningRate', 'width']) {
      const dims = root.dimensions;
      if (isObj(dims) && dims[d] === undefined) issues.add(['dimensions', d], `study lr-sensitivity sweeps ${d}; add it as a dimension`);
    }
    const lrs = listed(root, 'learningRate');
    if (lrs && lrs.length < 2) issues.add(['dimensions', 'learningRate', 'values'], 'study lr-sensitivity needs at least 2 learning rates');
  } else {
    const schedules = listed(root, 'schedule');
    if (!schedules || schedules.length < 2) issues.add(['dimensions', 'schedule'], 'study lr-annealing compares schedules: list at least 2 (e.g. { values: [constant, cosine, wsd] })');
    if (raw.lambda !== undefined && !(typeof raw.lambda === 'number' && raw.lambda >= 0 && raw.lambda < 1)) issues.expected([...p, 'lambda'], 'a decay factor in [0, 1) (Tissue et al. use 0.999)', raw.lambda);
    if (raw.holdout !== undefined) {
      if (!Array.isArray(raw.holdout) || raw.holdout.length === 0) issues.expected([...p, 'holdout'], 'a non-empty list of schedules', raw.holdout);
      else
        raw.holdout.forEach((h, i) => {
          if (schedules && !schedules.includes(h)) issues.add([...p, 'holdout', i], `expected one of the swept schedules (${schedules.join(', ')}), got ${describe(h)}`);
        });
      if (Array.isArray(raw.holdout) && schedules && raw.holdout.length >= schedules.length) issues.add([...p, 'holdout'], 'leave at least one schedule to fit on');
    }
  }
  if (issues.items.length > before) return null;
  return { ...raw } as StudySpec;
}
