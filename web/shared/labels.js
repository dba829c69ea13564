// Words for the server's slugs, from GET /api/v2/labels (built from the
// taxonomy on the server: nothing is copied here). Each lookup falls back to
// a neutral Portuguese word, never to the slug.

export class Labels {
  constructor(data) {
    this.data = data || {};
    this.areas = new Map((this.data.areas || []).map((a) => [a.id, a]));
    this.levels = this.data.urgency_levels || [];
    this.statuses = new Map((this.data.statuses || []).map((s) => [s.id, s.name]));
    this.handling = new Map((this.data.handling_states || []).map((s) => [s.id, s.name]));
    this.sentiments = new Map((this.data.sentiments || []).map((s) => [s.id, s.name]));
  }

  get retentionDays() {
    return this.data.retention_days || 0;
  }

  get devMode() {
    return Boolean(this.data.dev_mode);
  }

  area(id) {
    const a = this.areas.get(id);
    return a && a.name ? a.name : "A definir pelo escritório";
  }

  subarea(areaId, id) {
    const a = this.areas.get(areaId);
    const s = a && (a.subareas || []).find((x) => x.id === id);
    return s ? s.name : "";
  }

  // level is the urgency level for a slug, or for hours when no slug is given.
  level(slug, hours) {
    if (slug) {
      const l = this.levels.find((x) => x.id === slug);
      if (l) return l;
    }
    if (!hours || hours <= 0 || this.levels.length === 0) return null;
    for (const l of this.levels) if (l.max_hours > 0 && hours <= l.max_hours) return l;
    return this.levels[this.levels.length - 1];
  }

  // urgency is "Alta — procure atendimento em até 24 h".
  urgency(slug, hours) {
    const l = this.level(slug, hours);
    if (!l) return "Urgência ainda não avaliada";
    const text = l.advice ? `${l.name} — ${l.advice}` : l.name;
    // Advice without a number ("nas próximas semanas") gets the case's own hours.
    return hours > 0 && !/\d/.test(l.advice || "") ? `${text} (em até ${duration(hours)})` : text;
  }

  urgencyName(slug, hours) {
    const l = this.level(slug, hours);
    return l ? l.name : "Sem avaliação";
  }

  status(id) {
    return this.statuses.get(id) || "Em andamento";
  }

  handlingState(id) {
    return this.handling.get(id) || this.handling.get("new") || "Novo";
  }

  sentiment(id) {
    return this.sentiments.get(id) || "";
  }
}

// duration is hours in words: "24 h", "3 dias".
export function duration(hours) {
  if (hours <= 48) return `${hours} h`;
  const days = Math.round(hours / 24);
  return `${days} ${days === 1 ? "dia" : "dias"}`;
}

// Timeline words for the stream's events.
const eventWords = {
  triage_started: "Atendimento iniciado",
  triage_update: "Nova resposta na conversa",
  complexity_update: "Avaliação do caso atualizada",
  task_update: "Andamento da análise",
  triage_completed: "Análise concluída",
  triage_failed: "A análise não pôde ser concluída",
  case_updated: "Atendimento atualizado",
  case_erased: "Atendimento apagado",
};

const taskStateWords = {
  queued: "na fila",
  scheduled: "agendada",
  available: "na fila",
  running: "em andamento",
  retrying: "será tentada de novo",
  retryable: "será tentada de novo",
  completed: "concluída",
  failed: "falhou",
  discarded: "falhou",
  cancelled: "cancelada",
};

const taskKindWords = {
  analyze: "Análise do caso",
  notify: "Aviso ao escritório",
  cleanup: "Limpeza de dados antigos",
  reconcile: "Verificação de análises paradas",
};

export function eventWord(name, data) {
  if (name === "triage_update" && data && data.forced) return "Conversa encerrada antes do fim";
  if (name === "task_update" && data) return `${taskKind(data.kind)}: ${taskState(data.state)}`;
  return eventWords[name] || "Atualização";
}

export function taskState(state) {
  return taskStateWords[state] || "em andamento";
}

export function taskKind(kind) {
  return taskKindWords[kind] || "Tarefa interna";
}

export const complexityWords = { low: "Baixa", medium: "Média", high: "Alta" };

// when formats a timestamp as a short Brazilian date and time.
export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString("pt-BR", { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
}
