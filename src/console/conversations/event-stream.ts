/**
 * A server-sent event stream (https://html.spec.whatwg.org/multipage/server-sent-events.html) of live
 * events for conversations the caller may read: `ready` once subscribed, then `message`, `status`,
 * `conversation` and `deleted` (live-events.ts), each as one JSON `data` line, and a comment line as a
 * heartbeat. At each heartbeat the caller's session or token is resolved again, so a user who signs
 * out, is disabled or loses the role stops receiving at once; the hub's close (server shutdown) ends
 * every stream so the server can stop.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveEvent, LiveHub } from './live-events.js';

export const DEFAULT_HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting after the stream ends (the `retry` field). */
const RETRY_MS = 3_000;

export interface EventStreamOptions {
  hub: LiveHub;
  heartbeatMs: number;
  /** Whether the caller may still read these conversations (session live, user enabled, role allowed). */
  stillAllowed: () => Promise<boolean>;
}

function frame(event: LiveEvent | { type: 'ready'; conversationIds: readonly string[] }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function acceptsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

export async function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  conversationIds: readonly string[],
  options: EventStreamOptions,
): Promise<FastifyReply> {
  const { hub } = options;
  const raw = reply.raw;
  reply.hijack();
  // Headers set earlier on the reply (security headers) would be lost with hijack, so they go along.
  const earlier = Object.entries(reply.getHeaders()).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, typeof value === 'number' ? String(value) : value] as const],
  );
  raw.writeHead(200, {
    ...Object.fromEntries(earlier),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise hold the events back in their buffer.
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${RETRY_MS}\n\n`);

  let ended = false;
  let unsubscribe: () => void = () => {};
  let stopOnClose: () => void = () => {};
  const write = (text: string) => {
    if (!ended) raw.write(text);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    stopOnClose();
    raw.end();
  };
  const heartbeat = setInterval(() => {
    options
      .stillAllowed()
      .then((allowed) => (allowed ? write(': heartbeat\n\n') : end()))
      .catch((error: unknown) => {
        request.log.warn({ err: error }, 'could not check an event stream caller; ending the stream');
        end();
      });
  }, options.heartbeatMs);
  raw.on('close', end);
  stopOnClose = hub.onClose(end);
  try {
    unsubscribe = await hub.watch(conversationIds, (event) => write(frame(event)));
  } catch (error) {
    request.log.warn({ err: error }, 'could not start an event stream');
    end();
    return reply;
  }
  if (ended) unsubscribe();
  write(frame({ type: 'ready', conversationIds }));
  return reply;
}
