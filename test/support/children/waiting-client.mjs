// A script whose only work left is one ZooKeeper request (nothing else keeps it alive), started
// when it gets SIGUSR2. Arguments: <compiled lib dir> <servers> <path> <operationTimeoutMs>.
// Prints READY, then ANSWERED or FAILED <error name>.
const [dist, servers, path, operationTimeoutMs] = process.argv.slice(2);
const { ZkClient } = await import(`${dist}/core/index.js`);

const client = await ZkClient.connect({
  servers,
  sessionTimeoutMs: 30_000,
  operationTimeoutMs: Number(operationTimeoutMs),
});
// Alive until the signal (a signal listener alone does not keep a process alive).
const hold = setInterval(() => {}, 1000);
process.once('SIGUSR2', () => {
  clearInterval(hold);
  client.getData(path).then(
    () => console.log('ANSWERED'),
    (error) => console.log(`FAILED ${error.name}`),
  );
});
console.log('READY');
