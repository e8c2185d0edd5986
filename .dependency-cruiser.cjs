// The layers of lib/ (see docs/project-layout.md), checked by `npm run layers` in `npm test`:
//   client  → nothing of ours        (the only code importing `zookeeper`)
//   sd      → client                 (framework-free discovery core), inside it:
//     formats, instancer, registrar → the model (service-instance, service-validation, backoff)
//     endpointer → instancer; lb → endpointer; zk-endpointer.ts composes them all
// client, sd, core, cli and testing load neither Nest nor rxjs.
//   core    → client, sd             (the `nestjs-zk-discovery/core` entry)
//   cli     → client, sd
//   testing → nothing of ours        (the `testing` entry: real servers, a fault proxy)
//   nest    → client, sd             (imported only by the package entry lib/index.ts)
//   microservices → client, sd, nest (the `microservices` entry; nothing of ours imports it)
//   fetch   → client, sd             (the `fetch` entry, no Nest; nothing of ours imports it)
//   grpc    → client, sd; nest in its Nest module only (the `grpc` entry; nothing of ours
//             imports it; the only code importing `@grpc/grpc-js`)
// and no import cycles anywhere.
const ours = (...layers) => `^lib/(${layers.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle hides which module is the lower layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'client-imports-nothing-of-ours',
      severity: 'error',
      from: { path: ours('client') },
      to: { path: ours('sd', 'core', 'cli', 'testing', 'nest') },
    },
    {
      name: 'sd-imports-only-client',
      severity: 'error',
      from: { path: ours('sd') },
      to: { path: ours('core', 'cli', 'testing', 'nest') },
    },
    {
      name: 'sd-lb-sits-above-the-rest-of-sd',
      comment:
        'As in go-kit, lb depends on sd and never the reverse: the instancer, endpointer, ' +
        'registrar, formats and the model know nothing of balancers and retry. Only the ' +
        'composition at the top of sd (zk-endpointer.ts, index.ts) and the HTTP endpoint use lb.',
      severity: 'error',
      from: {
        path: '^lib/sd/',
        pathNot: ['^lib/sd/lb/', '^lib/sd/zk-endpointer(\\.options)?\\.ts$', '^lib/sd/index\\.ts$'],
      },
      to: { path: '^lib/sd/lb/' },
    },
    {
      name: 'sd-parts-below-the-endpointer',
      comment:
        'The instancer (who is there), the registrar (this instance) and the formats (what a node ' +
        'says) do not know how instances are called.',
      severity: 'error',
      from: { path: '^lib/sd/(instancer|registrar|formats|errors)/' },
      to: { path: '^lib/sd/(endpointer|lb|http)/|^lib/sd/zk-endpointer\\.ts$' },
    },
    {
      name: 'sd-instancer-and-registrar-are-apart',
      severity: 'error',
      from: { path: '^lib/sd/instancer/' },
      to: { path: '^lib/sd/registrar/' },
    },
    {
      name: 'sd-registrar-and-instancer-are-apart',
      severity: 'error',
      from: { path: '^lib/sd/registrar/' },
      to: { path: '^lib/sd/instancer/' },
    },
    {
      name: 'core-is-client-and-sd',
      severity: 'error',
      from: { path: ours('core') },
      to: { path: ours('cli', 'testing', 'nest') },
    },
    {
      name: 'cli-imports-only-client-and-sd',
      severity: 'error',
      from: { path: ours('cli') },
      to: { path: ours('core', 'testing', 'nest') },
    },
    {
      name: 'testing-imports-nothing-of-ours',
      severity: 'error',
      from: { path: ours('testing') },
      to: { path: ours('client', 'sd', 'core', 'cli', 'nest') },
    },
    {
      name: 'only-the-package-entry-imports-nest',
      severity: 'error',
      from: {
        path: '^lib/',
        pathNot: [
          '^lib/index\\.ts$',
          ours('nest', 'microservices'),
          '^lib/grpc/zk-grpc\\.module\\.ts$',
        ],
      },
      to: { path: ours('nest') },
    },
    {
      name: 'microservices-imports-only-client-sd-and-nest',
      severity: 'error',
      from: { path: ours('microservices') },
      to: { path: '^lib/', pathNot: ours('client', 'sd', 'nest', 'microservices') },
    },
    {
      name: 'fetch-imports-only-client-and-sd',
      comment: 'The undici dispatcher works without Nest: it loads no @nestjs package nor rxjs.',
      severity: 'error',
      from: { path: ours('fetch') },
      to: {
        path: ['^lib/', '^node_modules/(@nestjs/|reflect-metadata|rxjs)'],
        pathNot: ours('client', 'sd', 'fetch'),
      },
    },
    {
      name: 'grpc-imports-only-client-and-sd',
      comment:
        'The resolver and the policy work without Nest; only ZkGrpcModule (zk-grpc.module.ts) ' +
        'speaks to the Nest layer, for the client token.',
      severity: 'error',
      from: { path: ours('grpc'), pathNot: '^lib/grpc/zk-grpc\\.module\\.ts$' },
      to: {
        path: ['^lib/', '^node_modules/(@nestjs/|reflect-metadata|rxjs)'],
        pathNot: ours('client', 'sd', 'grpc'),
      },
    },
    {
      name: 'grpc-module-imports-only-client-sd-and-nest',
      severity: 'error',
      from: { path: '^lib/grpc/zk-grpc\\.module\\.ts$' },
      to: { path: '^lib/', pathNot: ours('client', 'sd', 'nest', 'grpc') },
    },
    {
      name: 'only-the-grpc-entry-loads-grpc-js',
      comment: '@grpc/grpc-js is an optional peer: nothing outside lib/grpc may load it.',
      severity: 'error',
      from: { path: '^lib/', pathNot: ours('grpc') },
      to: { path: '^node_modules/@grpc/' },
    },
    {
      name: 'the-integrations-are-leaves',
      comment:
        'microservices, fetch and grpc are entries of their own, so that their peers load only ' +
        'there: ' +
        'nothing else of ours imports them.',
      severity: 'error',
      from: { path: '^lib/', pathNot: ours('microservices', 'fetch', 'grpc') },
      to: { path: ours('microservices', 'fetch', 'grpc') },
    },
    {
      name: 'no-nest-below-the-nest-layer',
      comment:
        'client, sd, core, cli and testing load without Nest, and without rxjs: the core speaks ' +
        'listeners (lib/client/listeners.ts); the Nest layer turns them into observables.',
      severity: 'error',
      from: { path: ours('client', 'sd', 'core', 'cli', 'testing') },
      to: { path: '^node_modules/(@nestjs/|reflect-metadata|rxjs)' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API: swc parses the sources.
    parser: 'swc',
    // Type-only imports count: they are dependencies between layers too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^lib/.*\\.d\\.ts$' },
  },
};
