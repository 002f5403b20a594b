import { Command, CommanderError } from 'commander';
import { blueprintsCommand } from './commands/blueprints';

/** Builds the `stratus` program. Each command group lives in its own file under cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('stratus')
    .description('Stratus: a serverless cloud application manager that speaks Cloudify blueprints and REST API v3.1')
    .version('0.1.0')
    .exitOverride();
  program.addCommand(blueprintsCommand());
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
