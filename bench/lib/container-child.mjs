// One simulated Lambda container (bench/lib/lambda-container.ts starts it with `fork`): imports one
// bundled handler, then serves invocations over IPC. Plain ESM run by the pinned Node, no TypeScript.
import { readFileSync } from 'node:fs';

// Peak RSS of this process image in KB: Linux's VmHWM. Not `process.resourceUsage().maxRSS`: Linux
// carries the parent's high-water mark across fork + exec into it, so a child would report the bench's.
const peakRssKb = () => {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc/self/status (the memory benchmark needs Linux)');
  return Number(match[1]);
};

const started = performance.now();
const { handler } = await import(process.argv[2]);
const initMs = performance.now() - started;
if (typeof handler !== 'function') throw new Error(`${process.argv[2]} exports no handler function`);
const maxRssKbAfterInit = peakRssKb();

process.on('message', async (message) => {
  if (message.type === 'memory') {
    process.send({ id: message.id, maxRssKb: peakRssKb(), maxRssKbAfterInit, initMs, usage: process.memoryUsage() });
    return;
  }
  if (message.type !== 'invoke') return;
  const deadline = Date.now() + message.timeoutMs;
  const context = {
    ...message.context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(message.event, context);
    process.send({ id: message.id, result: result === undefined ? null : result });
  } catch (error) {
    const shaped = error instanceof Error ? error : new Error(String(error));
    process.send({ id: message.id, error: { name: shaped.name, message: shaped.message } });
  }
});
process.send({ type: 'ready' });
