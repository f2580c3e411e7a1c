/** Routes; hash history because Electron loads the page from a file and web mode keeps its token in the query. */
import { createRouter, createWebHashHistory } from 'vue-router';
import EventsView from './views/EventsView.vue';
import LogsView from './views/LogsView.vue';
import OverviewView from './views/OverviewView.vue';
import ResourcesView from './views/ResourcesView.vue';
import StoreView from './views/StoreView.vue';
import TerminalView from './views/TerminalView.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'overview', component: OverviewView },
    { path: '/resources/:kind?', name: 'resources', component: ResourcesView },
    { path: '/store', name: 'store', component: StoreView },
    { path: '/events', name: 'events', component: EventsView },
    { path: '/logs/:namespace/:pod', name: 'logs', component: LogsView },
    { path: '/terminal', name: 'terminal', component: TerminalView },
  ],
});
