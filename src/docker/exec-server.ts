import { Writable } from 'node:stream';
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
export const HELPER_SHELL = [
  'lock=/tmp/docknet-answer.lock',
  'while read -r id script; do',
  '  if [ "$id" = stop ]; then kill -TERM -$(cat /tmp/docknet-$script.pid 2>/dev/null) 2>/dev/null; continue; fi',
  '  (',
  '    out=/tmp/docknet-$id.out err=/tmp/docknet-$id.err rc=/tmp/docknet-$id.rc',
  '    printf %s "$script" | base64 -d >/tmp/docknet-$id.sh',
  // a student's server may answer without end: what is kept is cut where it is written
  `    { setsid sh /tmp/docknet-$id.sh </dev/null 2>"$err" & echo $! >/tmp/docknet-$id.pid; wait $!; echo $? >"$rc"; } | head -c ${OUTPUT_LIMIT} >"$out"`,
  `    answer="$id $(cat "$rc" 2>/dev/null || echo 255) $(base64 -w 0 <"$out") $(head -c ${OUTPUT_LIMIT} "$err" | base64 -w 0)"`,
  '    until mkdir $lock 2>/dev/null; do usleep 1000; done',
  '    printf "%s\\n" "$answer"; rmdir $lock',
  '    rm -f "$out" "$err" "$rc" /tmp/docknet-$id.sh /tmp/docknet-$id.pid',
  '  ) &',
  'done',
  // the scripts still running answer before the exec ends, and leave no zombie behind
  'wait',
].join('\n');

/** Runs scripts in one container through a single exec (see HELPER_SHELL); started on first use. */
export class ExecServer {
  private started?: Promise<NodeJS.ReadWriteStream>;
  private readonly pending = new Map<number, { resolve: (r: ExecResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private ended?: Error;

  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    private readonly apiMs: number,
  ) {}

  private start(): Promise<NodeJS.ReadWriteStream> {
    this.started ??= (async () => {
      const exec = await withTimeout(
        this.container.exec({
          Cmd: ['sh', '-c', HELPER_SHELL],
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
        }),
        this.apiMs,
        'starting a helper shell (creating it)',
      );
      const stream = await withTimeout(
        exec.start({ hijack: true, stdin: true }),
        this.apiMs,
        'starting a helper shell',
        (late) => late.destroy(),
      );
      let buffered = '';
      const lines = new Writable({
        write: (chunk: Buffer, _enc, done) => {
          buffered += chunk.toString('latin1');
          let end: number;
          while ((end = buffered.indexOf('\n')) >= 0) {
            this.answer(buffered.slice(0, end));
            buffered = buffered.slice(end + 1);
          }
          done();
        },
      });
      this.docker.modem.demuxStream(stream, lines, new Writable({ write: (_c, _e, done) => done() }));
      const end = () => this.fail(new Error('the helper shell ended'));
      stream.on('end', end);
      stream.on('close', end);
      stream.on('error', (err: Error) => this.fail(err));
      return stream;
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
   * Ends the shell: its input closes, the scripts still running finish, and the exec ends
   * before the container is removed. Removing a helper (host PID namespace) whose exec still
   * ran took the engine 10 s now and then, waiting for processes it had already killed.
   * After `graceMs` what is still pending fails and the connection is cut.
   */
  async close(graceMs = 2000): Promise<void> {
    const stream = await this.started?.catch(() => undefined);
    if (stream && !this.ended) {
      const ended = new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
      });
      stream.end();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    this.fail(new Error('the grading run is over'));
    (stream as unknown as { destroy(): void } | undefined)?.destroy();
  }

  /** Runs `script` under `sh` with the limits of an exec; the engine's part is paid once. */
  async run(script: string, limits: ExecLimits): Promise<ExecResult> {
    const stream = await this.start();
    if (this.ended) throw this.ended;
    const id = ++this.next;
    const ms = limits.commandMs + limits.apiMs;
    return new Promise<ExecResult>((resolve, reject) => {
      // its time is up: the shell ends it and answers, as an exec's timeout would
      const stop = setTimeout(() => stream.write(`stop ${id}\n`), limits.commandMs);
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
      stream.write(`${id} ${Buffer.from(script).toString('base64')}\n`);
    });
  }
}
