import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { CliError, ExitCode } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import {
  DEFAULT_SERVERS,
  DEFAULT_TIMEOUT_MS,
  globalOptions,
  parseDepth,
  parseMilliseconds,
  parsePath,
  type RawGlobalOptions,
} from './cli-options.js';
import { lsCommand } from './ls.command.js';
import { watchCommand } from './watch.command.js';

/** The package's version (lib/cli and dist/cli both sit two levels below the package root). */
function packageVersion(): string {
  const manifest = createRequire(import.meta.url)('../../package.json') as { version: string };
  return manifest.version;
}

/** The `zk-discovery` command line: `ls`, `watch`, shared options, output to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('zk-discovery')
    .description(
      'Look at the services registered in ZooKeeper: go-kit, Curator and Spring Cloud Zookeeper ' +
        'instances, Dubbo providers and Finagle serversets.',
    )
    .version(packageVersion())
    .addOption(
      new Option(
        '-s, --servers <host:port,...>',
        `the ZooKeeper ensemble (default: $ZK_SERVERS, else ${DEFAULT_SERVERS})`,
      ),
    )
    .addOption(
      new Option(
        '-t, --timeout <ms>',
        `bound on the connect and on each operation (default: ${DEFAULT_TIMEOUT_MS})`,
      ).argParser(parseMilliseconds),
    )
    .option('--json', 'machine-readable output: one JSON document (ls), NDJSON lines (watch)')
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    })
    .exitOverride()
    .showHelpAfterError();

  program
    .command('ls')
    .description('list the services under a path and their instances')
    .argument('[path]', 'where to look', parsePath, '/services')
    .addOption(
      new Option('-d, --depth <levels>', 'how many levels below the path to search')
        .argParser(parseDepth)
        .default(4),
    )
    .action(async (path: string, options: { depth: number }, command: Command) => {
      const global = globalOptions(command.optsWithGlobals<RawGlobalOptions>(), io.env);
      await lsCommand(path, { depth: options.depth }, global, io);
    });

  program
    .command('watch')
    .description('stream the instances of a service path as they join, leave and change')
    .argument('<path>', 'the service path, e.g. /services/hello', parsePath)
    .option('-w, --wait', 'wait for a missing path to appear instead of failing')
    .action(async (path: string, options: { wait?: boolean }, command: Command) => {
      const global = globalOptions(command.optsWithGlobals<RawGlobalOptions>(), io.env);
      await watchCommand(path, { wait: options.wait ?? false }, global, io);
    });

  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and resolves with the exit code:
 * 0 done, 1 failure (e.g. no such path), 2 ZooKeeper unreachable, 64 bad usage. Data goes to
 * `io.stdout`, messages to `io.stderr`. Never rejects.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (and the usage) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const failure =
      error instanceof CliError
        ? error
        : new CliError(error instanceof Error ? error.message : String(error), ExitCode.failure);
    io.stderr(`zk-discovery: ${failure.message}\n`);
    return failure.exitCode;
  }
}
