// Types of entry.js (plain JavaScript: it runs before anything can compile).
export interface EntryPaths {
  repoRoot: string;
  dist: string;
  source: string;
}
export const defaultPaths: EntryPaths;
export const SOURCE_COMMANDS: Set<string>;
export function bundleState(paths?: EntryPaths): { current: boolean; why: string };
export function chooseEntry(args: string[], paths?: EntryPaths): { kind: 'built' | 'source'; file: string; why: string };
