#!/bin/sh
# Node container entrypoint (run by tini, which reaps orphans and forwards signals here):
# the node's container runtime (a Docker engine) first, then the node agent, restarted
# when it exits as systemd restarts a kubelet. Environment (set by cluster/nodes):
#   KUBARIUM_NODE_NAME, KUBARIUM_CLUSTER, KUBARIUM_API_SERVER, KUBARIUM_BOOTSTRAP_TOKEN,
#   KUBARIUM_CA_DATA (base64 PEM), KUBARIUM_POD_CIDR, KUBARIUM_DOCKERD_ARGS (extra flags).
# The agent also gets KUBARIUM_CGROUP_PARENT: the node engine's cgroup parent for pods.
set -u
log() { echo "kubarium-node: $*"; }

# Pods' cgroups nest inside the node container's own cgroup (the host's cgroup namespace
# is shared, so paths are the host's): the node's usage includes its pods, as in kind,
# and the host engine removes the whole subtree with the node.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  own=$(sed -n 's/^0::\(.*\)$/\1/p' /proc/self/cgroup)
  # cgroup v2 lets only leaf cgroups hold processes: move ours into <own>/init first,
  # then delegate the controllers to the children (kind's entrypoint does the same).
  if [ -n "$own" ] && [ "$own" != / ]; then
    mkdir -p "/sys/fs/cgroup$own/init"
    while read -r pid; do echo "$pid" >"/sys/fs/cgroup$own/init/cgroup.procs" 2>/dev/null || true; done <"/sys/fs/cgroup$own/cgroup.procs"
    for c in $(cat "/sys/fs/cgroup$own/cgroup.controllers"); do echo "+$c" >>"/sys/fs/cgroup$own/cgroup.subtree_control" 2>/dev/null || true; done
  fi
else
  own=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup)
fi
if [ -n "$own" ] && [ "$own" != / ]; then
  KUBARIUM_CGROUP_PARENT="$own/kubepods"
else
  KUBARIUM_CGROUP_PARENT="/kubarium/${KUBARIUM_NODE_NAME:-node}"
fi
export KUBARIUM_CGROUP_PARENT

args="--host=unix:///var/run/docker.sock --exec-opt native.cgroupdriver=cgroupfs --shutdown-timeout=5"
args="$args --cgroup-parent=$KUBARIUM_CGROUP_PARENT"
if [ -n "${KUBARIUM_POD_CIDR:-}" ]; then
  # The engine's bridge takes the first address of the node's pod range, as kubenet's cbr0 does.
  net=${KUBARIUM_POD_CIDR%/*}
  args="$args --bip=${net%.*}.$((${net##*.} + 1))/${KUBARIUM_POD_CIDR#*/}"
  # No MASQUERADE of the bridge subnet by the engine: pods on other nodes must see pod
  # addresses (no NAT between pods). The agent's pod routes (cluster/proxy/routes.ts)
  # masquerade only pod traffic leaving the cluster CIDR, as kindnet/ip-masq-agent do.
  args="$args --ip-masq=false"
fi
mkdir -p /var/log/kubarium
# shellcheck disable=SC2086
dockerd $args ${KUBARIUM_DOCKERD_ARGS:-} >>/var/log/kubarium/dockerd.log 2>&1 &
dockerd_pid=$!

stopping=0
agent_pid=""
# docker stop: the agent first (it may stop its pods gracefully), then whatever still
# runs is killed, as on a power-off, and the engine stops without waiting for it.
shutdown() {
  stopping=1
  if [ -n "$agent_pid" ]; then
    kill -TERM "$agent_pid" 2>/dev/null
    i=0
    while kill -0 "$agent_pid" 2>/dev/null && [ "$i" -lt "${KUBARIUM_AGENT_STOP_TIMEOUT_DS:-50}" ]; do
      sleep 0.1
      i=$((i + 1))
    done
  fi
  docker ps -q 2>/dev/null | xargs -r docker kill >/dev/null 2>&1
  kill -TERM "$dockerd_pid" 2>/dev/null
  wait "$dockerd_pid"
  exit 0
}
trap shutdown TERM INT

i=0
until docker version >/dev/null 2>&1; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    log "dockerd exited during start-up:"
    tail -n 20 /var/log/kubarium/dockerd.log
    exit 1
  fi
  i=$((i + 1))
  [ "$i" -gt 600 ] && { log "dockerd did not answer within 60 s"; exit 1; }
  sleep 0.1
done
log "container engine ready"

while [ "$stopping" = 0 ]; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    log "dockerd exited:"
    tail -n 20 /var/log/kubarium/dockerd.log
    [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null
    exit 1
  fi
  if [ -z "$agent_pid" ] || ! kill -0 "$agent_pid" 2>/dev/null; then
    [ -n "$agent_pid" ] && { wait "$agent_pid"; log "agent exited ($?), restarting"; }
    # Every MiB counts per node: a small young generation (the agent allocates little per
    # sync), V8's heap tuned for size over speed, one V8 worker thread instead of one per core,
    # two malloc arenas instead of eight per core.
    MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --optimize-for-size --v8-pool-size=1 /kubarium/agent/index.mjs &
    agent_pid=$!
  fi
  sleep 1 &
  wait $!
done
