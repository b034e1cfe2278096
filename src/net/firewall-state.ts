// The host's firewall as data: the filter table as parsed, where traffic from outside
// comes in, and the Docker bridges it may go to. src/docker fills it from a host, tests
// build it in memory, and the firewall grader judges it (through src/engine/firewall-view.ts).
import type { Ruleset } from './iptables.js';

/** A Linux bridge Docker made for a network (docker0, br-…) and its IPv4 subnets. */
export interface Bridge {
  name: string;
  subnets: string[];
}

export interface FirewallState {
  /** the program whose output holds Docker's chains, e.g. iptables-save */
  backend: string;
  /**
   * the whole filter table, so jumps from DOCKER-USER can be followed. A chain reachable
   * from DOCKER-USER that a second, rule-by-rule reading disputes carries `disputed`.
   */
  ruleset: Ruleset;
  /** the default route's device: traffic from outside enters the host here */
  externalInterface: string;
  /** every Docker bridge of the host, docker0 included: where containers are reached */
  bridges: Bridge[];
}
