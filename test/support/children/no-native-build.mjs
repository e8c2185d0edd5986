// `node no-native-build.mjs <entry.js>`: imports a built entry of the library in a process where
// the zookeeper package finds no native build (as after an install that skipped its build
// script), and prints what the import did as one JSON line.
import Module from 'node:module';

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request !== 'node-gyp-build') return load.call(this, request, ...rest);
  return () => {
    throw new Error(
      `No native build was found for platform=${process.platform} arch=${process.arch} runtime=node abi=${process.versions.modules}\n    loaded from: node_modules/zookeeper\n`,
    );
  };
};

await import(process.argv[2]).then(
  () => console.log(JSON.stringify({ loaded: true })),
  (error) => console.log(JSON.stringify({ message: error.message })),
);
