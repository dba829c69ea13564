// Where the intake's token comes from: handed over in the URL fragment when
// public intake is off, and renewed while the person is active.

import { test } from "node:test";
import assert from "node:assert/strict";
import { api, dismissal, launchBrowser, mintToken, phone, startServer, watchConsole } from "./harness.js";
import { beginCase, intakeState, messageBox, say } from "./pages.js";

async function withServer(t, env) {
  const server = await startServer(env);
  t.after(() => server.stop());
  const browser = await launchBrowser(t);
  if (!browser) return null;
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: phone, locale: "pt-BR" });
  const page = await context.newPage();
  return { server, context, page, errors: watchConsole(page) };
}

test("with public intake off the page takes the token from the fragment and clears it", async (t) => {
  const s = await withServer(t, { TRIAGEM_PUBLIC_INTAKE: "false" });
  if (!s) return;
  const { server, context, page } = s;
  assert.equal((await api(server.base, "POST", "/api/v2/session", { body: {} })).status, 404);

  // Without a token the page says how to get in, in Portuguese.
  await page.goto(`${server.base}/`);
  await page.getByRole("alert").filter({ hasText: "link que o escritório enviou" }).waitFor();

  const token = mintToken("embedded-client-1");
  const handed = await context.newPage();
  const errors = watchConsole(handed);
  await handed.goto(`${server.base}/#token=${token}`);
  await handed.getByRole("checkbox", { name: /Li e concordo/ }).waitFor();
  assert.ok(!handed.url().includes(token), `the token left the address bar: ${handed.url()}`);
  await beginCase(handed, server.base);
  await say(handed, dismissal[0]);
  assert.equal((await intakeState(handed)).token, token);
  assert.deepEqual(errors, []);
});

test("the session token is renewed while the person is active", async (t) => {
  const s = await withServer(t, { TRIAGEM_SESSION_TTL: "6s" });
  if (!s) return;
  const { page, errors } = s;
  await beginCase(page, s.server.base);
  const first = await intakeState(page);
  // Nine seconds of typing: longer than the token's life.
  const box = messageBox(page);
  for (let i = 0; i < 9; i++) {
    await box.press("a");
    await new Promise((r) => setTimeout(r, 1000));
  }
  await box.fill("");
  await say(page, dismissal[0]);
  const now = await intakeState(page);
  assert.notEqual(now.token, first.token, "a new token");
  assert.equal(now.case_id, first.case_id);
  const status = await api(s.server.base, "GET", `/api/v2/triage/status/${now.case_id}`, { token: now.token });
  assert.equal(status.status, 200, "the new token reaches the same case (same subject)");
  assert.deepEqual(errors, []);
});
