// The client's intake in a real Chromium.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { api, desktop, dismissal, launchBrowser, overflow, phone, screenshot, startServer, watchConsole } from "./harness.js";
import { beginCase, conversation, intakeState, messageBox, messageTexts, noInternalWords, resultCard, say, talk, until } from "./pages.js";

let server;
let browser;

before(async () => {
  server = await startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function open(t, viewport = phone) {
  browser = browser || (await launchBrowser(t));
  if (!browser) return null;
  const context = await browser.newContext({ viewport, locale: "pt-BR" });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = watchConsole(page);
  return { context, page, errors };
}

test("a whole triage on a phone reaches the result card with area, urgency and next steps", async (t) => {
  const s = await open(t);
  if (!s) return;
  const { page, errors } = s;
  await page.goto(`${server.base}/`);
  await page.getByRole("heading", { name: "Sobre os seus dados" }).waitFor();
  assert.match(await page.locator("body").innerText(), /\d+ dias/, "the notice gives the retention in days");
  await screenshot(page, "intake-phone-welcome");
  assert.equal(await overflow(page), 0);

  // Starting without consent is refused, in Portuguese.
  await page.getByRole("button", { name: "Começar a conversa" }).click();
  assert.match(await page.getByRole("alert").first().innerText(), /marque a caixa/i);

  await page.getByRole("checkbox", { name: /Li e concordo/ }).check();
  await page.getByRole("button", { name: "Começar a conversa" }).click();
  const box = messageBox(page);
  await box.waitFor();
  assert.ok(await box.evaluate((el) => el === document.activeElement), "focus is in the message box");

  await say(page, dismissal[0]);
  assert.match(await page.getByText(/^Pergunta \d+ de até \d+$/).innerText(), /Pergunta \d+ de até \d+/);
  // The message box stays on screen at 390×844.
  const boxAt = await box.boundingBox();
  assert.ok(boxAt && boxAt.y >= 0 && boxAt.y + boxAt.height <= phone.height, `message box on screen: ${JSON.stringify(boxAt)}`);
  assert.ok(await box.evaluate((el) => el === document.activeElement), "focus returns to the message box");
  // Shift+Enter breaks a line instead of sending.
  await box.press("Shift+Enter");
  assert.equal(await box.inputValue(), "\n");
  await box.fill("");
  await screenshot(page, "intake-phone-chat");

  await talk(page, dismissal.slice(1));
  const card = await resultCard(page);
  const state = await intakeState(page);
  const result = await api(server.base, "GET", `/api/v2/triage/result/${state.case_id}`, { token: state.token });
  assert.equal(result.status, 200);
  const data = result.body.triage_data;
  assert.equal(data.area_id, "trabalhista");
  const labels = (await api(server.base, "GET", "/api/v2/labels", { token: state.token })).body;
  const level = labels.urgency_levels.find((l) => l.id === data.urgency_level);
  const text = await card.innerText();
  assert.ok(text.includes(labels.areas.find((a) => a.id === "trabalhista").name), `area display name in ${text}`);
  assert.ok(text.includes(`${level.name} — ${level.advice}`), `urgency in words in ${text}`);
  assert.match(text, /\d+ (h\b|dias?)/, "urgency in hours or days");
  const steps = await card.getByRole("list", { name: "Próximos passos" }).getByRole("listitem").allInnerTexts();
  assert.ok(data.next_steps.length >= 2 && data.next_steps.length <= 5, `2–5 next steps: ${JSON.stringify(data.next_steps)}`);
  assert.deepEqual(steps, data.next_steps, "the next steps, as the analysis gave them");
  assert.ok(data.urgency_h > 0 && data.urgency_h <= 72, `a dismissal without pay is urgent: ${data.urgency_h} h`);
  await noInternalWords(page);
  assert.equal(await overflow(page), 0);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, "intake-phone-result");

  // Asking for a lawyer stores the contact with the case.
  await page.getByRole("button", { name: "Quero falar com um advogado" }).click();
  await page.getByRole("textbox", { name: "Nome (opcional)" }).fill("Maria");
  await page.getByRole("textbox", { name: "E-mail" }).fill("maria@example.com");
  await page.getByRole("button", { name: "Pedir contato" }).click();
  await page.getByRole("status").filter({ hasText: "Pedido de contato registrado" }).waitFor();
  assert.deepEqual(errors, []);
});

test("a reload in mid-conversation resumes the same case from the last event seen", async (t) => {
  const s = await open(t);
  if (!s) return;
  const { page, errors } = s;
  await beginCase(page, server.base);
  await talk(page, dismissal, 2);
  const before = await conversation(page).allInnerTexts();
  const saved = await intakeState(page);
  assert.ok(saved.last_event_id > 0);

  const streams = [];
  page.on("request", (r) => { if (r.url().includes("/api/v2/triage/stream/")) streams.push(new URL(r.url())); });
  await page.reload();
  await until(async () => (await conversation(page).count()) === before.length, "the conversation after reload");
  assert.deepEqual(await conversation(page).allInnerTexts(), before);
  await until(() => streams.length > 0, "the stream after reload");
  assert.equal(streams[0].searchParams.get("last_event_id"), String(saved.last_event_id),
    "the stream reopens from the last event id seen, not from 0");

  // The conversation goes on where it was.
  await say(page, dismissal[2]);
  const texts = await messageTexts(page);
  assert.equal(texts.filter((x) => x === dismissal[2]).length, 1);
  assert.equal(texts.filter((x) => x === dismissal[0]).length, 1);
  assert.equal((await intakeState(page)).case_id, saved.case_id);

  // A new tab resumes it as well.
  const other = await page.context().newPage();
  await other.goto(`${server.base}/`);
  await until(async () => (await conversation(other).count()) === texts.length, "the conversation in a new tab");
  await other.close();

  // "Sair" forgets the case on this device.
  await page.getByRole("button", { name: "Sair" }).click();
  await page.getByRole("checkbox", { name: /Li e concordo/ }).waitFor();
  const fresh = await intakeState(page);
  assert.ok(!fresh || !fresh.case_id);
  assert.deepEqual(errors, []);
});

test("erasing removes the case and says what was erased", async (t) => {
  const s = await open(t);
  if (!s) return;
  const { page, errors } = s;
  await beginCase(page, server.base);
  await talk(page, dismissal, 1);
  const saved = await intakeState(page);
  await page.getByRole("button", { name: "Apagar meus dados" }).click();
  const dialog = page.getByRole("dialog", { name: "Apagar meus dados?" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "Apagar tudo" }).click();
  const done = page.getByRole("heading", { name: "Seus dados foram apagados" });
  await done.waitFor();
  assert.match(await page.locator("#erased").innerText(), /conversa.*resultado.*contato/s);
  const status = await api(server.base, "GET", `/api/v2/triage/status/${saved.case_id}`, { token: saved.token });
  assert.equal(status.status, 404);
  assert.equal(status.body.code, "not_found");
  assert.deepEqual(errors, []);
});

test("a case erased elsewhere (another tab) sends the page back to the start", async (t) => {
  const s = await open(t);
  if (!s) return;
  const { page } = s;
  await beginCase(page, server.base);
  const saved = await intakeState(page);
  assert.equal((await api(server.base, "DELETE", `/api/v2/triage/cases/${saved.case_id}`, { token: saved.token })).status, 204);
  await page.getByRole("alert").filter({ hasText: "não existe mais" }).waitFor({ timeout: 30000 });
  await page.getByRole("checkbox", { name: /Li e concordo/ }).waitFor();
});

test("no horizontal overflow at 360 px and a desktop screenshot", async (t) => {
  const s = await open(t, { width: 360, height: 740 });
  if (!s) return;
  const { page, errors } = s;
  await beginCase(page, server.base);
  assert.equal(await overflow(page), 0);
  await talk(page, dismissal, 2);
  assert.equal(await overflow(page), 0);
  await page.setViewportSize(desktop);
  await screenshot(page, "intake-desktop-chat");
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.equal(await overflow(page), 0);
  assert.deepEqual(errors, []);
});

test("errors are in Portuguese and announced", async (t) => {
  const s = await open(t);
  if (!s) return;
  const { page } = s;
  await beginCase(page, server.base);
  const long = "a".repeat(9000);
  const box = messageBox(page);
  await box.fill(long);
  await box.press("Enter");
  const alert = page.getByRole("alert").filter({ hasText: /longa demais/ });
  await alert.waitFor();
  assert.equal(await box.inputValue(), long, "the text is given back to edit");
});

test("keyboard only: consent, start, send and the result", async (t) => {
  const s = await open(t, desktop);
  if (!s) return;
  const { page, errors } = s;
  await page.goto(`${server.base}/`);
  await page.getByRole("checkbox", { name: /Li e concordo/ }).waitFor();
  // Tab until the consent checkbox has focus, then Space, Tab, Enter.
  for (let i = 0; i < 10 && !(await page.getByRole("checkbox", { name: /Li e concordo/ }).evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  const box = messageBox(page);
  await box.waitFor();
  await until(() => box.evaluate((el) => el === document.activeElement), "focus in the message box");
  for (const line of dismissal) {
    if (!(await box.isVisible())) break;
    const before = await conversation(page).count();
    await page.keyboard.type(line);
    await page.keyboard.press("Enter");
    await until(async () => (await conversation(page).count()) >= before + 2 || !(await box.isVisible()), "the reply");
    if (await box.isVisible()) await until(() => box.evaluate((el) => el === document.activeElement), "focus back in the box");
  }
  await resultCard(page);
  assert.ok(await page.getByRole("heading", { name: "Resultado da triagem" }).evaluate((el) => el === document.activeElement),
    "focus moves to the result card");
  assert.deepEqual(errors, []);
});
