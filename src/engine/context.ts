import type { HostView } from '../docker/host.js';
import type { ProbeSession } from '../docker/probe.js';
import type { EngineInfo } from './check.js';

/** What every check may use: a cached view of the engine and the run's probes. */
export interface GradingContext {
  host: HostView;
  probes: ProbeSession;
  engine: EngineInfo;
}
