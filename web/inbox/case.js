// One case as the firm sees it: result card, contact, notes, conversation,
// a timeline in words, and its tasks (admins may retry a failed one).

import { $, h } from "/shared/dom.js";
import { taskKind, taskState, when } from "/shared/labels.js";

const retryable = new Set(["failed", "discarded", "cancelled"]);

export function renderCase(state, { retry }) {
  const view = $("case");
  const d = state.detail;
  view.hidden = !d;
  if (!d) return;
  const c = d.case || {};
  const labels = state.labels;
  $("case-title").textContent = `Atendimento de ${when(c.started_at) || "—"}`;
  const handling = d.handling || c.handling || {};
  const assignee = handling.assignee
    ? (handling.assignee === state.subject ? "Responsável: você" : "Responsável: outra pessoa da equipe")
    : "Sem responsável";
  $("case-meta").textContent = `${labels.status(c.status)} · ${labels.handlingState(handling.state)} · ${assignee}`;
  const mine = handling.assignee === state.subject;
  $("assign").disabled = mine;
  $("assign").textContent = mine ? "Assumido por você" : "Assumir o caso";
  $("mark-contacted").disabled = handling.state === "contacted";
  $("mark-closed").disabled = handling.state === "closed";

  renderCaseResult(labels, d.result);

  const contact = d.contact;
  $("case-contact").textContent = contact && (contact.email || contact.phone || contact.name)
    ? [contact.name, contact.email, contact.phone].filter(Boolean).join(" · ")
    : "O cliente não deixou contato.";

  const notes = handling.notes || [];
  $("notes").replaceChildren(...(notes.length
    ? notes.map((n) => h("li", {}, h("time", { datetime: n.at, text: when(n.at) }), " — ", n.text))
    : [h("li", { text: "Nenhuma nota ainda." })]));

  $("conversation").replaceChildren(...(d.messages || []).map((m) =>
    h("li", { class: `msg ${m.role === "client" ? "client" : "interviewer"}` },
      h("span", { class: "visually-hidden", text: m.role === "client" ? "Cliente: " : "Assistente: " }),
      h("span", { class: "text", text: m.text }))));

  $("case-timeline").replaceChildren(...timeline(d, state.tasks).map((e) =>
    h("li", {}, h("time", { datetime: e.at, text: when(e.at) }), " ", e.text)));

  const admin = state.role === "admin";
  $("tasks").replaceChildren(...(state.tasks.length
    ? state.tasks.map((t) => h("tr", {},
      h("td", { text: taskKind(t.kind) }),
      h("td", { text: taskState(t.state) }),
      h("td", { text: `${t.attempt} de ${t.max_attempts}` }),
      h("td", {}, admin && retryable.has(t.state)
        ? h("button", { type: "button", class: "secondary small", onclick: () => retry(t.task_id), text: "Tentar de novo" })
        : "")))
    : [h("tr", {}, h("td", { colspan: "4", text: "Nenhuma tarefa." }))]));
  $("riverui").hidden = !admin;
}

function renderCaseResult(labels, result) {
  $("case-result").hidden = !result;
  if (!result) return;
  const t = result.triage_data || {};
  $("cr-area").textContent = t.area && t.area !== t.area_id ? t.area : labels.area(t.area_id);
  $("cr-subarea").textContent = t.subarea_name || labels.subarea(t.area_id, t.subarea) || "—";
  $("cr-urgency").textContent = labels.urgency(t.urgency_level, t.urgency_h);
  $("cr-summary").textContent = t.summary || "";
  $("cr-deadline").textContent = t.deadline_warning ? `Prazo: ${t.deadline_warning}` : "";
  $("cr-deadline").hidden = !t.deadline_warning;
  $("cr-safety").textContent = t.safety_notice || "";
  $("cr-safety").hidden = !t.safety_notice;
  const fill = (id, items) =>
    $(id).replaceChildren(...(items && items.length ? items : ["Nenhum indicado pela análise."]).map((text) => h("li", { text })));
  fill("cr-steps", t.next_steps);
  fill("cr-docs", t.documents);
}

// timeline turns what the case holds into dated lines, oldest first.
function timeline(d, tasks) {
  const c = d.case || {};
  const out = [];
  if (c.started_at) out.push({ at: c.started_at, text: "Atendimento iniciado" });
  for (const m of d.messages || []) {
    if (m.role === "client") out.push({ at: m.at, text: "O cliente respondeu" });
  }
  for (const t of tasks || []) {
    if (t.finalized_at) out.push({ at: t.finalized_at, text: `${taskKind(t.kind)}: ${taskState(t.state)}` });
  }
  if (d.result && d.result.created_at) out.push({ at: d.result.created_at, text: "Análise concluída" });
  if (c.status === "failed") out.push({ at: c.updated_at, text: "A análise não pôde ser concluída" });
  if (d.contact && d.contact.at) out.push({ at: d.contact.at, text: "O cliente pediu contato" });
  for (const n of (d.handling && d.handling.notes) || []) out.push({ at: n.at, text: "Nota interna adicionada" });
  return out.sort((a, b) => String(a.at).localeCompare(String(b.at)));
}
