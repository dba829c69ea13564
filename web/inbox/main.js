// The firm's inbox: sign-in, the live list of cases (GET /api/v2/inbox/stream)
// and the case view with the firm's actions.

import { ApiError, Session, fragmentToken, request, tokenExpiry, tokenSubject } from "/shared/api.js";
import { errorSentence } from "/shared/errors.js";
import { EventStream } from "/shared/stream.js";
import { Labels } from "/shared/labels.js";
import { $, announce } from "/shared/dom.js";
import * as store from "/inbox/store.js";
import { fillFilters, isUrgent, readFilters, renderList } from "/inbox/list.js";
import { renderCase } from "/inbox/case.js";

const state = {
  session: null,
  subject: "",
  role: "",
  labels: new Labels(),
  cases: new Map(), // case_id → summary
  nextCursor: null,
  filters: { status: "", area: "", urgency: "", handling: "" },
  openId: "",
  detail: null,
  tasks: [],
  error: "",
};

let stream = null;
// Cases erased while this page is open: they never come back.
const erased = new Set();

function render() {
  announce($("error"), state.error);
  const signedIn = Boolean(state.session);
  $("signin").hidden = signedIn;
  $("workspace").hidden = !signedIn;
  $("logout").hidden = !signedIn;
  $("who").hidden = !signedIn;
  $("who").textContent = signedIn ? (state.role === "admin" ? "Administração" : "Equipe") : "";
  if (!signedIn) return;
  renderList(state, openCase);
  renderCase(state, { retry });
}

function fail(err) {
  if (err instanceof ApiError && (err.code === "unauthorized" || err.code === "token_expired")) {
    signOut("Sua sessão terminou. Entre de novo.");
    return;
  }
  state.error = errorSentence(err);
  render();
}

function call(method, path, body) {
  return state.session.call(method, path, body);
}

// --- sign-in ------------------------------------------------------------------

async function signIn(token, expiresAt, role) {
  const session = new Session({ token, expiresAt });
  state.session = session;
  state.subject = tokenSubject(token);
  state.role = role || roleOf(token);
  try {
    state.labels = new Labels(await call("GET", "/api/v2/labels"));
  } catch (err) {
    state.session = null;
    throw err;
  }
  store.save({ token, expires_at: expiresAt ? new Date(expiresAt).toISOString() : "", role: state.role });
  fillFilters(state.labels);
  state.error = "";
  await loadCases();
  openStream();
  render();
}

function roleOf(token) {
  try {
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return claims.role || (Array.isArray(claims.roles) ? claims.roles[0] : "") || "staff";
  } catch {
    return "staff";
  }
}

async function devSignIn() {
  state.error = "";
  try {
    const minted = await request("POST", "/api/v2/dev/token", { body: { role: "staff" } });
    await signIn(minted.token, minted.expires_at, minted.role);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      $("dev-signin").hidden = true;
      state.error = "O modo de desenvolvimento está desligado neste servidor. Entre com o token do escritório.";
      render();
      return;
    }
    fail(err);
  }
}

async function tokenSignIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) {
    state.error = "Cole o token de acesso para entrar.";
    render();
    $("token").focus();
    return;
  }
  try {
    await signIn(token, tokenExpiry(token));
    $("token").value = "";
  } catch (err) {
    state.error = err instanceof ApiError && (err.code === "unauthorized" || err.code === "token_expired")
      ? "Este token não é válido ou já expirou."
      : errorSentence(err);
    render();
  }
}

function signOut(message) {
  if (stream) stream.stop();
  stream = null;
  store.clear();
  Object.assign(state, { session: null, subject: "", role: "", cases: new Map(), detail: null, openId: "", tasks: [] });
  state.error = message || "";
  render();
}

// --- the list -----------------------------------------------------------------

function query(cursor) {
  const params = new URLSearchParams({ sort: "urgency", limit: "50" });
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  return `/api/v2/triage/cases?${params}`;
}

async function loadCases(cursor) {
  const page = await call("GET", query(cursor));
  if (!cursor) state.cases = new Map();
  for (const c of page.cases || []) state.cases.set(c.case_id, c);
  state.nextCursor = page.next_cursor || null;
}

function openStream() {
  if (stream) stream.stop();
  stream = new EventStream({
    url: (lastId, token) =>
      `/api/v2/inbox/stream?${lastId === null ? "" : `last_event_id=${lastId}&`}access_token=${encodeURIComponent(token)}`,
    token: () => state.session.token,
    names: ["case_updated", "case_erased"],
    lastEventId: null,
    onEvent: (name, data) => {
      if (name === "case_erased") {
        erased.add(data.case_id);
        state.cases.delete(data.case_id);
        if (state.openId === data.case_id) closeCase();
      } else {
        const summary = data.case || data;
        // A summary read just before the erase can arrive after it.
        if (erased.has(summary.case_id)) return;
        const before = state.cases.get(summary.case_id);
        state.cases.set(summary.case_id, summary);
        if (isUrgent(summary) && !(before && isUrgent(before))) {
          const area = summary.area || state.labels.area(summary.area_id);
          $("announcer").textContent = `Caso urgente: ${area}, ${state.labels.urgency(summary.urgency_level, summary.urgency_h)}.`;
        }
        if (state.openId === summary.case_id) refreshCase().catch(failCase);
      }
      render();
    },
    onResync: () => loadCases().then(render).catch(fail),
    onState: (s) => {
      $("live").textContent = s === "open" ? "Atualizando ao vivo." : s === "reconnecting" ? "Reconectando…" : "";
    },
  }).start();
}

async function applyFilters() {
  state.filters = readFilters();
  try {
    await loadCases();
    render();
  } catch (err) {
    fail(err);
  }
}

// --- one case -----------------------------------------------------------------

async function openCase(id) {
  state.openId = id;
  try {
    await refreshCase();
    render();
    $("case-title").focus();
  } catch (err) {
    failCase(err);
  }
}

// failCase handles an error about the open case: one erased meanwhile just
// leaves the view.
function failCase(err) {
  if (err instanceof ApiError && err.code === "not_found") {
    state.cases.delete(state.openId);
    closeCase();
    return;
  }
  fail(err);
}

async function refreshCase() {
  const id = state.openId;
  if (!id) return;
  const [detail, tasks] = await Promise.all([
    call("GET", `/api/v2/triage/cases/${id}`),
    call("GET", `/api/v2/tasks?case_id=${encodeURIComponent(id)}`).catch(() => ({ tasks: [] })),
  ]);
  if (state.openId !== id) return;
  state.detail = detail;
  state.tasks = tasks.tasks || [];
  if (detail.case) state.cases.set(id, { ...state.cases.get(id), ...detail.case });
  render();
}

function closeCase() {
  const id = state.openId;
  state.openId = "";
  state.detail = null;
  state.tasks = [];
  render();
  const card = id && document.querySelector(`[data-case="${CSS.escape(id)}"]`);
  if (card) card.focus();
}

async function handle(change) {
  state.error = "";
  try {
    await call("PATCH", `/api/v2/triage/cases/${state.openId}/handling`, change);
    await refreshCase();
  } catch (err) {
    fail(err);
  }
}

async function addNote(event) {
  event.preventDefault();
  const text = $("note").value.trim();
  if (!text) {
    state.error = "Escreva a nota antes de adicionar.";
    render();
    $("note").focus();
    return;
  }
  try {
    await call("POST", `/api/v2/triage/cases/${state.openId}/notes`, { text });
    $("note").value = "";
    state.error = "";
    await refreshCase();
  } catch (err) {
    fail(err);
  }
}

async function retry(taskId) {
  try {
    await call("POST", `/api/v2/tasks/${taskId}/retry`);
    await refreshCase();
  } catch (err) {
    fail(err);
  }
}

function bind() {
  $("dev-signin").addEventListener("click", devSignIn);
  $("token-form").addEventListener("submit", tokenSignIn);
  $("logout").addEventListener("click", () => signOut(""));
  $("filters").addEventListener("change", applyFilters);
  $("more").addEventListener("click", () => loadCases(state.nextCursor).then(render).catch(fail));
  $("assign").addEventListener("click", () => handle({ assignee: state.subject }));
  $("mark-contacted").addEventListener("click", () => handle({ state: "contacted" }));
  $("mark-closed").addEventListener("click", () => handle({ state: "closed" }));
  $("note-form").addEventListener("submit", addNote);
  $("close-case").addEventListener("click", closeCase);
}

async function main() {
  bind();
  const handed = fragmentToken();
  const saved = store.load();
  try {
    if (handed) await signIn(handed, tokenExpiry(handed));
    else if (saved) await signIn(saved.token, saved.expires_at, saved.role);
  } catch (err) {
    store.clear();
    state.error = errorSentence(err);
  }
  render();
}

main();
