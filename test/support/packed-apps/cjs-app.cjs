// A CommonJS app (what `nest new` generates compiles to this): every entry through require().
require('reflect-metadata');
const { run } = require('./registering-app.cjs');

run(process.argv[2], process.argv[3], {
  common: require('@nestjs/common'),
  core: require('@nestjs/core'),
  terminus: require('@nestjs/terminus'),
  root: require('nestjs-zk-discovery'),
  coreEntry: require('nestjs-zk-discovery/core'),
  health: require('nestjs-zk-discovery/health'),
  testing: require('nestjs-zk-discovery/testing'),
}).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
