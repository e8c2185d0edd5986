// A gRPC Greeter server in a process of its own, so that a test can kill it (SIGKILL).
// Arguments: <name> [mode] [delayMs]. mode "ok" answers { message, server: name } after delayMs;
// "unavailable" fails every call with UNAVAILABLE and prints CALL for each. Prints PORT <port> once
// bound on 127.0.0.1.
import { join } from 'node:path';
import { loadPackageDefinition, Server, ServerCredentials, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const [name, mode = 'ok', delayMs = '0'] = process.argv.slice(2);
const definition = loadSync(
  join(import.meta.dirname, '..', '..', '..', 'sample', '06-grpc', 'hello.proto'),
);
const hello = loadPackageDefinition(definition).hello;
const server = new Server();
server.addService(hello.Greeter.service, {
  SayHello(call, callback) {
    if (mode === 'unavailable') {
      console.log('CALL');
      callback({ code: status.UNAVAILABLE, details: `${name} is unavailable` });
      return;
    }
    setTimeout(
      () => callback(null, { message: `hello ${call.request.name}`, server: name }),
      Number(delayMs),
    );
  },
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`PORT ${port}`);
});
