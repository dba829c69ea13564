// What the intake keeps in localStorage so that a reload or a new tab
// resumes the same case: the token (for its life), the case id, the last
// event id seen and the timeline already shown. "Sair" clears it.

const key = "triagem.intake";

export function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (!saved || !saved.token) return null;
    if (saved.expires_at && new Date(saved.expires_at) <= new Date()) {
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
    // Private mode or a full quota: the page still works, only without resume.
  }
}

export function clear() {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing kept.
  }
}
