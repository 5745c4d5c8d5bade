import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root, wherever the package is installed; the CLI runs the suites from here. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const toolName = manifest.name;
export const toolVersion = manifest.version;
/** Sent on every request, so a target's logs can tell conformance traffic apart. */
export const userAgent = `${toolName}/${toolVersion} (+https://www.npmjs.com/package/${toolName})`;
