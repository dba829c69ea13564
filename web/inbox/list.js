// The list of cases: most urgent first (as the server sorts them), urgent
// ones (≤ 24 h) marked, filtered by status, area, urgency and handling.

import { $, h } from "/shared/dom.js";
import { when } from "/shared/labels.js";

export const urgentHours = 24;

export function isUrgent(c) {
  return typeof c.urgency_h === "number" && c.urgency_h > 0 && c.urgency_h <= urgentHours;
}

// compare orders like the server's default sort: smallest urgency first,
// cases without urgency last, then the newest first.
export function compare(a, b) {
  const ua = a.urgency_h > 0 ? a.urgency_h : Infinity;
  const ub = b.urgency_h > 0 ? b.urgency_h : Infinity;
  if (ua !== ub) return ua - ub;
  return String(b.started_at || "").localeCompare(String(a.started_at || ""));
}

export function matches(c, f) {
  if (f.status && c.status !== f.status) return false;
  if (f.area && c.area_id !== f.area) return false;
  if (f.urgency && c.urgency_level !== f.urgency) return false;
  if (f.handling && ((c.handling && c.handling.state) || "new") !== f.handling) return false;
  return true;
}

export function fillFilters(labels) {
  const opts = (id, items) => {
    const select = $(id);
    select.replaceChildren(select.options[0]);
    for (const item of items) select.append(h("option", { value: item.id, text: item.name }));
  };
  opts("f-status", labels.data.statuses || []);
  opts("f-area", labels.data.areas || []);
  opts("f-urgency", labels.levels);
  opts("f-handling", labels.data.handling_states || []);
}

export function readFilters() {
  return {
    status: $("f-status").value,
    area: $("f-area").value,
    urgency: $("f-urgency").value,
    handling: $("f-handling").value,
  };
}

export function renderList(state, open) {
  const cases = [...state.cases.values()].filter((c) => matches(c, state.filters)).sort(compare);
  const list = $("cases");
  list.replaceChildren(...cases.map((c) => h("li", {}, card(state, c, open))));
  $("empty").hidden = cases.length > 0;
  $("more").hidden = !state.nextCursor;
}

function card(state, c, open) {
  const labels = state.labels;
  const urgent = isUrgent(c);
  const area = c.area || (c.area_id ? labels.area(c.area_id) : "Área ainda não definida");
  const urgency = labels.urgencyName(c.urgency_level, c.urgency_h);
  const handling = labels.handlingState(c.handling && c.handling.state);
  const assignee = c.handling && c.handling.assignee
    ? (c.handling.assignee === state.subject ? "com você" : "com outra pessoa")
    : "sem responsável";
  const button = h("button", {
    type: "button",
    class: `case-card${urgent ? " urgent" : ""}`,
    "aria-current": state.openId === c.case_id ? "true" : "false",
    "data-case": c.case_id,
    onclick: () => open(c.case_id),
  },
  h("span", { class: "line1" },
    h("span", { text: area }),
    h("span", { class: `badge${urgent ? " urgent" : ""}`, text: urgent ? `Urgente · ${urgency}` : `Urgência: ${urgency}` })),
  h("span", { class: "line2", text: `${labels.status(c.status)} · ${handling} · ${assignee}${c.has_contact ? " · pediu contato" : ""} · ${when(c.updated_at || c.started_at)}` }),
  c.summary ? h("span", { class: "line2 summary", text: c.summary }) : null);
  return button;
}
