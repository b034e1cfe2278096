// `docknet check --watch`: grade, then grade again whenever the engine reports a
// change that could matter (or, for the firewall exercise, DOCKER-USER changes), and
// redraw. The grader's own probes make events too; those are not changes. The probes
// and sentinel last the whole watch, and a change re-grades only the exercises that
// looked at what it names.
import picocolors from 'picocolors';
import { followEvents, type EngineEvent } from '../docker/events.js';
import { readDockerUser } from '../docker/host-firewall.js';
import { createdByDocknet, knownRuns, LABEL, OWNER } from '../docker/labels.js';
import { forStudents, type ExerciseResult } from '../engine/results.js';
import type { Change, SeenNames } from '../engine/seen.js';
import type { GradingContext } from '../engine/context.js';
import type { Exercise } from '../engine/runner.js';
import type { GradingOptions, GradingSession } from '../engine/session.js';
import { errorMessage } from '../errors.js';
import { consoleReporter } from '../report/console.js';
import { visible } from '../report/text.js';
import type { Lifecycle } from './lifecycle.js';

/** Settles a burst of events (docker run is create, connect, start) into one re-grade. */
const DEBOUNCE_MS = 150;
const FIREWALL_POLL_MS = 2000;
const RELEVANT = {
  container: ['create', 'start', 'stop', 'die', 'kill', 'pause', 'unpause', 'restart', 'rename', 'destroy'],
  network: ['create', 'destroy', 'remove', 'connect', 'disconnect'],
};

const unslash = (name: string) => name.replace(/^\//, '');

/** Grades until interrupted; returns the interruption's exit code. */
export async function watch(
  session: GradingSession,
  exercises: Exercise<GradingContext>[],
  options: GradingOptions,
  life: Lifecycle,
): Promise<number> {
  const { engine } = session;
  const lang = options.lang ?? 'en';
  const live = process.stdout.isTTY === true;
  const pc = picocolors.createColors(live && picocolors.isColorSupported);
  const own = new Set<string>(); // the grader's probe containers alive now, learnt from their events
  const probes = session.keptProbes(options.apiTimeoutMs);
  const seen = new Map<string, SeenNames>();
  const last = new Map<string, ExerciseResult>();
  const touched = new Set(exercises.map((e) => e.id));
  // A change that settles while a grading runs must not be lost: it wakes the next wait at once.
  let woken = false;
  let resume: () => void = () => {};
  const wake = () => {
    woken = true;
    resume();
  };
  let timer: NodeJS.Timeout | undefined;
  /** Without a change named, anything may have changed (a firewall rule, a gap in the events). */
  const changed = (change?: Change) => {
    for (const e of exercises) {
      const result = last.get(e.id);
      const unsure = !result || result.checks.some((c) => c.status === 'error');
      if (!change || unsure || seen.get(e.id)?.touchedBy(change) !== false) touched.add(e.id);
    }
    if (touched.size === 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => wake(), DEBOUNCE_MS);
  };
  const note = (line: string) => process.stdout.write(`${pc.yellow(line)}\n`);

  const onEvent = (event: EngineEvent) => {
    const id = event.Actor?.ID ?? '';
    const attributes = event.Actor?.Attributes ?? {};
    if (event.Type === 'container') {
      // labels prove nothing (a student's container may wear them): the run records do
      if (
        own.has(id) ||
        (attributes[LABEL.owner] === OWNER &&
          createdByDocknet({ Id: id, Names: [`/${attributes.name ?? ''}`], Labels: attributes }, knownRuns()))
      ) {
        if (event.Action === 'destroy') own.delete(id);
        else own.add(id);
        return;
      }
      if (RELEVANT.container.includes(event.Action.split(':')[0]))
        changed({ names: [attributes.name, attributes.oldName].filter(Boolean).map(unslash), ids: [id] });
    } else if (event.Type === 'network' && RELEVANT.network.includes(event.Action)) {
      if (attributes.container && own.has(attributes.container)) return;
      changed({ names: attributes.name ? [attributes.name] : [], ids: [id, attributes.container].filter(Boolean) });
    }
  };

  // After a gap in the stream (an engine restart) anything may have changed: grade again once it answers.
  const feed = await followEvents(engine.docker, options.apiTimeoutMs, {
    onEvent,
    onGap: note,
    onResumed: () => {
      note('the engine answers again');
      changed();
    },
  });

  // Rule changes make no engine event: DOCKER-USER is read every few seconds where it can be (root, local engine).
  const watchesFirewall = exercises.some((e) => e.readsFirewall) && engine.target.sameHost && process.getuid?.() === 0;
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

  const stopped = new Promise<void>((resolve) => life.onInterrupt(resolve));
  life.onInterrupt(() => wake());
  try {
    while (!life.signal) {
      if (touched.size > 0) {
        const selected = exercises.filter((e) => touched.has(e.id));
        touched.clear();
        let text: string;
        try {
          await probes.renew();
          const graded = await session.grade(selected, { ...options, seen }, { probes });
          for (const r of graded.exercises) last.set(r.id, r);
          const results = exercises.map((e) => last.get(e.id)!);
          const report = {
            ...graded,
            score: results.reduce((s, r) => s + r.score, 0),
            maxScore: results.reduce((s, r) => s + r.maxScore, 0),
            exercises: results,
          };
          text = consoleReporter({ color: live && picocolors.isColorSupported, lang }).render({
            kind: 'report',
            report: forStudents(report, lang),
          });
        } catch (err) {
          selected.forEach((e) => touched.add(e.id));
          text = `${pc.magenta('could not grade')}: ${visible(errorMessage(err))}\n`;
        }
        // the student may remove the network a check asked about: the probe leaves it between gradings
        await probes.park().catch(() => {});
        if (life.signal) break;
        const stamp = pc.dim(`graded at ${new Date().toLocaleTimeString()} · watching for changes (Ctrl-C to stop)`);
        process.stdout.write(live ? `\x1b[2J\x1b[H${text}\n${stamp}\n` : `${text}\n${stamp}\n\n`);
      }
      if (!woken) await Promise.race([new Promise<void>((resolve) => (resume = resolve)), stopped]);
      woken = false;
    }
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    feed.stop();
  }
  return life.exitCode ?? 0;
}
