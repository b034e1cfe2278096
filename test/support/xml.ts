import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../src/paths.js';

/** The JUnit schema the reports must satisfy (shared with the course's CI). */
export const JUNIT_XSD = join(packageRoot, '..', 'shared', 'schemas', 'junit-10.xsd');

/**
 * xmllint's verdict on a file: empty when valid, else its complaints. An xmllint that
 * is missing or killed has no verdict, and that is an error, never "valid".
 */
export async function schemaErrors(file: string): Promise<string> {
  const result = await execa('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { reject: false });
  if (result.exitCode === undefined)
    throw new Error(`cannot check ${file} against the JUnit schema: ${result.shortMessage}`);
  if (result.exitCode === 0) return '';
  return result.stderr || `xmllint exited with ${result.exitCode} and said nothing`;
}
