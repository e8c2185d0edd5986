// Loads every entry named in argv[2] (a JSON list) with require(), as a CommonJS app does, and
// prints how many names each exports.
require('reflect-metadata');

const loaded = {};
for (const name of JSON.parse(process.argv[2])) loaded[name] = Object.keys(require(name)).length;
console.log(JSON.stringify(loaded));
