#!/usr/bin/env node
// Kept tiny on purpose: commands are loaded lazily by the CLI entry.
import('../dist/cli/main.js').then((cli) => cli.main(process.argv));
