// A process that registers one instance and then only lives: the parent pauses it (SIGSTOP)
// and resumes it. Arguments: <compiled lib dir> <servers> <session ms> <service path>.
// Prints READY <node path> once registered, and REGISTERED <node path> on each re-registration.
const [dist, servers, sessionMs, path] = process.argv.slice(2);
const { Registrar, ZkClient } = await import(`${dist}/core/index.js`);

const quiet = { log: () => {}, warn: () => {}, error: (message) => console.error(message) };
const client = await ZkClient.connect({
  servers,
  sessionTimeoutMs: Number(sessionMs),
  logger: quiet,
});
const registrar = new Registrar(
  client,
  { path, name: 'svc', data: 'http://127.0.0.1:1' },
  { logger: quiet },
);
registrar.subscribeState((state) => {
  if (state === 'registered') console.log(`REGISTERED ${registrar.nodePath}`);
});
console.log(`READY ${await registrar.register()}`);
setInterval(() => {}, 60_000);
