/**
 * Streaming protocols shared by the kubelet's server and the API server: the
 * remote-command channels over WebSocket (v4/v5.channel.k8s.io) and SPDY/3.1, SPDY
 * port-forward (plain, or tunnelled in WebSocket messages), and the upgrade handshakes.
 */
export * from './remotecommand.js';
export * from './connection.js';
export { webSocketChannels } from './ws-channels.js';
export { spdyChannels } from './spdy-channels.js';
export { webSocketDuplex } from './ws-duplex.js';
export { servePortForward, PORT_FORWARD_PROTOCOL_V1, PORT_FORWARD_TUNNEL_PROTOCOL, WEBSOCKET_SPDY_TUNNELING_PREFIX } from './portforward.js';
export type { PortForwardOptions } from './portforward.js';
export { upgradeKind, headerValues, negotiateProtocol, acceptSpdyUpgrade, rejectUpgrade, SPDY_UPGRADE, STREAM_PROTOCOL_HEADER } from './upgrade.js';
export type { UpgradeKind } from './upgrade.js';
export { SpdySession, SpdyStream } from './spdy/session.js';
export type { SpdyRole } from './spdy/session.js';
export type { SpdyHeaders } from './spdy/framer.js';
