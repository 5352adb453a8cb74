import { Agent } from 'undici';

let sharedAgent: Agent | undefined;

/**
 * A keep-alive agent with connect, headers and body timeouts bounding every phase. Create it once
 * per container: sockets survive between warm invocations.
 */
export function createHttpAgent(options: Agent.Options = {}): Agent {
  return new Agent({
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
