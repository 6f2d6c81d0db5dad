#!/usr/bin/env node
// The `nestjs-incident-logger` command (package.json `bin`): list and show the
// incidents RotatingFileTarget wrote. See docs/viewer.md.
import { runViewer } from './run-viewer';

void runViewer(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), now: Date.now() }).then(
  (code) => {
    process.exitCode = code;
  },
);
