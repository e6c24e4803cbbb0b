/**
 * Typed errors for bad input. Each names the file, the object inside it and the field, and says what was expected, so the CLI
 * can print one clear line and exit 1 without a stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    /** The file (or `-` for standard input, or `flag --x` for a command-line value). */
    readonly file: string,
    /** The object inside the file, e.g. `Pod default/web-1` or `launchSpecs[2] (gpu)`; '' when the file as a whole is wrong. */
    readonly object: string,
    /** The field path inside the object, e.g. `spec.containers[0].resources.requests.cpu`; '' when not about one field. */
    readonly field: string,
    /** What was expected, and what was found. */
    readonly problem: string,
  ) {
    super(formatInputError(file, object, field, problem));
  }
}

export function formatInputError(file: string, object: string, field: string, problem: string): string {
  const where = [file, object, field].filter((s) => s !== '').join(': ');
  return `${where}: ${problem}`;
}

/** A context for building InputErrors while walking one object. */
export interface ErrorContext {
  readonly file: string;
  readonly object: string;
}

export function inputError(ctx: ErrorContext, field: string, problem: string): InputError {
  return new InputError(ctx.file, ctx.object, field, problem);
}
