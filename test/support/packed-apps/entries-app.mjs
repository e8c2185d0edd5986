// Loads every entry named in argv[2] (a JSON list) with import, as an ES module app does, and
// prints how many names each exports.
import 'reflect-metadata';

const loaded = {};
for (const name of JSON.parse(process.argv[2]))
  loaded[name] = Object.keys(await import(name)).length;
console.log(JSON.stringify(loaded));
