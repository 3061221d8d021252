import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { applyPlan } from '../apply/apply.js';
import { resolveSecret } from '../delivery/tokens.js';
import { recordEvent } from '../events/record-event.js';
import { templateDeliverer } from '../execute/deliverer.js';
import type { Deliverer } from '../execute/effects.js';
import { Engine } from '../execute/engine.js';
import { admit } from '../enroll/admit.js';
import { completeTask, listTasks } from '../enroll/tasks.js';
import { runDoctor } from '../enroll/run-doctor.js';
import { wake } from '../enroll/wake.js';
import { IN_FLIGHT_S } from '../execute/ledger.js';
import { queuedIds } from '../schedule/queue.js';
import { httpWebhooks } from '../execute/webhook-caller.js';
import { makePlan } from '../plan/make-plan.js';
import type { Keys } from '../state/keys.js';
import { workerConnection } from '../state/redis.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { VirtualClock } from '../time/clock.js';
import { createTransport } from '../transports/index.js';
import type { ValidationResult } from '../validate/validate.js';
import { TimeQueue } from '../time/time-queue.js';
import { DEFAULT_RATES, reactions, type EngagementRates, type SyntheticEvent } from '../synthetic/engagement.js';
import { seededRandom } from '../synthetic/random.js';
import { demoReport, type DemoReport } from './report.js';
import { satisfy, syntheticContact } from '../synthetic/contacts.js';

export interface DemoOptions {
  /** Synthetic contacts per scenario. */
  contacts: number;
  /** Virtual days to run. */
  days: number;
  start: Date;
  rates: EngagementRates;
  seed: number;
  outbox: string;
}

export const DEFAULT_DEMO: DemoOptions = {
  contacts: 100, days: 400, start: new Date('2026-01-05T07:00:00Z'), rates: DEFAULT_RATES, seed: 42, outbox: '.relance/demo-outbox',
};

const DAY = 86_400_000;

/**
 * Runs the scenarios end to end on a virtual clock: applies them, gives each synthetic contacts
 * that match its entry (lists and segments, or triggers), then lets the real engine (sweep,
 * BullMQ workers, ledger, quotas, windows) run them while synthetic contacts open, click, reply
 * and submit forms. Emails go to an outbox on disk and webhooks to a local HTTP sink.
 */
export async function runDemo(redis: Redis, keys: Keys, validation: ValidationResult, paths: string[], options: DemoOptions): Promise<DemoReport> {
  const clock = new VirtualClock(options.start);
  const rnd = seededRandom(options.seed);
  const sink = await webhookSink();
  const events = new TimeQueue<SyntheticEvent>();
  const transport = createTransport({ kind: 'outbox', dir: options.outbox });
  const inner = templateDeliverer({ redis, keys, transport, secret: resolveSecret({ dir: '.relance' }), clock });
  const deliverer: Deliverer = {
    async deliver(input) {
      const sent = await inner.deliver(input);
      for (const e of reactions(options.rates, rnd, { at: clock.now().getTime(), email: input.contact.email, scenario: input.scenarioName, scenarioSpec: input.scenario, step: input.step })) events.push(e.at, 0, e);
      return sent;
    },
  };
  const workerRedis = workerConnection(redis);
  const engine = new Engine({ redis, workerRedis, keys, clock, deliverer, webhooks: httpWebhooks({ redirect: sink.url, env: { ...process.env, ...demoSecrets(validation) }, now: () => clock.now() }), workerId: 'demo', concurrency: 2 });
  const started = Date.now();
  try {
    await seedContacts(redis, keys, validation, options, rnd);
    const plan = await makePlan(redis, keys, validation, { paths, now: clock.now() });
    await applyPlan(redis, keys, plan, { now: clock.now() });
    const entered = await enterThroughTriggers(redis, keys, validation, options, rnd, clock.now());
    engine.startWorker();
    await engine.runUntil(clock, new Date(options.start.getTime() + options.days * DAY), {
      next: () => events.peekTime(),
      onTick: async (now) => {
        while ((events.peekTime() ?? Infinity) <= now.getTime()) {
          const e = events.pop()!;
          if (e.kind === 'event') await recordEvent(redis, keys, { type: e.type, email: e.email, scenario: e.scenario, step: e.step, form: e.form, at: now }).catch(() => undefined);
          else await setField(redis, keys, e.email, e.scenario, e.field, e.value, now);
        }
        // A salesperson does each call task a day after it appears.
        for (const task of await listTasks(redis, keys)) {
          if (Date.parse(task.createdAt) + DAY <= now.getTime()) await completeTask(redis, keys, task.id, now, 'engine');
        }
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const { differences } = await runDoctor(redis, keys, { now: clock.now(), inFlightSeconds: IN_FLIGHT_S, queued: () => queuedIds(engine.queue) });
    const doctor = differences.map((d) => `${d.scenario}: ${d.kind}: ${d.what}`);
    const outboxFiles = readdirSync(options.outbox).filter((f) => f.endsWith('.eml')).length;
    return await demoReport(redis, keys, { entered, start: options.start, end: clock.now(), seconds, webhookCalls: sink.calls(), outboxFiles, doctor });
  } finally {
    await engine.stop();
    await transport.close();
    workerRedis.disconnect();
    sink.server.close();
  }
}

/** Contacts for list scenarios: members of the scenario's first list, matching its segment. */
async function seedContacts(redis: Redis, keys: Keys, validation: ValidationResult, options: DemoOptions, rnd: () => number): Promise<void> {
  let n = 0;
  for (const { scenario } of validation.scenarios) {
    const lists = scenario.spec.entry.lists;
    if (!lists) continue;
    const tx = redis.multi();
    for (let i = 0; i < options.contacts; i++) {
      const id = String(++n);
      const contact = syntheticContact(n, `${scenario.metadata.name}.example`, rnd, satisfy(scenario.spec.entry.segment));
      tx.hset(keys.contactIds(), String(contact.email), id).hset(keys.contactData(), id, JSON.stringify(contact)).sadd(keys.list(lists[0]!), id).sadd(keys.lists(), lists[0]!);
    }
    await tx.set(keys.contactSeq(), n).exec();
  }
}

/** Contacts for trigger scenarios enter through their first trigger, spread over a week. */
async function enterThroughTriggers(redis: Redis, keys: Keys, validation: ValidationResult, options: DemoOptions, rnd: () => number, now: Date): Promise<Record<string, number>> {
  const entered: Record<string, number> = {};
  let n = Number((await redis.get(keys.contactSeq())) ?? 0);
  const records = await readScenarioRecords(redis, keys);
  for (const { scenario } of validation.scenarios) {
    const name = scenario.metadata.name;
    const trigger = scenario.spec.entry.triggers?.[0];
    const record = records.get(name);
    if (!trigger || scenario.spec.entry.lists || !record) continue;
    const version = await readVersion(redis, keys, name, record.digest);
    if (!version) continue;
    for (let i = 0; i < options.contacts; i++) {
      const id = String(++n);
      const contact = syntheticContact(n, `${name}.example`, rnd, satisfy(trigger.when));
      if (scenario.spec.fields?.eventDate) contact.eventDate = new Date(now.getTime() + 21 * DAY).toISOString().slice(0, 16);
      const at = Math.floor(now.getTime() / 1000) + Math.floor(rnd() * 7 * 86400);
      await redis.multi().hset(keys.contactIds(), String(contact.email), id).hset(keys.contactData(), id, JSON.stringify(contact)).exec();
      await admit(redis, keys, { scenario: name, version: record.digest.slice(0, 12), entry: version.graph.entry, now: at, due: at, cap: scenario.spec.limits?.maxActive ?? 0, ids: [id] });
    }
    await redis.set(keys.contactSeq(), n);
    entered[name] = options.contacts;
  }
  return entered;
}

async function setField(redis: Redis, keys: Keys, email: string, scenario: string, field: string, value: string, at: Date): Promise<void> {
  const id = await redis.hget(keys.contactIds(), email);
  const json = id ? await redis.hget(keys.contactData(), id) : null;
  if (!id || !json) return;
  await redis.hset(keys.contactData(), id, JSON.stringify({ ...JSON.parse(json), [field]: value }));
  await wake(redis, keys, scenario, id, at);
}

/** Webhook secrets for the demo's local sink, so signed webhooks are signed for real. */
function demoSecrets(validation: ValidationResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { scenario } of validation.scenarios) {
    for (const step of scenario.spec.steps ?? []) if (step.type === 'webhook' && step.secretEnv) out[step.secretEnv] ??= 'relance-demo-webhook-secret';
  }
  return out;
}

async function webhookSink(): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => { calls++; res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls: () => calls };
}
