import { processes } from '../../../../../lambdas/diagnostics/domain/rules/processes.js';
import { evidence } from './support.js';

const process = (category: string, name: string) => ({ category, name, samples: 5, ofSamples: 5 });

describe('process rule', () => {
  it('says nothing without processes', () => {
    expect(processes(evidence())).toEqual({ findings: [], metrics: {}, cpuUsers: [] });
  });

  it('lists the processes and names at most two CPU users (CPU_USERS_NAMED), in order', () => {
    const top = [process('memory', 'Teams.exe'), process('cpu', 'MsMpEng.exe'), process('cpu_and_memory', 'chrome.exe'), process('cpu', 'Zoom.exe')];
    const result = processes(evidence({ topProcesses: top }));

    expect(result.findings).toEqual([{ rule: 'processes.top', facts: { processes: top } }]);
    expect(result.cpuUsers).toEqual(['MsMpEng.exe', 'chrome.exe']);
  });

  it('names no CPU user when none is in a CPU category', () => {
    expect(processes(evidence({ topProcesses: [process('memory', 'Teams.exe')] })).cpuUsers).toEqual([]);
  });
});
