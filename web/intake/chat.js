// The conversation: the messages in order, the client's message while it is
// being sent, the typing/analysing indicator, progress, and the composer
// (Enter sends, Shift+Enter breaks a line).

import { $, h } from "/shared/dom.js";

const roleWords = { client: "Você", interviewer: "Assistente" };

export function renderChat(state) {
  const log = $("log");
  const items = [...state.messages.entries()].sort((a, b) => a[0] - b[0]);
  // Append only what is new, so that a screen reader announces only it.
  const shown = new Set([...log.querySelectorAll("li[data-index]")].map((li) => Number(li.dataset.index)));
  for (const [index, m] of items) {
    if (shown.has(index)) continue;
    const li = h("li", { class: `msg ${m.role}`, "data-index": String(index) },
      h("span", { class: "who visually-hidden", text: `${roleWords[m.role] || "Assistente"}: ` }),
      h("span", { class: "text", text: m.text }));
    const next = [...log.querySelectorAll("li[data-index]")].find((el) => Number(el.dataset.index) > index);
    log.insertBefore(li, next || log.querySelector("li.pending"));
  }
  for (const li of log.querySelectorAll("li[data-index]")) {
    if (!state.messages.has(Number(li.dataset.index))) li.remove();
  }
  let pending = log.querySelector("li.pending");
  if (state.pending && !pending) {
    pending = h("li", { class: "msg client pending" }, h("span", { class: "text", text: state.pending }));
    log.append(pending);
  } else if (!state.pending && pending) {
    pending.remove();
  }
  if (items.length) log.lastElementChild.scrollIntoView({ block: "nearest" });

  const safety = $("safety");
  safety.textContent = state.safety;
  safety.hidden = !state.safety;

  const typing = $("typing");
  if (state.busy || state.pending) {
    typing.textContent = "O assistente está escrevendo…";
  } else if (state.status === "analyzing") {
    typing.textContent = "Analisando o seu caso… isto leva alguns segundos.";
  } else {
    typing.textContent = "";
  }
  typing.hidden = !typing.textContent;

  const interviewing = state.status === "interviewing";
  $("composer").hidden = !interviewing;
  // question_number counts the answers so far: the one being asked is next.
  const asking = state.maxQuestions ? Math.min(state.questionNumber + 1, state.maxQuestions) : state.questionNumber + 1;
  $("progress").textContent = interviewing && state.maxQuestions
    ? `Pergunta ${asking} de até ${state.maxQuestions}`
    : "";
  $("send").disabled = !interviewing || state.busy;
  $("send").setAttribute("aria-busy", state.busy ? "true" : "false");
}

// bindComposer wires the message box: Enter sends, Shift+Enter (or an IME
// composition) does not.
export function bindComposer({ send, canSend }) {
  const box = $("message");
  const form = $("composer");
  const submit = async () => {
    const text = box.value.trim();
    if (!text || !canSend()) return;
    box.value = "";
    const ok = await send(text);
    if (!ok && !box.value) box.value = text;
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
}
