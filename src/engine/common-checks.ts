import { fail, pass, t, type CheckSpec, type Text } from './grader.js';
import type { GradingContext } from './context.js';
import { endpointOn, type Container, type Endpoint, type Network } from './views.js';

/** A container with an endpoint on a network, and that endpoint. */
export interface Attachment {
  container: Container;
  endpoint: Endpoint;
}

/** Every container with an endpoint on `network`, running or not. */
export async function attachmentsOn(ctx: GradingContext, network: Network): Promise<Attachment[]> {
  return (await ctx.host.containersOn(network)).map((container) => ({
    container,
    endpoint: endpointOn(container, network)!,
  }));
}

/** The first check of most exercises: a network with exactly this name exists. */
export function networkExists(
  name: string,
  hint: (ctx: GradingContext) => Text | Promise<Text>,
  expected: Text = t(`a network named ${name}`, `${name} 이라는 이름의 네트워크`),
): CheckSpec<GradingContext> {
  return {
    id: 'network-exists',
    async run(ctx) {
      if (await ctx.host.network(name)) return pass(t(`network ${name} exists`, `${name} 네트워크가 있습니다`));
      return fail(t(`there is no network named ${name}`, `${name} 네트워크가 없습니다`), {
        expected,
        actual: t('no such network', '해당 네트워크 없음'),
        hint: await hint(ctx),
      });
    },
  };
}
