import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { TimeoutError, withTimeout } from '../errors.js';
import type { ExecLimits, ExecResult } from './exec.js';

/** Bytes of a script's stdout and of its stderr kept, as an exec's output is cut. */
const OUTPUT_LIMIT = 64 * 1024;

/**
 * The shell a helper runs on one long exec: each line asks for a script (an ID, a time
 * limit, the script in base64), which runs at once in the background; each answer is one
 * line (the ID, the exit code, stdout and stderr in base64), written under a lock so that
 * answers never interleave. An exec costs the engine a runc process and on a busy engine
 * they queue behind each other; a fork inside the helper costs almost nothing.
 */
export const HELPER_SHELL = [
  'lock=/tmp/docknet-answer.lock',
  // Runs "$@" for at most $1 hundredths of a second. The limit is kept by watching, not by a
  // process beside it: busybox's timeout leaves a watcher behind for up to a second after
  // every command, and removing a helper (host PID namespace) with orphans in it took the
  // engine 10 s now and then. Polls often at first, when most commands end.
  'limited() {',
  '  lim=$1; shift; read t0 _ </proc/uptime; t0=${t0%.*}${t0#*.}; d=1000',
  '  "$@" & c=$!',
  '  while read -r _ _ st _ 2>/dev/null </proc/$c/stat && [ "$st" != Z ]; do',
  '    read t _ </proc/uptime; t=${t%.*}${t#*.}',
  '    [ $((t - t0)) -lt $lim ] || { kill $c 2>/dev/null; break; }',
  '    usleep $d; [ $d -ge 16000 ] || d=$((d * 2))',
  '  done',
  '  wait $c 2>/dev/null',
  '}',
  'while read -r id limit script; do',
  '  (',
  '    out=/tmp/docknet-$id.out err=/tmp/docknet-$id.err rc=/tmp/docknet-$id.rc',
  '    printf %s "$script" | base64 -d >/tmp/docknet-$id.sh',
  // a student's server may answer without end: what is kept is cut where it is written
  `    { limited $((limit * 100)) sh /tmp/docknet-$id.sh </dev/null 2>"$err"; echo $? >"$rc"; } | head -c ${OUTPUT_LIMIT} >"$out"`,
  `    answer="$id $(cat "$rc" 2>/dev/null || echo 255) $(base64 -w 0 <"$out") $(head -c ${OUTPUT_LIMIT} "$err" | base64 -w 0)"`,
  '    until mkdir $lock 2>/dev/null; do usleep 1000; done',
  '    printf "%s\\n" "$answer"; rmdir $lock',
  '    rm -f "$out" "$err" "$rc" /tmp/docknet-$id.sh',
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
    const limitS = Math.ceil(limits.commandMs / 1000);
    const ms = limits.commandMs + limits.apiMs;
    return new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`a script in the helper`, ms));
      }, ms);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      stream.write(`${id} ${limitS} ${Buffer.from(script).toString('base64')}\n`);
    });
  }
}
