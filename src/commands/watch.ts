// `docknet check --watch`: grade, then grade again whenever the engine reports a
// change that could matter (or, for the firewall exercise, DOCKER-USER changes), and
// redraw. The grader's own probes make events too; those are not changes.
import type { Readable } from 'node:stream';
import picocolors from 'picocolors';
import type { Engine } from '../docker/client.js';
import { readDockerUser } from '../docker/host-firewall.js';
import { LABEL, OWNER } from '../docker/labels.js';
import { forStudents } from '../engine/results.js';
import type { GradingContext } from '../engine/context.js';
import type { Lang } from '../engine/exercise.js';
import type { Exercise } from '../engine/runner.js';
import { errorMessage } from '../errors.js';
import { gradeEngine, type GradingOptions } from '../grading.js';
import { consoleReporter } from '../report/console.js';
import { visible } from '../report/text.js';

/** Settles a burst of events (docker run is create, connect, start) into one re-grade. */
const DEBOUNCE_MS = 150;
const FIREWALL_POLL_MS = 2000;
const RELEVANT = {
  container: ['create', 'start', 'stop', 'die', 'kill', 'pause', 'unpause', 'restart', 'rename', 'destroy'],
  network: ['create', 'destroy', 'remove', 'connect', 'disconnect'],
};

interface EngineEvent {
  Type: string;
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export async function watchCommand(engine: Engine, exercises: Exercise<GradingContext>[], options: GradingOptions, lang: Lang = 'en'): Promise<number> {
  const live = process.stdout.isTTY === true;
  const pc = picocolors.createColors(live && picocolors.isColorSupported);
  const own = new Set<string>(); // the grader's probe containers, learnt from their create events
  let dirty = true;
  let wake: () => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(() => wake(), DEBOUNCE_MS);
  };

  const stream = (await engine.docker.getEvents({ filters: { type: ['container', 'network'] } })) as Readable;
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as EngineEvent;
      const id = event.Actor?.ID ?? '';
      const attributes = event.Actor?.Attributes ?? {};
      if (event.Type === 'container') {
        if (attributes[LABEL.owner] === OWNER) {
          own.add(id);
          continue;
        }
        if (RELEVANT.container.includes(event.Action.split(':')[0])) changed();
      } else if (event.Type === 'network' && RELEVANT.network.includes(event.Action)) {
        if (attributes.container && own.has(attributes.container)) continue;
        changed();
      }
    }
  });

  // Rule changes make no engine event: DOCKER-USER is read every few seconds where it can be (root, local engine).
  const watchesFirewall = exercises.some((e) => e.id === 'docker-user-firewall') && engine.target.options.socketPath !== undefined && process.getuid?.() === 0;
  let lastChain: string | undefined;
  const poll = watchesFirewall
    ? setInterval(() => {
        readDockerUser(options.apiTimeoutMs).then(
          (chain) => {
            if (lastChain !== undefined && chain !== lastChain) changed();
            lastChain = chain;
          },
          () => {},
        );
      }, FIREWALL_POLL_MS)
    : undefined;

  let closeProbes = async () => {};
  let stopping: NodeJS.Signals | undefined;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return; // a second Ctrl-C while the probes go changes nothing
      stopping = signal;
      void closeProbes(); // a grading in flight ends at once
      resolve();
      wake();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  try {
    while (!stopping) {
      if (dirty) {
        dirty = false;
        let text: string;
        try {
          const report = await gradeEngine(engine, exercises, options, { onSession: (close) => (closeProbes = close) });
          text = consoleReporter({ color: live && picocolors.isColorSupported, lang }).render({ kind: 'report', report: forStudents(report, lang) });
        } catch (err) {
          text = `${pc.magenta('could not grade')}: ${visible(errorMessage(err))}\n`;
        }
        if (stopping) break;
        const stamp = pc.dim(`graded at ${new Date().toLocaleTimeString()} · watching for changes (Ctrl-C to stop)`);
        process.stdout.write(live ? `\x1b[2J\x1b[H${text}\n${stamp}\n` : `${text}\n${stamp}\n\n`);
      }
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
    }
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    stream.destroy();
    await closeProbes();
  }
  return stopping === 'SIGTERM' ? 143 : 130;
}
