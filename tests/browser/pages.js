// Drivers of the two pages, by accessible names only (as a person with a
// screen reader would use them).

import assert from "node:assert/strict";

export function messageBox(page) {
  return page.getByRole("textbox", { name: "Mensagem", exact: true });
}

export function conversation(page) {
  return page.getByRole("list", { name: "Conversa" }).getByRole("listitem");
}

// messageTexts is the conversation as a person reads it, without the
// "Você:"/"Assistente:" prefix that screen readers hear.
export async function messageTexts(page) {
  return (await conversation(page).allInnerTexts()).map((x) => x.replace(/^(Você|Assistente):\s*/, "").trim());
}

// until polls fn until it returns a truthy value.
export async function until(fn, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const said = typeof what === "function" ? await what() : what;
      throw new Error(`timed out waiting for ${said} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// beginCase opens the intake, consents and starts the conversation.
export async function beginCase(page, base) {
  await page.goto(`${base}/`);
  await page.getByRole("checkbox", { name: /Li e concordo/ }).check();
  await page.getByRole("button", { name: "Começar a conversa" }).click();
  await messageBox(page).waitFor();
  await until(async () => (await conversation(page).count()) >= 1, "the greeting");
}

// say sends one message with Enter and waits until the interviewer's reply
// (or the analysis) shows. It returns false once the interview is over.
export async function say(page, text) {
  const box = messageBox(page);
  if (!(await box.isVisible())) return false;
  const before = await conversation(page).count();
  await box.fill(text);
  await box.press("Enter");
  await until(async () => {
    const items = await messageTexts(page);
    return items.length >= before + 2 && items.at(-1) !== text;
  }, `the reply to “${text}”`);
  const send = page.getByRole("button", { name: "Enviar", exact: true });
  await until(async () => !(await box.isVisible()) || (await send.isEnabled()), "the message box to take the next answer");
  return true;
}

// talk says each line until the interview ends.
export async function talk(page, lines, count = lines.length) {
  let said = 0;
  for (const line of lines.slice(0, count)) {
    if (!(await say(page, line))) break;
    said++;
  }
  return said;
}

export async function resultCard(page, timeoutMs = 60000) {
  const heading = page.getByRole("heading", { name: "Resultado da triagem" });
  await heading.waitFor({ timeout: timeoutMs });
  return page.getByRole("region", { name: "Resultado da triagem" });
}

// intakeToken reads the token the page keeps (for direct API checks).
export async function intakeState(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem("triagem.intake") || "null"));
}

// noInternalWords fails if the page shows a slug or an English status.
export async function noInternalWords(page) {
  const text = await page.locator("body").innerText();
  for (const word of ["failover", "rescisao", "medium", "low", "high", "interviewing", "analyzing", "completed",
    "triage_", "case_updated", "undefined", "NaN"]) {
    assert.ok(!text.includes(word), `the page shows “${word}”`);
  }
}
