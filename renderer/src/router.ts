/** Routes; hash history because Electron loads the page from a file and web mode keeps its token in the query. */
import { createRouter, createWebHashHistory } from 'vue-router';
import EventsView from './views/EventsView.vue';
import OverviewView from './views/OverviewView.vue';
import ResourcesView from './views/ResourcesView.vue';
import StoreView from './views/StoreView.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'overview', component: OverviewView },
    { path: '/resources/:kind?', name: 'resources', component: ResourcesView },
    // meta.ownCluster: needs Kubarium's own control plane (hidden while another kubeconfig context is open).
    { path: '/store', name: 'store', component: StoreView, meta: { ownCluster: true } },
    { path: '/events', name: 'events', component: EventsView },
    { path: '/trace', name: 'trace', component: () => import('./views/TraceView.vue') },
    { path: '/network', name: 'network', component: () => import('./views/NetworkView.vue') },
    // Loaded on first use: xterm.js is most of the terminal's weight.
    { path: '/logs/:namespace/:pod', name: 'logs', component: () => import('./views/LogsView.vue') },
    { path: '/terminal', name: 'terminal', component: () => import('./views/TerminalView.vue') },
  ],
});
