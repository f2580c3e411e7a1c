/** The API server's proxying to kubelets: pods/log, exec, attach, portforward and nodes/proxy. */
export { acceptUpgradeRequests, upgradeOf } from './upgrade-requests.js';
export type { UpgradeConnection } from './upgrade-requests.js';
export { proxyHttp, proxyUpgrade } from './stream-proxy.js';
export type { KubeletTLS, KubeletTarget } from './stream-proxy.js';
export { proxyToKubelet, kubeletAddress, validateContainer, DEFAULT_KUBELET_PORT } from './kubelet-proxy.js';
export type { KubeletConnection } from './kubelet-proxy.js';
export { proxyToPod, podProxyLocation, serviceProxyLocation } from './pod-proxy.js';
export type { PodProxyLocation } from './pod-proxy.js';
export { openPodTunnel } from './pod-tunnel.js';
export type { PodTunnel, PodTunnelTarget } from './pod-tunnel.js';
