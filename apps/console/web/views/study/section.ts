/**
 * The sweep page's study card: loads the stored answer (GET /api/sweeps/:id/study) and draws it with
 * renderStudy. Hidden for a sweep whose spec names no study (the gateway answers 404); reloaded when a
 * new fit lands, since the orchestrator stores each answer with the batch's fit.
 */
import { api, GatewayError } from '../../api';
import { esc } from '../../format';
import { coalesce } from '../common';
import { renderStudy } from './index';

export interface StudySection {
  /** Re-reads the stored answer (coalesced). */
  refresh(): void;
  dispose(): void;
}

export function mountStudySection(card: HTMLElement, body: HTMLElement, sweepId: string): StudySection {
  let disposed = false;
  /** The computedAt last drawn: a live fit without a new answer redraws nothing. */
  let shown: string | null | undefined;
  const load = async () => {
    try {
      const answer = await api.study(sweepId);
      if (disposed) return;
      card.hidden = false;
      if (answer.computedAt !== null && answer.computedAt === shown) return;
      shown = answer.computedAt;
      body.replaceChildren(renderStudy(answer));
    } catch (err) {
      if (disposed) return;
      if (err instanceof GatewayError && err.status === 404) {
        card.hidden = true;
        return;
      }
      card.hidden = false;
      body.innerHTML = `<p class="error" data-testid="study-error">Could not read the study: ${esc(err instanceof Error ? err.message : String(err))}</p>`;
    }
  };
  const refresh = coalesce(() => void load(), 300);
  void load();
  return {
    refresh,
    dispose() {
      disposed = true;
      refresh.cancel();
    },
  };
}
