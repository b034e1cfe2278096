import { fail, pass, type CheckSpec } from './check.js';
import type { GradingContext } from './context.js';

/** The first check of most exercises: a network with exactly this name exists. */
export function networkExists(
  name: string,
  hint: (ctx: GradingContext) => string | Promise<string>,
  expected = `a network named ${name}`,
): CheckSpec<GradingContext> {
  return {
    id: 'network-exists',
    async run(ctx) {
      if (await ctx.host.network(name)) return pass(`network ${name} exists`);
      return fail(`there is no network named ${name}`, { expected, actual: 'no such network', hint: await hint(ctx) });
    },
  };
}
