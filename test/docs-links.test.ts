import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** The pages whose links are checked: README.md, CONTRIBUTING.md when present, docs/**.md. */
function checkedPages(): string[] {
  const pages = ['README.md', 'CONTRIBUTING.md'].filter((page) => existsSync(join(root, page)));
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.md') ? [path] : [];
    });
  return [...pages, ...(existsSync(join(root, 'docs')) ? walk('docs') : [])];
}

/** The page's lines outside fenced code blocks (``` or ~~~), with their 1-based line numbers. */
function proseLines(markdown: string): { line: string; number: number }[] {
  const prose: { line: string; number: number }[] = [];
  let fence: string | undefined;
  for (const [index, line] of markdown.split('\n').entries()) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) fence = marker;
    else if (fence !== undefined && marker?.startsWith(fence[0]!) && marker.length >= fence.length)
      fence = undefined;
    else if (fence === undefined) prose.push({ line, number: index + 1 });
  }
  return prose;
}

/**
 * GitHub's anchor for a heading's text: inline markup reduced to its text, lower-cased, every
 * character but letters, digits, `_`, `-` and spaces dropped, each space turned into `-`.
 */
function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings, in order; a repeated one gets `-1`, `-2`... as on GitHub. */
function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  for (const { line } of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (!heading) continue;
    const base = githubSlug(heading[1] ?? '');
    let anchor = base;
    while (seen.has(anchor)) {
      const count = seen.get(base)! + 1;
      seen.set(base, count);
      anchor = `${base}-${count}`;
    }
    seen.set(anchor, 0);
    anchors.push(anchor);
  }
  return anchors;
}

/** Every link target of a page outside code: `[text](target)`, `![alt](target)`, `[id]: target`. */
function linkTargets(markdown: string): { target: string; line: number }[] {
  const targets: { target: string; line: number }[] = [];
  for (const { line, number } of proseLines(markdown)) {
    const text = line.replace(/(`+)(?:(?!\1).)+?\1/g, '');
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
      targets.push({ target: match[1]!, line: number });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(text);
    if (definition) targets.push({ target: definition[1]!, line: number });
  }
  return targets;
}

/** How the checker sees the repository: paths are relative to its root, with `/`. */
interface Repository {
  exists(path: string): boolean;
  /** The text of a Markdown file. */
  read(path: string): string;
}

/**
 * The links of `page` that lead nowhere: a relative path to no file, or an anchor (`#x`,
 * `other.md#x`) that matches no heading of its page. Absolute URLs are not checked.
 */
function brokenLinks(page: string, repository: Repository): string[] {
  const broken: string[] = [];
  for (const { target, line } of linkTargets(repository.read(page))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
    const where = `${page}:${line}: ${target}`;
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved =
      pathPart === ''
        ? page
        : pathPart.startsWith('/')
          ? posix.normalize(pathPart.slice(1))
          : posix.normalize(posix.join(posix.dirname(page), pathPart));
    if (resolved.startsWith('..') || !repository.exists(resolved)) {
      broken.push(`${where} (no file ${resolved})`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith('.md')) {
      broken.push(`${where} (an anchor into ${resolved}, which is not Markdown)`);
    } else if (!headingAnchors(repository.read(resolved)).includes(anchor)) {
      broken.push(`${where} (no heading #${anchor} in ${resolved})`);
    }
  }
  return broken;
}

/** A repository held in memory, for the checker's own tests. */
function inMemory(files: Record<string, string>): Repository {
  return {
    exists: (path) =>
      path in files || Object.keys(files).some((file) => file.startsWith(`${path}/`)),
    read: (path) => files[path] ?? '',
  };
}

describe('GitHub heading anchors', () => {
  it('lower-case the text, drop punctuation but - and _, and turn each space into -', () => {
    expect(githubSlug('Out of service: maintenance and health-gated registration')).toBe(
      'out-of-service-maintenance-and-health-gated-registration',
    );
    expect(githubSlug('Without Nest: `nestjs-zk-discovery/core`')).toBe(
      'without-nest-nestjs-zk-discoverycore',
    );
    expect(githubSlug('`registration.health`')).toBe('registrationhealth');
    expect(githubSlug('Weights, zones and named ports')).toBe('weights-zones-and-named-ports');
    expect(githubSlug('zk_discovery_instances & co.')).toBe('zk_discovery_instances--co');
    expect(githubSlug('When is an app registered?')).toBe('when-is-an-app-registered');
    expect(githubSlug('See [the client](client.md)')).toBe('see-the-client');
  });

  it('number repeated headings -1, -2 and ignore headings inside code blocks', () => {
    const page = [
      '# Title',
      '## Options',
      '```bash',
      '# not a heading',
      '```',
      '## Options',
      '### Options ###',
      '## Options 1',
    ].join('\n');
    expect(headingAnchors(page)).toEqual([
      'title',
      'options',
      'options-1',
      'options-2',
      'options-1-1',
    ]);
  });
});

describe('the link checker', () => {
  const repository = inMemory({
    'README.md': '# Read me\n\n## Install\n',
    'docs/a.md': '# A\n\n## Shared heading\n',
    'docs/b.md': [
      '# B',
      '',
      'Good: [a](a.md), [its heading](a.md#shared-heading), [here](#b), [up](../README.md#install),',
      '[the web](https://example.com/x#y), [folder](../docs), `[in code](missing.md)`.',
      '```md',
      '[in a block](missing.md)',
      '```',
      'Broken: [no file](c.md), [no heading](a.md#install), [no such anchor](#nothing),',
      '[outside](../../etc/passwd), [anchor in a folder](../docs#x).',
      '[ref]: ./gone.md',
    ].join('\n'),
  });

  it('accepts existing files and headings, and ignores URLs and code', () => {
    expect(brokenLinks('docs/a.md', repository)).toEqual([]);
    expect(brokenLinks('README.md', repository)).toEqual([]);
  });

  it('names each link to a missing file or heading, with its page and line', () => {
    expect(brokenLinks('docs/b.md', repository)).toEqual([
      'docs/b.md:8: c.md (no file docs/c.md)',
      'docs/b.md:8: a.md#install (no heading #install in docs/a.md)',
      'docs/b.md:8: #nothing (no heading #nothing in docs/b.md)',
      'docs/b.md:9: ../../etc/passwd (no file ../etc/passwd)',
      'docs/b.md:9: ../docs#x (an anchor into docs, which is not Markdown)',
      'docs/b.md:10: ./gone.md (no file docs/gone.md)',
    ]);
  });
});

describe('the documentation', () => {
  const repository: Repository = {
    exists: (path) => existsSync(join(root, path)),
    read: (path) => readFileSync(join(root, path), 'utf8'),
  };

  it('has README.md and docs/README.md', () => {
    expect(checkedPages()).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
  });

  it('links only to files that exist and to headings that exist, page by page', () => {
    const broken = checkedPages().flatMap((page) => brokenLinks(page, repository));
    expect(broken).toEqual([]);
  });
});
