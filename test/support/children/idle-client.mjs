// A script that connects, creates an ephemeral node and then has nothing left to do (it never
// calls close()). Arguments: <compiled lib dir> <servers> <node path>. Prints READY.
const [dist, servers, node] = process.argv.slice(2);
const { ZkClient } = await import(`${dist}/core/index.js`);

const client = await ZkClient.connect({ servers, sessionTimeoutMs: 30_000 });
await client.create(node, 'x', { mode: 'ephemeral' });
console.log('READY');
