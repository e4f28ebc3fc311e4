// What every command-line tool here does the same way: read its options (a mistake is a usage
// error, exit 2, with the message and a pointer to --help; --help prints the usage, exit 0), run,
// and report a failure once (exit 1): our own errors in their words, anything else with its stack.
import type { z } from 'zod';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A zod failure on the options, as the lines a person reads. */
export function usageError(error: z.ZodError): UsageError {
  return new UsageError(error.issues.map((issue) => issue.message).join('\n'));
}

export interface Cli<T> {
  usage: string;
  /** The options, or 'help'; throws a UsageError (or any error while reading them) for a mistake. */
  readOptions: (argv: string[]) => T | 'help' | Promise<T | 'help'>;
  /** The work; its resolved value is the exit code. */
  run: (opts: T) => Promise<number>;
  /** How a failure is introduced: "evaluation failed: …". */
  failure: string;
  /** Errors whose message says enough without a stack. */
  knownErrors?: ReadonlyArray<new (...args: never[]) => Error>;
}

/** Runs the tool and sets process.exitCode: 0 or what `run` answered, 1 failed, 2 invalid options. */
export async function runCli<T>(cli: Cli<T>, argv: string[] = process.argv.slice(2)): Promise<void> {
  let opts: T | 'help';
  try {
    opts = await cli.readOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\nRun with --help for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    process.stdout.write(`${cli.usage}\n`);
    process.exitCode = 0;
    return;
  }
  try {
    process.exitCode = await cli.run(opts);
  } catch (error) {
    const known = error instanceof UsageError || (cli.knownErrors ?? []).some((kind) => error instanceof kind);
    process.stderr.write(`${cli.failure}: ${error instanceof Error ? (known ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
    process.exitCode = 1;
  }
}
