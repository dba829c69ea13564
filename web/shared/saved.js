// One saved session in localStorage: a token (kept for its life) and what a
// page needs to resume. Both pages keep theirs under a key of their own;
// "Sair" clears it. Without storage (private mode, a full quota) the page
// still works, only without resume.

import { tokenExpiry } from "/shared/api.js";

export function savedSession(key) {
  function clear() {
    try {
      localStorage.removeItem(key);
    } catch {
      // Nothing kept.
    }
  }
  function load() {
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
  function save(saved) {
    try {
      localStorage.setItem(key, JSON.stringify(saved));
    } catch {
      // Kept for this tab only.
    }
  }
  return { load, save, clear };
}
