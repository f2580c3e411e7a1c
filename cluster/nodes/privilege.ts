/**
 * How node containers get the rights a nested Docker engine needs. `--privileged`
 * where the host allows it (kind and minikube use it); some hosts refuse it (here: a
 * sandbox that withholds CAP_SYS_RESOURCE, so runc cannot apply the full capability
 * set), and then the explicit set: every capability but SYS_RESOURCE, seccomp and
 * AppArmor unconfined, no masked /proc paths. Both modes share the host's cgroup
 * namespace with /sys/fs/cgroup mounted read-write, so the node engine's cgroupfs
 * driver puts pods under /kubarium/<node> in the host's hierarchy.
 * The mode is found by starting a throw-away container in each mode in turn.
 */
import type Docker from 'dockerode';
import { CLUSTER_LABEL } from './names.js';

export type PrivilegeMode = 'privileged' | 'explicit';

/** dockerode's types predate CgroupnsMode (API 1.41). */
export type NodeHostConfig = Docker.HostConfig & { CgroupnsMode?: 'host' | 'private' };

const CGROUP_BIND = '/sys/fs/cgroup:/sys/fs/cgroup:rw';

export function privilegeHostConfig(mode: PrivilegeMode): NodeHostConfig {
  const shared: NodeHostConfig = { CgroupnsMode: 'host', Binds: [CGROUP_BIND] };
  if (mode === 'privileged') return { ...shared, Privileged: true };
  return {
    ...shared,
    CapAdd: ['ALL'],
    CapDrop: ['SYS_RESOURCE'],
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    // What --privileged also lifts: the engine inside writes /proc/sys (ip_forward, ...).
    MaskedPaths: [],
    ReadonlyPaths: [],
  };
}

async function tryMode(docker: Docker, image: string, mode: PrivilegeMode, clusterId: string): Promise<string | undefined> {
  let container: Docker.Container | undefined;
  try {
    // Hosts refuse at create (invalid options) or at start (runc cannot apply the rights).
    container = await docker.createContainer({
      Image: image,
      Entrypoint: ['/bin/sh', '-c', 'exit 0'],
      Labels: { [CLUSTER_LABEL]: clusterId, 'io.kubarium.probe': 'privilege' },
      HostConfig: { ...privilegeHostConfig(mode), NetworkMode: 'none' },
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return StatusCode === 0 ? undefined : `probe exited with ${StatusCode}`;
  } catch (err) {
    return err instanceof Error ? err.message.trim() : String(err);
  } finally {
    await container?.remove({ force: true, v: true }).catch(() => {});
  }
}

/**
 * The first mode in which a container of `image` starts on this engine. Throws, naming
 * both refusals, when neither does. `image` needs /bin/sh (the node image does).
 */
export async function detectPrivilegeMode(docker: Docker, image: string, clusterId: string): Promise<PrivilegeMode> {
  const refusals: string[] = [];
  for (const mode of ['privileged', 'explicit'] as const) {
    const refusal = await tryMode(docker, image, mode, clusterId);
    if (refusal === undefined) return mode;
    refusals.push(`${mode}: ${refusal}`);
  }
  throw new Error(
    'this Docker engine refuses the rights a node container needs to run its own engine ' +
      '(tried --privileged, then all capabilities but SYS_RESOURCE with seccomp/apparmor unconfined, ' +
      `host cgroup namespace and a writable /sys/fs/cgroup):\n  ${refusals.join('\n  ')}\n` +
      'Rootless Docker and user-namespaced engines cannot run nodes; use a rootful engine.',
  );
}
