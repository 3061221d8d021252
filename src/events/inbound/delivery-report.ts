import { bareAddress } from './addresses.js';
import { field, readFieldGroups, withoutType, type FieldGroup } from './report-fields.js';

/** What the `message/delivery-status` part of an RFC 3464 report says, for the recipient that matters most. */
export interface DeliveryVerdict {
  kind: 'hard-bounce' | 'soft-bounce' | 'unmatched';
  reason: string;
  recipient?: string;
  /** RFC 3463 status, `5.1.1`. */
  status?: string;
  diagnostic?: string;
}

// Not part of a longer dotted number (an IP address in a diagnostic is not a status).
const STATUS = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;
const MAX_DIAGNOSTIC = 1000;

interface RecipientReport {
  recipient?: string;
  action?: string;
  status?: string;
  /** 5 failed for good, 4 not yet (or not at all, for a transient reason), 2 delivered or relayed. */
  statusClass?: 2 | 4 | 5;
  diagnostic?: string;
}

/** `rfc822; user@example.com` → `user@example.com`. */
function address(value: string | undefined): string | undefined {
  return value === undefined ? undefined : bareAddress(withoutType(value));
}

function classOf(digit: string | undefined): 2 | 4 | 5 | undefined {
  return digit === '5' ? 5 : digit === '4' ? 4 : digit === '2' ? 2 : undefined;
}

function readRecipient(group: FieldGroup): RecipientReport {
  const report: RecipientReport = {};
  const recipient = address(field(group, 'final-recipient')) ?? address(field(group, 'original-recipient'));
  if (recipient) report.recipient = recipient;
  const action = field(group, 'action')?.toLowerCase().trim();
  if (action) report.action = action;
  const diagnostic = withoutType(field(group, 'diagnostic-code') ?? '').replace(/\s+/g, ' ').slice(0, MAX_DIAGNOSTIC);
  if (diagnostic) report.diagnostic = diagnostic;
  // The Status field, else the enhanced code the remote server gave in its reply.
  const status = STATUS.exec(field(group, 'status') ?? '') ?? STATUS.exec(diagnostic);
  if (status) {
    report.status = `${status[1]}.${Number(status[2])}.${Number(status[3])}`;
    report.statusClass = classOf(status[1]);
  } else {
    // No enhanced code anywhere: the SMTP reply code, else what the MTA says it did.
    const reply = /^([245])\d\d\b/.exec(diagnostic);
    report.statusClass =
      classOf(reply?.[1]) ??
      (action === 'failed' ? 5 : action === 'delayed' ? 4 : action && ['delivered', 'relayed', 'expanded'].includes(action) ? 2 : undefined);
  }
  return report;
}

const RECIPIENT_FIELDS = ['final-recipient', 'original-recipient', 'action', 'status'];

/**
 * Reads a delivery-status part. A report about several recipients is summed up by the worst of
 * them (relance sends one recipient per message, so there is one in practice).
 */
export function readDeliveryStatus(content: Buffer): DeliveryVerdict {
  const recipients = readFieldGroups(content)
    .filter((group) => RECIPIENT_FIELDS.some((name) => group.has(name)))
    .map(readRecipient);
  const chosen = recipients.find((r) => r.statusClass === 5) ?? recipients.find((r) => r.statusClass === 4) ?? recipients.find((r) => r.statusClass === 2) ?? recipients[0];
  if (!chosen) return { kind: 'unmatched', reason: 'delivery report with no recipient' };
  const details = {
    ...(chosen.recipient ? { recipient: chosen.recipient } : {}),
    ...(chosen.status ? { status: chosen.status } : {}),
    ...(chosen.diagnostic ? { diagnostic: chosen.diagnostic } : {}),
  };
  const said = [chosen.action, chosen.status].filter(Boolean).join(' ');
  switch (chosen.statusClass) {
    case 5:
      return { kind: 'hard-bounce', reason: `delivery report: ${said}`, ...details };
    case 4:
      return { kind: 'soft-bounce', reason: `delivery report: ${said}`, ...details };
    case 2:
      return { kind: 'unmatched', reason: `delivery report of a success (${said}), not a bounce`, ...details };
    default:
      return { kind: 'unmatched', reason: 'delivery report with no status', ...details };
  }
}
