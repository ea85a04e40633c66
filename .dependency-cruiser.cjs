// Dependencies point one way: apps -> context libs -> platform libs. The mail channel sits with the
// platform: contexts ask it for mail, and it knows none of them.
const PLATFORM = '(config|database|domain|http|redis|queues|events|observability|mail)';

module.exports = {
  forbidden: [
    {
      name: 'app-imports-another-app',
      severity: 'error',
      comment: 'Apps are independent processes; share code through a lib.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-imports-app',
      severity: 'error',
      comment: 'Libs must not depend on the apps that use them.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'platform-imports-context',
      severity: 'error',
      comment: 'Platform libs are the bottom layer; they must not know about any bounded context.',
      from: { path: `^libs/${PLATFORM}/` },
      to: { path: '^libs/', pathNot: `^libs/${PLATFORM}/` },
    },
    {
      name: 'reaches-into-another-lib',
      severity: 'error',
      comment: 'A lib is used through what its index exports (@kindred/<name>): its repositories and tables stay its own.',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'app-reaches-into-a-lib',
      severity: 'error',
      comment: 'Apps use libs through what their index exports (@kindred/<name>).',
      from: { path: '^apps/' },
      to: { path: '^libs/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports hide design problems (and break Nest module resolution).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist|apps/web)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
