/** What the Electron main process and the headless launcher both use to run the control plane. */
export interface ControlPlaneOptions {
  /** Folder holding the store, certificates, kubeconfig and settings. */
  dataDir: string;
  /** HTTPS port of the API server; 0 picks a free one. Default 6443. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Use a real etcd v3 cluster instead of the embedded SQLite store. */
  etcdServers?: string[];
  /** Extra names/IPs for the serving certificate (how node containers reach the API server). */
  extraSANs?: string[];
  /** Receives one-line log messages. */
  log?: (line: string) => void;
}

export interface ControlPlane {
  /** https://host:port of the API server. */
  readonly url: string;
  readonly port: number;
  /** Admin kubeconfig written into the data dir. */
  readonly kubeconfigPath: string;
  readonly dataDir: string;
  /** Stops the API server and closes the store; idempotent. */
  stop(): Promise<void>;
}
