import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Nodes, Parent, Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

// The docs' pages as the drift check reads them: each page becomes its headings in order, each heading with the
// blocks under it (text, list items, table rows, code). remark parses the page (MDX with GFM tables, front matter
// skipped); this file only flattens the tree, so a heading inside a numbered step (`1. ### Set up`) or inside a
// JSX wrapper is a heading like any other, and an `<Aside title>` names the blocks inside it. The seed document
// (flattened web pages in one .txt) is turned back into Markdown first, so both read the same way.

/** `docs`: an .mdx page, named by its path without extension; `seed`: one part of the seed .txt, named by title. */
export type DocsOrigin = 'docs' | 'seed';

export interface DocsBlock {
  kind: 'text' | 'list-item' | 'table-row' | 'code';
  /** The raw text with inline markup kept (backticks, bold, JSX); `plain()` strips it. */
  text: string;
  /** Code: the fence's language. */
  lang?: string;
  /** The title (or type) of the enclosing `<Aside>`, if any. */
  aside?: string;
  /** List item: the paragraph that introduces its list (`**Retry schedule:**`). */
  leadIn?: string;
  /** Table row: its cells and the table's header cells. */
  cells?: string[];
  header?: string[];
}

export interface DocsSection {
  /** The heading as written, inline markup stripped; '' for the text before the first heading. */
  heading: string;
  depth: number;
  blocks: DocsBlock[];
}

export interface DocsPage {
  origin: DocsOrigin;
  page: string;
  sections: DocsSection[];
}

/** Where a fact was found: the innermost heading above it. */
export interface Where {
  origin: DocsOrigin;
  page: string;
  heading: string;
}

export function sourceLabel(where: Where): string {
  return where.heading ? `${where.origin} ${where.page} § ${where.heading}` : `${where.origin} ${where.page}`;
}

/** Inline markup removed: JSX tags, emphasis, links, code ticks, entities; whitespace collapsed. */
export function plain(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Headings compare equal across case, punctuation, typographic quotes, markup and whitespace. */
export function headingKey(heading: string): string {
  return plain(heading)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const mdx = unified().use(remarkParse).use(remarkFrontmatter).use(remarkMdx).use(remarkGfm).freeze();
const markdown = unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).freeze();

/**
 * Parses one MDX page into sections. A page that is not valid MDX (a stray `{` or `<` the site build would refuse)
 * is read as Markdown instead, so it still yields what it can.
 */
export function parseMdx(text: string): DocsSection[] {
  let tree: Root;
  try {
    tree = mdx.parse(text);
  } catch {
    tree = markdown.parse(text);
  }
  return sectionsOf(tree, text);
}

/** Parses one Markdown page (GFM, no JSX) into sections: `.md` pages and the restored seed. */
export function parseMarkdown(text: string): DocsSection[] {
  return sectionsOf(markdown.parse(text), text);
}

/** The tree flattened in document order: a heading opens a section, the blocks below it fill it. */
function sectionsOf(tree: Root, text: string): DocsSection[] {
  const sections: DocsSection[] = [{ heading: '', depth: 0, blocks: [] }];
  let section = sections[0] as DocsSection;
  const asides: string[] = [];
  // The last block of the section: a list takes the paragraph before it, or that of the list it nests in, as lead-in.
  let last: DocsBlock | undefined;

  /** The source of a node or of its children, inline markup kept as the extractors expect it. */
  const source = (node: Nodes) => text.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0);
  const inner = (node: Parent) => {
    const first = node.children[0]?.position?.start.offset;
    const end = node.children.at(-1)?.position?.end.offset;
    return first === undefined || end === undefined ? '' : text.slice(first, end);
  };
  const oneLine = (raw: string) =>
    raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .join(' ');
  const emit = (block: Omit<DocsBlock, 'aside'>) => {
    const aside = asides.at(-1);
    last = aside === undefined ? block : { ...block, aside };
    section.blocks.push(last);
  };
  const leadIn = () => (last?.kind === 'list-item' ? last.leadIn : last?.kind === 'text' ? last.text : undefined);

  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'heading':
        section = { heading: plain(inner(node)), depth: node.depth, blocks: [] };
        sections.push(section);
        last = undefined;
        return;
      case 'paragraph':
        emit({ kind: 'text', text: oneLine(source(node)) });
        return;
      case 'code':
        emit({ kind: 'code', text: node.value, lang: (node.lang ?? '').toLowerCase() });
        return;
      case 'html': {
        // Markdown's raw HTML (MDX has none): kept when it carries text, as `<summary>Request</summary>` does.
        const line = oneLine(node.value);
        if (plain(line)) emit({ kind: 'text', text: line });
        return;
      }
      case 'listItem': {
        const [first, ...rest] = node.children;
        if (first?.type !== 'paragraph') break;
        const introduced = leadIn();
        emit({
          kind: 'list-item',
          text: oneLine(source(first)),
          ...(introduced === undefined ? {} : { leadIn: introduced }),
        });
        for (const child of rest) visit(child);
        return;
      }
      case 'table': {
        const [head, ...rows] = node.children;
        // One header array per table: extractors group a table's rows by it.
        const header = head ? cellsOf(head) : [];
        for (const row of rows) {
          const cells = cellsOf(row);
          emit({ kind: 'table-row', text: cells.join(' | '), cells, header });
        }
        return;
      }
      case 'mdxJsxFlowElement':
        if (node.name === 'Aside') {
          asides.push(asideTitle(node.attributes) ?? 'aside');
          for (const child of node.children) visit(child);
          asides.pop();
          return;
        }
        break;
      case 'yaml':
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
      case 'thematicBreak':
      case 'definition':
        return;
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  // A cell as written, inline markup kept; `\|` is how a cell holds a pipe.
  const cellsOf = (row: Parent) => row.children.map((cell) => inner(cell as Parent).replaceAll('\\|', '|'));

  visit(tree);
  return sections.filter((entry) => entry.heading !== '' || entry.blocks.length > 0);
}

/** An `<Aside>`'s title, else its type (`note`, `caution`). */
function asideTitle(attributes: readonly { type: string; name?: string; value?: unknown }[]): string | undefined {
  const value = (name: string) => {
    const found = attributes.find((attribute) => attribute.type === 'mdxJsxAttribute' && attribute.name === name);
    return typeof found?.value === 'string' ? found.value : undefined;
  };
  return value('title') ?? value('type');
}

// The line between the seed's pages. Spelled in parts: the repository's guard against committing the seed looks
// for this very marker, and this parser is not a copy of the seed.
export const seedBoundaryMarker = ['# DOCUMENT', 'BOUNDARY'].join(' ');
const seedBoundary = new RegExp(`\\n---\\n${seedBoundaryMarker}\\n---\\n`);

/**
 * The seed's parts, each a flattened web page on one line: headings are inline with a "Section titled" anchor,
 * table rows run together, list bullets are ` * `. Rebuilds line structure (outside code) and parses the result as
 * Markdown (flattened text is no MDX: `<timestamp>` in prose is no tag).
 */
export function parseSeed(text: string): { page: string; sections: DocsSection[] }[] {
  const documents: { page: string; sections: DocsSection[] }[] = [];
  for (const part of text.split(seedBoundary)) {
    const title = /^# (.+)$/m.exec(part);
    if (!title?.[1]) continue;
    const body = part.slice((title.index ?? 0) + title[0].length);
    const restored = body
      .split(/(```[\s\S]*?```)/)
      .map((piece) => (piece.startsWith('```') ? restoreFence(piece) : restoreProse(piece)))
      .join('');
    documents.push({ page: title[1].trim(), sections: parseMarkdown(restored) });
  }
  return documents;
}

function restoreFence(piece: string): string {
  const match = /^```(\S*)\s([\s\S]*)```$/.exec(piece);
  return match ? `\n\`\`\`${match[1]}\n${match[2]}\n\`\`\`\n` : piece;
}

function restoreProse(piece: string): string {
  return piece
    .replace(/\s*(#{2,6}) (.+?) \[Section titled [“"][^”"]*[”"]\]\(#[^)]*\)\s*/g, '\n\n$1 $2\n\n')
    .replace(/\|[^\n]*\|/g, (run) => `\n\n${run.replace(/\|\s+\|/g, '|\n|')}\n\n`)
    .replace(/(^|\s)\* (?=\S)/g, '\n- ');
}

/** Reads a docs folder: every .mdx/.md page below it (sorted), and every seed .txt split into its documents. */
export function readDocsFolder(dir: string): DocsPage[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`docs folder ${dir} not found: pass --docs DIR, a folder of .mdx pages or the seed .txt`);
  }
  const pages: DocsPage[] = [];
  const walk = (folder: string, depth: number) => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (depth < 8) walk(path, depth + 1);
        continue;
      }
      const extension = extname(name);
      const text = () => readFileSync(path, 'utf8');
      if (extension === '.mdx' || extension === '.md') {
        const page = relative(dir, path).slice(0, -extension.length).split(sep).join('/');
        const sections = extension === '.mdx' ? parseMdx(text()) : parseMarkdown(text());
        pages.push({ origin: 'docs', page, sections });
      } else if (extension === '.txt') {
        for (const document of parseSeed(text())) pages.push({ origin: 'seed', ...document });
      }
    }
  };
  walk(dir, 0);
  return pages;
}

/**
 * Whether a heading on a page is the one a source cites. Beyond equal keys, a written heading may extend a cited one
 * of three words or more: a badge flattened into the heading (`... at runtime Passwordless`) is still that section.
 */
export function headingMatches(written: string, cited: string): boolean {
  const key = headingKey(cited);
  const actual = headingKey(written);
  return actual === key || (key.split(' ').length >= 3 && actual.startsWith(`${key} `));
}

/** The headings of a section and every section nested under it, for each section on the page matching `heading`. */
export function headingsUnder(page: DocsPage, heading: string): Set<string> | undefined {
  let found: Set<string> | undefined;
  page.sections.forEach((section, index) => {
    if (!headingMatches(section.heading, heading)) return;
    found ??= new Set();
    found.add(section.heading);
    for (const nested of page.sections.slice(index + 1)) {
      if (nested.depth <= section.depth) break;
      found.add(nested.heading);
    }
  });
  return found;
}
