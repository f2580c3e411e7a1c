/**
 * The node agent as one file for the node image: esbuild bundles cluster/nodes/agent/main.ts
 * with its dependencies into <dir>/index.mjs (what entrypoint.sh starts). From a source
 * checkout it is built on demand into the cache, keyed by content so the node image's
 * agent layer changes only when the agent does; a packaged app ships it prebuilt in
 * resources/node-image/agent/.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { resourcePath } from '../../resources.js';
import { defaultCacheDir } from '../image/paths.js';

const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Dependencies' parts the agent never runs, replaced so that they are neither bundled
 * nor initialised at start (each MiB counts per node): docker-modem's SSH transport
 * (ssh2, which also instantiates a WebAssembly module when loaded) — a node talks to its
 * own engine over the local socket — and dockerode's BuildKit session (grpc-js and
 * protobufjs) and client — the agent never builds images.
 */
const STUBS: Array<{ filter: RegExp; importer: RegExp; what: string }> = [
  { filter: /^ssh2$/, importer: /docker-modem/, what: "docker-modem's ssh transport" },
  { filter: /^\.\/session$/, importer: /dockerode/, what: "dockerode's BuildKit session" },
  { filter: /^\.\/buildkit$/, importer: /dockerode/, what: "dockerode's BuildKit client" },
];

const stubPlugin: import('esbuild').Plugin = {
  name: 'kubarium-agent-stubs',
  setup(build) {
    for (const stub of STUBS) {
      build.onResolve({ filter: stub.filter }, (args) =>
        stub.importer.test(args.importer) ? { path: stub.what, namespace: 'kubarium-stub' } : undefined,
      );
    }
    build.onLoad({ filter: /.*/, namespace: 'kubarium-stub' }, (args) => ({
      loader: 'js',
      contents: `function unavailable() { throw new Error(${JSON.stringify(`${args.path} is not part of the node agent`)}); }
module.exports = Object.assign(unavailable, { Client: unavailable });`,
    }));
  },
};

/** Bundles the agent into `outDir/index.mjs`; returns the file's text. */
export async function bundleAgent(outDir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    // Whitespace and syntax only: the source text stays in the agent's heap, ~1/3 smaller so;
    // names are kept for readable stack traces in the node's logs.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // Optional native parts of dockerode's ssh transport (loaded in try/catch): a node uses the local socket.
    external: ['cpu-features', '*.node'],
    plugins: [stubPlugin],
    // CommonJS dependencies call require() and read __dirname: give the ES module both.
    banner: {
      js: [
        "import { createRequire as __kubariumCreateRequire } from 'node:module';",
        "import { dirname as __kubariumDirname } from 'node:path';",
        "import { fileURLToPath as __kubariumFileURLToPath } from 'node:url';",
        'const require = __kubariumCreateRequire(import.meta.url);',
        'const __filename = __kubariumFileURLToPath(import.meta.url);',
        'const __dirname = __kubariumDirname(__filename);',
      ].join('\n'),
    },
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.mjs');
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  return text;
}

/** The prebuilt agent of a packaged app, if there is one. */
function prebuiltAgentDir(): string | undefined {
  const dir = resourcePath('node-image', 'agent-bundle');
  return existsSync(join(dir, 'index.mjs')) ? dir : undefined;
}

/**
 * A directory holding the current agent bundle: built from the sources when they are
 * here (into `<cache>/agent/<hash>/`, reused while the output is unchanged), else the
 * packaged one.
 */
export async function ensureAgentBundle(cacheDir = defaultCacheDir()): Promise<string> {
  if (!existsSync(ENTRY)) {
    const dir = prebuiltAgentDir();
    if (!dir) throw new Error('no node agent bundle: neither the sources nor resources/node-image/agent-bundle/index.mjs are present');
    return dir;
  }
  const staging = join(cacheDir, 'agent', 'staging');
  const text = await bundleAgent(staging);
  const dir = join(cacheDir, 'agent', createHash('sha256').update(text).digest('hex').slice(0, 16));
  if (!existsSync(join(dir, 'index.mjs')) || readFileSync(join(dir, 'index.mjs'), 'utf8') !== text) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.mjs'), text);
  }
  return dir;
}

// `tsx cluster/nodes/agent/bundle.ts OUT_DIR`: the prebuilt bundle a packaged app ships (npm run dist).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? resourcePath('node-image', 'agent-bundle');
  await bundleAgent(out);
  console.log(`node agent bundled into ${out}`);
}
