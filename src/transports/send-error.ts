/**
 * What a failed send means for the engine (SPEC 3.3): a temporary failure is retried with
 * backoff; a permanent one is not retried, and when it is a hard bounce (the address itself was
 * refused) the address is suppressed.
 */

export type SendErrorClass = 'temporary' | 'permanent';

export interface SendErrorInfo {
  class: SendErrorClass;
  /** The recipient address was refused for good: suppress it (only ever true when permanent). */
  hardBounce: boolean;
  /** SMTP reply code (e.g. 550), when the server answered. */
  responseCode?: number;
  /** Enhanced status code (RFC 3463), e.g. `5.1.1`. */
  enhancedCode?: string;
  /** nodemailer / Node error code: `EENVELOPE`, `ESOCKET`, `ECONNREFUSED`… */
  code?: string;
  /** SMTP command that failed: `RCPT TO`, `DATA`, `AUTH PLAIN`, `CONN`… */
  command?: string;
  message: string;
}

/** Network-level failures: the message never reached a verdict, try again later. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKET', 'ECONNECTION', 'EPIPE', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'EDNS', 'ETLS', 'EADDRNOTAVAIL', 'EPROTOCOL',
]);

/** 5xx replies about our own credentials (RFC 4954): a configuration problem, not the recipient's. */
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

export function describeSendError(err: unknown): SendErrorInfo {
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof field(err, 'code') === 'string' ? (field(err, 'code') as string) : undefined;
  const command = typeof field(err, 'command') === 'string' ? (field(err, 'command') as string) : undefined;
  const response = typeof field(err, 'response') === 'string' ? (field(err, 'response') as string) : undefined;
  let responseCode = typeof field(err, 'responseCode') === 'number' ? (field(err, 'responseCode') as number) : undefined;
  if (responseCode === undefined && response) {
    const m = /^([2-5]\d\d)\b/.exec(response);
    if (m) responseCode = Number(m[1]);
  }
  const enhancedCode = response ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1] : undefined;
  const info: SendErrorInfo = { class: 'temporary', hardBounce: false, message };
  if (responseCode !== undefined) info.responseCode = responseCode;
  if (enhancedCode !== undefined) info.enhancedCode = enhancedCode;
  if (code !== undefined) info.code = code;
  if (command !== undefined) info.command = command;

  if (responseCode !== undefined && responseCode >= 500 && responseCode <= 599) {
    const authProblem = code === 'EAUTH' || command?.startsWith('AUTH') === true || AUTH_REPLY_CODES.has(responseCode) || enhancedCode === '5.7.8';
    if (!authProblem) {
      info.class = 'permanent';
      // The address itself was refused (at RCPT TO, or a 5.1.x "bad address" / 5.2.1 "disabled" status anywhere).
      info.hardBounce = command === 'RCPT TO' || /^5\.1\.\d+$/.test(enhancedCode ?? '') || enhancedCode === '5.2.1';
    }
  }
  // 4xx, connection errors, auth failures, anything unknown: temporary.
  return info;
}

/**
 * `temporary` (retry with backoff) or `permanent` (do not retry). SMTP 4xx, connection errors
 * (refused, reset, timeouts, greeting never received), authentication failures and anything
 * unknown are temporary; other 5xx replies are permanent.
 */
export function classifySendError(err: unknown): SendErrorClass {
  return describeSendError(err).class;
}

/** Whether the error is a network-level failure (nothing was said about the message). */
export function isConnectionError(err: unknown): boolean {
  const code = field(err, 'code');
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}
