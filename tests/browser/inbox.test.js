// The firm's inbox in a real Chromium: dev sign-in, a new case arriving
// live over /api/v2/inbox/stream, the case turning completed, the firm's
// actions, and urgent cases standing out.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { api, desktop, dismissal, launchBrowser, mintToken, overflow, phone, screenshot, startServer, watchConsole } from "./harness.js";
import { beginCase, noInternalWords, resultCard, talk, until } from "./pages.js";

let server;
let browser;

before(async () => {
  server = await startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function signIn(page) {
  await page.goto(`${server.base}/inbox/`);
  await page.getByRole("button", { name: "Entrar como equipe (modo de desenvolvimento)" }).click();
  await page.getByRole("heading", { name: "Atendimentos" }).waitFor();
  await page.getByRole("status").filter({ hasText: "Atualizando ao vivo." }).waitFor();
}

function cases(page) {
  return page.getByRole("list", { name: "Lista de atendimentos" }).getByRole("button");
}

test("the inbox shows a new case live and sees it turn completed, over the inbox stream", async (t) => {
  browser = await launchBrowser(t);
  if (!browser) return;
  const firm = await browser.newContext({ viewport: desktop, locale: "pt-BR" });
  const client = await browser.newContext({ viewport: phone, locale: "pt-BR" });
  t.after(async () => { await firm.close(); await client.close(); });
  const inbox = await firm.newPage();
  const inboxErrors = watchConsole(inbox);
  const requests = [];
  inbox.on("request", (r) => requests.push({ url: new URL(r.url()), type: r.resourceType() }));
  let navigations = 0;
  inbox.on("framenavigated", (f) => { if (f === inbox.mainFrame()) navigations++; });

  await signIn(inbox);
  const listCalls = () => requests.filter((r) => r.url.pathname === "/api/v2/triage/cases").length;
  const listedBefore = listCalls();
  const countBefore = await cases(inbox).count();

  const intake = await client.newPage();
  const intakeErrors = watchConsole(intake);
  await beginCase(intake, server.base);
  await until(async () => (await cases(inbox).count()) === countBefore + 1, "the new case in the inbox");
  const card = cases(inbox).first();
  assert.match(await card.innerText(), /Em conversa/);

  await talk(intake, dismissal);
  await resultCard(intake);
  await until(async () => /Concluído/.test(await cases(inbox).filter({ hasText: "Trabalhista" }).first().innerText().catch(() => "")),
    "the case to turn completed in the inbox");

  assert.equal(navigations, 1, "no reload");
  assert.equal(listCalls(), listedBefore, "the list was not fetched again (no polling)");
  const streams = requests.filter((r) => r.url.pathname === "/api/v2/inbox/stream");
  assert.ok(streams.length >= 1 && streams.every((r) => r.type === "eventsource"), "updates came over /api/v2/inbox/stream");
  await noInternalWords(inbox);

  // The case view and the firm's actions.
  await cases(inbox).filter({ hasText: "Trabalhista" }).first().click();
  await inbox.getByRole("heading", { name: /^Atendimento de / }).waitFor();
  await inbox.getByRole("heading", { name: "Resultado da triagem" }).waitFor();
  await inbox.getByRole("button", { name: "Assumir o caso" }).click();
  await inbox.getByText(/Responsável: você/).waitFor();
  await inbox.getByRole("button", { name: "Marcar como contatado" }).click();
  await until(async () => /Contatado/.test(await inbox.getByRole("region", { name: /^Atendimento de / }).innerText()), "contacted");
  await inbox.getByRole("textbox", { name: "Nota interna" }).fill("Ligar amanhã de manhã.");
  await inbox.getByRole("button", { name: "Adicionar nota" }).click();
  await inbox.getByText("Ligar amanhã de manhã.").waitFor();
  await inbox.getByText("Tarefas", { exact: true }).click();
  await inbox.getByRole("cell", { name: "Análise do caso" }).first().waitFor();
  await noInternalWords(inbox);
  await inbox.getByRole("region", { name: /^Atendimento de / }).evaluate((el) => { el.scrollTop = 0; window.scrollTo(0, 0); });
  await screenshot(inbox, "inbox-desktop");

  // The filters narrow the list.
  await inbox.getByRole("combobox", { name: "Situação" }).selectOption({ label: "Em conversa" });
  await until(async () => (await cases(inbox).filter({ hasText: "Concluído" }).count()) === 0, "the filter");
  await inbox.getByRole("combobox", { name: "Situação" }).selectOption({ label: "Todas" });
  await until(async () => (await cases(inbox).count()) > 0, "the list without the filter");

  // The client erases the case: it leaves the inbox, live.
  const listed = await cases(inbox).count();
  await intake.getByRole("button", { name: "Apagar meus dados" }).click();
  await intake.getByRole("dialog", { name: "Apagar meus dados?" }).getByRole("button", { name: "Apagar tudo" }).click();
  await intake.getByRole("heading", { name: "Seus dados foram apagados" }).waitFor();
  await until(async () => (await cases(inbox).count()) === listed - 1,
    async () => `the erased case to leave the inbox (listed: ${await cases(inbox).allInnerTexts()})`);
  await inbox.getByRole("region", { name: /^Atendimento de / }).waitFor({ state: "hidden" });

  assert.deepEqual(inboxErrors, []);
  assert.deepEqual(intakeErrors, []);
});

test("an urgent case stands out and is announced; the inbox fits 360 px", async (t) => {
  browser = browser || (await launchBrowser(t));
  if (!browser) return;
  const firm = await browser.newContext({ viewport: phone, locale: "pt-BR" });
  t.after(() => firm.close());
  const inbox = await firm.newPage();
  const errors = watchConsole(inbox);
  await signIn(inbox);

  // A client talks through the API; its case is urgent (≤ 24 h).
  const session = await api(server.base, "POST", "/api/v2/session", { body: {} });
  assert.equal(session.status, 201);
  const token = session.body.token;
  const started = await api(server.base, "POST", "/api/v2/triage/start", { token, body: { consent: true } });
  const lines = [
    "Minha empresa entrou em recuperação judicial e há várias partes envolvidas: bancos, fornecedores e sócios.",
    "O pedido foi feito em 10/01/2024 em Belo Horizonte e precisamos de uma liminar urgente.",
    "Temos o contrato social, balanços e os contratos com os credores.",
    "As dívidas somam R$ 2.500.000,00.",
    "Já tentamos negociar com os credores sem sucesso.",
    "Não tenho mais detalhes.", "Não sei dizer.", "Foi só isso.", "Nada mais.", "É tudo.", "Só isso.",
  ];
  for (const message of lines) {
    const turn = await api(server.base, "POST", "/api/v2/triage/continue", { token, body: { case_id: started.body.case_id, message } });
    if (turn.body.status !== "interviewing") break;
  }
  const urgent = cases(inbox).filter({ hasText: "Urgente" });
  await until(async () => (await urgent.count()) > 0, "the urgent case", 30000);
  await until(async () => /Caso urgente/.test(await inbox.getByRole("log", { name: "Avisos" }).innerText()), "the announcement");
  assert.equal(await cases(inbox).first().innerText(), await urgent.first().innerText(), "most urgent first");
  await screenshot(inbox, "inbox-phone");
  await inbox.setViewportSize({ width: 360, height: 740 });
  assert.equal(await overflow(inbox), 0);
  await urgent.first().click();
  await inbox.getByRole("heading", { name: "Resultado da triagem" }).waitFor();
  assert.equal(await overflow(inbox), 0);
  assert.deepEqual(errors, []);
});

test("an admin signs in with a pasted token once and sees the tasks' dashboard link", async (t) => {
  browser = browser || (await launchBrowser(t));
  if (!browser) return;
  const firm = await browser.newContext({ viewport: desktop, locale: "pt-BR" });
  t.after(() => firm.close());
  const page = await firm.newPage();
  const errors = watchConsole(page);
  await page.goto(`${server.base}/inbox/`);
  await page.getByRole("textbox", { name: "Token de acesso do escritório" }).fill("not-a-token");
  await page.getByRole("button", { name: "Entrar com o token" }).click();
  await page.getByRole("alert").filter({ hasText: "não é válido" }).waitFor();
  errors.length = 0; // the refused token's 401 is expected

  await page.getByRole("textbox", { name: "Token de acesso do escritório" }).fill(mintToken("boss", "admin"));
  await page.getByRole("button", { name: "Entrar com o token" }).click();
  await page.getByRole("heading", { name: "Atendimentos" }).waitFor();
  assert.match(await page.getByRole("banner").innerText(), /Administração/);
  await cases(page).first().click();
  await page.getByText("Tarefas", { exact: true }).click();
  await page.getByRole("link", { name: /painel de tarefas/ }).waitFor();

  // Pasted once: a reload keeps the sign-in.
  await page.reload();
  await page.getByRole("heading", { name: "Atendimentos" }).waitFor();
  await page.getByRole("button", { name: "Sair" }).click();
  await page.getByRole("heading", { name: "Entrar" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Entrar" }).waitFor();
  assert.deepEqual(errors, []);
});
