import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { TimeoutError } from '../errors.js';

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

/** Runs a command in a (probe) container and waits for it, at most `timeoutMs`. */
export async function execIn(docker: Docker, container: Docker.Container, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new Collector();
  const stderr = new Collector();
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new TimeoutError(`"${cmd.join(' ')}" in a probe`, timeoutMs));
    }, timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', finish);
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode === null || ExitCode === undefined) throw new Error(`"${cmd.join(' ')}" in a probe ended without an exit code`);
  return { exitCode: ExitCode, stdout: stdout.text(), stderr: stderr.text() };
}
