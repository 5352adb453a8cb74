/**
 * A minimal router: `METHOD /path/:param` patterns matched segment by segment, with 405 when the
 * path exists under another method.
 */
import type { SimulatedApi } from './config.js';
import type { Handler, ZdxTransport } from './http.js';

interface Route {
  readonly api: SimulatedApi;
  readonly method: string;
  readonly segments: readonly string[];
  readonly pattern: string;
  readonly handler: Handler;
}

/** Result of matching a method and path. */
export type RouteMatch =
  | { kind: 'found'; api: SimulatedApi; pattern: string; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed'; api: SimulatedApi; allowed: string[] }
  | { kind: 'not-found' };

/** Route table of one simulator. */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers `handler` for `method` and a pattern such as `/v1/alerts/:alertId`. */
  add(api: SimulatedApi, method: string, pattern: string, handler: Handler): this {
    this.routes.push({ api, method, pattern, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const segments = path.split('/').filter(Boolean);
    const allowed: string[] = [];
    let api: SimulatedApi | undefined;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', api: route.api, pattern: route.pattern, handler: route.handler, params };
      allowed.push(route.method);
      api = route.api;
    }
    return api ? { kind: 'method-not-allowed', api, allowed } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const value = actual[i] as string;
    if (expected.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return undefined;
      }
      params[expected.slice(1)] = decoded;
    } else if (expected.toLowerCase() !== value.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

/**
 * The door a ZDX path came through, and the route behind it. The OneAPI gateway serves the ZDX v1
 * API under `/zdx/v1` (zdx-api.md "Important orientation"): the route behind it is the legacy path.
 * ZDX's own `/v1/oauth/*` is not part of OneAPI (neither SDK calls it there; tokens come from
 * ZIdentity), so it is not routed through the prefix. `transport` is undefined for non-ZDX paths.
 */
export function zdxTransportOf(path: string): { transport: ZdxTransport | undefined; routePath: string } {
  if (!/^\/zdx\/v1(\/|$)/i.test(path)) return { transport: path === '/v1' || path.startsWith('/v1/') ? 'legacy' : undefined, routePath: path };
  const routePath = path.slice('/zdx'.length);
  return { transport: 'oneapi', routePath: /^\/v1\/oauth(\/|$)/i.test(routePath) ? `/zdx${routePath}` : routePath };
}

/** Which API a path belongs to, from its first segment (for 404s and recording). */
export function apiOfPath(path: string): SimulatedApi | undefined {
  if (zdxTransportOf(path).transport !== undefined) return 'zdx';
  if (/^\/oauth2(\/|$)/i.test(path)) return 'zidentity';
  if (/^\/(authorize|compliance|audit|onboarding)(\/|$)/i.test(path)) return 'zcspm';
  return undefined;
}
