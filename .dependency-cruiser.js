/**
 * Dependencies point one way (docs/ARCHITECTURE.md, #13). `npm test` runs
 * `depcruise server functions embedded-database` with these rules; a back-edge fails with the
 * rule's name and the comment below it.
 *
 * Layers, highest first. A folder may import from its own layer's lower entries and from any
 * layer below it, never from above.
 */
const LAYERS = [
  { name: 'entry', folders: ['web', 'admin', 'cli', 'demo', 'dev', 'main.ts', 'runtime.ts', 'app.ts', 'config.ts', 'http-errors.ts', 'http-server.ts', 'require-node.ts'] },
  { name: 'flows', folders: ['reconciler', 'whatsapp', 'payment-intake'] },
  { name: 'domain', folders: ['orders', 'messaging', 'tenants', 'conversation', 'restaurant'] },
  { name: 'storage', folders: ['db'] },
  { name: 'gateways', folders: ['payments'] },
  { name: 'shared', folders: ['errors.ts', 'money.ts', 'faults.ts', 'background.ts', 'backoff.ts', 'observability', 'placeholders.ts', 'validation-messages.ts'] },
];

const path = (folder) => (folder.endsWith('.ts') ? `^server/${folder.replace('.', '\\.')}$` : `^server/${folder}/`);
const anyOf = (folders) => folders.map(path);

/** Within a layer, the order its folders are listed in is the order they may depend on (first on later). */
const ORDERED_WITHIN = new Set(['flows', 'domain']);

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(0, i).flatMap((l) => l.folders);
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `${layer.name}-below-${LAYERS[i - 1].name}`,
      comment: `${layer.name} (${layer.folders.join(', ')}) must not import from a layer above it (${above.join(', ')}): dependencies point down (docs/ARCHITECTURE.md).`,
      severity: 'error',
      from: { path: anyOf(layer.folders) },
      to: { path: anyOf(above) },
    });
  }
  if (ORDERED_WITHIN.has(layer.name)) {
    layer.folders.forEach((folder, j) => {
      const earlier = layer.folders.slice(0, j);
      if (earlier.length === 0) return;
      rules.push({
        name: `${folder}-below-${earlier.join('-')}`,
        comment: `server/${folder} must not import ${earlier.map((f) => `server/${f}`).join(', ')}: within the ${layer.name} layer, ${layer.folders.join(' → ')} is the only direction.`,
        severity: 'error',
        from: { path: path(folder) },
        to: { path: anyOf(earlier) },
      });
    });
  }
  return rules;
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'every-module-in-a-layer',
      comment: 'Each folder and top-level file under server/ belongs to a layer: add a new one to LAYERS in .dependency-cruiser.js (and docs/ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^server/', pathNot: anyOf(LAYERS.flatMap((l) => l.folders)) },
      to: {},
    },
    {
      name: 'no-cycles',
      comment: 'Modules must not import each other in a circle (type-only imports excepted).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'adapters-never-touch-rtdb',
      comment: 'Gateway adapters build requests and map answers: they never touch RTDB (STYLE §3).',
      severity: 'error',
      from: { path: '^server/payments/adapters/' },
      to: { path: ['^server/db/', 'firebase-admin'] },
    },
    {
      name: 'adapters-stand-alone',
      comment: 'An adapter never imports another adapter or the registry (STYLE §3); shared helpers live in server/payments/.',
      severity: 'error',
      from: { path: '^server/payments/adapters/([^/]+)$', pathNot: '^server/payments/adapters/index\\.ts$' },
      to: { path: '^server/payments/adapters/', pathNot: '^server/payments/adapters/$1$' },
    },
    {
      name: 'conversation-is-pure',
      comment: 'server/conversation is the pure state machine (and its texts): no database, no network, no logger.',
      severity: 'error',
      from: { path: '^server/conversation/' },
      to: { path: ['^server/db/', '^server/observability/', 'firebase-admin', 'axios', 'express'] },
    },
    {
      name: 'server-not-into-functions',
      comment: 'server/ never imports the Cloud Functions entry (functions/); the functions wrap the server.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^functions/' },
    },
    {
      name: 'only-main-starts-the-embedded-database',
      comment: 'Only server/main.ts (the embedded default) may import embedded-database/; production code talks to RTDB through firebase-admin.',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/main\\.ts$' },
      to: { path: '^embedded-database/' },
    },
    {
      name: 'embedded-database-stands-alone',
      comment: 'embedded-database/ is a separate RTDB server: it imports nothing from server/ or functions/.',
      severity: 'error',
      from: { path: '^embedded-database/' },
      to: { path: ['^server/', '^functions/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
