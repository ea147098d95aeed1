// Types of scripts/e2e-setup.mjs for the TypeScript e2e driver.
export const NODE_VERSION: string;
export const CODE_SERVER_VERSION: string;
export const CHROMIUM: string;
export const APT_PACKAGES: readonly string[];
export function cacheDir(): string;
export function e2eTools(): { node: string; codeServer: string; chromium: string };
export function missingE2eTools(): string[];
export function installE2eTools(): void;
