// `node no-native-build.mjs <entry.js> <no-build|not-installed>`: imports a built entry of the
// library in a process where the zookeeper package finds no native build (as after an install
// that skipped its build script), or is not installed at all, then asks for the native transport.
// Prints one JSON line: whether the import loaded, whether the binding was loaded by it, and the
// message of the error `new ZkClient({ transport: 'native' })` throws.
import Module from 'node:module';

const [entry, mode] = process.argv.slice(2);
let bindingLoads = 0;
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'zookeeper') {
    bindingLoads++;
    if (mode === 'not-installed') {
      throw Object.assign(new Error("Cannot find module 'zookeeper'"), {
        code: 'MODULE_NOT_FOUND',
      });
    }
  }
  if (request !== 'node-gyp-build') return load.call(this, request, ...rest);
  return () => {
    throw new Error(
      `No native build was found for platform=${process.platform} arch=${process.arch} runtime=node abi=${process.versions.modules}\n    loaded from: node_modules/zookeeper\n`,
    );
  };
};

const { ZkClient } = await import(entry);
const loadsOnImport = bindingLoads;
try {
  new ZkClient({ servers: '127.0.0.1:1', transport: 'native' }).start();
  console.log(JSON.stringify({ loadsOnImport, message: null }));
} catch (error) {
  console.log(JSON.stringify({ loadsOnImport, message: error.message }));
}
