// Debian's Chromium for the browser tests, driven by playwright-core (which downloads no browser of its own).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// As root Chromium needs --no-sandbox; the rest keep it from calling Google's hosts on a closed network.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium, or why there is none: the caller fails every browser test with that reason (a skip would
 * let the check rot unseen).
 */
export async function launchChromium(): Promise<{ browser: Browser } | { missing: string }> {
  if (!existsSync(chromiumPath)) {
    return {
      missing: `No Chromium at ${chromiumPath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    };
  }
  return { browser: await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs }) };
}
