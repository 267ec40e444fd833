/**
 * The folder rules of src/ (docs/architecture.md "Folder rules"), checked by `npm run lint`.
 *
 * Every top-level folder has a layer. A folder imports only folders of a lower layer, so imports point
 * one way and no two folders can import each other. Folders on the same layer are peers and do not
 * import each other either. The named rules below restate the parts a reviewer asks about first; the
 * layer rule alone would catch each of them, but a named rule says in its message what went wrong.
 */
const LAYERS = [
  ['lib'], // errors, logger, priority lanes, template engine, small helpers
  ['config'], // the file configuration: a leaf above lib
  ['store'], // database, migrations
  ['vault', 'queue', 'server'], // secrets at rest, durable jobs, HTTP server plumbing
  ['highlevel', 'accelevents'], // API clients
  ['ratelimit'], // pacing and audit of HighLevel calls
  ['credentials'], // stored connections and their tokens
  ['search'], // the local conversation index
  ['preferences'], // attendees' answers
  ['workflows'], // definitions, actions, the engine
  ['features'], // which workflows and code paths run, and the scopes they need
  ['intake'], // webhooks from Accelevents and HighLevel into the inbox and queue
  ['marketplace'], // HighLevel workflow-builder triggers and actions (subscriptions, firings, the app secret)
  ['jobs'], // job handlers and pollers
  ['console'], // the agents' and organisers' web console and API
  ['connect'], // the flows that add a connection (OAuth consent, keys)
  ['sandbox'], // the fake HighLevel and Accelevents
  ['app'], // the composition root
  ['cli'], // commands
];

const rank = new Map(LAYERS.flatMap((folders, index) => folders.map((folder) => [folder, index])));
const folderRe = (folders) => `^src/(${folders.join('|')})/`;

/** For each folder: importing any folder on its own layer (but itself) or above is forbidden. */
const layerRules = [...rank].map(([folder, own]) => {
  const notBelow = [...rank].filter(([other, r]) => other !== folder && r >= own).map(([other]) => other);
  return {
    name: `layer-${folder}`,
    comment: `src/${folder} may import only folders on a lower layer (docs/architecture.md "Folder rules")`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: folderRe(notBelow) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'no import cycle, between files or folders',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-does-not-import-the-top',
      comment: 'domain folders never import the composition root, the CLI, the console or the job handlers',
      severity: 'error',
      from: { path: '^src/', pathNot: folderRe(['app', 'cli', 'console', 'connect', 'jobs', 'sandbox']) },
      to: { path: folderRe(['app', 'cli', 'console', 'jobs']) },
    },
    {
      name: 'config-is-a-leaf',
      comment: 'src/config imports nothing of parley but src/lib',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: folderRe(['config', 'lib']) },
    },
    {
      name: 'api-clients-stay-clients',
      comment: 'the HighLevel and Accelevents clients import neither the store, the queue nor the credentials',
      severity: 'error',
      from: { path: folderRe(['highlevel', 'accelevents']) },
      to: { path: folderRe(['store', 'queue', 'credentials', 'connect']) },
    },
    {
      name: 'sandbox-only-from-app',
      comment: 'production code reaches the sandboxes only through src/app (src/app/sandboxes.ts)',
      severity: 'error',
      from: { path: '^src/', pathNot: folderRe(['app', 'sandbox']) },
      to: { path: '^src/sandbox/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/highlevel/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
