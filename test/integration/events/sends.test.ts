import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFirstSend, findSend } from '../../../src/events/sends.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { addContacts, install, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { header, parseMime } from '../../unit/delivery/mime.js';

/** Every send is indexed by its Message-ID when it goes: a reply or a bounce finds the exact send. */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });

describe('the send index', () => {
  it('finds a send by the Message-ID it went with, and by the VERP id of its envelope sender', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('intro', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    const T0 = Date.parse('2026-06-01T08:00:00Z');
    const [ada] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000).toISOString());

    const [message] = await sink.messages({ to: 'ada@example.org' });
    const messageId = header(parseMime(message!.raw!), 'Message-ID')!;
    const verp = /^bounces\+([0-9a-f]{32})@/.exec(message!.from)?.[1];
    expect(verp).toBe(messageId.slice(1, 33));
    const [field] = Object.keys(await redis.hgetall(keys.ledger('intro')));
    const visit = Number(field!.split('|')[2]);
    const send = { scenario: 'intro', contactId: ada, step: 'hello', visit };
    expect(await findSend(redis, keys, messageId)).toEqual(send);
    expect(await findSend(redis, keys, verp!)).toEqual(send);
    // A reply's References: other clients' ids first, ours somewhere; a stranger's id finds nothing.
    expect(await findFirstSend(redis, keys, ['<CAF1=x@mail.gmail.com>', `<${'0'.repeat(32)}@example.org>`, messageId])).toEqual(send);
    expect(await findSend(redis, keys, `<${'0'.repeat(32)}@example.org>`)).toBeUndefined();
    expect(await findFirstSend(redis, keys, ['<CAF1=x@mail.gmail.com>'])).toBeUndefined();
  });
});
