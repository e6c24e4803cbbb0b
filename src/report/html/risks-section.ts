/** The plan's risks, one row each with the objects they concern. */
import type { Plan } from '../../planner/plan.js';
import { listSome } from '../format.js';
import { htmlTable, para, section } from './escape.js';

export function risksSection(plan: Pick<Plan, 'risks'>): string {
  const body = plan.risks.length === 0 ? para('None found.') : htmlTable(['risk', 'what', 'objects'], plan.risks.map((r) => [r.code, r.message, listSome(r.objects, 8)]), [], 'risks');
  return section('risks', `Risks (${plan.risks.length})`, body);
}
