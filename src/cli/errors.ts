/** CLI errors: one clear line, an exit code scripts can use. */
export class CliError extends Error {
  constructor(msg: string, readonly exitCode = 2) {
    super(msg);
    this.name = 'CliError';
  }
}

/** Exit codes: 0 ok, 1 the operation failed (e.g. a commit was refused), 2 bad usage or input. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;
