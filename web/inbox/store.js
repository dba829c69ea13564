// The inbox keeps the firm's token in localStorage until it expires, so that
// it is pasted once. "Sair" clears it.

import { tokenExpiry } from "/shared/api.js";

const key = "triagem.inbox";

export function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (!saved || !saved.token) return null;
    const exp = saved.expires_at ? new Date(saved.expires_at) : tokenExpiry(saved.token);
    if (exp && exp <= new Date()) {
      clear();
      return null;
    }
    return saved;
  } catch {
    return null;
  }
}

export function save(saved) {
  try {
    localStorage.setItem(key, JSON.stringify(saved));
  } catch {
    // Without storage the token lasts for this tab only.
  }
}

export function clear() {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing kept.
  }
}
