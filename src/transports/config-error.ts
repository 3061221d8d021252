import { RelanceError } from '../errors.js';

/** The transport configuration (SMTP_URL, DKIM_*) is wrong. */
export class TransportConfigError extends RelanceError {
  override readonly code = 'TRANSPORT_CONFIG';
}
