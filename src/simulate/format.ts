import type { Forecast } from './forecast.js';

const BAR = 40;

/** The forecast for a person: sends per day with a bar, per email, the last email, deferrals, outcomes. */
export function formatForecast(f: Forecast, file?: string): string {
  const out: string[] = [];
  const tz = f.timezone;
  out.push(`Forecast for ${f.scenario}${file ? ` (${file})` : ''}: ${n(f.contacts)} synthetic contacts over ${n(f.days)} days, seed ${f.seed}. Nothing is sent.`);
  out.push(`  from       ${when(f.start)} to ${when(f.horizon)} (${tz})`);
  const arrival = f.entry.kind === 'lists' ? 'list members all enter at the start' : `trigger entries spread over ${f.entry.arrivalDays} days`;
  const limits = [
    f.entry.postponed ? `${n(f.entry.postponed)} postponed by maxEntriesPerDay` : '',
    f.entry.blocked ? `${n(f.entry.blocked)} blocked a while by maxActive` : '',
  ].filter(Boolean);
  out.push(`  entry      ${arrival}; ${n(f.entry.entered)} entered${limits.length ? ` (${limits.join(', ')})` : ''}`);
  out.push(`  addresses  ${Object.entries(f.providers).map(([p, c]) => `${p} ${n(c)}`).join(', ') || 'none'}`);
  const r = f.rates;
  out.push(`  rates      open ${pct(r.open)}, click ${pct(r.click)}, reply ${pct(r.reply)}, form ${pct(r.form)}, unsubscribe ${pct(r.unsubscribe)}`);
  out.push('');

  if (f.sends.total === 0) {
    out.push('No email would go out before the horizon.');
  } else {
    out.push(`Sends per day (${tz})`);
    const max = Math.max(...f.sends.perDay.map((d) => d.sends));
    const width = Math.max(5, ...f.sends.perDay.map((d) => n(d.sends).length));
    for (const d of f.sends.perDay) {
      const bar = '#'.repeat(Math.max(1, Math.round((d.sends / max) * BAR)));
      out.push(`  ${d.date} ${d.weekday}  ${n(d.sends).padStart(width)}  ${bar}`);
    }
    out.push(`  total           ${n(f.sends.total).padStart(width)}  on ${n(f.sends.perDay.length)} day${f.sends.perDay.length === 1 ? '' : 's'}`);
  }
  out.push('');
  if (f.sends.perStep.length > 0) {
    out.push('Sends per email');
    const w = Math.max(...f.sends.perStep.map((s) => s.step.length));
    const c = Math.max(...f.sends.perStep.map((s) => n(s.sends).length));
    for (const s of f.sends.perStep) out.push(`  ${s.step.padEnd(w)}  ${n(s.sends).padStart(c)}`);
    out.push('');
  }
  if (f.sends.last && f.sends.first) {
    out.push(`Last email   ${when(f.sends.last)} (${tz}); the first goes out ${when(f.sends.first)}`);
  }
  const byProvider = Object.entries(f.deferred.quotaByProvider).map(([p, c]) => `${p} ${n(c)}`).join(', ');
  out.push(`Deferred     ${n(f.deferred.quota)} send${f.deferred.quota === 1 ? '' : 's'} by weekly quotas${byProvider ? ` (${byProvider})` : ''}, ${n(f.deferred.window)} by the send window`);
  if (f.effects.webhooks || f.effects.tasks) out.push(`Effects      ${n(f.effects.webhooks)} webhook call${f.effects.webhooks === 1 ? '' : 's'}, ${n(f.effects.tasks)} task${f.effects.tasks === 1 ? '' : 's'}`);
  const e = f.engagement;
  out.push(`Engagement   ${n(e.opened)} opened, ${n(e.clicked)} clicked, ${n(e.replied)} replied, ${n(e.formSubmitted)} forms, ${n(e.unsubscribed)} unsubscribed${e.statusChanged ? `, ${n(e.statusChanged)} status changes` : ''}`);
  out.push('');

  const o = f.outcomes;
  out.push(`Where contacts are on ${f.horizon.local}`);
  const rows: Array<[string, number, string]> = [];
  const finished = o.finished.success + o.finished.failure + o.finished.end;
  const reasons = Object.entries(o.exitReasons).map(([k, c]) => `${k} ${n(c)}`).join(', ');
  rows.push(['finished', finished, `success ${n(o.finished.success)}, failure ${n(o.finished.failure)}, end ${n(o.finished.end)}${reasons ? `; ${reasons}` : ''}`]);
  rows.push(['replied', o.replied, '']);
  const waiting = Object.entries(o.waiting).sort((a, b) => b[1] - a[1]);
  rows.push(['waiting', waiting.reduce((s, [, c]) => s + c, 0), waiting.map(([step, c]) => `${step} ${n(c)}`).join(', ')]);
  if (o.blocked) rows.push(['blocked', o.blocked, 'limits.maxActive']);
  rows.push(['error', o.error, Object.entries(o.errors).map(([k, c]) => `${n(c)}× ${k}`).join('; ')]);
  const ne = o.notEntered;
  const notEntered = ne.scheduleEnded + ne.rateLimit + ne.afterHorizon;
  if (notEntered) {
    rows.push(['not entered', notEntered, [
      ne.scheduleEnded ? `${n(ne.scheduleEnded)} after schedule.end` : '',
      ne.rateLimit ? `${n(ne.rateLimit)} over the trigger's rate limit` : '',
      ne.afterHorizon ? `${n(ne.afterHorizon)} after the horizon` : '',
    ].filter(Boolean).join(', ')]);
  }
  const cw = Math.max(...rows.map(([, c]) => n(c).length));
  for (const [label, count, detail] of rows) out.push(`  ${label.padEnd(11)} ${n(count).padStart(cw)}${detail ? `  ${detail}` : ''}`.trimEnd());
  return out.join('\n');
}

function when(i: { local: string; weekday: string }): string {
  return `${i.local.slice(0, 10)} ${i.weekday} ${i.local.slice(11)}`;
}

/** 12,345: grouped by hand, the same whatever the locale. */
function n(x: number): string {
  return String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
