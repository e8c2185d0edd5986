// An unauthenticated client that overwrites every new child of <parent> as soon as it sees it:
// its data with <evil url>, its ACL with an open one. Arguments: <compiled lib dir> <servers>
// <parent> <evil url>. Prints READY once watching, then TAMPERED <child> for each write that
// went through, REFUSED <child> for each one the node's ACL refused.
const [dist, servers, parent, evil] = process.argv.slice(2);
const { ZkClient, ZkAcls } = await import(`${dist}/core/index.js`);

const client = await ZkClient.connect({ servers, keepProcessAlive: true });
const seen = new Set();
const watch = async () => {
  const children = await client.getChildren(parent, () => void watch());
  for (const child of children) {
    if (seen.has(child)) continue;
    seen.add(child);
    const node = `${parent}/${child}`;
    client.setData(node, evil).then(
      () => console.log(`TAMPERED ${node}`),
      (error) => {
        if (error?.name === 'ZkNoAuthError') console.log(`REFUSED ${node}`);
      },
    );
    client.setAcl(node, ZkAcls.open()).catch(() => {});
  }
};
await watch();
console.log('READY');
