/**
 * cluster/proxy: the node's service proxy (kube-proxy: iptables mode, userspace
 * fallback) and its cross-node pod routes (a kindnet-like CNI). The node agent starts
 * both with startKubeProxy and startPodRoutes.
 */
export { startKubeProxy, PROXY_LABEL_SELECTOR } from './kube-proxy.js';
export type { KubeProxy, KubeProxyOptions, ProxyMode } from './kube-proxy.js';
export { startPodRoutes, desiredPodRoutes, renderPodNetworkRules, ROUTE_PROTOCOL } from './routes.js';
export type { PodRoute, PodRoutes, PodRoutesOptions } from './routes.js';
export { execRunner, netnsRunner } from './runner.js';
export type { CommandRunner, CommandResult } from './runner.js';
export { renderIptablesRules } from './iptables-rules.js';
export type { IptablesRenderOptions, RenderedRules } from './iptables-rules.js';
export { IptablesProxier, iptablesUsable } from './iptables-proxier.js';
export { UserspaceProxier } from './userspace-proxier.js';
export type { UserspaceProxierOptions } from './userspace-proxier.js';
export { buildServicePorts, servicePortName } from './service-ports.js';
export type { ServicePortInfo, EndpointInfo, Protocol } from './service-ports.js';
