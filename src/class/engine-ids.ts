// Cloned lab VMs carry the same /var/lib/docker/engine-id, so an engine's reported ID
// names no machine. Grading keys everything by the endpoint as dialled; the IDs are
// only compared afterwards, to tell the instructor which endpoints look like clones.
import type { SharedEngineId, StudentId, StudentResult } from '../engine/results.js';

/** Engine IDs reported by more than one endpoint. Students on one endpoint sharing its ID is no news. */
export function sharedEngineIds(roster: StudentId[], results: Map<string, StudentResult>): SharedEngineId[] {
  const byId = new Map<string, SharedEngineId>();
  for (const student of roster) {
    const result = results.get(student.id);
    if (!result?.engineId) continue;
    const entry = byId.get(result.engineId) ?? { engineId: result.engineId, endpoints: [], students: [] };
    if (!entry.endpoints.includes(result.student.where)) entry.endpoints.push(result.student.where);
    entry.students.push(student.id);
    byId.set(result.engineId, entry);
  }
  return [...byId.values()].filter((e) => e.endpoints.length > 1);
}
