import { afterAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/transports/index.js';
import { renderEmail } from '../../../src/delivery/render.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';

const email = (to: string) =>
  renderEmail({
    scenario: { name: 'sink', sender: { email: 'hello@acme.example' } },
    step: { id: 'one', subject: 'Hi' },
    templates: { html: '<p>Hi</p>' },
    contact: { id: to, email: to, fields: {} },
    secret: 'sink-test-secret-0123456789',
    messageIdDomain: 'acme.example',
  });

describe('test SMTP sink', () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('counts only, per recipient, without keeping messages', async () => {
    const sink = await startSmtpSink({ countOnly: true });
    stops.push(sink.stop);
    const transport = createTransport({ kind: 'smtp', url: sink.url });
    await Promise.all(['a@example.com', 'a@example.com', 'b@example.com'].map((to) => transport.send(email(to))));
    await transport.close();
    const stats = await sink.stats();
    expect(stats.messages).toBe(3);
    expect(stats.byRecipient).toEqual({ 'a@example.com': 2, 'b@example.com': 1 });
    expect(await sink.messages()).toEqual([]);
    await sink.reset();
    expect((await sink.stats()).messages).toBe(0);
  });

  it('applies rules set at run time, for a limited number of times', async () => {
    const sink = await startSmtpSink({ rules: [{ stage: 'data', match: '/^x@/', code: 554, times: 1 }] });
    stops.push(sink.stop);
    const transport = createTransport({ kind: 'smtp', url: sink.url });
    await expect(transport.send(email('x@example.com'))).rejects.toMatchObject({ responseCode: 554, command: 'DATA' });
    await transport.send(email('x@example.com'));
    await transport.close();
    const stats = await sink.stats();
    expect(stats.rejected.data).toBe(1);
    expect(await sink.received('x@example.com')).toBe(1);
    const [message] = await sink.messages({ to: 'x@example.com' });
    expect(message!.raw).toContain('Subject: Hi');
    await sink.stop();
    await sink.stop(); // idempotent
  });
});
