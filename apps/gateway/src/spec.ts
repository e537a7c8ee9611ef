/** Spec parsing for POST /api/sweeps: `parseSpec` from @slab/spec unless a caller injects one. */
import type { SpecIssue, SweepSpec } from '@slab/api';
import { parseSpec } from '@slab/spec';

export type ParseSpecResult = { ok: true; spec: SweepSpec } | { ok: false; issues: SpecIssue[] };
export type ParseSpec = (yamlText: string) => ParseSpecResult;

export const defaultParseSpec: ParseSpec = parseSpec;
