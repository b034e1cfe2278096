import type { HostView } from '../docker/host.js';
import type { ProbeSession } from '../docker/probe.js';
import type { EngineInfo } from './check.js';
import type { FirewallView } from './firewall-view.js';

/** What every check may use: cached views of the engine and the host's firewall, and the run's probes. */
export interface GradingContext {
  host: HostView;
  probes: ProbeSession;
  engine: EngineInfo;
  /** read on first use only: most exercises never look at iptables */
  firewall: FirewallView;
}
