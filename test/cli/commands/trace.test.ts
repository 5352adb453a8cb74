import { SEEDED_ALERT_ID, type RunningSimulator } from '../../../local/simulator/index.js';
import { expectNoSecrets, oneApiEnv, removeTempDirs, runCli, simulatorEnv, startFastSimulator } from '../helpers.js';
import { ZIDENTITY_TOKEN_PATH } from '../../../local/simulator/index.js';

let sim: RunningSimulator;
let devices: number[];
let appId: string;

beforeEach(async () => {
  sim = await startFastSimulator();
  const alert = sim.ensureAlert(SEEDED_ALERT_ID);
  devices = alert.deviceIds;
  appId = String(alert.applicationId);
});

afterEach(async () => {
  await sim.close();
});

afterAll(removeTempDirs);

describe('zsa trace', () => {
  describe('--wait', () => {
    it('traces the app on the device with its probes and prints the diagnosis', async () => {
      const device = String(devices[0]);

      const run = await runCli(['trace', '--device', device, '--app', appId, '--wait'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(new RegExp(`^Started deep trace \\d+ on device ${device} for app ${appId} \\(web probe .+, Cloud Path probe .+; session 5 min\\)\\.$`, 'm'));
      expect(run.stderr).toMatch(/^ {2}completed after \d+ s$/m);
      expect(run.stdout).toMatch(new RegExp(`^Device +${device}$`, 'm'));
      expect(run.stdout).toMatch(/^Trace +\d+ \(completed\), web probe .+, Cloud Path probe .+$/m);
      expect(run.stdout).toMatch(/^Verdict +(the device|the network|Zscaler|the application|inconclusive)$/m);
      expect(run.stdout).toContain('Findings:\n  • Page fetch averaged');
      expect(run.stdout).toContain('Diagnosed 1 of 1 affected device.');
      const traces = sim.zdx.traces();
      expect(traces).toEqual([expect.objectContaining({ deviceId: Number(device), appId: Number(appId), status: 'completed' })]);
      expectNoSecrets(run);
    });

    it('runs through OneAPI with --zdx-auth oneapi: a ZIdentity token and /zdx/v1 paths only', async () => {
      const device = String(devices[0]);

      const run = await runCli(['trace', '--device', device, '--app', appId, '--wait', '--zdx-auth', 'oneapi'], { env: oneApiEnv(sim) });

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Diagnosed 1 of 1 affected device.');
      const paths = sim.calls.map((call) => call.path);
      expect(paths.filter((path) => path === ZIDENTITY_TOKEN_PATH)).toHaveLength(1);
      expect(paths.filter((path) => path !== ZIDENTITY_TOKEN_PATH).every((path) => path.startsWith('/zdx/v1/'))).toBe(true);
      expect(paths).toContain(`/zdx/v1/devices/${device}/deeptraces`);
      expect(sim.zdx.traces()).toEqual([expect.objectContaining({ deviceId: Number(device), status: 'completed' })]);
      expectNoSecrets(run);
    });

    it('prints the diagnostics report as JSON with --json', async () => {
      const device = String(devices[1]);

      const run = await runCli(['trace', '--device', device, '--app', appId, '--wait', '--json', '--session-minutes', '15'], { env: simulatorEnv(sim) });

      const report = JSON.parse(run.stdout) as { kind: string; devices: Array<{ deviceId: string; status: string; diagnosis: { headline: string } }> };
      expect(run.code).toBe(0);
      expect(report.kind).toBe('diagnostics');
      expect(report.devices).toEqual([expect.objectContaining({ deviceId: device, status: 'diagnosed', diagnosis: expect.objectContaining({ headline: expect.any(String) }) })]);
      expect(run.stderr).toContain('session 15 min');
    });

    it('exits 1 and says why when the trace fails', async () => {
      const device = String(devices[2]);
      sim.update({ zdx: { deepTraces: { outcomes: { [device]: 'failed' } } } });

      const run = await runCli(['trace', '--device', device, '--app', appId, '--wait'], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^Outcome +failed$/m);
      expect(run.stdout).toContain('✖ the deep trace ended failed; no results to read');
    });
  });

  describe('without --wait', () => {
    it('starts the trace and prints the command that diagnoses it later', async () => {
      const device = String(devices[0]);

      const started = await runCli(['trace', '--device', device, '--app', appId], { env: simulatorEnv(sim) });
      const traceId = /Deep trace (\d+) started/.exec(started.stdout)?.[1];
      const followed = await runCli(['trace', '--device', device, '--app', appId, '--trace-id', traceId ?? 'missing'], { env: simulatorEnv(sim) });

      expect(started.code).toBe(0);
      expect(started.stdout).toContain(`Diagnose it then: npm run zsa -- trace --device ${device} --app ${appId} --trace-id ${traceId}`);
      expect(followed.code).toBe(0);
      expect(followed.stderr).toContain(`Following deep trace ${traceId} on device ${device}.`);
      expect(followed.stdout).toMatch(/^Verdict /m);
      expect(sim.zdx.traces()).toHaveLength(1);
    });
  });

  describe('errors', () => {
    it('reports the API error for a device ZDX does not know, in one line', async () => {
      const run = await runCli(['trace', '--device', '999', '--app', appId], { env: simulatorEnv(sim) });

      expect(run.code).toBe(1);
      expect(run.stderr).toBe('zsa trace: GET /v1/devices/{deviceId}/apps/{appId}/web-probes answered 404: {"code":"NOT_FOUND","message":"Unknown device 999"}\n');
    });

    it.each([
      [['trace', '--app', '1'], '--device is required'],
      [['trace', '--device', 'abc', '--app', '1'], '--device must be a numeric ZDX id (got "abc")'],
      [['trace', '--device', '1', '--app', '1', '--session-minutes', '10'], '--session-minutes must be one of 5, 15, 30, 60 (got "10")'],
    ])('exits 2 for %j', async (argv, message) => {
      const run = await runCli(argv, { env: simulatorEnv(sim) });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`zsa trace: ${message}`);
      expect(sim.zdx.traces()).toEqual([]);
    });
  });
});
