import type { Grader } from '../src/engine/grader.js';
import type { GradingContext } from '../src/engine/context.js';
import { exerciseFolders, extraExerciseRoots } from '../src/engine/exercise.js';
import { aliasDns } from './alias-dns.js';
import { dockerUserFirewall } from './docker-user-firewall.js';
import { fixedIp } from './fixed-ip.js';
import { internalNetwork } from './internal-network.js';

// The checks written in code, found by their exercise's id. Which exercises exist, and
// in what order, is the folders' business (exercises/<id>/exercise.yaml): an exercise
// with no code here is graded from its data alone.
const code = new Map<string, Grader<GradingContext>>(
  [internalNetwork, fixedIp, aliasDns, dockerUserFirewall].map((g) => [g.id, g]),
);

/** Every exercise, the package's and those in `extraRoots` (an instructor's folders), in course order. */
export function loadGraders(extraRoots: string[] = extraExerciseRoots()): Grader<GradingContext>[] {
  return exerciseFolders(extraRoots).map((f) => ({ ...(code.get(f.id) ?? { id: f.id, checks: [] }), dir: f.dir }));
}

/** The ids that have code, so a test can prove each has its folder. */
export const codeGraderIds = [...code.keys()];

/** Every exercise docknet grades, in the order they are taught. */
// pure: the bundled CLI never reads it, so it is left out and its folders are not read at every start
export const graders: Grader<GradingContext>[] = /* @__PURE__ */ loadGraders([]);
