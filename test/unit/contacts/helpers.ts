import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { importContacts, type ImportOptions, type ImportSummary } from '../../../src/contacts/import.js';
import type { Keys } from '../../../src/state/keys.js';
import { tempDir } from '../../helpers/temp-dir.js';

export const FIXTURES = new URL('../../fixtures/csv/', import.meta.url).pathname;

/** Imports `content` written to a temporary file, byte for byte. */
export async function importText(redis: Redis, keys: Keys, content: string | Buffer, list = 'demo', extra: Partial<ImportOptions> = {}): Promise<ImportSummary> {
  const dir = await tempDir({ 'in.csv': content });
  return importContacts({ redis, keys, file: join(dir, 'in.csv'), list, ...extra });
}

/** Every stored contact, by email. */
export async function allContacts(redis: Redis, keys: Keys): Promise<Map<string, Record<string, unknown>>> {
  const ids = await redis.hgetall(keys.contactIds());
  const data = await redis.hgetall(keys.contactData());
  const out = new Map<string, Record<string, unknown>>();
  for (const [email, id] of Object.entries(ids)) out.set(email, JSON.parse(data[id] ?? 'null') as Record<string, unknown>);
  return out;
}

/** `[line, reason]` pairs, for compact assertions. */
export function rejections(summary: ImportSummary): Array<[number, string]> {
  return summary.rejected.map((r) => [r.line, r.reason]);
}
