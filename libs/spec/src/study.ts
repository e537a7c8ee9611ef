/**
 * The `study` section: which paper's analysis a sweep answers (computed by @slab/studies from the stored
 * trials and curves, shown by `slab status`). Checks that the sweep varies what the study compares.
 */
import { closest, describe, type IssueList } from './issues';
import type { StudySpec } from './types';

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

/**
 * One entry per study kind: the keys its section takes (besides `kind` and `metric`) and the checks that
 * the sweep varies what the study compares. A new study kind is one entry here plus its StudySpec case.
 */
interface StudyKindRule {
  keys: string[];
  check(raw: Obj, root: Obj, issues: IssueList): void;
}

const needDimensions = (root: Obj, issues: IssueList, kind: string, names: string[]): void => {
  const dims = root.dimensions;
  for (const d of names) if (isObj(dims) && dims[d] === undefined) issues.add(['dimensions', d], `study ${kind} sweeps ${d}; add it as a dimension`);
};

const STUDY_RULES: Record<string, StudyKindRule> = {
  'lr-sensitivity': {
    keys: ['cap'],
    check(raw, root, issues) {
      if (raw.cap !== undefined && !(typeof raw.cap === 'number' && Number.isFinite(raw.cap) && raw.cap > 0)) issues.expected(['study', 'cap'], 'a positive loss (default ln 256, the loss at initialisation of a byte model)', raw.cap);
      // The study compares LRs within each width: both must be swept dimensions.
      needDimensions(root, issues, 'lr-sensitivity', ['learningRate', 'width']);
      const lrs = listed(root, 'learningRate');
      if (lrs && lrs.length < 2) issues.add(['dimensions', 'learningRate', 'values'], 'study lr-sensitivity needs at least 2 learning rates');
    },
  },
  'lr-annealing': {
    keys: ['holdout', 'lambda'],
    check(raw, root, issues) {
      const p = ['study'];
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
    },
  },
  repetition: {
    keys: ['tolerance', 'bootstrap'],
    check(raw, root, issues) {
      if (raw.bootstrap !== undefined && !(Number.isInteger(raw.bootstrap) && (raw.bootstrap as number) >= 0 && (raw.bootstrap as number) <= 2000)) issues.expected(['study', 'bootstrap'], 'a whole number of resamples in [0, 2000] (default 200)', raw.bootstrap);
      if (raw.tolerance !== undefined && !(typeof raw.tolerance === 'number' && raw.tolerance > 0 && raw.tolerance < 1)) issues.expected(['study', 'tolerance'], 'a relative loss gap in (0, 1) (default 0.01: within 1% of fresh data)', raw.tolerance);
      // Repetition is D / U: both swept, with at least one unique-token budget below the largest D.
      needDimensions(root, issues, 'repetition', ['data', 'uniqueData']);
      const us = listed(root, 'uniqueData');
      if (us && us.length < 2) issues.add(['dimensions', 'uniqueData', 'values'], 'study repetition compares unique-token budgets: list at least 2 (the largest is the fresh-data arm)');
    },
  },
  hyperparameters: {
    keys: ['bootstrap'],
    check(raw, root, issues) {
      checkBootstrap(raw, issues);
      // Step Law: the optimum (LR, batch) per (N, D), so all four are swept; a quadratic needs 3 values.
      needDimensions(root, issues, 'hyperparameters', ['learningRate', 'batchSize', 'width', 'data']);
      for (const d of ['learningRate', 'batchSize']) {
        const vs = listed(root, d);
        if (vs && vs.length < 3) issues.add(['dimensions', d, 'values'], `study hyperparameters fits a quadratic in log ${d} around the optimum: list at least 3 values`);
      }
    },
  },
  overtraining: {
    keys: ['downstream', 'holdout', 'bootstrap'],
    check(raw, root, issues) {
      checkBootstrap(raw, issues);
      if (raw.downstream !== undefined && !(typeof raw.downstream === 'string' && METRIC.test(raw.downstream))) issues.expected(['study', 'downstream'], 'an accuracy metric name such as eval_acc (error = 1 − accuracy)', raw.downstream);
      // L(C, M) needs several N and several D (so several token multipliers M = D/N per N).
      needDimensions(root, issues, 'overtraining', ['width', 'data']);
      for (const d of ['width', 'data']) {
        const vs = listed(root, d);
        if (vs && vs.length < 2) issues.add(['dimensions', d, 'values'], `study overtraining fits L(C, M) over several N and D: list at least 2 ${d} values`);
      }
      if (raw.holdout !== undefined) {
        if (!Array.isArray(raw.holdout) || raw.holdout.length === 0) issues.expected(['study', 'holdout'], 'a non-empty list of { width, data } runs to predict', raw.holdout);
        else
          raw.holdout.forEach((h, i) => {
            for (const d of ['width', 'data']) {
              const v = isObj(h) ? h[d] : undefined;
              const vs = listed(root, d);
              if (!(typeof v === 'number' && v > 0)) issues.expected(['study', 'holdout', i, d], `a positive ${d} of a swept run`, v);
              else if (vs && !vs.includes(v)) issues.add(['study', 'holdout', i, d], `expected one of the swept values (${vs.join(', ')}), got ${v}`);
            }
          });
      }
    },
  },
  'model-shape': {
    keys: ['compound', 'tolerance'],
    check(raw, root, issues) {
      if (raw.compound !== undefined && !(typeof raw.compound === 'number' && raw.compound > 0 && raw.compound < 1)) issues.expected(['study', 'compound'], "depth's share of the compute growth of the compound rule, in (0, 1) (default 0.5)", raw.compound);
      if (raw.tolerance !== undefined && !(typeof raw.tolerance === 'number' && raw.tolerance > 0 && raw.tolerance < 1)) issues.expected(['study', 'tolerance'], 'a relative loss spread in (0, 1) under which shape "matters little" at fixed N (default 0.03)', raw.tolerance);
      // Dollár et al. scale width alone, depth alone and both from one base model: both swept.
      needDimensions(root, issues, 'model-shape', ['width', 'depth']);
      for (const d of ['width', 'depth']) {
        const vs = listed(root, d);
        if (vs && vs.length < 2) issues.add(['dimensions', d, 'values'], `study model-shape scales ${d}: list at least 2 values`);
      }
    },
  },
};

function checkBootstrap(raw: Obj, issues: IssueList): void {
  const b = raw.bootstrap;
  if (b !== undefined && !(typeof b === 'number' && Number.isInteger(b) && b >= 20 && b <= 10000)) issues.expected(['study', 'bootstrap'], 'an integer number of resamples in [20, 10000]', b);
}

export const STUDY_KINDS = Object.keys(STUDY_RULES);

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
  if (typeof kind !== 'string' || !STUDY_KINDS.includes(kind)) {
    const near = typeof kind === 'string' ? closest(kind, STUDY_KINDS) : undefined;
    issues.add([...p, 'kind'], `expected one of ${STUDY_KINDS.join(', ')}, got ${describe(kind)}${near ? ` (did you mean "${near}"?)` : ''}`);
    return null;
  }
  const rule = STUDY_RULES[kind];
  const known = ['kind', 'metric', ...rule.keys];
  for (const k of Object.keys(raw)) {
    if (!known.includes(k)) issues.add([...p, k], `unknown key for study ${kind}, expected one of ${known.join(', ')}`);
  }
  if (raw.metric !== undefined && !(typeof raw.metric === 'string' && METRIC.test(raw.metric))) issues.expected([...p, 'metric'], 'a metric name such as eval_loss', raw.metric);
  rule.check(raw, root, issues);
  if (issues.items.length > before) return null;
  return { ...raw } as StudySpec;
}
