/**
 * A plain HTTP instance in a process of its own (so a benchmark can freeze it with SIGSTOP):
 * `<delayMs>`. Answers every request with 200 and a small JSON body after `delayMs`.
 */
import { createServer } from 'node:http';
import { exitWhenTold, tell } from './messages.js';

const delayMs = Number(process.argv[2] ?? 0);
const server = createServer((_request, response) => {
  const answer = () => {
    response.setHeader('content-type', 'application/json');
    response.end('{"hello":"world"}');
  };
  if (delayMs > 0) setTimeout(answer, delayMs);
  else answer();
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  exitWhenTold(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  void tell({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
