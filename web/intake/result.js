// The result card: area, subject, urgency in words and hours, summary, next
// steps, documents and deadline warning, in the words of /api/v2/labels and
// the result's display names (never a slug).

import { $, h } from "/shared/dom.js";

export function renderResult(state) {
  const section = $("result");
  const r = state.result;
  section.hidden = !r || state.phase !== "chat";
  if (!r) return;
  const t = r.triage_data || {};
  const labels = state.labels;
  $("r-area").textContent = t.area && t.area !== t.area_id ? t.area : labels.area(t.area_id);
  const sub = t.subarea_name || labels.subarea(t.area_id, t.subarea);
  $("r-subarea").textContent = sub;
  $("r-subarea-row").hidden = !sub;
  $("r-urgency").textContent = labels.urgency(t.urgency_level, t.urgency_h);
  $("r-urgency").className = `urgency-${labels.level(t.urgency_level, t.urgency_h)?.id || "none"}`;
  $("r-summary").textContent = t.summary || "";
  const deadline = $("r-deadline");
  deadline.textContent = t.deadline_warning ? `Atenção ao prazo: ${t.deadline_warning}` : "";
  deadline.hidden = !t.deadline_warning;
  const safety = $("result-safety");
  safety.textContent = t.safety_notice || "";
  safety.hidden = !t.safety_notice;
  fill($("r-steps"), t.next_steps, "Um advogado do escritório vai orientar os próximos passos.");
  fill($("r-docs"), t.documents, "Nenhum documento específico por enquanto.");
}

function fill(list, items, empty) {
  list.replaceChildren(...(items && items.length ? items : [empty]).map((text) => h("li", { text })));
}
