/**
 * The `gatehouse` command:
 *   gatehouse start [--config FILE]       run the gateway
 *   gatehouse demo                        run a self-contained demo (mock models, SQLite, a printed API key)
 *   gatehouse config check FILE           validate a config file and exit
 *   gatehouse keys create|list|update|…  manage virtual API keys through the admin API
 *   gatehouse teams create|list|show|…    manage teams (members, models, limits, budgets) through the admin API
 *   gatehouse users list|show|block|…     list users, block and unblock them through the admin API
 *   gatehouse audit verify|export         check the audit log's hash chain, export it as JSON Lines
 *   gatehouse policy test                 show what policy decides for a caller and a model, and why
 *   gatehouse login URL [--no-browser]    sign in through the browser and print a personal key to export
 */
import { Command } from 'commander';
import { auditCommand } from './audit.js';
import { runConfigCheck } from './config-check.js';
import { keysCommand } from './keys.js';
import { runLogin } from './login.js';
import { policyCommand } from './policy.js';
import { runStart } from './start.js';
import { teamsCommand } from './teams.js';
import { usersCommand } from './users.js';

const program = new Command()
  .name('gatehouse')
  .description('Identity-aware LLM gateway')
  .version(process.env.npm_package_version ?? '0.1.0');

program
  .command('start')
  .description('run the gateway')
  .option('-c, --config <file>', 'configuration file', process.env.GATEHOUSE_CONFIG ?? 'gatehouse.yaml')
  .action((options: { config: string }) => runStart(options.config));

program
  .command('demo')
  .description('run a demo gateway with built-in mock models and a printed API key')
  .option('-c, --config <file>', 'demo configuration file')
  // Imported on use, so no other command loads the demo's OpenID provider.
  .action(async (options: { config?: string }) => (await import('./demo.js')).runDemo(options.config));

program
  .command('config')
  .description('configuration tools')
  .command('check')
  .description('validate a configuration file (environment variables are interpolated)')
  .argument('<file>', 'configuration file')
  .action((file: string) => runConfigCheck(file));

program
  .command('login')
  .description('sign in through your browser and print a personal API key ready to export')
  .argument('<gateway>', 'the gateway URL, e.g. https://llm.example.com')
  .option('--no-browser', 'only print the sign-in URL; do not open a browser')
  .action((gateway: string, options: { browser: boolean }) => runLogin(gateway, options));

program.addCommand(keysCommand());
program.addCommand(teamsCommand());
program.addCommand(usersCommand());
program.addCommand(auditCommand());
program.addCommand(policyCommand());

await program.parseAsync(process.argv);
