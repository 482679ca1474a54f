// Types of scripts/startWorkspace.mjs (npm start's scratch workspace), for the unit tests.
export declare function defaultScratchDir(home?: string): string;
export declare function isInside(child: string, parent: string): boolean;
export declare function prepareScratchWorkspace(options: { repoRoot: string; dir?: string; fresh?: boolean }): { dir: string; created: boolean };
