import { RelanceError } from '../errors.js';

export type ImportErrorCode = 'IMPORT_NO_EMAIL_COLUMN' | 'IMPORT_EMPTY_FILE' | 'IMPORT_BAD_HEADER' | 'IMPORT_FILE_UNREADABLE' | 'IMPORT_BAD_LIST' | 'IMPORT_BAD_DELIMITER' | 'IMPORT_INTERRUPTED';

/** Exit codes from sysexits(3). */
const EXIT: Record<ImportErrorCode, number> = {
  IMPORT_NO_EMAIL_COLUMN: 65, // EX_DATAERR
  IMPORT_EMPTY_FILE: 65,
  IMPORT_BAD_HEADER: 65,
  IMPORT_FILE_UNREADABLE: 66, // EX_NOINPUT
  IMPORT_BAD_LIST: 64, // EX_USAGE
  IMPORT_BAD_DELIMITER: 64,
  IMPORT_INTERRUPTED: 75, // EX_TEMPFAIL: Redis failed mid-import; running it again is safe
};

/**
 * A contact file refused as a whole, before any contact is written (bad rows are no errors: they
 * are reported and skipped); or an import cut short by a failure of Redis or of the disk.
 */
export class ImportError extends RelanceError {
  override readonly exitCode: number;
  constructor(
    override readonly code: ImportErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.exitCode = EXIT[code];
  }
}
