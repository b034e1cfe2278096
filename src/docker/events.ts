import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { withTimeout } from '../errors.js';

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export interface EventFeed {
  stop(): void;
}

/** An engine that restarts takes a few seconds; asking again sooner only fills the screen. */
const RECONNECT_MS = 1000;

export interface EventHandlers {
  onEvent(event: EngineEvent): void;
  /** events may have been missed: the stream ended (dockerd restarted?) or sent what is not an event */
  onGap(why: string): void;
  /** listening again after the stream ended: anything may have changed meanwhile */
  onResumed(): void;
}

/**
 * The engine's container and network events, for as long as the feed runs: when the
 * stream ends it says so and listens again until the engine answers. Nothing is kept
 * between events.
 */
export async function followEvents(
  docker: Pick<Docker, 'getEvents'>,
  timeoutMs: number,
  handlers: EventHandlers,
  reconnectMs = RECONNECT_MS,
): Promise<EventFeed> {
  const { onEvent, onGap, onResumed } = handlers;
  let stopped = false;
  let stream: Readable | undefined;
  let retry: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    const asked = docker.getEvents({ filters: { type: ['container', 'network'] } }) as Promise<Readable>;
    // a stream that comes after the deadline is nobody's: close it rather than leak it
    asked.catch(() => {});
    const opened = await withTimeout(asked, timeoutMs, 'opening the engine event stream').catch((err: unknown) => {
      void asked.then(
        (late) => late.destroy(),
        () => {},
      );
      throw err;
    });
    if (stopped) {
      opened.destroy();
      return;
    }
    stream = opened;
    let buffered = '';
    opened.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        let event: EngineEvent;
        try {
          event = JSON.parse(line) as EngineEvent;
        } catch {
          onGap('the engine sent an event docknet cannot read');
          continue;
        }
        onEvent(event);
      }
    });
    let ended = false;
    const onEnd = () => {
      if (ended || stopped) return;
      ended = true;
      onGap("the engine's event stream ended (did dockerd restart?): listening again");
      const again = () => {
        retry = undefined;
        open().then(onResumed, () => {
          if (!stopped) retry = setTimeout(again, reconnectMs);
        });
      };
      retry = setTimeout(again, reconnectMs);
    };
    opened.on('end', onEnd);
    opened.on('close', onEnd);
    opened.on('error', onEnd);
  };

  await open();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      stream?.destroy();
    },
  };
}
