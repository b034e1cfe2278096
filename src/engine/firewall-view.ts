// The host's firewall as the docker-user-firewall grader sees it; src/docker/host-firewall.ts
// implements it for a real host, tests with a state built in memory.
import type { FirewallState } from '../net/firewall-state.js';

/** Read once per run, on first use; a failure is one line saying what could not be read. */
export interface FirewallView {
  read(): Promise<FirewallState>;
}
