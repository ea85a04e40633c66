// Lets Node run the TypeScript sources directly (scripts/*.ts, apps, libs) for the contract
// scripts: compiles each .ts file with SWC and the project's .swcrc (decorator metadata included,
// which @nestjs/swagger reads) and resolves the @kindred/* aliases, so no build is needed first.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const options = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete options.$schema;
options.sourceMaps = 'inline';

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@kindred\/([a-z-]+)$/.exec(request);
  return resolveFilename.call(this, alias ? path.join(root, 'libs', alias[1], 'src') : request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...options, filename, swcrc: false, configFile: false });
  module._compile(code, filename);
};
require('reflect-metadata');
