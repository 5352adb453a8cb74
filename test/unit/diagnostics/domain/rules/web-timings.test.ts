import { webTimings } from '../../../../../lambdas/diagnostics/domain/rules/web-timings.js';
import type { TraceEvidence } from '../../../../../lambdas/diagnostics/domain/workflow-state.js';
import { blames, evidence, stats } from './support.js';

function timings(web: TraceEvidence['web']) {
  return webTimings(evidence({ web }));
}

describe('web timing rules', () => {
  it('lists the breakdown when any timing was measured, and records each timing as a metric', () => {
    expect(timings({ pageFetchMs: stats(900) })).toEqual({ findings: [], metrics: {} });

    const result = timings({ dnsMs: stats(0), serverResponseMs: stats(50) });
    expect(result.findings).toEqual([{ rule: 'web.breakdown', facts: { dnsMs: 0, tcpMs: undefined, sslMs: undefined, serverResponseMs: 50 } }]);
    expect(result.metrics).toEqual({ dnsMs: 0, serverResponseMs: 50 });
  });

  it.each([
    [299, []],
    [300, [['web.dns', 'network', 2]]],
    [799, [['web.dns', 'network', 2]]],
    [800, [['web.dns', 'network', 3]]],
  ])('DNS of %d ms without a page fetch: %j (DNS_SLOW_MS, DNS_VERY_SLOW_MS)', (dns, expected) => {
    expect(blames(timings({ dnsMs: stats(dns) }))).toEqual(expected);
  });

  it.each([
    [100, 333, [['web.dns', 'network', 2]]],
    [100, 334, []],
    [99, 100, []],
  ])('DNS of %d ms in a %d ms page fetch: %j (DNS_NOTICEABLE_MS, DNS_SHARE_OF_FETCH)', (dns, fetch, expected) => {
    expect(blames(timings({ dnsMs: stats(dns), pageFetchMs: stats(fetch) }))).toEqual(expected);
  });

  it.each([
    [299, []],
    [300, [['web.tcp', 'network', 1.5]]],
  ])('TCP connect of %d ms: %j (TCP_SLOW_MS)', (tcp, expected) => {
    expect(blames(timings({ tcpMs: stats(tcp) }))).toEqual(expected);
  });

  it.each([
    [499, undefined, []],
    [500, undefined, [['web.tls', 'application', 1]]],
    [500, 166, [['web.tls', 'application', 1]]],
    [500, 167, []],
  ])('TLS handshake of %d ms with a %s ms TCP connect: %j (TLS_SLOW_MS, TLS_TO_TCP_RATIO)', (ssl, tcp, expected) => {
    const web = tcp === undefined ? { sslMs: stats(ssl) } : { sslMs: stats(ssl), tcpMs: stats(tcp) };
    expect(blames(timings(web)).filter(([rule]) => rule === 'web.tls')).toEqual(expected);
  });

  it('says the TCP connect took 0 ms when it was not measured', () => {
    expect(timings({ sslMs: stats(600) }).findings[1]).toMatchObject({ rule: 'web.tls', facts: { sslMs: 600, tcpMs: 0 } });
  });

  it.each([
    [999, []],
    [1000, [['web.server', 'application', 2.5]]],
    [1999, [['web.server', 'application', 2.5]]],
    [2000, [['web.server', 'application', 3.5]]],
  ])('server response of %d ms without a page fetch: %j (SERVER_SLOW_MS, SERVER_VERY_SLOW_MS)', (server, expected) => {
    expect(blames(timings({ serverResponseMs: stats(server) }))).toEqual(expected);
  });

  it.each([
    [300, 600, [['web.server', 'application', 2.5]]],
    [300, 601, []],
    [299, 500, []],
    [360, 600, [['web.server', 'application', 3.5]]],
    [359, 600, [['web.server', 'application', 2.5]]],
  ])('server response of %d ms in a %d ms page fetch: %j (SERVER_SHARE_MIN_MS, SERVER_SHARE_OF_FETCH, SERVER_DOMINANT_SHARE)', (server, fetch, expected) => {
    expect(blames(timings({ serverResponseMs: stats(server), pageFetchMs: stats(fetch) }))).toEqual(expected);
  });

  it("gives the server's share of the page fetch, when there is a page fetch", () => {
    expect(timings({ serverResponseMs: stats(1500), pageFetchMs: stats(3000) }).findings[1]).toMatchObject({ facts: { serverResponseMs: 1500, shareOfFetch: 0.5 } });
    expect(timings({ serverResponseMs: stats(1500) }).findings[1]).toMatchObject({ facts: { serverResponseMs: 1500, shareOfFetch: undefined } });
  });
});
