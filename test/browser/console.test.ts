import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../../core/events/index.js';
import { cardPayment, login } from '../support/events.js';
import { INGEST_KEY, MARKETING_KEY, RISK_ADMIN_KEY, RISK_KEY, startTestEngine, storedEventsOf, testConfig } from '../support/testEngine.js';
import { fraudAlert } from '../alerts/harness.js';
import { EXAMPLE_MODEL_PATH, exampleAsVersion } from '../support/models.js';
import { TEST_USERS, testUserSettings } from '../support/testUsers.js';
import { expectAccessible, freePort, launchBrowser, loopbackContext, screenshot, signInLocally, startIdentityProvider } from './support.js';

// The console in a real browser (Debian's Chromium through playwright-core), served by a real
// engine, with a real OpenID provider for single sign-on. One user flow per test; axe-core checks
// every page a flow visits.

let engine: Awaited<ReturnType<typeof startTestEngine>>;
let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const [vigilPort, idpPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${vigilPort}`;
  const client = { clientId: 'vigil-console', clientSecret: 'vigil-console-secret-0123456789', redirectUri: `${base}/auth/oidc/callback` };
  idp = await startIdentityProvider({ port: idpPort, ...client, groups: { 'olivia.sso': ['fraud-officers', 'canteen'] } });
  engine = await startTestEngine(testConfig({
    ...(await testUserSettings()),
    VIGIL_APPROVALS: 'all',
    VIGIL_CAMPAIGNS_POLL_MS: '100',
    // The example model as the live version of model `fraud`, for the Models page.
    VIGIL_MODEL_FILES: EXAMPLE_MODEL_PATH,
    VIGIL_OIDC_ISSUER: idp.issuer, VIGIL_OIDC_CLIENT_ID: client.clientId, VIGIL_OIDC_CLIENT_SECRET: client.clientSecret,
    VIGIL_OIDC_REDIRECT_URI: client.redirectUri, VIGIL_OIDC_ROLE_MAP: 'fraud-officers=risk',
  }));
  await engine.app.listen({ host: '127.0.0.1', port: vigilPort });
  chromium = await launchBrowser();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.close();
  await engine?.dispose();
  await idp?.close();
});

async function postEvents(events: EventInput[]): Promise<void> {
  const res = await engine.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload: { events } });
  expect(res.json().accepted).toBe(events.length);
}

/** Small payments at new merchants a minute apart: the default pack's card-testing rule. */
function cardTestingRun(customer: string, count: number): EventInput[] {
  const start = Date.now() - count * 60_000;
  return Array.from({ length: count }, (_, i) => cardPayment({
    customer_id: customer, channel: 'ecommerce', amount: `${1 + (i % 3)}.00`, occurred_at: new Date(start + i * 50_000).toISOString(),
    merchant: { id: `m-browser-${customer}-${i}`, mcc: '5999', country: 'GB' },
  }));
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor({ timeout: 15_000 });

describe('the console in a browser', () => {
  it('refuses a person the identity provider knows but whose groups give no Vigil role, and says why', async () => {
    const context = await loopbackContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.getByPlaceholder('Enter any login').fill('canteen.staff');
    await page.getByPlaceholder('and password').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading(page, 'Sign in to Vigil');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('canteen.staff has no Vigil role');
    expect((await page.request.get(`${base}/v1/session`)).status()).toBe(401);
    await expectAccessible(page, 'sign-in refused');
    await context.close();
  });

  it('an officer signs in through the identity provider, sees a new alert arrive live, works the case from its timeline and resolves it as fraud under their own name', async () => {
    const context = await loopbackContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.getByPlaceholder('Enter any login').fill('olivia.sso');
    await page.getByPlaceholder('and password').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading(page, 'Alert queue');
    await expect.poll(() => page.getByText('Signed in as olivia.sso (risk)').count()).toBe(1);
    await expectAccessible(page, 'alert queue');

    const customer = 'browser-fraud-1';
    const events = cardTestingRun(customer, 8);
    await postEvents(events);
    const row = page.getByRole('link', { name: /^fraud alert/ });
    await row.first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('live-announcement').textContent()).toContain(`fraud alert for customer ${customer}`);
    await screenshot(page, 'alert-queue');

    // The timeline reads the events from ClickHouse: wait until they are written, then open the case.
    await expect.poll(() => storedEventsOf(engine.store, [customer], engine.config), { timeout: 15_000 }).toBe(events.length);
    await row.first().click();
    await heading(page, `Case: fraud alert for ${customer}`);
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toContain('card_payment via ecommerce');
    expect(await timeline.textContent()).toContain('critical fraud alert (card-testing)');
    expect(await page.getByRole('table').first().textContent()).toContain('card-testing');
    await expectAccessible(page, 'case');
    await screenshot(page, 'case');

    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('assigned');
    await page.getByLabel('Disposition').selectOption('confirmed_fraud');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('resolved');
    await expect.poll(() => page.getByRole('table', { name: 'Audit trail' }).textContent()).toContain('risk:olivia.sso');
    const [alert] = (await engine.alerts.store.list({ customerId: customer, limit: 5 })).alerts;
    expect(alert!.history.at(-1)).toMatchObject({ actor: 'risk:olivia.sso', action: 'resolve', disposition: 'confirmed_fraud' });
    await context.close();
  });

  it('a marketer drafts a campaign (errors beside the field), a second marketer approves its activation, offers appear in the live feed and the stats chart renders', async () => {
    const mark = await (await loopbackContext(browser)).newPage();
    await signInLocally(mark, base, TEST_USERS.marketer.name, TEST_USERS.marketer.password);
    await heading(mark, 'Campaigns');
    await mark.getByRole('link', { name: 'New campaign' }).click();
    await heading(mark, 'New campaign');
    await mark.getByLabel('Id').fill('browser-welcome');
    await mark.getByLabel('Name').fill('Browser welcome');
    await mark.getByLabel('Description', { exact: true }).fill('Greets customers who sign in, to test the console.');
    await mark.getByLabel('Priority').fill('5000');
    await mark.getByLabel('Trigger event types').fill('login');
    await mark.getByLabel('Control group share').fill('0');
    await mark.getByLabel('push title').fill('Welcome back');
    await mark.getByLabel('push body').fill('Good to see you again.');
    await mark.getByRole('button', { name: 'Create draft' }).click();
    const priority = mark.getByLabel('Priority');
    await expect.poll(() => priority.getAttribute('aria-invalid')).toBe('true');
    expect(await mark.locator('#c-priority-err').textContent()).toMatch(/Too big/i);
    await expectAccessible(mark, 'campaign editor with errors');
    await screenshot(mark, 'campaign-editor');
    await priority.fill('50');
    await mark.getByRole('button', { name: 'Create draft' }).click();
    await heading(mark, 'Campaign: Browser welcome');
    await mark.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => mark.getByRole('status').filter({ hasText: 'Activation proposed' }).count()).toBe(1);
    expect((await engine.offers.campaigns.get('browser-welcome'))?.campaign.state).toBe('draft');

    const maya = await (await loopbackContext(browser)).newPage();
    await signInLocally(maya, base, TEST_USERS.marketer2.name, TEST_USERS.marketer2.password);
    await maya.getByRole('link', { name: 'Approvals' }).click();
    await heading(maya, 'Approvals');
    const card = maya.getByRole('region', { name: 'Activate campaign Browser welcome' });
    await card.getByRole('button', { name: 'Approve' }).click();
    // Applied, it leaves the pending list.
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(async () => (await engine.offers.campaigns.get('browser-welcome'))?.campaign.state, { timeout: 10_000 }).toBe('active');
    await expectAccessible(maya, 'approvals');

    await maya.getByRole('link', { name: 'Live offers' }).click();
    await heading(maya, 'Live offers');
    await expect.poll(() => maya.getByRole('status').filter({ hasText: 'Live' }).count(), { timeout: 10_000 }).toBe(1);
    const customer = 'browser-offer-1';
    const hour = (new Date().getUTCHours() + 2) % 24;
    const profile = { kyc_status: 'verified', preferred_channel: 'push', marketing_consent: { push: true }, time_zone: 'UTC', quiet_hours: { start: `${String(hour).padStart(2, '0')}:00`, end: `${String((hour + 1) % 24).padStart(2, '0')}:00` } };
    expect((await engine.app.inject({ method: 'PUT', url: `/v1/customers/${customer}`, headers: { authorization: `Bearer ${MARKETING_KEY}` }, payload: profile })).statusCode).toBe(201);
    await postEvents([login({ customer_id: customer })]);
    const feed = maya.getByTestId('offer-feed');
    await expect.poll(() => feed.textContent(), { timeout: 20_000 }).toContain('Browser welcome by push');
    await expectAccessible(maya, 'live offers');
    await screenshot(maya, 'live-offers');

    await maya.getByRole('link', { name: customer }).first().click();
    await heading(maya, `Decision record of ${customer}`);
    await expect.poll(() => maya.getByRole('heading', { name: /Offered Browser welcome by push/ }).count()).toBe(1);
    await expectAccessible(maya, 'decision record');

    await maya.goto(`${base}/console/campaigns/browser-welcome`);
    await heading(maya, 'Campaign: Browser welcome');
    await expect.poll(() => maya.getByTestId('funnel-chart').locator('svg').count(), { timeout: 10_000 }).toBe(1);
    expect(await maya.getByRole('img', { name: /^Funnel: Fired/ }).count()).toBe(1);
    expect(await maya.getByText('state_changed (revision 2): draft → active').count()).toBe(1);
    await expectAccessible(maya, 'campaign');
    await screenshot(maya, 'campaign');
    await maya.goto(`${base}/console/campaigns`);
    await heading(maya, 'Campaigns');
    await expect.poll(() => maya.getByTestId('campaign-funnels').locator('svg').count(), { timeout: 10_000 }).toBe(1);
    expect(await maya.getByRole('img', { name: /Browser welcome: fired 1, sent 1/ }).count()).toBe(1);
    await expectAccessible(maya, 'campaigns');
    await screenshot(maya, 'campaigns');
  });

  it('publishing rules alone is refused: the set waits as a proposal its author cannot approve, and a second risk admin\'s approval publishes it', async () => {
    // A resolved alert of a rule, archived before the page loads: its row shows how it turned out.
    const [raised] = await engine.alerts.store.raise([fraudAlert({ customerId: 'browser-perf', ruleIds: ['browser-perf-rule'] })]);
    await engine.alerts.store.transition(raised!.id, { action: 'assign', assignee: 'officer' }, 'risk:officer');
    await engine.alerts.store.transition(raised!.id, { action: 'resolve', disposition: 'confirmed_fraud' }, 'risk:officer');
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const archivedRule = async () => (await engine.app.inject({
      url: `/v1/rules/performance?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&rule_id=browser-perf-rule`,
      headers: { authorization: `Bearer ${RISK_KEY}` },
    })).json().rules?.[0]?.total?.true_positives;
    await expect.poll(archivedRule, { timeout: 10_000 }).toBe(1);

    const rita = await (await loopbackContext(browser)).newPage();
    await signInLocally(rita, base, TEST_USERS.riskLead.name, TEST_USERS.riskLead.password);
    await rita.getByRole('link', { name: 'Rules' }).click();
    await heading(rita, 'Rules');
    const performance = rita.getByRole('region', { name: /How each rule's alerts turned out/ });
    await expect.poll(() => performance.getByRole('row', { name: /browser-perf-rule/ }).textContent(), { timeout: 10_000 }).toMatch(/browser-perf-rule—11000100 % \(21 %–100 %\)/);
    const inForce = (await engine.rules.published())!.version;
    await expect.poll(() => rita.getByRole('heading', { name: `In force: version ${inForce}` }).count()).toBe(1);
    const text = rita.getByLabel(/^Rule set/);
    await text.fill((await text.inputValue()).replace(/^version: .*$/m, 'version: "2026.browser"'));
    await rita.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => rita.getByRole('status').filter({ hasText: /Proposed as “Publish rule set 2026.browser”/ }).count()).toBe(1);
    expect((await engine.rules.published())!.version).toBe(inForce);
    await expectAccessible(rita, 'rules');
    await screenshot(rita, 'rules');

    await rita.getByRole('navigation').getByRole('link', { name: 'Approvals' }).click();
    const card = rita.getByRole('region', { name: 'Publish rule set 2026.browser' });
    await card.waitFor();
    expect(await card.getByText('You proposed this change: someone else must approve or reject it.').count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await card.getByRole('button', { name: 'Review the change' }).click();
    await expect.poll(() => card.getByRole('region', { name: /Proposed rule set against version/ }).textContent()).toContain('+ version: "2026.browser"');
    await expectAccessible(rita, 'approvals with a diff');
    await screenshot(rita, 'approvals');
    // Nor can she approve it behind the console's back with her own session.
    const [pending] = await engine.approvals.list({ status: 'pending', limit: 10 });
    const csrf = await rita.evaluate(async () => (await (await fetch('/v1/session')).json()).csrfToken as string);
    const self = await rita.request.post(`${base}/v1/approvals/${pending!.id}/approve`, { headers: { 'x-csrf-token': csrf } });
    expect(self.status()).toBe(403);

    const raj = await (await loopbackContext(browser)).newPage();
    await signInLocally(raj, base, TEST_USERS.riskLead2.name, TEST_USERS.riskLead2.password);
    await raj.getByRole('link', { name: 'Approvals' }).click();
    await raj.getByRole('region', { name: 'Publish rule set 2026.browser' }).getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await engine.rules.published())!.version, { timeout: 10_000 }).toBe('2026.browser');
    expect(await engine.rules.published()).toMatchObject({ updatedBy: 'risk-admin:rita.lead', approval: { approvedBy: 'risk-admin:raj.lead' } });
  });

  it('a risk admin imports list entries from CSV: rejected rows are reported, the rest wait for a second risk admin, then appear on the list', async () => {
    const rita = await (await loopbackContext(browser)).newPage();
    await signInLocally(rita, base, TEST_USERS.riskLead.name, TEST_USERS.riskLead.password);
    await rita.getByRole('navigation').getByRole('link', { name: 'Lists' }).click();
    await heading(rita, 'Lists');
    await rita.getByRole('button', { name: 'Entries of watched-customers' }).click();
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await rita.getByLabel('Or paste the rows').fill(`value,reason,expires_at\ncsv-cust-1,mule ring,${expires}\ncsv-cust-2,mule ring,2020-01-01T00:00:00Z\n`);
    await rita.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => rita.getByRole('status').filter({ hasText: 'Proposed: 1 entries wait' }).count()).toBe(1);
    expect(await rita.getByRole('table', { name: 'Rejected rows' }).textContent()).toContain('csv-cust-2');
    await expectAccessible(rita, 'lists');
    await screenshot(rita, 'lists');
    expect(await engine.lists.store.entry('watched-customers', 'csv-cust-1')).toBeUndefined();

    const raj = await (await loopbackContext(browser)).newPage();
    await signInLocally(raj, base, TEST_USERS.riskLead2.name, TEST_USERS.riskLead2.password);
    await raj.getByRole('navigation').getByRole('link', { name: 'Approvals' }).click();
    await raj.getByRole('region', { name: 'Import 1 entries into list watched-customers' }).getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await engine.lists.store.entry('watched-customers', 'csv-cust-1'))?.addedBy, { timeout: 10_000 }).toBe('risk-admin:rita.lead');
  });

  it('a risk admin backtests a draft with a rule only it has, sees that rule\'s alerts only on the draft\'s side, then runs the draft as the challenger, sees a live payment only the challenger alerts on (unlabelled), and stops it', async () => {
    // A small payment of an amount only the draft's rule looks for, stored before the backtest reads the day.
    const customer = 'browser-backtest-1';
    const occurredAt = new Date(Date.now() - 60_000);
    await postEvents([cardPayment({ customer_id: customer, amount: '12.34', occurred_at: occurredAt.toISOString(), merchant: { id: 'm-browser-backtest', mcc: '5999', country: 'GB' } })]);
    await expect.poll(() => storedEventsOf(engine.store, [customer], engine.config), { timeout: 15_000 }).toBe(1);

    const rita = await (await loopbackContext(browser)).newPage();
    await signInLocally(rita, base, TEST_USERS.riskLead.name, TEST_USERS.riskLead.password);
    await rita.getByRole('navigation').getByRole('link', { name: 'Rules' }).click();
    await heading(rita, 'Rules');
    await rita.getByRole('heading', { name: /^In force: version/ }).waitFor({ timeout: 10_000 });
    const text = rita.getByLabel(/^Rule set/);
    const draft = `${(await text.inputValue()).replace(/^version: .*$/m, 'version: "2026.candidate"').trimEnd()}
  - id: browser-candidate-rule
    name: Browser candidate rule
    description: a card payment of exactly 12.34
    alert_type: fraud
    severity: low
    weight: 0.1
    mode: active
    suppress_for: 0s
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: between, value: [12.33, 12.35] }
`;
    await text.fill(draft);
    const backtest = rita.getByRole('region', { name: 'Backtest the draft' });
    await backtest.getByLabel(/^From/).fill(occurredAt.toISOString().slice(0, 10));
    await backtest.getByRole('button', { name: 'Backtest' }).click();
    const perRule = backtest.getByRole('table', { name: 'Backtest alerts per rule' });
    await perRule.waitFor({ timeout: 30_000 });
    // Rule, published (not in it), candidate, only published, only candidate: every alert of the rule is the draft's alone.
    expect(await perRule.getByRole('row', { name: /^browser-candidate-rule/ }).textContent()).toMatch(/^browser-candidate-rulenot in set(\d+)0\1—no verdicts \(\1 unlabelled\)/);
    expect(await backtest.getByRole('img', { name: /^Alerts per day: published .* candidate 2026\.candidate/ }).count()).toBe(1);
    await expectAccessible(rita, 'rules with a backtest');
    await screenshot(rita, 'rules-backtest', backtest);

    await rita.getByRole('button', { name: 'Run as challenger' }).click();
    await expect.poll(() => rita.getByRole('status').filter({ hasText: 'Version 2026.candidate runs as the challenger.' }).count()).toBe(1);
    const challenger = rita.getByRole('region', { name: 'Challenger' });
    await expect.poll(() => challenger.textContent(), { timeout: 10_000 }).toContain('Running: version 2026.candidate, started by risk-admin:rita.lead');
    // A payment only the challenger's rule alerts on, once this process evaluates the challenger: counted on its side, unlabelled.
    await expect.poll(() => engine.challenger.current()?.version).toBe('2026.candidate');
    const liveCustomer = 'browser-challenger-1';
    await postEvents([cardPayment({ customer_id: liveCustomer, amount: '12.34', occurred_at: new Date(Date.now() - 10_000).toISOString(), merchant: { id: 'm-browser-challenger', mcc: '5999', country: 'GB' } })]);
    await expect.poll(() => storedEventsOf(engine.store, [liveCustomer], engine.config), { timeout: 15_000 }).toBe(1);
    await challenger.getByRole('button', { name: 'Refresh the comparison' }).click();
    const alerts = challenger.getByRole('table', { name: 'Challenger and champion alerts' });
    // Champion, challenger, both, only champion, only challenger.
    await expect.poll(() => alerts.getByRole('row').nth(1).textContent(), { timeout: 10_000 }).toBe('01001');
    expect(await challenger.getByRole('row', { name: /^challenger browser-candidate-rule/ }).textContent()).toBe('challengerbrowser-candidate-rule1001no verdicts');
    await expectAccessible(rita, 'rules with a challenger');
    await screenshot(rita, 'challenger', challenger);
    await challenger.getByRole('button', { name: 'Stop challenger' }).click();
    await expect.poll(() => challenger.textContent(), { timeout: 10_000 }).toContain('No challenger is running. The last one was version 2026.candidate.');
    expect((await engine.app.inject({ url: '/v1/rules/challenger', headers: { authorization: `Bearer ${RISK_KEY}` } })).statusCode).toBe(404);
  });

  it('a risk admin uploads a new version of the fraud model from the browser as its shadow and proposes promoting it; it stays shadow until a second risk admin approves, then is live; going back is proposed the same way', async () => {
    const rita = await (await loopbackContext(browser)).newPage();
    await signInLocally(rita, base, TEST_USERS.riskLead.name, TEST_USERS.riskLead.password);
    await rita.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
    await heading(rita, 'Models');
    const card = rita.getByRole('region', { name: 'Model fraud' });
    const versions = card.getByRole('table', { name: 'Versions of model fraud' });
    await expect.poll(() => versions.getByRole('row', { name: /^live/ }).textContent(), { timeout: 10_000 }).toContain('example-1');
    await card.getByLabel('New version of fraud (.onnx file)').setInputFiles({ name: 'fraud-browser-2.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(exampleAsVersion('browser-2')) });
    await card.getByRole('button', { name: 'Upload as shadow' }).click();
    await expect.poll(() => versions.getByRole('row', { name: /^shadow/ }).textContent(), { timeout: 10_000 }).toMatch(/browser-2.*by risk-admin:rita\.lead/);

    await card.getByRole('button', { name: 'Promote shadow' }).click();
    await expect.poll(() => card.getByRole('status').filter({ hasText: /^Proposed as “Promote model fraud version browser-2/ }).count()).toBe(1);
    await expect.poll(() => card.getByRole('listitem').filter({ hasText: /^Promote model fraud version browser-2 .* proposed by risk-admin:rita\.lead .*: pending/ }).count(), { timeout: 10_000 }).toBe(1);
    const models = (await engine.app.inject({ url: '/v1/models', headers: { authorization: `Bearer ${RISK_ADMIN_KEY}` } })).json().models;
    expect(models[0]).toMatchObject({ name: 'fraud', live: { declaredVersion: 'example-1' }, shadow: { declaredVersion: 'browser-2' } });
    await expectAccessible(rita, 'models');
    await screenshot(rita, 'models');

    await card.getByRole('link', { name: 'Approvals' }).first().click();
    await heading(rita, 'Approvals');
    const proposal = rita.getByRole('region', { name: /^Promote model fraud version browser-2/ });
    await proposal.waitFor({ timeout: 10_000 });
    expect(await proposal.getByText('You proposed this change: someone else must approve or reject it.').count()).toBe(1);

    const raj = await (await loopbackContext(browser)).newPage();
    await signInLocally(raj, base, TEST_USERS.riskLead2.name, TEST_USERS.riskLead2.password);
    await raj.getByRole('navigation').getByRole('link', { name: 'Approvals' }).click();
    await raj.getByRole('region', { name: /^Promote model fraud version browser-2/ }).getByRole('button', { name: 'Approve' }).click();
    await raj.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
    await heading(raj, 'Models');
    const rajCard = raj.getByRole('region', { name: 'Model fraud' });
    await expect.poll(() => rajCard.getByRole('table', { name: 'Versions of model fraud' }).getByRole('row', { name: /^live/ }).textContent(), { timeout: 10_000 }).toContain('browser-2');
    expect(await rajCard.getByRole('table', { name: 'History of model fraud' }).getByRole('row', { name: /promoted/ }).textContent()).toMatch(/browser-2risk-admin:rita\.leadrisk-admin:raj\.lead/);
    // Going back is a proposal too.
    await rajCard.getByRole('button', { name: /^Roll back to this version \(example-1/ }).click();
    await expect.poll(() => rajCard.getByRole('status').filter({ hasText: /^Proposed as “Roll model fraud back to version example-1/ }).count()).toBe(1);
  });

  it('an officer may backtest a draft and read the models, and is offered none of the risk admins\' changes', async () => {
    const olivia = await (await loopbackContext(browser)).newPage();
    await signInLocally(olivia, base, TEST_USERS.officer.name, TEST_USERS.officer.password);
    await olivia.getByRole('navigation').getByRole('link', { name: 'Rules' }).click();
    await heading(olivia, 'Rules');
    await olivia.getByRole('heading', { name: /^In force: version/ }).waitFor({ timeout: 10_000 });
    expect(await olivia.getByRole('region', { name: 'Backtest the draft' }).getByRole('button', { name: 'Backtest' }).count()).toBe(1);
    for (const name of ['Publish', 'Run as challenger', 'Stop challenger']) expect(await olivia.getByRole('button', { name }).count(), name).toBe(0);

    await olivia.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
    await heading(olivia, 'Models');
    const card = olivia.getByRole('region', { name: 'Model fraud' });
    await card.getByRole('table', { name: 'History of model fraud' }).getByRole('row').nth(1).waitFor({ timeout: 10_000 });
    expect(await card.getByRole('table', { name: 'Versions of model fraud' }).getByRole('row', { name: /^live/ }).count()).toBe(1);
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await card.getByLabel(/\.onnx file/).count()).toBe(0);
    await expectAccessible(olivia, 'models for an officer');
  });

  it('an SRE sees lag per partition, queue depths, dead letters and the versions in force, reaching the content from the keyboard', async () => {
    const sam = await (await loopbackContext(browser)).newPage();
    await signInLocally(sam, base, TEST_USERS.sre.name, TEST_USERS.sre.password);
    await heading(sam, 'Health');
    // A page loaded afresh starts at the top: the first Tab reaches the skip link.
    await sam.goto(`${base}/console/health`);
    await heading(sam, 'Health');
    await sam.keyboard.press('Tab');
    expect(await sam.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await sam.keyboard.press('Enter');
    expect(await sam.evaluate(() => window.location.hash)).toBe('#main');
    await expect.poll(() => sam.getByRole('heading', { name: 'Lag per partition' }).count(), { timeout: 10_000 }).toBe(1);
    expect(await sam.getByRole('img', { name: /Backlog \d+ entries over 4 partitions/ }).count()).toBe(1);
    expect(await sam.getByRole('cell', { name: 'offer delivery' }).count()).toBe(1);
    expect(await sam.getByRole('heading', { name: /Dead letters/ }).count()).toBe(1);
    await expectAccessible(sam, 'health');
    await screenshot(sam, 'health');
    // The API docs render under the same content security policy, read with the session.
    const violations: string[] = [];
    sam.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
    await sam.goto(`${base}/docs`);
    await sam.getByRole('heading', { name: /Vigil/ }).first().waitFor({ timeout: 15_000 });
    expect(violations).toEqual([]);
  });
});
