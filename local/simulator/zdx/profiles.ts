/**
 * Typical measurements of each device profile. The probe summaries and the deep-trace results
 * both start from these, with seeded noise, so a diagnosis can tell the profiles apart:
 * poor Wi-Fi (first-hop latency, low signal, network changes), high CPU/memory (a heavy process),
 * Zscaler latency (the ZEN leg), and a slow application server (high page fetch, clean path).
 */
import type { DeviceProfile } from '../data/zdx-seed.js';

/** Average latency (ms) and loss (%) of one Cloud Path leg. */
export interface LegMetrics {
  readonly latency: number;
  readonly loss: number;
}

/** Typical measurements of one device profile. */
export interface ProfileMetrics {
  /** ZDX score of the app on this device (0..100). */
  readonly score: number;
  /** Web probe timings, ms. */
  readonly pft: number;
  readonly dns: number;
  readonly tcp: number;
  readonly ssl: number;
  readonly serverResponse: number;
  /** Cloud Path legs: client -> egress (LAN/Wi-Fi + ISP), egress -> ZEN, ZEN -> destination. */
  readonly clientEgress: LegMetrics;
  readonly egressZen: LegMetrics;
  readonly zenDest: LegMetrics;
  /** Latency of the first hop (the Wi-Fi gateway), ms. */
  readonly firstHop: number;
  /** Device health, percent. */
  readonly cpu: number;
  readonly memory: number;
  readonly disk: number;
  /** Wi-Fi signal quality (%) and RSSI (dBm). */
  readonly wifiSignal: number;
  readonly rssi: number;
}

const HEALTHY: ProfileMetrics = {
  score: 88,
  pft: 1100,
  dns: 14,
  tcp: 22,
  ssl: 45,
  serverResponse: 260,
  clientEgress: { latency: 4, loss: 0 },
  egressZen: { latency: 11, loss: 0 },
  zenDest: { latency: 18, loss: 0 },
  firstHop: 2,
  cpu: 18,
  memory: 46,
  disk: 52,
  wifiSignal: 86,
  rssi: -52,
};

/** Measurements per profile; degraded profiles differ from `healthy` only where their problem lies. */
export const PROFILE_METRICS: Record<DeviceProfile, ProfileMetrics> = {
  healthy: HEALTHY,
  'poor-wifi': {
    ...HEALTHY,
    score: 41,
    pft: 4700,
    dns: 140,
    tcp: 320,
    ssl: 410,
    serverResponse: 300,
    clientEgress: { latency: 185, loss: 7.5 },
    firstHop: 165,
    wifiSignal: 21,
    rssi: -82,
  },
  'high-cpu': {
    ...HEALTHY,
    score: 47,
    pft: 3900,
    dns: 35,
    tcp: 40,
    ssl: 180,
    serverResponse: 310,
    cpu: 96,
    memory: 93,
  },
  'zscaler-latency': {
    ...HEALTHY,
    score: 44,
    pft: 4300,
    dns: 30,
    tcp: 240,
    ssl: 480,
    serverResponse: 420,
    egressZen: { latency: 215, loss: 1.2 },
  },
  'app-server-slow': {
    ...HEALTHY,
    score: 36,
    pft: 6600,
    serverResponse: 5400,
  },
};
