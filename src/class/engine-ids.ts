// Cloned lab VMs carry the same /var/lib/docker/engine-id, so an engine's reported ID
// names no machine. Grading keys everything by the endpoint as dialled; the IDs are
// only compared afterwards, to tell the instructor which endpoints look like clones.
import type { StudentResult } from './results.js';
import type { Student } from './roster.js';

export interface SharedEngineId {
  engineId: string;
  /** the distinct endpoints (safe to print) that reported it, in roster order */
  endpoints: string[];
  /** the students graded on those endpoints, in roster order */
  students: string[];
}

/** Engine IDs reported by more than one endpoint. Students on one endpoint sharing its ID is no news. */
export function sharedEngineIds(roster: Student[], results: Map<string, StudentResult>): SharedEngineId[] {
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

/** An ID as the engine sent it is host text: anything beyond an ID's usual characters is shown quoted and escaped. */
export function printableId(id: string): string {
  return /^[\w:.-]+$/.test(id) ? id : JSON.stringify(id).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
