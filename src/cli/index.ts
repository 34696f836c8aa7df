/**
 * The `gatehouse` command:
 *   gatehouse start [--config FILE]       run the gateway
 *   gatehouse demo                        run a self-contained demo (mock models, SQLite, a printed API key)
 *   gatehouse config check FILE           validate a config file and exit
 */
import { Command } from 'commander';
import { runConfigCheck } from './config-check.js';
import { runDemo } from './demo.js';
import { runStart } from './start.js';

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
  .action((options: { config?: string }) => runDemo(options.config));

program
  .command('config')
  .description('configuration tools')
  .command('check')
  .description('validate a configuration file (environment variables are interpolated)')
  .argument('<file>', 'configuration file')
  .action((file: string) => runConfigCheck(file));

await program.parseAsync(process.argv);
