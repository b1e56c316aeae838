/**
 * The direction of imports in src/ (run by test/build/import-direction.test.ts, so `npm test`
 * fails on a wrong-way import or a cycle). docs/ARCHITECTURE.md explains the layers.
 *
 * Lowest first; a folder may import only from its own layer's folder and the layers below it.
 * The front ends share the top layer and never import each other.
 */
const LAYERS = [
  ['util'],
  ['config'],
  ['capture', 'synthetic'],
  ['ledger'],
  ['pricing'],
  ['analysis'],
  ['outputs'],
  ['app'],
  ['cli', 'mcp', 'api', 'orchestrator', 'server', 'dashboard'],
];
/** Source agents: one folder each under capture/; only the application layer and front ends use them. */
const AGENTS = ['claude', 'codex', 'gemini'];
const alt = (names) => `(${names.join('|')})`;

const layerRules = LAYERS.flatMap((own, rank) => {
  const above = LAYERS.slice(rank + 1).flat();
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `${own.join('-')}-imports-upward`,
      comment: `${own.join(', ')} may not import ${above.join(', ')} (a higher layer of the pipeline).`,
      severity: 'error',
      from: { path: `^src/${alt(own)}/` },
      to: { path: `^src/${alt(above)}/` },
    });
  }
  for (const name of own.length > 1 ? own : []) {
    rules.push({
      name: `${name}-imports-sibling`,
      comment: `${name} may not import its siblings (${own.filter((o) => o !== name).join(', ')}).`,
      severity: 'error',
      from: { path: `^src/${name}/` },
      to: { path: `^src/${alt(own.filter((o) => o !== name))}/` },
    });
  }
  return rules;
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-cycle',
      comment: 'Modules may not import each other in a circle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'agent-knowledge-below-app',
      comment:
        'Only the application layer and the front ends know source agents; shared capture code, the ledger, pricing, analysis and outputs work on normalized records.',
      severity: 'error',
      from: {
        path: `^src/(${alt(['util', 'config', 'synthetic', 'ledger', 'pricing', 'analysis', 'outputs'])}/|capture/(?!${alt(AGENTS)}/))`,
      },
      to: { path: `^src/capture/${alt(AGENTS)}/` },
    },
    {
      name: 'agent-imports-agent',
      comment: 'A source agent folder may not import another one.',
      severity: 'error',
      from: { path: `^src/capture/(${alt(AGENTS)})/` },
      to: { path: `^src/capture/${alt(AGENTS)}/`, pathNot: '^src/capture/$1/' },
    },
    {
      name: 'root-files',
      comment: 'Only the package entry (src/index.ts) sits at the top of src/.',
      severity: 'error',
      from: { path: '^src/[^/]+$', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/(?!util/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.ts$|__fixtures__)' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
