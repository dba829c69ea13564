// What the intake keeps so that a reload or a new tab resumes the same case:
// the token (for its life), the case id, the last event id seen and the
// timeline already shown.

import { savedSession } from "/shared/saved.js";

export const { load, save, clear } = savedSession("triagem.intake");
