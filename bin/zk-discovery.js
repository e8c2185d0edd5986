#!/usr/bin/env node
// The `zk-discovery` command: runs the compiled CLI (`npm run build` puts it in dist/).
import '../dist/cli/main.js';
