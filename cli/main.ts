import { Command, CommanderError } from 'commander';
import { agentsCommand } from './commands/agents';
import { usageExit } from './context';
import { blueprintsCommand } from './commands/blueprints';
import { deploymentsCommand, nodeInstancesCommand, nodesCommand } from './commands/deployments';
import { eventsCommand, executionsCommand } from './commands/executions';
import { pluginsCommand } from './commands/plugins';
import { profilesCommand, statusCommand } from './commands/profiles';
import { secretsCommand } from './commands/secrets';
import { tenantsCommand, tokensCommand } from './commands/tokens-tenants';

/** Builds the `stratus` program. Each command group lives in its own file under cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('stratus')
    .description('Stratus: a serverless cloud application manager that speaks Cloudify blueprints and REST API v3.1')
    .version('0.1.0')
    .option('--profile <name>', 'use this connection profile instead of the current one (also STRATUS_PROFILE)')
    .addHelpText(
      'after',
      `
Connection: the current profile (stratus profiles ...), else http://127.0.0.1:8080 as admin with the
local runtime's password. STRATUS_MANAGER, STRATUS_USER, STRATUS_PASSWORD, STRATUS_TOKEN and
STRATUS_TENANT override the profile. See docs/cli.md.

Example:
  $ stratus blueprints upload examples/hello-world -b hello
  $ stratus deployments create hello -b hello -i port=8080
  $ stratus executions start install -d hello
`,
    )
    .exitOverride(usageExit);
  program.addCommand(profilesCommand());
  program.addCommand(statusCommand());
  program.addCommand(blueprintsCommand());
  program.addCommand(deploymentsCommand());
  program.addCommand(nodesCommand());
  program.addCommand(nodeInstancesCommand());
  program.addCommand(executionsCommand());
  program.addCommand(eventsCommand());
  program.addCommand(agentsCommand());
  program.addCommand(pluginsCommand());
  program.addCommand(secretsCommand());
  program.addCommand(tokensCommand());
  program.addCommand(tenantsCommand());
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
