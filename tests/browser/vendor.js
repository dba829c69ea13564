// Copies the vendored stylesheet from the lockfile's @picocss/pico into
// web/vendor/ (run `npm run vendor` after changing its version). The file
// keeps Pico's own header comment, which names the version.
import { copyFileSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const from = join(here, "node_modules", "@picocss", "pico", "css", "pico.min.css");
const to = join(here, "..", "..", "web", "vendor", "pico.min.css");
copyFileSync(from, to);
const version = /Pico CSS ✨ v([\d.]+)/.exec(readFileSync(to, "utf8"));
console.log(`web/vendor/pico.min.css: Pico CSS ${version ? version[1] : "(version not found)"}`);
