/**
 * Named errors with stable codes. The CLI maps them to exit codes in one place (cli/main.ts);
 * the library throws them and never calls process.exit.
 */
export class RelanceError extends Error {
  readonly code: string = 'RELANCE_ERROR';
  readonly exitCode: number = 1;
  /** True when the details were already printed (diagnostics), so the CLI adds nothing. */
  readonly reported: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line itself is wrong (unknown option, missing argument). */
export class UsageError extends RelanceError {
  override readonly code = 'USAGE';
  override readonly exitCode = 64;
}

/** Input files were read but are not valid; the diagnostics were already printed. */
export class ValidationFailedError extends RelanceError {
  override readonly code = 'VALIDATION_FAILED';
  override readonly reported = true;
  constructor(readonly errorCount: number) {
    super(`${errorCount} error${errorCount === 1 ? '' : 's'} found`);
  }
}

/** A path given on the command line does not exist or holds no scenario. */
export class InputNotFoundError extends RelanceError {
  override readonly code = 'INPUT_NOT_FOUND';
}
