// The inbox keeps the firm's token until it expires, so that it is pasted
// once.

import { savedSession } from "/shared/saved.js";

export const { load, save, clear } = savedSession("triagem.inbox");
