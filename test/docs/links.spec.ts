import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository stands on its own: every relative link of its Markdown resolves to a file (and,
 * for a heading anchor into Markdown, to a heading) inside it, and no file points at a place a
 * reader of a clone does not have.
 */

const ROOT = path.resolve(__dirname, '..', '..');

function trackedFiles(): string[] {
  // Tracked and new files alike, so that a link to a file not yet added is still checked.
  const output = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return output
    .split('\n')
    .filter((file) => file && existsSync(path.join(ROOT, file)))
    .filter((file) => !file.startsWith('node_modules/'));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const match = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!match) continue;
    const anchor = headingAnchor(match[1]);
    const count = seen.get(anchor) ?? 0;
    seen.set(anchor, count + 1);
    anchors.add(count ? `${anchor}-${count}` : anchor);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Inline links and images `[text](target)` and reference definitions `[name]: target`, outside code. */
export function linksOf(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    if (fenced) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ file, line: index + 1, target: match[1] });
    }
    const definition = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (definition) links.push({ file, line: index + 1, target: definition[1] });
  });
  return links;
}

function brokenLinks(): string[] {
  const files = trackedFiles();
  const markdownFiles = files.filter((file) => file.endsWith('.md'));
  const broken: string[] = [];
  for (const file of markdownFiles) {
    const markdown = readFileSync(path.join(ROOT, file), 'utf8');
    for (const link of linksOf(file, markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:
      const where = `${link.file}:${link.line}: ${link.target}`;
      const [target, anchor] = link.target.split('#', 2);
      if (target.startsWith('/')) {
        broken.push(`${where} (an absolute path)`);
        continue;
      }
      const resolved = target
        ? path.resolve(ROOT, path.dirname(file), decodeURIComponent(target))
        : path.join(ROOT, file);
      if (!resolved.startsWith(ROOT + path.sep) && resolved !== ROOT) {
        broken.push(`${where} (leaves the repository)`);
      } else if (!existsSync(resolved)) {
        broken.push(`${where} (no such file)`);
      } else if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
        if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
      }
    }
  }
  return broken;
}

/** Places a reader of a clone does not have: the workspace around it, and a tracker's issue numbers. */
const OUTSIDE = [/\.\.\/shared\b/, /\/work\//, /\bissues? #?\d+/i];

function referencesOutside(): string[] {
  const found: string[] = [];
  for (const file of trackedFiles()) {
    if (file === 'package-lock.json' || file === 'test/docs/links.spec.ts' || file.endsWith('.json')) continue;
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    if (text.includes('\u0000')) continue;
    text.split('\n').forEach((line, index) => {
      for (const pattern of OUTSIDE) {
        if (pattern.test(line)) found.push(`${file}:${index + 1}: ${line.trim().slice(0, 120)}`);
      }
    });
  }
  return found;
}

describe('the repository stands on its own', () => {
  it('every relative Markdown link points at a file, and a heading, inside it', () => {
    expect(brokenLinks()).toEqual([]);
  });

  it('no file points at the workspace around the repository or at an issue number', () => {
    expect(referencesOutside()).toEqual([]);
  });

  describe('the checker itself', () => {
    it('finds inline links, images and reference definitions, not links in code', () => {
      const markdown = [
        'See [design](docs/design.md#the-problem) and ![a picture](img/a.png "title").',
        '`[not a link](nowhere.md)`',
        '```',
        '[in a fence](fenced.md)',
        '```',
        '[ref]: ../README.md',
      ].join('\n');
      expect(linksOf('x.md', markdown).map((link) => link.target)).toEqual([
        'docs/design.md#the-problem',
        'img/a.png',
        '../README.md',
      ]);
    });

    it('makes the anchors GitHub makes', () => {
      expect(headingAnchor('3. Guarantees and the assumptions they rest on')).toBe(
        '3-guarantees-and-the-assumptions-they-rest-on',
      );
      expect(headingAnchor('6. What happens when ...')).toBe('6-what-happens-when-');
      expect(headingAnchor('`libs/saga` (the transaction library)')).toBe('libssaga-the-transaction-library');
    });
  });
});
