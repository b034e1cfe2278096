import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { TimeoutError, withTimeout } from '../errors.js';
import type { ExecLimits, ExecResult } from './exec.js';

/** Bytes of a script's stdout and of its stderr kept, as an exec's output is cut. */
const OUTPUT_LIMIT = 64 * 1024;

/**
 * The shell a helper runs on one long exec: each line asks for a script (an ID and the
 * script in base64), which runs at once in the background; each answer is one line (the
 * ID, the exit code, stdout and stderr in base64), written under a lock so that answers
 * never interleave. An exec costs the engine a runc process and on a busy engine they
 * queue behind each other; a fork inside the helper costs almost nothing.
 *
 * "stop ID" ends script ID, with what it started (its own process group), when its time
 * is up: the grader keeps the time. A watcher process in here would outlive its script
 * (busybox's timeout leaves one behind for up to a second after every command), and
 * removing a helper, which shares the host's PID namespace, with such orphans in it took
 * the engine 10 s now and then.
 */
export function helperShell(dir: string, ownsDir = false): string {
  return [
    `d='${dir}'`,
    'lock=$d/docknet-answer.lock',
    'while read -r id script; do',
    '  if [ "$id" = stop ]; then kill -TERM -$(cat $d/docknet-$script.pid 2>/dev/null) 2>/dev/null; continue; fi',
    '  (',
    '    out=$d/docknet-$id.out err=$d/docknet-$id.err rc=$d/docknet-$id.rc',
    '    printf %s "$script" | base64 -d >$d/docknet-$id.sh',
    // a student's server may answer without end: what is kept is cut where it is written
    `    { setsid sh $d/docknet-$id.sh </dev/null 2>"$err" & echo $! >$d/docknet-$id.pid; wait $!; echo $? >"$rc"; } | head -c ${OUTPUT_LIMIT} >"$out"`,
    `    answer="$id $(cat "$rc" 2>/dev/null || echo 255) $(base64 -w 0 <"$out") $(head -c ${OUTPUT_LIMIT} "$err" | base64 -w 0)"`,
    '    until mkdir $lock 2>/dev/null; do usleep 1000; done',
    '    printf "%s\\n" "$answer"; rmdir $lock',
    '    rm -f "$out" "$err" "$rc" $d/docknet-$id.sh $d/docknet-$id.pid',
    '  ) &',
    'done',
    // the scripts still running answer before the shell ends, and leave no zombie behind;
    // a server started for the run (the sentinel) ends with it
    'wait',
    'for f in $d/*/pid; do if [ -f "$f" ]; then kill -9 $(cat "$f"); fi; done 2>/dev/null',
    // a directory of its own goes too, even when docknet was killed (its input then ends)
    ...(ownsDir ? ['cd / && rm -rf "$d"'] : []),
  ].join('\n');
}

/** The helper's shell in a helper container, whose /tmp is its own. */
export const HELPER_SHELL = helperShell('/tmp');

/** The helper's shell once it runs: its input, its answers (stdout), and its end. */
export interface ShellConnection {
  input: NodeJS.WritableStream;
  output: NodeJS.ReadableStream;
  /** settles when the shell's output has ended */
  ended: Promise<void>;
  /** cuts it off at once */
  destroy(): void;
}

/** The helper's shell on one long exec in a helper container. */
export function execShell(docker: Docker, container: Docker.Container, apiMs: number): () => Promise<ShellConnection> {
  return async () => {
    const exec = await withTimeout(
      container.exec({ Cmd: ['sh', '-c', HELPER_SHELL], AttachStdin: true, AttachStdout: true, AttachStderr: true }),
      apiMs,
      'starting a helper shell (creating it)',
    );
    const stream = await withTimeout(
      exec.start({ hijack: true, stdin: true }),
      apiMs,
      'starting a helper shell',
      (late) => late.destroy(),
    );
    const output = new PassThrough();
    docker.modem.demuxStream(stream, output, new Writable({ write: (_c, _e, done) => done() }));
    const ended = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    return { input: stream, output, ended, destroy: () => (stream as unknown as { destroy(): void }).destroy() };
  };
}

/**
 * The helper's shell as a process of this machine, under `busybox` (the probe image's own,
 * byte for byte), with its files in `dir`. In a process group of its own: a terminal's ^C
 * is docknet's to handle, which then ends the shell and what it started.
 */
export function localShell(busybox: string, dir: string): () => Promise<ShellConnection> {
  return async () => {
    // only busybox on the PATH (dir holds a link to it): every applet runs from it, never a tool of the host's
    symlinkSync(busybox, join(dir, 'busybox'));
    const child = spawn(busybox, ['sh', '-c', helperShell(dir, true)], {
      cwd: dir,
      env: { PATH: dir },
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    const ended = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    return { input: child.stdin, output: child.stdout, ended, destroy: () => child.kill('SIGKILL') };
  };
}

/** Runs scripts through one helper's shell (see HELPER_SHELL); it starts on first use. */
export class ExecServer {
  private started?: Promise<ShellConnection>;
  private readonly pending = new Map<number, { resolve: (r: ExecResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private ended?: Error;

  constructor(private readonly connect: () => Promise<ShellConnection>) {}

  private start(): Promise<ShellConnection> {
    this.started ??= (async () => {
      const shell = await this.connect();
      let buffered = '';
      shell.output.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        let end: number;
        while ((end = buffered.indexOf('\n')) >= 0) {
          this.answer(buffered.slice(0, end));
          buffered = buffered.slice(end + 1);
        }
      });
      shell.input.on('error', (err: Error) => this.fail(err));
      void shell.ended.then(() => this.fail(new Error('the helper shell ended')));
      return shell;
    })().catch((err: Error) => {
      this.fail(err);
      throw err;
    });
    return this.started;
  }

  private answer(line: string): void {
    const [id, code, out = '', err = ''] = line.split(' ');
    const waiting = this.pending.get(Number(id));
    if (!waiting) return;
    this.pending.delete(Number(id));
    const text = (b64: string) => Buffer.from(b64, 'base64').subarray(0, OUTPUT_LIMIT).toString('utf8');
    waiting.resolve({ exitCode: Number(code), stdout: text(out), stderr: text(err) });
  }

  private fail(err: Error): void {
    this.ended ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }

  /** The shell ended or never started: nothing more runs through it. */
  get hasEnded(): boolean {
    return this.ended !== undefined;
  }

  /**
   * Ends the shell: its input closes, the scripts still running finish, and the shell ends
   * before its container is removed. Removing a helper (host PID namespace) whose exec still
   * ran took the engine 10 s now and then, waiting for processes it had already killed.
   * After `graceMs` what is still pending fails and the shell is cut off.
   */
  async close(graceMs = 2000): Promise<void> {
    const shell = await this.started?.catch(() => undefined);
    if (shell && !this.ended) {
      shell.input.end();
      await Promise.race([shell.ended, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    this.fail(new Error('the grading run is over'));
    shell?.destroy();
  }

  /** Runs `script` under `sh` with the limits of an exec; the engine's part is paid once. */
  async run(script: string, limits: ExecLimits): Promise<ExecResult> {
    const { input } = await this.start();
    if (this.ended) throw this.ended;
    const id = ++this.next;
    const ms = limits.commandMs + limits.apiMs;
    return new Promise<ExecResult>((resolve, reject) => {
      // its time is up: the shell ends it and answers, as an exec's timeout would
      const stop = setTimeout(() => input.write(`stop ${id}\n`), limits.commandMs);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`a script in the helper`, ms));
      }, ms);
      const settle = () => {
        clearTimeout(stop);
        clearTimeout(timer);
      };
      this.pending.set(id, {
        resolve: (r) => {
          settle();
          resolve(r);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      input.write(`${id} ${Buffer.from(script).toString('base64')}\n`);
    });
  }
}
