import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import Provider from 'oidc-provider';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium: Playwright's own browser download cannot reach this network. */
export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A real OpenID provider (oidc-provider) on loopback, with its development sign-in pages: any
 * login name signs in, and its `groups` claim is what the test says that person holds.
 */
export async function startIdentityProvider(opts: { port: number; clientId: string; clientSecret: string; redirectUri: string; groups: Record<string, string[]> }) {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: opts.clientId, client_secret: opts.clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'groups'], email: ['email'] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, preferred_username: id, name: id, groups: opts.groups[id] ?? [] }),
    }),
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(opts.port, '127.0.0.1', () => resolve(s));
  });
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  // Playwright starts Chromium with a fresh profile (user data dir) of its own, deleted on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium tries to reach Google's services, which
    // this closed network answers with nothing.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { browser, close: () => browser.close() };
}

/** A fresh context that may reach loopback only (the provider's sign-in page imports a web font). */
export async function loopbackContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => route.abort());
  return context;
}

/** axe-core on the page as it stands: no serious or critical violations (WCAG 2 A/AA rules). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Screenshots for docs/ when VIGIL_SCREENSHOTS names a folder (npm run screenshots); otherwise nothing. `of` narrows it to one part of the page. */
export async function screenshot(page: Page, name: string, of?: Locator): Promise<void> {
  const dir = process.env.VIGIL_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if (of) await of.screenshot({ path });
  else await page.screenshot({ path, fullPage: false });
}

export async function signInLocally(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByText(`Signed in as ${name}`).count(), { timeout: 10_000 }).toBe(1);
}
