// Opens Nerve's browser surfaces in Debian's Chromium, as a user would, with every request to
// another origin refused (as on a machine without internet access):
//   GraphiQL: sets the Authorization header, runs a query and sees its result, and receives a
//             subscription event over the WebSocket;
//   Swagger UI: authorizes with the token and runs a REST call.
// Usage: NERVE_URL=http://localhost:8080 NERVE_TOKEN=<access token> node check-ui.mjs
// Prints "check-ui: ok" and exits 0, or prints what failed (and leaves screenshots/) and exits 1.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = new URL(process.env.NERVE_URL ?? 'http://localhost:8080');
const token = process.env.NERVE_TOKEN;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!token) {
  console.error('check-ui: NERVE_TOKEN is not set');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const context = await browser.newContext();
const foreign = [];
await context.route('**/*', (route) => {
  const url = new URL(route.request().url());
  if (url.origin === base.origin || url.protocol === 'data:' || url.protocol === 'blob:') {
    return route.continue();
  }
  foreign.push(url.href);
  return route.abort('internetdisconnected');
});
const page = await context.newPage();
const problems = [];
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

/** Text of the CodeMirror editor inside the element matched by selector. */
async function editorText(selector) {
  return page.$eval(`${selector} .CodeMirror`, (element) => element.CodeMirror.getValue());
}
async function setEditor(selector, text) {
  await page.$eval(`${selector} .CodeMirror`, (element, value) => element.CodeMirror.setValue(value), text);
  // GraphiQL parses the editors after a short debounce; the fetcher picks the transport
  // (HTTP or WebSocket) from the parsed document, so let it catch up before running.
  await page.waitForTimeout(1500);
}
async function step(name, action) {
  try {
    await action();
    console.log(`check-ui: ${name}: ok`);
  } catch (error) {
    mkdirSync('screenshots', { recursive: true });
    const file = `screenshots/${name.replace(/\W+/g, '-')}.png`;
    await page.screenshot({ path: file }).catch(() => {});
    throw new Error(`${name}: ${error.message} (screenshot ${file})`);
  }
}

try {
  await step('graphiql query', async () => {
    await page.goto(new URL('/graphiql', base).href);
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 30000 });
    const headers = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
    await page.waitForSelector(`${headers} .CodeMirror`, { timeout: 10000 });
    const prefilled = await editorText(headers);
    if (!prefilled.includes('Authorization')) throw new Error(`header editor not prefilled: ${prefilled}`);
    await setEditor(headers, JSON.stringify({ Authorization: `Bearer ${token}` }));
    await setEditor('.graphiql-query-editor', '{ me { userId tenantId roles } }');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      () => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue().includes('"userId"'),
      null, { timeout: 30000 });
    const result = JSON.parse(await editorText('.result-window'));
    if (result.errors || !result.data?.me?.roles?.length) throw new Error(`unexpected result ${JSON.stringify(result)}`);
  });

  await step('graphiql subscription', async () => {
    await setEditor('.graphiql-query-editor', 'subscription { heartbeat(intervalSeconds: 1) }');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      () => document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue().includes('"heartbeat"'),
      null, { timeout: 30000 });
    const result = JSON.parse(await editorText('.result-window'));
    if (result.errors || !/^\d{4}-\d\d-\d\dT/.test(result.data?.heartbeat ?? '')) {
      throw new Error(`unexpected subscription result ${JSON.stringify(result)}`);
    }
    await page.click('.graphiql-execute-button'); // stops the subscription
  });

  await step('swagger rest call', async () => {
    await page.goto(new URL('/swagger-ui/index.html', base).href);
    await page.waitForSelector('.swagger-ui .btn.authorize', { timeout: 30000 });
    await page.click('.swagger-ui .btn.authorize');
    const bearer = page.locator('.modal-ux .auth-container').filter({ hasText: /bearer/i }).first();
    await bearer.locator('input').first().fill(token);
    await bearer.locator('.modal-btn.auth.authorize').click();
    await page.click('.modal-ux .close-modal');
    const operation = page.locator('.opblock', { has: page.locator('.opblock-summary-path[data-path="/api/v1/auth/me"]') }).first();
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    // The live response row (the table's first row is its header "Code | Details").
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 30000 });
    const code = (await status.innerText()).trim();
    const body = await operation.locator('.live-responses-table tbody .response-col_description').first().innerText();
    if (!code.startsWith('200') || !body.includes('userId')) throw new Error(`REST call answered ${code}: ${body}`);
  });
} catch (error) {
  problems.push(error.message);
} finally {
  await browser.close();
}
if (foreign.length) problems.push(`requests to other origins: ${[...new Set(foreign)].join(', ')}`);
if (problems.length) {
  console.error(`check-ui: failed\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('check-ui: ok');
