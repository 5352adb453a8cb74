import type { Agent } from 'undici';
// Deep imports, not `from 'undici'`: undici's index requires every API it has (fetch, WebSocket,
// caches, mocks, proxies: ~750 KB minified, all shipped and parsed at cold start in every bundle
// with an HTTP client); the Agent and the `request` API it needs are ~470 KB. Typed in
// ./undici-deep-imports.d.ts; undici is pinned in package.json, so these paths cannot move under us.
import AgentClass from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import request from 'undici/lib/api/api-request.js';

// What undici's index does with its API (`Object.assign(Dispatcher.prototype, api)`), for the one
// API this project uses: `dispatcher.request(...)`.
DispatcherClass.prototype.request ??= request;

let sharedAgent: Agent | undefined;

/**
 * A keep-alive agent with connect, headers and body timeouts bounding every phase. Create it once
 * per container: sockets survive between warm invocations.
 */
export function createHttpAgent(options: Agent.Options = {}): Agent {
  return new AgentClass({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connectTimeout: 5_000,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
    ...options,
  });
}

/** The agent every HttpClient of this container shares unless it is given its own dispatcher. */
export function sharedHttpAgent(): Agent {
  sharedAgent ??= createHttpAgent();
  return sharedAgent;
}

/** undici's global dispatcher, which Slack is sent through so that the sandbox can answer it (local/sandbox/aws-stand-ins.ts). */
export { getGlobalDispatcher } from 'undici/lib/global.js';
