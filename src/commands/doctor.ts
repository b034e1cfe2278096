// `docknet doctor`: what is on the engine and what looks wrong; it sends no traffic.
import picocolors from 'picocolors';
import { diagnose } from '../engine/diagnosis.js';
import { GradingSession } from '../engine/session.js';
import { runCommand } from './lifecycle.js';
import { defineCommand, transportOf } from './options.js';

export const doctorCommand = defineCommand({
  command: 'doctor',
  describe:
    'what is on the engine and what looks wrong: networks, containers, overlapping subnets, names that cannot resolve, DOCKER-USER order; no traffic sent',
  builder: (y) => y,
  run: (argv) =>
    runCommand(async (life) => {
      const pc = picocolors.createColors(argv.color);
      const apiTimeoutMs = argv.apiTimeout * 1000;
      const session = await life.open(() =>
        GradingSession.open(argv.host, { apiTimeoutMs, transport: transportOf(argv) }),
      );
      const found = await life.race(() =>
        session.withProbes(apiTimeoutMs, (probes) => diagnose(session.engine, probes, apiTimeoutMs)),
      );
      const firewall = found.firewall.read
        ? `  firewall read with ${found.firewall.backend}; traffic from outside enters on ${found.firewall.externalInterface}`
        : `  ${pc.yellow(`the host's firewall could not be read: ${found.firewall.why}`)}`;
      const out = [
        pc.bold('Engine'),
        `  ${found.engine}`,
        firewall,
        '',
        pc.bold('Networks'),
        ...found.networks.map((n) => `  ${n}`),
        '',
        pc.bold('Containers'),
        ...(found.containers.length ? found.containers.map((c) => `  ${c}`) : ['  none']),
        '',
        pc.bold(found.problems.length ? `Problems (${found.problems.length})` : 'Problems'),
        ...(found.problems.length
          ? found.problems.map((p) => `  ${pc.red('✗')} ${p}`)
          : [`  ${pc.green('✓')} none found`]),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
      return found.problems.length ? 1 : 0;
    }),
});
