// A stream that the server ends again and again in mid-conversation (a
// lifetime of one second): the page resumes from the last id it saw and
// shows each event once.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { api, dismissal, launchBrowser, phone, startServer, watchConsole } from "./harness.js";
import { beginCase, intakeState, messageTexts, resultCard, talk, until } from "./pages.js";

let server;
let browser;

before(async () => {
  server = await startServer({ TRIAGEM_STREAM_LIFETIME: "1s", TRIAGEM_HEARTBEAT: "200ms" });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test("streams cut by the server leave each event once in the timeline", async (t) => {
  browser = await launchBrowser(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: phone, locale: "pt-BR" });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = watchConsole(page);
  const opened = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/v2/triage/stream/")) opened.push(Number(new URL(r.url()).searchParams.get("last_event_id")));
  });

  await beginCase(page, server.base);
  for (const line of dismissal) {
    await talk(page, [line]);
    await new Promise((r) => setTimeout(r, 700)); // let a cut fall between turns
    if (!(await page.getByRole("textbox", { name: "Mensagem", exact: true }).isVisible())) break;
  }
  await resultCard(page);

  assert.ok(opened.length >= 3, `the stream was cut and reopened (${opened.length} opens)`);
  for (let i = 1; i < opened.length; i++) {
    assert.ok(opened[i] > 0 && opened[i] >= opened[i - 1], `reopened from the last id seen: ${opened}`);
  }

  const state = await intakeState(page);
  await page.getByText("Andamento do atendimento").click();
  const timeline = page.getByRole("list", { name: "Andamento do atendimento" }).getByRole("listitem");
  let seqs = [];
  let last = 0;
  await until(async () => {
    const status = await api(server.base, "GET", `/api/v2/triage/status/${state.case_id}`, { token: state.token });
    last = status.body.last_event_id;
    seqs = await timeline.evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
    return seqs.length >= last;
  }, "the timeline to catch up");
  assert.equal(new Set(seqs).size, seqs.length, `no event twice: ${seqs}`);
  assert.deepEqual(seqs, Array.from({ length: last }, (_, i) => i + 1), "every event, once, in order");

  const texts = await messageTexts(page);
  const said = dismissal.filter((line) => texts.includes(line));
  assert.ok(said.length >= 5, `the conversation shows what was said: ${texts}`);
  for (const line of said) assert.equal(texts.filter((x) => x === line).length, 1, `“${line}” once`);
  assert.deepEqual(errors, []);
});
