/** Types for scripts/tools.mjs, so test/support can import it from TypeScript. */
export declare const repoRoot: string;
export declare const toolsBinDir: string;
export declare function ensureKubeTools(): { kubectl: string; helm: string };
