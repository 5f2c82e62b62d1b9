#!/usr/bin/env node
'use strict';
// The compiled command line (npm ci runs `prepare`, which builds dist/).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('error: product-etl is not built yet.\n  Run `npm ci` (or `npm run build`) in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  // Exit only once stdout has drained: a plain process.exit() cuts piped output (e.g. `history ... > file`) at 64 KiB.
  .then((code) => process.stdout.write('', () => process.exit(code)))
  .catch((err) => {
    process.stderr.write('error: ' + (err && err.message ? err.message : String(err)) + '\n');
    process.exit(1);
  });
