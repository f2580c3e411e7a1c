// Placeholder node agent (replaced by the bundled kubelet and kube-proxy): logs who it
// is, then checks the node's container engine every 10 s and logs when that changes.
// It keeps running, so the node container (and its engine) stays up.
import http from 'node:http';

const env = process.env;
const log = (msg) => console.log(`${new Date().toISOString()} kubarium-agent: ${msg}`);

log(`node ${env.KUBARIUM_NODE_NAME ?? '?'} of cluster ${env.KUBARIUM_CLUSTER ?? '?'}, API server ${env.KUBARIUM_API_SERVER ?? 'unset'}, pod CIDR ${env.KUBARIUM_POD_CIDR ?? 'unset'}`);

const ping = () =>
  new Promise((resolve) => {
    const req = http.get({ socketPath: '/var/run/docker.sock', path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });

let engineUp;
const check = async () => {
  const up = await ping();
  if (up !== engineUp) log(`container engine ${up ? 'answers' : 'does not answer'}`);
  engineUp = up;
};
await check();
const timer = setInterval(check, 10_000);
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    clearInterval(timer);
    process.exit(0);
  });
}
