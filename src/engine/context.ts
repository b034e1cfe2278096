import type { EngineInfo } from '../docker/client.js';
import type { FirewallView } from './firewall-view.js';
import type { Host, Probes } from './views.js';

/** What every check may use: cached views of the engine and the host's firewall, and the run's probes. */
export interface GradingContext {
  host: Host;
  probes: Probes;
  engine: EngineInfo;
  /** read on first use only: most exercises never look at iptables */
  firewall: FirewallView;
}
