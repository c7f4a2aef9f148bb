// print/worker.mjs -- one long-lived Typst compiler process for manualgen.
//
// generator/pdf.c starts it (node print/worker.mjs) and talks JSON lines:
//
//   -> {"id": 7, "root": "/abs/dir", "main": "/abs/dir/main.typ", "out": "/abs/out.pdf"}
//   <- {"id": 7, "ok": true, "pages": 71}
//   <- {"id": 7, "ok": false, "diagnostics": [{"severity": "error", "message": "...", "line": 12, "col": 3}]}
//   -> {"id": 8, "cmd": "version"}
//   <- {"id": 8, "ok": true, "version": "typst 0.14.x / typst-ts 0.7.0"}
//
// Each document is compiled with `root` as the Typst workspace (a private
// folder holding only main.typ: read() and image() reach nothing else),
// with the Noto CJK fonts only, and exported with a fixed creation time
// so the same source gives the same bytes. The global cache is evicted
// after every document; pdf.c replaces the process after a few documents
// all the same, since its memory grows. Lines and columns are 1-based.
// Anything unexpected is answered as a diagnostic, never by dying, so the
// C side can tell a Typst error from a dead worker.

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const FONT_DIR = '/usr/share/fonts/opentype/noto';
// The engine's own font discovery reads fontconfig's files: give it one
// that lists the Noto folder and nothing else.
process.env.FONTCONFIG_FILE = path.join(here, 'fonts.conf');

const require = createRequire(import.meta.url);
const PKG = '@myriaddreamin/typst-ts-node-compiler';
const { NodeCompiler } = require(PKG);
const TS_VERSION = require(`${PKG}/package.json`).version;
const TYPST_VERSION = '0.14';

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function failure(id, message, line = 0, col = 0) {
  return { id, ok: false, diagnostics: [{ severity: 'error', message, line, col }] };
}

// Typst's diagnostics (0-based line and character ranges) as the protocol's.
function diagnostics(list) {
  const out = [];
  for (const d of list || []) {
    const sev = d.severity === 1 || d.severity === 'error' ? 'error' : 'warning';
    const start = (d.range && d.range.start) || {};
    const line = Number.isInteger(start.line) ? start.line + 1 : 0;
    const col = Number.isInteger(start.character) ? start.character + 1 : 0;
    out.push({ severity: sev, message: String(d.message || 'unknown error'), line, col });
  }
  return out;
}

function render(req) {
  const { id, root, main, out } = req;
  for (const [k, v] of [['root', root], ['main', main], ['out', out]])
    if (typeof v !== 'string' || !path.isAbsolute(v))
      return failure(id, `request without an absolute "${k}"`);
  const compiler = NodeCompiler.create({ workspace: root, fontArgs: [{ fontPaths: [FONT_DIR] }] });
  try {
    const res = compiler.compile({ mainFilePath: main });
    if (!res.result) {
      const err = res.takeError();
      const list = err ? diagnostics(compiler.fetchDiagnostics(err)) : [];
      const errors = list.filter((d) => d.severity === 'error');
      return { id, ok: false, diagnostics: errors.length ? errors : [{ severity: 'error', message: 'compilation failed', line: 0, col: 0 }] };
    }
    const pdf = compiler.pdf(res.result, { creationTimestamp: 0 });
    fs.writeFileSync(out, pdf);
    return { id, ok: true, pages: res.result.numOfPages };
  } finally {
    compiler.evictCache(10);
  }
}

function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return failure(null, `not a JSON request: ${e.message}`);
  }
  if (req === null || typeof req !== 'object') return failure(null, 'not a JSON object');
  const id = Number.isInteger(req.id) ? req.id : null;
  if (req.cmd === 'version')
    return { id, ok: true, version: `typst ${TYPST_VERSION} / typst-ts ${TS_VERSION}` };
  if (req.cmd !== undefined) return failure(id, `unknown command "${req.cmd}"`);
  try {
    return render(req);
  } catch (e) {
    return failure(id, (e && e.message) || String(e));
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() !== '') reply(handle(line));
});
rl.on('close', () => process.exit(0));
