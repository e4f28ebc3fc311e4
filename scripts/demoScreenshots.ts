// npm run screenshots -- <console url> <log of npm run demo>: signs in as the demo's people (their
// passwords read from the demo's printed sign-ins) and saves the README's screenshots of a busy
// console into docs/screenshots/. Debian's Chromium through playwright-core.
import { readFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';

const [base = 'http://127.0.0.1:8080', logPath = ''] = process.argv.slice(2);
const log = logPath ? readFileSync(logPath, 'utf8') : '';
const password = (name: string) => new RegExp(`\\s${name}\\s+password (\\S+)`).exec(log)?.[1] ?? '';
const out = 'docs/screenshots';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function as(name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password(name));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
  return page;
}
const shot = async (page: Page, name: string) => {
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/${name}.png` });
};

const olivia = await as('olivia');
await olivia.goto(`${base}/console/alerts`);
await olivia.getByRole('link', { name: /alert/ }).first().waitFor();
await shot(olivia, 'alert-queue');
await olivia.getByRole('link', { name: /^fraud alert/ }).first().click();
await olivia.getByTestId('timeline').waitFor();
await shot(olivia, 'case');
await olivia.getByRole('heading', { name: /^Customer / }).scrollIntoViewIfNeeded();
await shot(olivia, 'case-timeline');

const mark = await as('mark');
await mark.goto(`${base}/console/campaigns`);
await mark.getByRole('link', { name: /Payroll/ }).waitFor();
await shot(mark, 'campaigns');
await mark.goto(`${base}/console/campaigns/payroll-package`);
await mark.getByTestId('funnel-chart').waitFor();
await shot(mark, 'campaign');
await mark.goto(`${base}/console/offers`);
await mark.waitForTimeout(6000);
await shot(mark, 'live-offers');

const sam = await as('sam');
await sam.goto(`${base}/console/health`);
await sam.getByRole('heading', { name: 'Lag per partition' }).waitFor();
await shot(sam, 'health');
await browser.close();
