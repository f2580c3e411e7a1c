/**
 * Exec credential plugins (client-go's plugin/pkg/client/auth/exec): the kubeconfig user's `exec` command is run
 * with its args and env plus KUBERNETES_EXEC_INFO, prints an ExecCredential (client.authentication.k8s.io/v1 or
 * v1beta1) whose status carries a bearer token or a client certificate, and the result is cached until its
 * expirationTimestamp (or for the process's life when it has none).
 */
import { execFile } from 'node:child_process';
import { isAbsolute, resolve, sep } from 'node:path';

export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

/** A kubeconfig user's `exec` section, with the folder of the file that defined it (relative commands resolve there). */
export interface ExecConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
  /** Pass the cluster's server and CA in the ExecCredential's spec.cluster. */
  provideClusterInfo: boolean;
  baseDir: string;
}

/** ExecCredential.status. */
export interface ExecCredentialStatus {
  token?: string;
  /** PEM. */
  clientCertificateData?: string;
  clientKeyData?: string;
  /** RFC 3339; the credential is run again after it. */
  expirationTimestamp?: string;
}

/** What spec.cluster carries when provideClusterInfo is set. */
export interface ExecClusterInfo {
  server: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

const PLUGIN_TIMEOUT_MS = 60_000;
/** Re-run a little before the credential expires, so a request does not race the expiry. */
const EXPIRY_SKEW_MS = 10_000;

/** Reads the `exec` section of a kubeconfig user; throws a readable message when it is malformed. */
export function parseExecConfig(section: unknown, userName: string, baseDir: string): ExecConfig {
  const s = (section ?? {}) as Record<string, unknown>;
  const command = typeof s.command === 'string' ? s.command : '';
  if (!command) throw new Error(`kubeconfig: user "${userName}": exec has no command`);
  const apiVersion = typeof s.apiVersion === 'string' ? s.apiVersion : '';
  if (!(EXEC_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new Error(`kubeconfig: user "${userName}": exec apiVersion "${apiVersion}" is not supported (use ${EXEC_API_VERSIONS.join(' or ')})`);
  }
  const args = Array.isArray(s.args) ? s.args.map(String) : [];
  const env = Array.isArray(s.env)
    ? (s.env as { name?: unknown; value?: unknown }[]).map((e) => ({ name: String(e?.name ?? ''), value: String(e?.value ?? '') })).filter((e) => e.name)
    : [];
  return {
    command,
    args,
    env,
    apiVersion,
    installHint: typeof s.installHint === 'string' ? s.installHint : undefined,
    provideClusterInfo: s.provideClusterInfo === true,
    baseDir,
  };
}

/** client-go resolves a command with a path separator but not absolute against the kubeconfig's folder; bare names go through PATH. */
function commandPath(config: ExecConfig): string {
  const cmd = config.command;
  return !isAbsolute(cmd) && (cmd.includes('/') || cmd.includes(sep)) ? resolve(config.baseDir, cmd) : cmd;
}

/** Runs the plugin once and validates its ExecCredential. */
export function runExecPlugin(config: ExecConfig, cluster?: ExecClusterInfo): Promise<ExecCredentialStatus> {
  const spec: Record<string, unknown> = { interactive: false };
  if (config.provideClusterInfo && cluster) spec.cluster = cluster;
  const info = JSON.stringify({ apiVersion: config.apiVersion, kind: 'ExecCredential', spec });
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: info };
  for (const e of config.env) env[e.name] = e.value;
  const label = `exec plugin "${config.command}"`;
  return new Promise((done, fail) => {
    execFile(commandPath(config), config.args, { env, timeout: PLUGIN_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return fail(new Error(`${label} not found${config.installHint ? `: ${config.installHint.trim()}` : ''}`));
        const why = String(stderr).trim().split('\n').slice(-3).join(' ') || err.message;
        return fail(new Error(`${label} failed: ${err.killed ? `no answer within ${PLUGIN_TIMEOUT_MS / 1000}s` : why}`));
      }
      let parsed: { apiVersion?: string; kind?: string; status?: ExecCredentialStatus };
      try {
        parsed = JSON.parse(String(stdout)) as typeof parsed;
      } catch {
        return fail(new Error(`${label} printed no ExecCredential JSON`));
      }
      if (parsed.kind !== 'ExecCredential') return fail(new Error(`${label} printed kind "${parsed.kind ?? ''}", want ExecCredential`));
      if (parsed.apiVersion !== config.apiVersion) {
        return fail(new Error(`${label} printed apiVersion "${parsed.apiVersion ?? ''}", the kubeconfig asks for ${config.apiVersion}`));
      }
      const status = parsed.status ?? {};
      const hasCert = !!status.clientCertificateData && !!status.clientKeyData;
      if (!status.token && !hasCert) return fail(new Error(`${label} returned neither a token nor a client certificate and key`));
      if ((!!status.clientCertificateData) !== (!!status.clientKeyData)) return fail(new Error(`${label} returned a client certificate without its key (or the reverse)`));
      if (status.expirationTimestamp && Number.isNaN(Date.parse(status.expirationTimestamp))) {
        return fail(new Error(`${label} returned an invalid expirationTimestamp "${status.expirationTimestamp}"`));
      }
      done(status);
    });
  });
}

/** One user's plugin with its cached credential: concurrent callers share one run. */
export class ExecCredentialSource {
  private cached: { status: ExecCredentialStatus; expiresAt: number } | undefined;
  private running: Promise<ExecCredentialStatus> | undefined;

  constructor(
    private readonly config: ExecConfig,
    private readonly cluster?: ExecClusterInfo,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached credential while it is valid, else a new run. */
  credential(): Promise<ExecCredentialStatus> {
    if (this.cached && this.now() < this.cached.expiresAt) return Promise.resolve(this.cached.status);
    this.running ??= runExecPlugin(this.config, this.cluster)
      .then((status) => {
        const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) - EXPIRY_SKEW_MS : Infinity;
        this.cached = { status, expiresAt };
        return status;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Forgets the cached credential (client-go does so after a 401). */
  invalidate(): void {
    this.cached = undefined;
  }
}
