/** Types of build.mjs (the preload library build script). */
export declare const PRELOAD_SOURCE_DIR: string;
export declare const DEFAULT_PRELOAD_OUT: string;
export declare const CFLAGS: string[];
export interface BuildResult { ok: boolean; out: string; cc: string; message: string }
export declare function buildPreload(opts?: { out?: string; cc?: string }): BuildResult;
