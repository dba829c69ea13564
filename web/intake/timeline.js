// The case's timeline, in words: one line per stream event, keyed by seq so
// that an event delivered twice (a resumed stream) is shown once.

import { $, h } from "/shared/dom.js";
import { eventWord, when } from "/shared/labels.js";

export function timelineEntry(name, data, seq) {
  return { seq, name, text: eventWord(name, data), at: data.timestamp || "" };
}

export function renderTimeline(state) {
  const list = $("timeline");
  const entries = [...state.timeline.values()].sort((a, b) => a.seq - b.seq);
  list.replaceChildren(...entries.map((e) =>
    h("li", { "data-seq": String(e.seq) }, h("time", { datetime: e.at, text: when(e.at) }), " ", e.text)));
}
