// Headless Chromium (Debian's) for the benches: a fresh profile, the package served over HTTP from www/ as a page
// would load it, and a page open at /demo/. CHROMIUM names another executable; without one the bench says so.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../serve.mjs';

/** Runs `fn(page)` in a fresh headless Chromium, then closes it, the server and the profile. */
export async function inChromium(fn) {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`chromium: skipped (no ${executablePath})`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const server = await startServer(0);
  const profile = mkdtempSync(join(tmpdir(), 'landed-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`http://127.0.0.1:${server.address().port}/demo/`);
    await fn(page);
  } finally {
    await ctx.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
