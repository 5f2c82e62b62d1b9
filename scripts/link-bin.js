#!/usr/bin/env node
'use strict';
// npm links the bins of dependencies into node_modules/.bin, but not the root package's own bin; link it so that
// `npx product-etl` works in a clone right after `npm ci`.
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const binDir = path.join(root, 'node_modules', '.bin');
const link = path.join(binDir, 'product-etl');
fs.mkdirSync(binDir, { recursive: true });
fs.rmSync(link, { force: true });
fs.symlinkSync(path.relative(binDir, path.join(root, 'bin', 'product-etl.js')), link);
