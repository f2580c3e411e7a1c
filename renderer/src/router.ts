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
    { path: '/store', name: 'store', component: StoreView },
    { path: '/events', name: 'events', component: EventsView },
    // Loaded on first use: xterm.js is most of the terminal's weight.
    { path: '/logs/:namespace/:pod', name: 'logs', component: () => import('./views/LogsView.vue') },
    { path: '/terminal', name: 'terminal', component: () => import('./views/TerminalView.vue') },
  ],
});
