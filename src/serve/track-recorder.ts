import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { TokenPayload } from '../delivery/tokens.js';
import { classify, type Classification } from '../events/bots.js';
import { recordScenarioEvents } from '../events/record-event.js';
import { visitField } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';

/** An open or a click as the route heard it: classified (bot or not) when recorded. */
export interface Hit {
  type: 'opened' | 'clicked';
  payload: TokenPayload;
  at: Date;
  userAgent: string | undefined;
  ip: string;
  /** Already known to be a bot's (a HEAD request): no need to look further. */
  bot?: Classification;
}

/** Events waiting or being recorded; past this, new ones are dropped (Redis is slow, the page must not be). */
const MAX_PENDING = 4000;
/** Batches out at once: one being recorded while the next fills. */
const MAX_BATCHES = 2;

/**
 * Records the opens and clicks the routes answered, behind their answer. Hits of one moment go
 * together: the ledger entries a click's classification needs in one read per scenario, the
 * events in one script call per scenario, the entry triggers looked at once. While batches are
 * out, new hits wait for the next, so the busier the server the fewer calls per event.
 */
export class TrackRecorder {
  private queued: Hit[] = [];
  private pending = 0;
  private batches = 0;
  private scheduled = false;
  private dropped = 0;
  private failed = 0;
  private readonly out = new Set<Promise<void>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly log: FastifyBaseLogger,
    private readonly clickSeconds: number,
    /** Told once a batch is recorded, with how many of each kind it held. */
    private readonly recorded: (type: Hit['type'], bot: boolean, n: number) => void,
  ) {}

  /** Queues a hit; false when too many are pending (it is dropped and the drop logged). */
  add(hit: Hit): boolean {
    if (this.pending >= MAX_PENDING) {
      if (this.dropped++ % 1000 === 0) this.log.warn({ dropped: this.dropped, pending: this.pending }, `too many events being recorded: an event dropped`);
      return false;
    }
    this.pending++;
    this.queued.push(hit);
    this.schedule();
    return true;
  }

  /** Records everything queued and waits for every batch out. */
  async close(): Promise<void> {
    while (this.queued.length > 0 || this.out.size > 0) {
      if (this.queued.length > 0 && this.batches < MAX_BATCHES) this.flush();
      await Promise.race([...this.out]);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.batches >= MAX_BATCHES) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.queued.length > 0 && this.batches < MAX_BATCHES) this.flush();
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    this.batches++;
    const done = this.record(batch)
      // In an outage every batch fails: log the first and then one in a hundred.
      .catch((err: unknown) => { if (this.failed++ % 100 === 0) this.log.error({ err, failed: this.failed, events: batch.length }, 'recording opens and clicks failed'); })
      .finally(() => {
        this.batches--;
        this.pending -= batch.length;
        this.out.delete(done);
        if (this.queued.length > 0) this.schedule();
      });
    this.out.add(done);
  }

  private async record(batch: Hit[]): Promise<void> {
    const delivered = await this.deliveredAt(batch);
    const events = batch.map((hit, i) => {
      const { payload: p, type, at } = hit;
      const bot = hit.bot ?? classify({
        userAgent: hit.userAgent, ip: hit.ip, kind: type === 'opened' ? 'open' : 'click', nowMs: at.getTime(),
        linkId: p.link, deliveredAtMs: delivered[i], clickSeconds: this.clickSeconds,
      });
      const detail: Record<string, string> = {};
      if (p.link !== undefined) detail.l = p.link;
      if (bot.reason) detail.r = bot.reason;
      return {
        id: p.contactId,
        event: { type, scenario: p.scenario, step: p.step, visit: p.visit, at, source: type === 'opened' ? 'pixel' as const : 'link' as const, bot: bot.bot, detail },
      };
    });
    const now = new Date(Math.max(...batch.map((h) => h.at.getTime())));
    const results = await recordScenarioEvents(this.redis, this.keys, events, now);
    // Counted by kind, one metric update a kind a batch rather than one an event.
    const kinds = new Map<string, { type: Hit['type']; bot: boolean; n: number }>();
    results.forEach((r, i) => {
      if (!r) return;
      const { type, bot } = events[i]!.event;
      const kind = kinds.get(`${type}|${bot}`);
      if (kind) kind.n++;
      else kinds.set(`${type}|${bot}`, { type, bot, n: 1 });
    });
    for (const { type, bot, n } of kinds.values()) this.recorded(type, bot, n);
  }

  /** When each click's email was delivered (ms), from its ledger entry: one read per scenario. */
  private async deliveredAt(batch: Hit[]): Promise<Array<number | undefined>> {
    const out: Array<number | undefined> = new Array(batch.length);
    const byScenario = new Map<string, number[]>();
    batch.forEach((hit, i) => {
      if (hit.type !== 'clicked' || hit.bot || hit.payload.visit === undefined) return;
      const at = byScenario.get(hit.payload.scenario);
      if (at) at.push(i);
      else byScenario.set(hit.payload.scenario, [i]);
    });
    await Promise.all([...byScenario].map(async ([scenario, at]) => {
      const entries = await this.redis.hmget(this.keys.ledger(scenario), ...at.map((i) => { const p = batch[i]!.payload; return visitField(p.contactId, p.step, p.visit!); }));
      at.forEach((i, k) => { out[i] = sentAtMs(entries[k] ?? null); });
    }));
    return out;
  }
}

/** The delivery time of a ledger entry `sent|<messageId>|<epoch s>`, in ms; undefined unless sent. */
export function sentAtMs(entry: string | null): number | undefined {
  if (!entry?.startsWith('sent|')) return undefined;
  const seconds = Number(entry.slice(entry.lastIndexOf('|') + 1));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
