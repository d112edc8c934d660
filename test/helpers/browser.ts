import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for page tests: Debian's `chromium` driven by playwright-core, which never
 * downloads a browser of its own. A missing browser fails the tests with the command that
 * installs it (CI installs it; skipping would hide broken pages).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A phone-sized window, as most customers see these pages. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. Install it with:\n  apt-get update && apt-get install -y chromium`);
  }
  // A fresh profile each run: no cookies, storage or cache carried between tests.
  const userDataDir = mkdtempSync(join(tmpdir(), 'pedidos-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    locale: 'es-CO',
    timezoneId: 'America/Bogota',
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Writes docs/<name> only when UPDATE_SCREENSHOTS=1, so ordinary runs never change the repository. */
export async function screenshotForDocs(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const path = join(__dirname, '..', '..', 'docs', name);
  mkdirSync(dirname(path), { recursive: true });
  // Small files: CSS pixels, the visible window only.
  await page.screenshot({ path, ...(name.startsWith('screenshots/') ? { scale: 'css' as const } : {}) });
}
