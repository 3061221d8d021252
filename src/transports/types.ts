import type { RenderedEmail } from '../delivery/render.js';

export interface SendResult {
  /** Message-ID header of the message sent (the rendered one, with angle brackets). */
  messageId: string;
  /** The server's last response (`250 2.0.0 OK …`), or where the outbox wrote the file. */
  response: string;
}

/** A way to send rendered emails. Every transport in this folder has this shape. */
export interface Transport {
  /** How many messages it sends at once (an SMTP pool's connections): the engine starts no more. */
  readonly concurrency: number;
  send(mail: RenderedEmail): Promise<SendResult>;
  /** Closes connections and waits for messages in flight. */
  close(): Promise<void>;
}

/** A transport family: one folder under `src/transports/`, registered in `index.ts`. */
export interface TransportPlugin<C> {
  readonly name: string;
  createTransport(config: C): Transport;
}

/** DKIM signing (nodemailer signs the whole message before it leaves). */
export interface DkimConfig {
  domainName: string;
  keySelector: string;
  privateKey: string;
}
