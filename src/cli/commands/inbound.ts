import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InboundParseError, MAX_INBOUND_BYTES, takeInbound, type InboundOutcome } from '../../events/inbound/index.js';
import { InputNotFoundError, RelanceError } from '../../errors.js';
import { withState } from '../state.js';

/** Some messages could not be read: each was reported, and the others were taken. */
export class InboundRefusedError extends RelanceError {
  override readonly code = 'INBOUND_REFUSED';
  override readonly reported = true;
}

/**
 * `relance inbound [FILE.eml | DIR | -]…`: messages that came back (replies, auto-replies,
 * delivery reports, complaints, mail to the unsubscribe address), from files, every file of a
 * folder, or standard input (a Postfix pipe: `relance inbound -`). Each becomes its event;
 * one that is not an email is reported and skipped, and the command exits 1 at the end.
 */
export async function inbound(paths: string[]): Promise<void> {
  const sources = paths.length === 0 ? ['-'] : paths.flatMap(expand);
  let refused = 0;
  await withState(async ({ redis, keys }) => {
    for (const source of sources) {
      const name = source === '-' ? 'stdin' : source;
      if (source !== '-' && statSync(source).size > MAX_INBOUND_BYTES) {
        refused++;
        process.stderr.write(`${name}: refused: over ${MAX_INBOUND_BYTES / 1024 / 1024} MB\n`);
        continue;
      }
      const raw = source === '-' ? await readStdin() : readFileSync(source);
      try {
        const result = await takeInbound(redis, keys, raw, new Date());
        process.stdout.write(`${name}: ${describe(result)}\n`);
      } catch (err) {
        if (!(err instanceof InboundParseError)) throw err;
        refused++;
        process.stderr.write(`${name}: refused: ${err.message}\n`);
      }
    }
  });
  if (refused > 0) throw new InboundRefusedError(`${refused} of ${sources.length} message(s) refused`);
}

/** A file, or every file of a folder (a maildir's `cur/`, a folder of `.eml`), in name order. */
function expand(path: string): string[] {
  if (path === '-') return [path];
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputNotFoundError(`no such file or folder: ${path}`);
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).filter((f) => f.isFile() && !f.name.startsWith('.')).map((f) => join(path, f.name)).sort();
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    // One byte past the limit is enough for the parser to refuse it: the rest is not kept.
    if (size > MAX_INBOUND_BYTES + 1) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function describe(r: InboundOutcome & { kind: string }): string {
  if (r.event === 'duplicate') return `already taken (${r.how})`;
  if (r.event === 'unmatched') return `${r.kind}: unmatched (${r.how})`;
  const where = r.scenario ? ` in ${r.scenario}/${r.step}` : '';
  const also = r.alsoIn?.length ? `; also leaves ${r.alsoIn.join(', ')}` : '';
  return `${r.kind} → ${r.event} for contact ${r.contactId}${where} (by ${r.how})${also}`;
}
