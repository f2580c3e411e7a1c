/**
 * Component boundaries, as in Kubernetes: every component talks only to the API
 * server; only the API server touches the store; cluster/ is plain Node.
 * Checked in CI (`npm run lint`), the way VS Code checks its layers.
 */
module.exports = {
  forbidden: [
    {
      name: 'cluster-is-plain-node',
      comment: 'cluster/ runs in Electron and in the headless launcher alike: no Electron, no renderer.',
      severity: 'error',
      from: { path: '^cluster/' },
      to: { path: '^(electron|renderer)/|^node_modules/electron/' },
    },
    {
      name: 'only-apiserver-touches-store',
      comment: 'Only the API server (and the launcher that wires it) may use the store.',
      severity: 'error',
      from: { path: '^cluster/', pathNot: '^cluster/(store|apiserver|cmd|controlplane)/' },
      to: { path: '^cluster/store/' },
    },
    {
      name: 'components-talk-only-to-apiserver',
      comment: 'Scheduler, controllers, kubelet and proxy reach the cluster through the API (cluster/client), never through apiserver internals.',
      severity: 'error',
      from: { path: '^cluster/(scheduler|controllers|kubelet|proxy|nodes|client)/' },
      to: { path: '^cluster/apiserver/' },
    },
    {
      name: 'controllers-never-call-kubelet',
      severity: 'error',
      from: { path: '^cluster/(scheduler|controllers)/' },
      to: { path: '^cluster/(kubelet|proxy)/' },
    },
    {
      name: 'renderer-only-through-bridge',
      comment: 'The renderer reaches the cluster only through the typed bridge (electron/preload/api.ts).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(cluster|electron/main)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.vue', '.json'] },
  },
};
