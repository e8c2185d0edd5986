// An HTTP instance in a process of its own, so that a test can freeze it (SIGSTOP) or kill it.
// Arguments: <name> <status> [delayMs]. Answers every request with <status> and {"name": <name>},
// after delayMs; prints PORT <port> once listening on 127.0.0.1.
import { createServer } from 'node:http';

const [name, status = '200', delayMs = '0'] = process.argv.slice(2);
const server = createServer((request, response) => {
  setTimeout(() => {
    response.statusCode = Number(status);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ name, path: request.url }));
  }, Number(delayMs));
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
