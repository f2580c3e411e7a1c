import type { KubariumBridge } from '../../electron/preload/api';

declare global {
  interface Window {
    /** Set by electron/preload; absent when the page is opened outside Electron. */
    readonly kubarium?: KubariumBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
