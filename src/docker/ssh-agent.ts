// The Engine API over SSH on one connection. docker-modem's own ssh:// transport
// opens a new SSH connection (handshake, authentication, a login) for every API
// request; a grading run makes about a hundred, which costs seconds per student.
// Here one connection is opened on first use and each request gets a channel on it:
// forwarded to the engine's socket, or, where the server refuses that, running
// `docker system dial-stdio` as the docker CLI does (about 100 ms more per request).
import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { HostKeyError, type HostKeyCheck } from './known-hosts.js';

const ENGINE_SOCKET = '/var/run/docker.sock';

/** What Node's Agent calls on a kept-alive socket and a channel lacks; the SSH connection's own socket keeps alive. */
const SOCKET_ONLY = {
  setKeepAlive() {
    return this;
  },
  setTimeout() {
    return this;
  },
  ref() {
    return this;
  },
  unref() {
    return this;
  },
};

export class SshAgent extends Agent {
  private client?: Promise<Client>;
  private forwardRefused = false;

  /** `hostKey` is made for each connection: known_hosts may have gained the key meanwhile. */
  constructor(
    private readonly config: ConnectConfig,
    private readonly hostKey: () => HostKeyCheck,
    options: AgentOptions = {},
  ) {
    // A channel is kept for the next request, as tcp+TLS keeps its connection: opening one
    // costs a round trip, and through `docker system dial-stdio` a process on the server.
    super({ keepAlive: true, ...options });
  }

  private connection(): Promise<Client> {
    // ssh2 and its ciphers load only for an ssh:// engine: every other start is spared them
    this.client ??= import('ssh2').then(
      ({ Client }) =>
        new Promise<Client>((resolve, reject) => {
          let check: HostKeyCheck;
          try {
            check = this.hostKey();
          } catch (err) {
            this.client = undefined;
            return reject(err);
          }
          // ssh2 ends the handshake when the verifier says no, before authentication or any request
          let refused: string | undefined;
          const hostVerifier = (key: Buffer) => !(refused = check.verify(key));
          const config: ConnectConfig = {
            ...this.config,
            hostVerifier,
            ...(check.algorithms && { algorithms: { serverHostKey: check.algorithms as ServerHostKeyAlgorithm[] } }),
          };
          const client = new Client();
          client
            .once('ready', () => {
              client.setNoDelay(true); // our side too: an HTTP request is several small writes
              void markInteractive(client).then(() => resolve(client));
            })
            .once('error', (err) => {
              this.client = undefined;
              reject(refused ? new HostKeyError(refused) : err);
            })
            .once('close', () => {
              this.client = undefined;
            })
            .connect(config);
        }),
    );
    return this.client;
  }

  private async channel(): Promise<ClientChannel> {
    const client = await this.connection();
    if (!this.forwardRefused) {
      try {
        return await new Promise<ClientChannel>((resolve, reject) =>
          client.openssh_forwardOutStreamLocal(ENGINE_SOCKET, (err, channel) => (err ? reject(err) : resolve(channel))),
        );
      } catch {
        this.forwardRefused = true;
      }
    }
    return new Promise<ClientChannel>((resolve, reject) =>
      client.exec('docker system dial-stdio', (err, channel) => (err ? reject(err) : resolve(channel))),
    );
  }

  // Node's Agent asks for a socket per request; a channel is a Duplex, which is all http needs,
  // but for what keeping it alive asks of a socket: here the SSH connection holds all that.
  override createConnection(_options: unknown, callback: (err: Error | null, stream?: Duplex) => void): undefined {
    this.channel().then(
      (channel) => callback(null, Object.assign(channel, SOCKET_ONLY) as unknown as Duplex),
      (err: Error) => callback(err),
    );
    return undefined;
  }

  /** Closes the SSH connection; a later request would open a new one. */
  override destroy(): void {
    super.destroy();
    void this.client?.then(
      (c) => c.end(),
      () => {},
    );
    this.client = undefined;
  }
}

/**
 * OpenSSH decides once per connection, at its first session, whether the
 * connection is interactive, and only then turns Nagle's algorithm off. Without
 * that, every small API answer waits about 40 ms for a delayed ACK. A first
 * session with a terminal running `true` makes it interactive; if the server
 * refuses a terminal, requests are merely slower.
 */
function markInteractive(client: Client): Promise<void> {
  return new Promise((resolve) => {
    client.exec('true', { pty: true }, (err, channel) => {
      if (err) return resolve();
      channel.on('close', () => resolve()).resume();
    });
  });
}
