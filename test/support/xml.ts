import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../src/paths.js';

/** The JUnit schema the reports must satisfy (shared with the course's CI). */
export const JUNIT_XSD = join(packageRoot, '..', 'shared', 'schemas', 'junit-10.xsd');

/** xmllint's verdict on a file: empty when valid, else its complaints. A missing xmllint is an error, never a pass. */
export async function schemaErrors(file: string): Promise<string> {
  const result = await execa('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { reject: false });
  if (result.exitCode === undefined) throw new Error(`cannot validate ${file}: ${result.shortMessage}`);
  return result.exitCode === 0 ? '' : result.stderr || `xmllint exited with ${result.exitCode}`;
}
