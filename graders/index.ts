import type { Grader } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { aliasDns } from './alias-dns.js';
import { dockerUserFirewall } from './docker-user-firewall.js';
import { fixedIp } from './fixed-ip.js';
import { internalNetwork } from './internal-network.js';

/** Every exercise docknet grades, in the order they are taught. */
export const graders: Grader<GradingContext>[] = [internalNetwork, fixedIp, aliasDns, dockerUserFirewall];
