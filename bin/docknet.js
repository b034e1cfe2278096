#!/usr/bin/env node
// Node's deprecation notices speak to developers, not to people grading labs
// (docker-modem's ssh:// transport triggers DEP0170 on every request).
process.noDeprecation = true;
// Reading the source map costs every start; only a stack trace (--debug) needs it.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
await import('../dist/docknet.mjs');
