import { processIo } from './cli-io.js';
import { run } from './program.js';

// The `zk-discovery` executable (bin/zk-discovery.js imports the built copy of this file).
process.exitCode = await run(process.argv.slice(2), processIo());
