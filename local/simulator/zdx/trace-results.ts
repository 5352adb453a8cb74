/**
 * The six deep-trace result documents (zdx-api.md §2.7), shaped like the SDK models and filled
 * from the device's profile with seeded noise. One datapoint per simulated session minute; only
 * the minutes collected so far are returned (see assumptions `zdx-trace-results-timing`).
 */
import type { ZdxApp, ZdxDevice } from '../data/zdx-seed.js';
import { Rng } from '../random.js';
import { PROFILE_METRICS, type LegMetrics, type ProfileMetrics } from './profiles.js';

/** What a result builder needs to know about a trace. */
export interface TraceResultInput {
  readonly traceId: string;
  readonly seed: number;
  readonly device: ZdxDevice;
  readonly app: ZdxApp | undefined;
  readonly webProbe: boolean;
  readonly cloudPathProbe: boolean;
  readonly probeDevice: boolean;
  /** Epoch seconds of the first datapoint. */
  readonly startSec: number;
  /** Session minutes collected so far (0 .. session length). */
  readonly minutes: number;
  readonly eventsInnerKey: 'events' | 'instances';
  /** Measurements to use instead of the device profile's (the probe history may show less than a trace). */
  readonly metrics?: ProfileMetrics;
  /** Seconds between datapoints. @default 60 (one per session minute) */
  readonly stepSeconds?: number;
  /** Jitter of the series (fraction of the value). @default 0.12 */
  readonly jitter?: number;
}

interface Metric {
  metric: string;
  unit: string;
  datapoints: { timestamp: number; value: number }[];
}

function series(input: TraceResultInput, metric: string, unit: string, base: number, options: { jitter?: number; max?: number; digits?: number; noiseKey?: string } = {}): Metric {
  const rng = new Rng('series', input.seed, input.traceId, options.noiseKey ?? metric);
  const jitter = options.jitter ?? input.jitter ?? 0.12;
  const factor = 10 ** (options.digits ?? 0);
  const datapoints = Array.from({ length: input.minutes }, (_, i) => {
    let value = base * (1 + rng.float(-jitter, jitter));
    if (options.max !== undefined) value = Math.min(options.max, value);
    return { timestamp: input.startSec + i * (input.stepSeconds ?? 60), value: Math.max(0, Math.round(value * factor) / factor) };
  });
  return { metric, unit, datapoints };
}

/** RSSI is negative; build it positive and flip it. */
function negated(metric: Metric): Metric {
  return { ...metric, datapoints: metric.datapoints.map((d) => ({ ...d, value: -d.value })) };
}

const metrics = (input: TraceResultInput) => input.metrics ?? PROFILE_METRICS[input.device.profile];

/** `GET .../webprobe-metrics`: web probe timing series. Empty without a web probe. */
export function webProbeMetrics(input: TraceResultInput): Metric[] {
  if (!input.webProbe) return [];
  const m = metrics(input);
  return [
    series(input, 'pft', 'ms', m.pft),
    series(input, 'dns_time', 'ms', m.dns),
    series(input, 'tcp_connect_time', 'ms', m.tcp),
    series(input, 'ssl_handshake_time', 'ms', m.ssl),
    series(input, 'server_response_time', 'ms', m.serverResponse),
    series(input, 'availability', '%', 100, { jitter: 0, max: 100 }),
  ];
}

const LEGS = ['Client', 'Egress', 'ZEN', 'Destination'] as const;

function legMetrics(input: TraceResultInput): LegMetrics[] {
  const m = metrics(input);
  return [m.clientEgress, m.egressZen, m.zenDest];
}

/** `GET .../cloudpath-metrics`: latency and loss per leg. Empty without a Cloud Path probe. */
export function cloudPathMetrics(input: TraceResultInput): unknown[] {
  if (!input.cloudPathProbe) return [];
  return legMetrics(input).map((leg, i) => ({
    leg_src: LEGS[i],
    leg_dst: LEGS[i + 1],
    stats: [
      series(input, 'latency', 'ms', leg.latency, { digits: 1, noiseKey: `leg${i}-latency` }),
      series(input, 'packet_loss', '%', leg.loss, { digits: 2, jitter: 0.3, noiseKey: `leg${i}-loss` }),
    ],
  }));
}

interface HopSpec {
  ip: string;
  mac?: string;
  vendor?: string;
  latency: number;
  unresponsive?: boolean;
}

function legHops(input: TraceResultInput): HopSpec[][] {
  const m = metrics(input);
  const rng = new Rng('hops', input.seed, input.device.id);
  const dest = `52.${rng.int(96, 114)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
  return [
    [
      { ip: '192.168.1.1', mac: `a4:2b:b0:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`, vendor: 'TP-Link', latency: m.firstHop },
      { ip: `100.64.${rng.int(0, 255)}.1`, latency: m.clientEgress.latency },
    ],
    [
      { ip: `203.0.113.${rng.int(1, 254)}`, latency: m.clientEgress.latency + 3 },
      { ip: '', latency: 0, unresponsive: true },
      { ip: `165.225.${rng.int(16, 63)}.${rng.int(1, 254)}`, latency: m.clientEgress.latency + m.egressZen.latency },
    ],
    [
      { ip: `10.66.${rng.int(0, 255)}.1`, latency: m.clientEgress.latency + m.egressZen.latency + 2 },
      { ip: dest, latency: m.clientEgress.latency + m.egressZen.latency + m.zenDest.latency },
    ],
  ];
}

/** `GET .../cloudpath`: hop-by-hop data per leg, one entry per collected minute. */
export function cloudPath(input: TraceResultInput): unknown[] {
  if (!input.cloudPathProbe) return [];
  const rng = new Rng('cloudpath', input.seed, input.traceId);
  const legs = legMetrics(input);
  const hopsPerLeg = legHops(input);
  return Array.from({ length: input.minutes }, (_, minute) => ({
    timestamp: input.startSec + minute * (input.stepSeconds ?? 60),
    cloudpath: legs.map((leg, i) => {
      const specs = hopsPerLeg[i] ?? [];
      const sent = 10;
      const hops = specs.map((hop) => {
        if (hop.unresponsive) {
          return { ip: '*', gw_mac: '', gw_mac_vendor: '', pkt_sent: sent, pkt_rcvd: 0, latency_min: 0, latency_max: 0, latency_avg: 0, latency_diff: 0 };
        }
        const avg = Math.round(hop.latency * (1 + rng.float(-0.1, 0.1)) * 10) / 10;
        const spread = Math.max(0.5, avg * 0.25);
        return {
          ip: hop.ip,
          gw_mac: hop.mac ?? '',
          gw_mac_vendor: hop.vendor ?? '',
          pkt_sent: sent,
          pkt_rcvd: sent - Math.min(sent, Math.round((leg.loss / 100) * sent * rng.float(0.5, 1.5))),
          latency_min: Math.round((avg - spread / 2) * 10) / 10,
          latency_max: Math.round((avg + spread) * 10) / 10,
          latency_avg: avg,
          latency_diff: Math.round(spread * 10) / 10,
        };
      });
      return {
        src: LEGS[i],
        dst: i === 2 ? (input.app?.host ?? LEGS[3]) : LEGS[i + 1],
        num_hops: specs.length,
        latency: Math.round(leg.latency * (1 + rng.float(-0.1, 0.1)) * 10) / 10,
        loss: Math.round(leg.loss * rng.float(0.7, 1.3) * 100) / 100,
        num_unresp_hops: specs.filter((h) => h.unresponsive).length,
        tunnel_type: i === 1 ? 'ZTunnel 2.0' : 'none',
        hops,
      };
    }),
  }));
}

/** `GET .../health-metrics`: CPU, memory, disk, network and Wi-Fi. Empty without `probe_device`. */
export function healthMetrics(input: TraceResultInput): unknown[] {
  if (!input.probeDevice) return [];
  const m = metrics(input);
  return [
    { category: 'cpu', instances: [{ metric: 'total', metrics: [series(input, 'pct_total', '%', m.cpu, { jitter: 0.05, max: 100 })] }] },
    {
      category: 'memory',
      instances: [{ metric: 'total', metrics: [series(input, 'pct_used', '%', m.memory, { jitter: 0.03, max: 100 })] }],
    },
    { category: 'disk', instances: [{ metric: 'C:', metrics: [series(input, 'pct_used', '%', m.disk, { jitter: 0.01, max: 100 })] }] },
    {
      category: 'network',
      instances: [{ metric: 'Wi-Fi', metrics: [series(input, 'bandwidth_in_kbps', 'kbps', m.wifiSignal * 1200), series(input, 'bandwidth_out_kbps', 'kbps', m.wifiSignal * 300)] }],
    },
    {
      category: 'wifi',
      instances: [
        {
          metric: 'Wi-Fi',
          metrics: [series(input, 'signal_quality', '%', m.wifiSignal, { jitter: 0.08, max: 100 }), negated(series(input, 'rssi', 'dBm', -m.rssi, { jitter: 0.04 }))],
        },
      ],
    },
  ];
}

interface EventSpec {
  minute: number;
  category: string;
  name: string;
  display_name: string;
  prev: string;
  curr: string;
}

function eventSpecs(input: TraceResultInput): EventSpec[] {
  switch (input.device.profile) {
    case 'poor-wifi':
      return [
        { minute: 0, category: 'Network', name: 'wifi_bssid', display_name: 'Wi-Fi Access Point Change', prev: 'a4:2b:b0:11:22:31', curr: 'a4:2b:b0:11:22:47' },
        { minute: 1, category: 'Network', name: 'network_interface', display_name: 'Network Interface Change', prev: 'Wi-Fi', curr: 'Ethernet 2' },
        { minute: 2, category: 'Network', name: 'network_interface', display_name: 'Network Interface Change', prev: 'Ethernet 2', curr: 'Wi-Fi' },
        { minute: 3, category: 'Network', name: 'wifi_ssid', display_name: 'Wi-Fi SSID Change', prev: 'Corp-5G', curr: 'Corp-Guest' },
      ];
    case 'high-cpu':
      return [{ minute: 1, category: 'Software', name: 'software_update', display_name: 'Software Update', prev: '4.18.24080.9', curr: '4.18.24090.11' }];
    case 'zscaler-latency':
      return [{ minute: 0, category: 'Zscaler', name: 'zen_change', display_name: 'Zscaler Service Edge Change', prev: 'San Jose IV', curr: 'Washington DC III' }];
    default:
      return [];
  }
}

/** `GET .../events`: Zscaler, hardware, software and network change events by minute. */
export function events(input: TraceResultInput): unknown[] {
  const byMinute = new Map<number, EventSpec[]>();
  for (const spec of eventSpecs(input)) {
    if (spec.minute >= input.minutes) continue;
    byMinute.set(spec.minute, [...(byMinute.get(spec.minute) ?? []), spec]);
  }
  return [...byMinute.entries()].map(([minute, specs]) => ({
    timestamp: input.startSec + minute * (input.stepSeconds ?? 60),
    [input.eventsInnerKey]: specs.map(({ category, name, display_name, prev, curr }) => ({ category, name, display_name, prev, curr })),
  }));
}

const PROCESSES = {
  Windows: { heavyCpu: 'MsMpEng.exe', heavyMemory: 'Teams.exe', others: ['chrome.exe', 'explorer.exe', 'OUTLOOK.EXE', 'svchost.exe', 'ZSATunnel.exe'] },
  macOS: { heavyCpu: 'mds_stores', heavyMemory: 'Microsoft Teams Helper', others: ['Google Chrome Helper', 'WindowServer', 'Microsoft Outlook', 'kernel_task', 'ZscalerTunnel'] },
} as const;

/** `GET .../top-processes`: the top CPU and memory processes per minute (heaviest first). */
export function topProcesses(input: TraceResultInput): unknown[] {
  if (!input.probeDevice) return [];
  const names = PROCESSES[input.device.os];
  const heavy = input.device.profile === 'high-cpu';
  const pid = (name: string) => 1000 + (name.length * 373) % 9000;
  const list = (first: string | undefined) => [...(first ? [first] : []), ...names.others].slice(0, 5).map((name) => ({ id: pid(name), name }));
  return Array.from({ length: input.minutes }, (_, minute) => ({
    timestamp: input.startSec + minute * 60,
    top_processes: [
      { category: 'cpu', processes: list(heavy ? names.heavyCpu : undefined) },
      { category: 'memory', processes: list(heavy ? names.heavyMemory : undefined) },
    ],
  }));
}
