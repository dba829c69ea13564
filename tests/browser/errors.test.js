// Every problem code the server can send (error.go) has a Portuguese
// sentence in the pages (web/shared/errors.js). No browser needed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./harness.js";
import { errorSentence, knownCodes } from "../../web/shared/errors.js";

test("every error code in error.go has a Portuguese sentence", () => {
  const source = readFileSync(join(repoRoot, "error.go"), "utf8");
  const codes = [...source.matchAll(/^\s*E[A-Z]+\s*=\s*"([a-z_]+)"/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 15, `codes found in error.go: ${codes}`);
  for (const code of codes) assert.ok(knownCodes.includes(code), `no sentence for ${code}`);
  for (const code of codes) assert.doesNotMatch(errorSentence({ code }), /[A-Za-z]+ error|failed|invalid/i);
});

test("a failed fetch reads as no connection, anything else as a generic sentence", () => {
  assert.match(errorSentence(new TypeError("Failed to fetch")), /Sem conexão/);
  assert.match(errorSentence({ code: "something_new" }), /erro inesperado/);
});
