import { RelanceError } from '../errors.js';

/** The directory is not inside a git repository, so there is no revision to read. */
export class NotAGitRepositoryError extends RelanceError {
  override readonly code = 'NOT_A_GIT_REPOSITORY';
}

/** No commit by that name in this repository. */
export class UnknownRevisionError extends RelanceError {
  override readonly code = 'UNKNOWN_REVISION';
}

/** The revision may well exist, but this clone is shallow and does not hold it (CI's default). */
export class RevisionNotFetchedError extends RelanceError {
  override readonly code = 'REVISION_NOT_FETCHED';
}

/** git itself failed while reading objects (a corrupt or half-fetched repository). */
export class GitReadError extends RelanceError {
  override readonly code = 'GIT_READ';
}
