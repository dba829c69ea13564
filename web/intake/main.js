// The client's intake: a session of its own, consent, the conversation, the
// result card, the contact request and erasure. State lives in `state`;
// every change goes through render().

import { ApiError, Session, fragmentToken, request, tokenExpiry, tokenSubject } from "/shared/api.js";
import { errorSentence } from "/shared/errors.js";
import { EventStream } from "/shared/stream.js";
import { Labels } from "/shared/labels.js";
import { $, announce } from "/shared/dom.js";
import * as store from "/intake/store.js";
import { renderChat, bindComposer } from "/intake/chat.js";
import { renderResult } from "/intake/result.js";
import { renderTimeline, timelineEntry } from "/intake/timeline.js";

const caseEvents = ["triage_started", "triage_update", "complexity_update", "task_update", "triage_completed", "triage_failed"];

const state = {
  phase: "loading", // loading | welcome | chat | erased | blocked
  labels: new Labels(),
  session: null,
  caseId: "",
  status: "",
  messages: new Map(), // index → {role, text}
  pending: "", // the client's message while it is being sent
  busy: false,
  questionNumber: 0,
  maxQuestions: 0,
  safety: "",
  result: null,
  contact: null,
  timeline: new Map(), // seq → entry
  lastEventId: 0,
  error: "",
};

let stream = null;
let failures = 0; // consecutive stream failures

async function checkCaseExists() {
  try {
    await state.session.call("GET", `/api/v2/triage/status/${state.caseId}`);
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") {
      forgetCase();
      state.phase = "welcome";
      state.error = "Este atendimento não existe mais: ele foi apagado ou expirou. Você pode começar outro.";
      render();
    }
  }
}

function persist() {
  if (!state.session) return;
  store.save({
    token: state.session.token,
    expires_at: state.session.expiresAt ? state.session.expiresAt.toISOString() : "",
    case_id: state.caseId,
    last_event_id: state.lastEventId,
    timeline: [...state.timeline.values()],
  });
}

function render() {
  $("loading").hidden = state.phase !== "loading";
  announce($("error"), state.error);
  $("welcome").hidden = state.phase !== "welcome";
  $("erased").hidden = state.phase !== "erased";
  const inCase = state.phase === "chat";
  $("chat").hidden = !inCase;
  $("manage").hidden = !inCase;
  $("logout").hidden = state.phase !== "chat" && state.phase !== "erased";
  $("contact").hidden = !inCase || state.status === "interviewing";
  $("failed").hidden = !inCase || state.status !== "failed";
  renderChat(state);
  renderResult(state);
  renderTimeline(state);
  renderContact();
}

function renderContact() {
  const c = state.contact;
  const done = $("contact-done");
  if (c && (c.email || c.phone)) {
    done.textContent = `Pedido de contato registrado${c.name ? ` em nome de ${c.name}` : ""}. Um advogado vai falar com você${c.email ? ` pelo e-mail ${c.email}` : ""}${c.email && c.phone ? " ou" : ""}${c.phone ? ` pelo telefone ${c.phone}` : ""}.`;
    done.hidden = false;
  } else {
    done.hidden = true;
  }
}

function fail(err) {
  state.error = errorSentence(err);
  render();
}

function clearError() {
  state.error = "";
}

// --- the session -----------------------------------------------------------

async function renewSession(token) {
  try {
    return await request("POST", "/api/v2/session", { token, body: {} });
  } catch {
    return null; // public intake off: a handed-over token is not renewed
  }
}

function newSession(token, expiresAt) {
  const session = new Session({
    token,
    expiresAt,
    renew: renewSession,
    onChange: () => persist(),
  });
  session.watch();
  return session;
}

async function obtainSession(saved) {
  const handed = fragmentToken();
  if (handed) {
    // A token handed over by the embedding site; a different person's stored
    // case is not theirs to resume.
    if (saved && tokenSubject(saved.token) !== tokenSubject(handed)) saved = null;
    return { session: newSession(handed, tokenExpiry(handed)), saved };
  }
  if (saved) return { session: newSession(saved.token, saved.expires_at), saved };
  try {
    const minted = await request("POST", "/api/v2/session", { body: {} });
    return { session: newSession(minted.token, minted.expires_at), saved: null };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { session: null, saved: null };
    throw err;
  }
}

// --- the case ---------------------------------------------------------------

function setMessage(index, role, text) {
  if (typeof index !== "number" || index < 0 || !text) return;
  state.messages.set(index, { role, text });
  if (role === "client" && state.pending && state.pending === text) state.pending = "";
}

// A case only moves forward; an event that lags behind another (a turn's
// update published after a fast analysis completed) does not move it back.
const statusRank = { interviewing: 0, analyzing: 1, failed: 2, completed: 3 };

function setStatus(status) {
  if (!status) return;
  if (state.status && (statusRank[status] ?? 0) < (statusRank[state.status] ?? 0)) return;
  state.status = status;
}

function applyProgress(data) {
  if (!data) return;
  setStatus(data.status);
  if (typeof data.question_number === "number") state.questionNumber = data.question_number;
  if (typeof data.max_questions === "number") state.maxQuestions = data.max_questions;
  if (data.safety_notice) state.safety = data.safety_notice;
}

function applyResult(result) {
  if (!result) return;
  state.result = result;
  setStatus("completed");
  const notice = result.triage_data && result.triage_data.safety_notice;
  if (notice) state.safety = notice;
}

function onEvent(name, data, seq) {
  state.lastEventId = seq;
  state.timeline.set(seq, timelineEntry(name, data, seq));
  switch (name) {
    case "triage_started":
      setMessage(0, "interviewer", data.message);
      applyProgress(data);
      break;
    case "triage_update": {
      const q = typeof data.question_number === "number" ? data.question_number : data.question;
      const client = data.client_message !== undefined ? data.client_message : data.message;
      if (typeof q === "number" && q > 0) {
        setMessage(2 * q - 1, "client", client);
        setMessage(2 * q, "interviewer", data.reply);
      }
      applyProgress({ status: data.status, question_number: q, max_questions: data.max_questions, safety_notice: data.safety_notice });
      break;
    }
    case "triage_completed":
      applyResult(data.result);
      break;
    case "triage_failed":
      setStatus("failed");
      break;
    default:
      break;
  }
  persist();
  render();
  if (name === "triage_completed") $("result-title").focus();
}

function openStream() {
  if (stream) stream.stop();
  const session = state.session;
  stream = new EventStream({
    url: (lastId, token) =>
      `/api/v2/triage/stream/${encodeURIComponent(state.caseId)}?last_event_id=${lastId}&access_token=${encodeURIComponent(token)}`,
    token: async () => {
      await session.renewIfDue().catch(() => {});
      return session.token;
    },
    names: caseEvents,
    lastEventId: state.lastEventId,
    onEvent,
    onSnapshot: (snap) => {
      applyProgress(snap);
      if (snap.status === "completed" && !state.result) loadResult();
      render();
    },
    onResync: () => {
      // History no longer reaches where we were: reload the case as it is.
      loadCase().then(render).catch(fail);
    },
    onState: (s) => {
      failures = s === "reconnecting" ? failures + 1 : 0;
      // A stream that keeps failing may mean the case is gone (erased in
      // another tab, or expired): ask once in a while.
      if (failures > 0 && failures % 3 === 0) checkCaseExists();
    },
  }).start();
}

async function loadResult() {
  try {
    applyResult(await state.session.call("GET", `/api/v2/triage/result/${state.caseId}`));
    render();
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "not_ready")) fail(err);
  }
}

// loadCase reads the case as it is now (conversation, result, contact).
async function loadCase() {
  const detail = await state.session.call("GET", `/api/v2/triage/cases/${state.caseId}`);
  const c = detail.case || {};
  applyProgress(c);
  for (const m of detail.messages || []) setMessage(m.index, m.role, m.text);
  if (detail.result) applyResult(detail.result);
  state.contact = detail.contact || null;
  const status = await state.session.call("GET", `/api/v2/triage/status/${state.caseId}`);
  applyProgress(status);
  if (!state.lastEventId) state.lastEventId = status.last_event_id || 0;
  if (state.status === "completed" && !state.result) await loadResult();
}

async function resume(saved) {
  state.caseId = saved.case_id;
  state.lastEventId = saved.last_event_id || 0;
  for (const entry of saved.timeline || []) state.timeline.set(entry.seq, entry);
  try {
    await loadCase();
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") {
      forgetCase();
      return false;
    }
    throw err;
  }
  state.phase = "chat";
  render();
  openStream();
  return true;
}

function forgetCase() {
  if (stream) stream.stop();
  stream = null;
  Object.assign(state, {
    caseId: "", status: "", pending: "", busy: false, questionNumber: 0, maxQuestions: 0,
    safety: "", result: null, contact: null, lastEventId: 0,
  });
  state.messages = new Map();
  state.timeline = new Map();
  persist();
}

async function begin(event) {
  event.preventDefault();
  clearError();
  if (!$("consent").checked) {
    state.error = "Para começar, marque a caixa que autoriza o uso dos seus dados para esta triagem.";
    render();
    $("consent").focus();
    return;
  }
  $("begin").setAttribute("aria-busy", "true");
  try {
    const started = await state.session.call("POST", "/api/v2/triage/start", { consent: true });
    state.caseId = started.case_id;
    state.lastEventId = started.last_event_id || 0;
    setMessage(0, "interviewer", started.message);
    // The stream starts after triage_started: the timeline gets it from here.
    if (state.lastEventId > 0) {
      state.timeline.set(state.lastEventId, timelineEntry("triage_started", { timestamp: started.timestamp }, state.lastEventId));
    }
    applyProgress(started);
    state.phase = "chat";
    persist();
    render();
    openStream();
    $("message").focus();
  } catch (err) {
    fail(err);
  } finally {
    $("begin").removeAttribute("aria-busy");
  }
}

async function send(text) {
  clearError();
  state.pending = text;
  state.busy = true;
  render();
  try {
    const turn = await state.session.call("POST", "/api/v2/triage/continue", { case_id: state.caseId, message: text });
    // The reply is shown as the stream delivers it; should the stream lag
    // (reconnecting), the case as stored fills the conversation in.
    setTimeout(() => {
      if (state.pending === text && state.caseId) loadCase().then(render).catch(() => {});
    }, 3000);
    applyProgress(turn);
    if (turn.result) applyResult(turn.result);
    return true;
  } catch (err) {
    state.error = errorSentence(err);
    state.pending = "";
    return false;
  } finally {
    state.busy = false;
    render();
    $("message").focus();
  }
}

async function erase() {
  $("erase-dialog").close();
  clearError();
  try {
    await state.session.call("DELETE", `/api/v2/triage/cases/${state.caseId}`);
    forgetCase();
    state.phase = "erased";
    render();
    $("erased-title").focus();
  } catch (err) {
    fail(err);
  }
}

async function sendContact(event) {
  event.preventDefault();
  clearError();
  const body = {};
  for (const [key, id] of [["name", "c-name"], ["email", "c-email"], ["phone", "c-phone"]]) {
    const value = $(id).value.trim();
    if (value) body[key] = value;
  }
  if (!body.email && !body.phone) {
    state.error = "Informe um e-mail ou um telefone para que o advogado possa falar com você.";
    render();
    $("c-email").focus();
    return;
  }
  try {
    state.contact = await state.session.call("PUT", `/api/v2/triage/cases/${state.caseId}/contact`, body);
    $("contact-form").hidden = true;
    $("contact-open").setAttribute("aria-expanded", "false");
    render();
    $("contact-done").focus();
  } catch (err) {
    state.error = errorSentence(err);
    render();
  }
}

function logout() {
  if (stream) stream.stop();
  if (state.session) state.session.stop();
  store.clear();
  location.replace("/");
}

function bind() {
  $("consent-form").addEventListener("submit", begin);
  bindComposer({ send, canSend: () => state.phase === "chat" && state.status === "interviewing" && !state.busy });
  $("erase").addEventListener("click", () => $("erase-dialog").showModal());
  $("erase-cancel").addEventListener("click", () => $("erase-dialog").close());
  $("erase-confirm").addEventListener("click", erase);
  $("again").addEventListener("click", () => {
    state.phase = "welcome";
    $("consent").checked = false;
    render();
    $("consent").focus();
  });
  $("contact-open").addEventListener("click", () => {
    const form = $("contact-form");
    form.hidden = !form.hidden;
    $("contact-open").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) $("c-name").focus();
  });
  $("contact-form").addEventListener("submit", sendContact);
  $("logout").addEventListener("click", logout);
}

async function main() {
  bind();
  try {
    const { session, saved } = await obtainSession(store.load());
    if (!session) {
      state.phase = "blocked";
      state.error = "Para iniciar um atendimento, abra esta página pelo link que o escritório enviou.";
      render();
      return;
    }
    state.session = session;
    persist();
    state.labels = new Labels(await session.call("GET", "/api/v2/labels"));
    const days = state.labels.retentionDays;
    if (days) {
      $("retention").textContent = `guardamos a conversa por até ${days} ${days === 1 ? "dia" : "dias"} sem uso; depois ela é apagada automaticamente`;
    }
    if (saved && saved.case_id && (await resume(saved))) return;
    state.phase = "welcome";
    render();
  } catch (err) {
    state.phase = "blocked";
    fail(err);
  }
}

main();
