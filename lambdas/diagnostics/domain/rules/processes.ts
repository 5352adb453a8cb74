/**
 * Process rule: the processes that used the most CPU and memory during the trace. It weighs no
 * suspect; when the device is blamed, the headline names the heaviest CPU users as the lead.
 */
import type { TraceEvidence } from '../workflow-state.js';
import type { Finding, RuleMeta, Scored } from './rule.js';

export const TOP_PROCESSES_RULE = {
  id: 'processes.top',
  reads: 'the heaviest processes by category, with how many samples each topped',
  weighs: [],
  rationale: 'a busy device is actionable only once the process that keeps it busy is named',
} as const satisfies RuleMeta;

/** A headline names this many CPU users: the first is usually the culprit, two cover a close pair. */
export const CPU_USERS_NAMED = 2;

export type ProcessFinding = Finding<'processes.top', { processes: TraceEvidence['topProcesses'] }>;

/** The processes, and the heaviest CPU users (by name) a device headline can name. */
export function processes(evidence: TraceEvidence): Scored<ProcessFinding> & { cpuUsers: string[] } {
  if (evidence.topProcesses.length === 0) return { findings: [], metrics: {}, cpuUsers: [] };
  const cpuUsers = evidence.topProcesses.filter((process) => process.category.includes('cpu')).map((process) => process.name);
  return { findings: [{ rule: TOP_PROCESSES_RULE.id, facts: { processes: evidence.topProcesses } }], metrics: {}, cpuUsers: cpuUsers.slice(0, CPU_USERS_NAMED) };
}
