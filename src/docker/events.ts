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

/**
 * The engine's container and network events, for as long as the feed runs: when the
 * stream ends (dockerd restarted) it says so through `onGap` and listens again, and
 * `onGap` is also the caller's cue that anything may have changed meanwhile. Lines
 * that are not events count as a gap too. Nothing is kept between events.
 */
export async function followEvents(
  docker: Pick<Docker, 'getEvents'>,
  timeoutMs: number,
  onEvent: (event: EngineEvent) => void,
  onGap: (why: string) => void,
  reconnectMs = RECONNECT_MS,
): Promise<EventFeed> {
  let stopped = false;
  let stream: Readable | undefined;
  let retry: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    const opened = (await withTimeout(docker.getEvents({ filters: { type: ['container', 'network'] } }), timeoutMs, 'opening the engine event stream')) as Readable;
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
        open().catch(() => {
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
