import { BusyError, ConflictError, JobFailedError, NotFoundError, RateLimitedError, TimeoutError } from '../../../../lambdas/core/errors.js';
import {
  classifyTraceStatus,
  collectTraceResults,
  getTraceStatus,
  pickCloudPathProbe,
  pickWebProbe,
  startDeepTrace,
} from '../../../../lambdas/diagnostics/steps/deep-trace.js';
import type { DeviceTaskInput } from '../../../../lambdas/diagnostics/domain/workflow-state.js';
import { FakeZdx } from '../../../helpers/diagnostics/fakes.js';
import { manualClock } from '../../../helpers/clock.js';
import { poorWifiWire as results } from '../../../helpers/diagnostics/trace-fixture.js';

const task: DeviceTaskInput = { device: { deviceId: '1001', deviceName: 'LAPTOP-1', appId: '4' }, alertId: '7263519', executionName: 'alert-7263519' };
const settings = { sessionLengthMinutes: 5, probeDevice: true, pollIntervalSeconds: 30, traceGraceMinutes: 20 };

function setup() {
  const clock = manualClock();
  const zdx = new FakeZdx();
  return { clock, zdx, deps: { zdx, clock, settings } };
}

describe('deep-trace', () => {
  describe('pickWebProbe', () => {
    it('picks the worst probe: lowest score, then slowest page fetch', () => {
      const probes = [
        { id: '1', avgScore: 80, avgPft: 900 },
        { id: '2', avgScore: 35, avgPft: 4000 },
        { id: '3', avgScore: 35, avgPft: 5200 },
        { id: '4', avgScore: -1, avgPft: 9000 },
      ];

      expect(pickWebProbe(probes)?.id).toBe('3');
    });
  });

  describe('pickCloudPathProbe', () => {
    it('picks the probe with the highest end-to-end latency', () => {
      const probes = [
        { id: '1', avgLatencies: [{ latency: 10 }, { latency: 20 }] },
        { id: '2', avgLatencies: [{ latency: 150 }] },
        { id: '3', avgLatencies: [] },
      ];

      expect(pickCloudPathProbe(probes)?.id).toBe('2');
    });
  });

  describe('startDeepTrace', () => {
    it("starts a trace with the application's probes and the configured session", async () => {
      const { zdx, deps, clock } = setup();

      const handle = await startDeepTrace(task, deps);

      expect(zdx.traces[0]?.input).toEqual({
        session_name: 'zsa alert-7263519 1001',
        app_id: 4,
        web_probe_id: 11,
        cloudpath_probe_id: 21,
        session_length_minutes: 5,
        probe_device: true,
      });
      expect(handle).toMatchObject({ started: true, traceId: '900001', status: 'not_started', waitSeconds: 300, webProbeName: 'Outlook Online Web Probe' });
      expect(handle.giveUpAt).toBe(clock.now() + 25 * 60_000);
    });

    it('reports a device without probes for the application instead of starting anything', async () => {
      const { zdx, deps } = setup();
      zdx.webProbes['1001'] = [];
      zdx.cloudPathProbes['1001'] = [];

      const handle = await startDeepTrace(task, deps);

      expect(handle).toMatchObject({ started: false, traceId: null, reason: 'the device has no web or cloud-path probe for application 4' });
      expect(zdx.traces).toEqual([]);
    });

    it('adopts the trace an earlier attempt started when ZDX answers 409', async () => {
      const { zdx, deps } = setup();
      zdx.startErrors.push(new ConflictError('after-start: device busy', { status: 409, endpoint: 'POST /v1/devices/{deviceId}/deeptraces' }));
      await startDeepTrace(task, deps).catch(() => undefined);
      zdx.startErrors.push(new ConflictError('device busy', { status: 409, endpoint: 'POST /v1/devices/{deviceId}/deeptraces' }));

      const handle = await startDeepTrace(task, deps);

      expect(handle.traceId).toBe('900001');
      expect(zdx.traces).toHaveLength(1);
    });

    it('fails the device when someone else holds its only trace slot', async () => {
      const { zdx, deps } = setup();
      await startDeepTrace({ ...task, executionName: 'someone-else' }, deps);
      zdx.startErrors.push(new ConflictError('device busy', { status: 409, endpoint: 'POST /v1/devices/{deviceId}/deeptraces' }));

      await expect(startDeepTrace(task, deps)).rejects.toThrow(JobFailedError);
    });

    it('waits (BusyError) when ZDX refuses a free device: the tenant is at its cap', async () => {
      const { zdx, deps } = setup();
      zdx.startErrors.push(new ConflictError('limit reached', { status: 409, endpoint: 'POST /v1/devices/{deviceId}/deeptraces' }));

      await expect(startDeepTrace(task, deps)).rejects.toThrow(BusyError);
    });

    it('adopts, without a second POST, the trace an attempt that died after starting it left behind, even one that already ended', async () => {
      const { zdx, deps } = setup();
      await startDeepTrace(task, deps);
      (zdx.traces[0] as { status: string }).status = 'failed';

      const handle = await startDeepTrace(task, deps);

      expect(handle).toMatchObject({ started: true, traceId: '900001', status: 'failed' });
      expect(zdx.traces).toHaveLength(1);
      expect(zdx.calls.filter((call) => call.startsWith('POST '))).toHaveLength(1);
    });

    it('adopts the trace when the start answer was lost after ZDX started it', async () => {
      const { zdx, deps } = setup();
      zdx.startErrors.push(new TimeoutError('after-start: no answer'));

      const handle = await startDeepTrace(task, deps);

      expect(handle.traceId).toBe('900001');
      expect(zdx.traces).toHaveLength(1);
    });
  });

  describe('classifyTraceStatus', () => {
    it('maps open status strings to phases', () => {
      expect(classifyTraceStatus('completed')).toEqual({ phase: 'completed', collectable: true });
      expect(classifyTraceStatus('Incomplete')).toEqual({ phase: 'completed', collectable: true });
      expect(classifyTraceStatus('EXPIRED')).toEqual({ phase: 'expired', collectable: false });
      expect(classifyTraceStatus('failed')).toEqual({ phase: 'failed', collectable: false });
      expect(classifyTraceStatus('abort initiated')).toEqual({ phase: 'aborted', collectable: false });
      expect(classifyTraceStatus('in_progress')).toEqual({ phase: 'running', collectable: false });
      expect(classifyTraceStatus('something-new')).toEqual({ phase: 'running', collectable: false });
    });
  });

  describe('getTraceStatus', () => {
    it('counts polls and asks for another wait while the trace runs', async () => {
      const { deps } = setup();
      const handle = await startDeepTrace(task, deps);

      const status = await getTraceStatus({ device: task.device, trace: handle, status: { polls: 2 } }, deps);

      expect(status).toEqual({ status: 'not_started', phase: 'running', collectable: false, pollSeconds: 30, polls: 3 });
    });

    it('finds the trace by its session name when ZDX does not know the id a garbled start reply named', async () => {
      const { deps, zdx } = setup();
      const handle = await startDeepTrace(task, deps);
      const realGet = zdx.deepTraces.get.bind(zdx.deepTraces);
      const asked: string[] = [];
      zdx.deepTraces.get = async (deviceId, traceId) => {
        asked.push(String(traceId));
        if (traceId === '42') throw new NotFoundError('GET /v1/devices/{deviceId}/deeptraces/{traceId} answered 404', { status: 404, endpoint: 'x' });
        return realGet(deviceId, traceId);
      };

      const status = await getTraceStatus({ device: task.device, trace: { ...handle, traceId: '42' } }, deps);
      const next = await getTraceStatus({ device: task.device, trace: { ...handle, traceId: '42' }, status }, deps);

      expect(status).toMatchObject({ traceId: '900001', phase: 'running', polls: 1 });
      expect(next).toMatchObject({ traceId: '900001', polls: 2 });
      // The second poll asks for the right id straight away.
      expect(asked).toEqual(['42', '900001']);
    });

    it('gives up on a trace still running after the grace period, without deleting it', async () => {
      const { deps, clock, zdx } = setup();
      const handle = await startDeepTrace(task, deps);
      clock.advance(26 * 60_000);

      const status = await getTraceStatus({ device: task.device, trace: handle }, deps);

      expect(status.phase).toBe('gave_up');
      expect(zdx.calls.some((call) => call.startsWith('DELETE'))).toBe(false);
    });
  });

  describe('collectTraceResults', () => {
    it('reads all six result endpoints into compact evidence', async () => {
      const { zdx, deps } = setup();
      zdx.results = results;
      const handle = await startDeepTrace(task, deps);

      const run = await collectTraceResults({ device: task.device, trace: handle, status: { status: 'completed', phase: 'completed', collectable: true, pollSeconds: 0, polls: 1 } }, deps);

      expect(run).toMatchObject({ outcome: 'traced', traceId: '900001', traceStatus: 'completed', probes: { web: 'Outlook Online Web Probe', cloudPath: 'Outlook Online Cloud Path' } });
      expect(run.evidence?.web.pageFetchMs?.avg).toBe(5012.5);
      expect(run.evidence?.missing).toEqual([]);
      expect(zdx.calls.filter((call) => call.includes('/deeptraces/900001/'))).toHaveLength(6);
    });

    it('records an endpoint that fails for good and keeps the rest', async () => {
      const { zdx, deps } = setup();
      zdx.results = {
        ...results,
        'top-processes': () => {
          throw new NotFoundError('GET /v1/devices/{deviceId}/deeptraces/{traceId}/top-processes answered 404', { status: 404, endpoint: 'x' });
        },
      };
      const handle = await startDeepTrace(task, deps);

      const run = await collectTraceResults({ device: task.device, trace: handle, status: { status: 'completed', phase: 'completed', collectable: true, pollSeconds: 0, polls: 1 } }, deps);

      expect(run.evidence?.missing).toEqual([expect.stringMatching(/^top-processes: .*answered 404/)]);
      expect(run.evidence?.health.wifiSignalDbm?.avg).toBe(-82.4);
    });

    it('records a result body of the wrong shape, naming its endpoint, and keeps the rest', async () => {
      const { zdx, deps } = setup();
      zdx.results = { ...results, 'webprobe-metrics': 'oops', cloudpath: [{ cloudpath: 7 }], 'health-metrics': [null, 3], 'top-processes': [[]] };
      const handle = await startDeepTrace(task, deps);

      const run = await collectTraceResults({ device: task.device, trace: handle, status: { status: 'completed', phase: 'completed', collectable: true, pollSeconds: 0, polls: 1 } }, deps);

      expect(run.evidence?.missing.map((entry) => entry.split(':')[0]).sort()).toEqual(['cloudpath', 'health-metrics', 'top-processes', 'webprobe-metrics']);
      expect(run.evidence?.missing[0]).toMatch(/returned an unexpected body/);
      expect(run.evidence).toMatchObject({ web: {}, health: {}, topProcesses: [] });
      expect(run.evidence?.events).toHaveLength(2);
    });

    it('lets a rate-limit error through so the state machine retries the step', async () => {
      const { zdx, deps } = setup();
      zdx.results = {
        events: () => {
          throw new RateLimitedError('429', { status: 429, endpoint: 'x' });
        },
      };
      const handle = await startDeepTrace(task, deps);

      const attempt = collectTraceResults({ device: task.device, trace: handle, status: { status: 'completed', phase: 'completed', collectable: true, pollSeconds: 0, polls: 1 } }, deps);

      await expect(attempt).rejects.toThrow(RateLimitedError);
    });
  });
});
