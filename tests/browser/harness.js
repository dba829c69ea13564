// Test harness: builds the triagem binary, runs it in dev mode on a free
// loopback port with a temp SQLite file, and launches Debian's chromium
// through playwright-core. Under CI=true a missing chromium fails the tests.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync, copyFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, "..", "..");
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const artifacts = process.env.ARTIFACTS ? join(process.env.ARTIFACTS, "browser") : join(here, "artifacts");
export const phone = { width: 390, height: 844 };
export const desktop = { width: 1280, height: 800 };

let binary = "";

// buildBinary compiles ./cmd/triagem once per test process.
export function buildBinary() {
  if (binary) return binary;
  if (process.env.TRIAGEM_BIN) {
    // Built once by `npm test` for every test file.
    binary = resolve(process.env.TRIAGEM_BIN);
    return binary;
  }
  const dir = mkdtempSync(join(tmpdir(), "triagem-bin-"));
  binary = join(dir, "triagem");
  execFileSync("go", ["build", "-o", binary, "./cmd/triagem"], { cwd: repoRoot, stdio: "inherit" });
  return binary;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// startServer runs `triagem serve` in dev mode; env adds TRIAGEM_* settings.
export async function startServer(env = {}) {
  const bin = buildBinary();
  const dir = mkdtempSync(join(tmpdir(), "triagem-web-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TRIAGEM_")));
  const child = spawn(bin, ["serve"], {
    cwd: dir,
    env: {
      ...clean,
      TRIAGEM_ADDR: `127.0.0.1:${port}`,
      TRIAGEM_DATABASE_URL: join(dir, "triagem.db"),
      TRIAGEM_LOG_LEVEL: "warn",
      TRIAGEM_RATE_LIMIT: "-1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (b) => { output += b; });
  child.stderr.on("data", (b) => { output += b; });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`triagem exited early:\n${output}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`triagem did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// mintToken signs a token with the dev secret (what an embedding site's
// backend would hand over).
export function mintToken(sub, role = "client") {
  return execFileSync(buildBinary(), ["token", "--sub", sub, "--role", role], { encoding: "utf8" }).trim();
}

// launchBrowser starts chromium, or returns null (after saying why) when it
// is missing outside CI. Under CI=true a missing chromium throws.
export async function launchBrowser(t) {
  if (!existsSync(chromiumPath)) {
    const why = `chromium not found at ${chromiumPath} (apt-get install -y chromium)`;
    if (process.env.CI === "true" || process.env.CI === "1") throw new Error(why);
    t.skip(why);
    console.error(`SKIPPED browser tests: ${why}`);
    return null;
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

// watchConsole collects console errors and page errors of a page.
export function watchConsole(page) {
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  const file = join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    const docs = join(repoRoot, "docs", "screenshots");
    mkdirSync(docs, { recursive: true });
    copyFileSync(file, join(docs, `${name}.png`));
  }
  return file;
}

// overflow is how many CSS pixels the page is wider than its viewport.
export function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// api calls the server directly (as a test, not as the page).
export async function api(base, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// dismissal is a clear labour case: dismissed without severance.
export const dismissal = [
  "Fui demitido pela empresa onde trabalhei por 3 anos e não recebi as verbas rescisórias nem as horas extras.",
  "A demissão foi em 05/08/2024, em Curitiba.",
  "Tenho a carteira de trabalho, os holerites e mensagens do meu chefe.",
  "Eles me devem cerca de R$ 12.000,00.",
  "Tentei falar com o RH mas não resolveram.",
  "Não tenho mais detalhes.",
  "Não sei dizer.",
  "Foi só isso.",
  "Nada mais.",
  "É tudo.",
];
