/**
 * The study section of a sweep page: the answer the orchestrator stored after the last batch
 * (GET /api/sweeps/:id/study), drawn by the view registered for its kind. A study kind adds one view
 * module here (render: its StudyResult → element) and one line in STUDY_VIEWS.
 */
import type { StudyAnswer, StudyResult } from '@slab/api';
import { esc, formatTime } from '../../format';
import { h } from '../common';
import { annealingView } from './lr-annealing';
import { sensitivityView } from './lr-sensitivity';
import { shapeView } from './model-shape';
import { hyperparametersView } from './hyperparameters';
import { overtrainingView } from './overtraining';
import { repetitionView } from './repetition';

/** How one study kind is shown. */
export interface StudyView<R extends StudyResult = StudyResult> {
  /** The paper(s) the analysis follows, shown under the section title. */
  paper: string;
  render(result: R): HTMLElement;
}

type ViewsByKind = { [K in StudyResult['kind']]?: StudyView<Extract<StudyResult, { kind: K }>> };

export const STUDY_VIEWS: ViewsByKind = {
  'lr-sensitivity': sensitivityView,
  'lr-annealing': annealingView,
  'model-shape': shapeView,
  hyperparameters: hyperparametersView,
  overtraining: overtrainingView,
  repetition: repetitionView,
};

/** When and on what the answer was computed, in words. */
export function answerStamp(a: StudyAnswer): string {
  if (a.computedAt === null) return 'not computed yet';
  return `${a.batch === null ? 'computed' : `after batch ${a.batch + 1}`} · ${formatTime(a.computedAt)} · ${a.trials} finished trial${a.trials === 1 ? '' : 's'}`;
}

/** The section body for an answer: the kind's view, or why there is no answer (yet). */
export function renderStudy(answer: StudyAnswer): HTMLElement {
  const view = STUDY_VIEWS[answer.kind as StudyResult['kind']] as StudyView | undefined;
  const root = h(`<div class="study" data-testid="study" data-kind="${esc(answer.kind)}">
  <p class="sub dim"><span data-testid="study-kind">${esc(answer.kind)}</span>${view ? ` · ${esc(view.paper)}` : ''} · <span data-testid="study-stamp">${esc(answerStamp(answer))}</span></p></div>`);
  if (!answer.result) {
    // The analysis names its study in its errors; the card's title already does.
    const why = (answer.error ?? 'unknown reason').replace(new RegExp(`^study ${answer.kind}: `), '');
    root.append(h(`<p class="study-pending" data-testid="study-error">No answer yet: ${esc(why)}</p>`));
  } else if (!view) {
    root.append(h(`<p class="dim" data-testid="study-error">This console has no view for study ${esc(answer.kind)}; <code>slab status</code> prints it.</p>`));
  } else {
    root.append(view.render(answer.result));
  }
  return root;
}
