import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { API } from 'typescript/unstable/sync';
import {
  isArrowFunction, isConstructorDeclaration, isFunctionLikeDeclaration, isPropertyAssignment, isPropertyDeclaration, isVariableDeclaration,
  type FunctionLikeDeclaration, type Node, type SourceFile,
} from 'typescript/unstable/ast';

/**
 * No function in src/ is over 60 lines, counted from its first line to its closing brace: a longer
 * one is split into named helpers (or its switch becomes a table). Every function-like node is
 * measured, callbacks, methods and accessors too; a nested function's lines also count for the one
 * around it. TypeScript 7's compiler API parses (it runs the native compiler: one process per run).
 */
const root = path.resolve(__dirname, '../../..');
const MAX_LINES = 60;

function tsFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFilesUnder(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** What a reader would call the function: its own name, else the name it is bound to. */
function nameOf(fn: FunctionLikeDeclaration, sf: SourceFile): string {
  if (isConstructorDeclaration(fn)) return 'constructor';
  if (!isArrowFunction(fn) && fn.name) return fn.name.getText(sf);
  const p = fn.parent;
  if (isVariableDeclaration(p) || isPropertyAssignment(p) || isPropertyDeclaration(p)) return p.name.getText(sf);
  return '(anonymous)';
}

/** `file:line name (N lines)` for each function of `sf` longer than MAX_LINES. */
function longFunctions(sf: SourceFile, file: string): string[] {
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const found: string[] = [];
  const visit = (node: Node): void => {
    if (isFunctionLikeDeclaration(node) && node.body) {
      const first = lineOf(node.getStart(sf));
      const lines = lineOf(node.getEnd()) - first + 1;
      if (lines > MAX_LINES) found.push(`${file}:${first} ${nameOf(node, sf)} (${lines} lines)`);
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return found;
}

describe('no function in src/ is over 60 lines', function () {
  this.timeout(60000);
  let api: API;
  before(() => {
    api = new API({ cwd: root });
  });
  after(() => api?.close());

  /** Parses `files` as part of the project whose tsconfig.json is in `dir`. */
  const parse = (dir: string, files: string[]): Array<[string, SourceFile | undefined]> => {
    const config = path.join(dir, 'tsconfig.json');
    const program = api.updateSnapshot({ openProjects: [config] }).getProject(config)!.program;
    return files.map((f) => [path.relative(dir, f), program.getSourceFile(f)]);
  };

  it('every .ts file under src/ keeps its functions short', () => {
    const parsed = parse(root, tsFilesUnder(path.join(root, 'src')));
    assert.ok(parsed.length > 100, `found only ${parsed.length} files under src/`);
    assert.deepEqual(parsed.filter(([, sf]) => !sf).map(([f]) => f), [], 'files under src/ the project does not parse');
    const long = parsed.flatMap(([f, sf]) => longFunctions(sf!, f));
    assert.deepEqual(long, [], `split these into named helpers:\n${long.join('\n')}`);
  });

  it('the counter finds a 61-line function of any kind, and lets a 60-line one pass', () => {
    // A function of `lines` lines: its first line, lines - 2 statements, its closing brace.
    const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const source = [
      `function sixty() {\n${body(60)}\n}`,
      `export function sixtyOne() {\n${body(61)}\n}`,
      `const arrow = () => {\n${body(61)}\n};`,
      `class C {\n  constructor() {\n${body(61)}\n}\n  method() {\n${body(61)}\n}\n  get value() {\n${body(61)}\n}\n}`,
      `run(function () {\n${body(61)}\n});`,
      `declare function bodiless(): void;`,
      `declare function run(f: () => void): void;`,
    ].join('\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'function-length-'));
    try {
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ include: ['*.ts'] }));
      fs.writeFileSync(path.join(dir, 'x.ts'), source);
      const [[file, sf]] = parse(dir, [path.join(dir, 'x.ts')]);
      assert.deepEqual(longFunctions(sf!, file), [
        'x.ts:61 sixtyOne (61 lines)',
        'x.ts:122 arrow (61 lines)',
        // The class is not a function; each member is measured on its own.
        'x.ts:184 constructor (61 lines)',
        'x.ts:245 method (61 lines)',
        'x.ts:306 value (61 lines)',
        'x.ts:368 (anonymous) (61 lines)',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
