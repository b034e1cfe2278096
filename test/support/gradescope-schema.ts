// Gradescope's documented results.json format, as a JSON Schema kept in test/, for every test that reads one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

// ajv is no dependency of docknet's: the one that resolves (6.x, through eslint) is enough to validate a test's output
export const Ajv = createRequire(import.meta.url)('ajv') as new (opts?: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};

const validate = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(packageRoot, 'test', 'support', 'gradescope-results.schema.json'), 'utf8')) as object,
);

/** The schema's errors for `json`, or undefined when it is valid results.json. */
export function gradescopeErrors(json: unknown): string | undefined {
  return validate(json) ? undefined : JSON.stringify(validate.errors);
}
