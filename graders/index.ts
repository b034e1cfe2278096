import type { Grader } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { internalNetwork } from './internal-network.js';

/** Every exercise docknet grades, in the order they are taught. */
export const graders: Grader<GradingContext>[] = [internalNetwork];
