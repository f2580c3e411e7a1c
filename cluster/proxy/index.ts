/**
 * cluster/proxy: the node's service proxy (kube-proxy: iptables mode, userspace
 * fallback) and its cross-node pod routes (a kindnet-like CNI). The node agent starts
 * both with startKubeProxy and startPodRoutes.
 */
export { startKubeProxy, PROXY_LABEL_SELECTOR } from './kube-proxy.js';
export type { KubeProxy, KubeProxyOptions, ProxyMode, ProxyHealth, ProxyRulesReport } from './kube-proxy.js';
export { startProxyServers, DEFAULT_HEALTHZ_PORT, DEFAULT_METRICS_PORT } from './http-servers.js';
export type { ProxyServers, ProxyServersOptions } from './http-servers.js';
export { parseIptablesSave, programmedRules, userspaceRules } from './programmed-rules.js';
export type { IptablesRule, ProgrammedChain, ProgrammedEndpoint, ServicePortRules, UserspacePortRules } from './programmed-rules.js';
export { ProxyMetrics } from './metrics.js';
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
