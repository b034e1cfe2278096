import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { Deadline, TimeoutError, withTimeout } from '../errors.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Collects a bounded amount of a stream: a runaway command cannot exhaust memory. */
class Collector extends Writable {
  private chunks: Buffer[] = [];
  private size = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    if (this.size < OUTPUT_LIMIT) {
      this.chunks.push(chunk.subarray(0, OUTPUT_LIMIT - this.size));
      this.size += chunk.length;
    }
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface ExecLimits {
  /** how long the command itself may run */
  commandMs: number;
  /** bound on each Engine API call around it (a busy engine queues an exec before it runs) */
  apiMs: number;
}

/**
 * Runs a command in a (probe) container and waits for it. Creating, starting and
 * reading it share one limit (the command's time and an API call's); the exit
 * code is then asked with its own: an engine that stops answering is an error,
 * never a wait without end.
 */
export async function execIn(
  docker: Docker,
  container: Docker.Container,
  cmd: string[],
  limits: ExecLimits,
): Promise<ExecResult> {
  const what = `"${cmd.join(' ')}" in a probe`;
  const deadline = new Deadline(limits.commandMs + limits.apiMs);
  const exec = await deadline.step(
    container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true }),
    `${what} (creating it)`,
  );
  const stream = await deadline.step(exec.start({ hijack: true, stdin: false }), `${what} (starting it)`, (late) =>
    late.destroy(),
  );
  const stdout = new Collector();
  const stderr = new Collector();
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new TimeoutError(what, limits.commandMs + limits.apiMs));
    }, deadline.left());
    const finish = (err?: Error) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', finish);
  });
  const { ExitCode } = await withTimeout(exec.inspect(), limits.apiMs, `${what} (asking its exit code)`);
  if (ExitCode === null || ExitCode === undefined) throw new Error(`${what} ended without an exit code`);
  return { exitCode: ExitCode, stdout: stdout.text(), stderr: stderr.text() };
}
