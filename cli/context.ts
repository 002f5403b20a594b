/**
 * What every online command shares: building the client from the profile and environment, command
 * groups whose usage errors exit 2, and the action wrapper that turns errors into messages and
 * exit codes (1: the manager refused or failed, or an execution failed; 2: bad usage).
 */
import { Command, CommanderError } from 'commander';
import { StratusClient } from './client/client';
import { ApiError, ConnectionError, UsageError } from './client/errors';
import { resolveConnection } from './client/profiles';
import { paint, print } from './output';

/** Ends the command with an exit code (anything to say was already printed). */
export function exit(code: number): never {
  throw new CommanderError(code, 'stratus.exit', '');
}

/** Usage errors (unknown option, missing argument...) exit 2. */
export function usageExit(err: CommanderError): never {
  if (err.exitCode === 1 && err.code.startsWith('commander.')) throw new CommanderError(2, err.code, err.message);
  throw err;
}

/** A command group (`stratus deployments ...`) whose subcommands inherit the exit behaviour. */
export function group(name: string, description: string): Command {
  return new Command(name).description(description).exitOverride(usageExit);
}

/** Adds an example block to a command's --help. */
export function example(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

/** The client for the connection the command's options and environment select. */
export function clientFor(command: Command): StratusClient {
  const { profile } = command.optsWithGlobals<{ profile?: string }>();
  return new StratusClient(resolveConnection(profile).credentials);
}

/** Prints an error as the command's output mode wants it and returns its exit code. */
export function report(err: unknown, json: boolean): number {
  if (err instanceof ApiError) {
    if (json) print(JSON.stringify({ error_code: err.errorCode, message: err.message }));
    else process.stderr.write(`${paint('Error', 'red', process.stderr)} [${err.errorCode}]: ${err.message}\n`);
    return 1;
  }
  if (err instanceof ConnectionError || err instanceof UsageError) {
    const code = err instanceof UsageError ? err.exitCode : 1;
    if (json) print(JSON.stringify({ error_code: err instanceof UsageError ? 'usage_error' : 'connection_error', message: err.message }));
    else process.stderr.write(`${paint('Error', 'red', process.stderr)}: ${err.message}\n`);
    return code;
  }
  throw err;
}

type Action = (this: Command, ...args: any[]) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Wraps a command action: errors are printed (JSON with --json) and become the exit code. */
export function action(fn: (command: Command, ...args: any[]) => Promise<number | void>): Action { // eslint-disable-line @typescript-eslint/no-explicit-any
  return async function (this: Command, ...args: unknown[]) {
    let code: number | void;
    try {
      // commander passes (...positional, options, command).
      const positional = args.slice(0, -2);
      const options = args[args.length - 2];
      code = await fn(this, ...positional, options);
    } catch (err) {
      if (err instanceof CommanderError) throw err;
      code = report(err, this.opts<{ json?: boolean }>().json === true);
    }
    if (code) exit(code);
  };
}
