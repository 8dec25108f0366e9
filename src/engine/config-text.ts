/**
 * What the model reads of a configuration or data file (JSON, YAML, TOML, INI): its settings as "key: value"
 * lines, what the file says it is first (name, title, description), without the syntax around them.
 * Given the file as written, the model summarized its punctuation and its order: of `.travis.yml`, "This text
 * uses the language "6" and "7" and "10" are related to the language "node_js"."; of this project's
 * `package.json`, "Adventure lies with steer.summarizeSelection and file selection preview.". Grounding still
 * checks the summary against the file as written, whose keys and values these lines repeat.
 * - a map whose values are all versions (dependencies, engines) reads as its keys;
 * - a list of one-word values reads as one line ("node_js: 6, 7, 8");
 * - scripts and other long or multi-line values are left out (a YAML block scalar, a value of more than
 *   `MAX_VALUE_WORDS` words that reads as code), as are keys whose values are all left out.
 */
import { isSourceCode, looksLikeMarkdown } from './markdown-prose';

/** Keys that say what the file is about; their lines come first when the file's top level has them. */
const IDENTITY_KEYS = ['name', 'displayName', 'title', 'description', 'summary', 'about'];
/**
 * Keys about who wrote or pays for the project, not what it is: the model gave such a person what the file
 * does, as it gave a licence's holder ("Ingvar Stepanyan makes amendments ...", copyright-notice.ts).
 */
const PEOPLE_KEY =
  /^(?:author|authors|author_email|maintainer|maintainers|maintainer_email|contributors|email|funding)$/iu;
/** A value that is an address (a URL, an e-mail address) or an expression of a template ("${{ ... }}"). */
const ADDRESS_VALUE = /^(?:[a-z+]+:\/\/|git@|mailto:)|^[^\s@]+@[^\s@]+\.\w+$|\$\{\{/iu;
/** A pattern rather than words: a regular expression ("ssl\\.PROTOCOL_TLS is deprecated"), a glob of braces. */
const PATTERN_VALUE = /\\|\.\*|[{}]/u;
/**
 * Keys whose values describe a part of the file (a setting, a command's option), not the file: below the top
 * level they are left out. A VS Code extension's package.json has dozens, and read together they were what the
 * model summarized ("The model directory saves the summary beside the editor.") instead of the extension.
 */
const PART_DESCRIPTION_KEY =
  /^(?:description|markdownDescription|enumDescriptions|markdownEnumDescriptions|summary|about|help)$/u;
/** A version or version range: "^1.2.0", ">=3.8", "~2", "latest", "*". */
const VERSION = /^(?:[~^<>=v]*\s*\d+(?:\.[\dx*]+)*(?:[-+.\w]*)|latest|\*|next)$/u;
/** A value longer than this many words is kept only when it reads as prose. */
const MAX_VALUE_WORDS = 40;
/** At most this many items of one list, and this many lines in all. */
const MAX_ITEMS = 12;
const MAX_LINES = 400;
/** Of a YAML, TOML or INI file's lines (blank lines, comments and block scalars aside), this share at least must be settings. */
const MIN_SETTING_SHARE = 0.8;
/** A "key: value" line whose value has this many words or more reads as prose: a chat turn, an e-mail header. */
const PROSE_VALUE_WORDS = 5;

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
interface Setting {
  key: string;
  value: string;
  /** A key of the file's top level (JSON, YAML), or of a TOML or INI file's project section or first one. */
  top: boolean;
}

const words = (s: string): number => s.split(/\s+/).filter((w) => w.length > 0).length;

/** A scalar as a reader would say it, or null when it is not worth reading (empty, code, a script). */
function scalarText(value: string | number | boolean | null): string | null {
  if (value === null) return null;
  const s = String(value).trim();
  if (s.length === 0 || s.includes('\n') || ADDRESS_VALUE.test(s) || PATTERN_VALUE.test(s)) return null;
  if (words(s) > MAX_VALUE_WORDS && !/^[\p{Lu}\p{Ll}][^{}$;|]*[.!?]?$/u.test(s)) return null;
  return s;
}

const isScalar = (v: Value): v is string | number | boolean | null => v === null || typeof v !== 'object';

/** The settings of a parsed value, depth first, in the file's order; `depth` 1 is the top level's keys. */
function settingsOf(value: Value, key: string, depth: number, out: Setting[]): void {
  if (PEOPLE_KEY.test(key)) return;
  const top = depth === 1;
  if (isScalar(value)) {
    const text = scalarText(value);
    if (text !== null && key.length > 0) out.push({ key, value: text, top });
    return;
  }
  if (Array.isArray(value)) {
    const scalars = value.filter(isScalar).map(scalarText);
    const texts = scalars.filter((s): s is string => s !== null);
    if (texts.length > 0 && key.length > 0) out.push({ key, value: listText(texts), top });
    for (const item of value) if (!isScalar(item)) settingsOf(item, key, depth + 1, out);
    return;
  }
  const entries = Object.entries(value);
  // dependencies, engines, version pins: what is named matters, not the versions
  if (entries.length >= 2 && entries.every(([, v]) => typeof v === 'string' && VERSION.test(v.trim()))) {
    out.push({ key, value: listText(entries.map(([k]) => k)), top });
    return;
  }
  for (const [k, v] of entries) settingsOf(v, k, depth + 1, out);
}

function listText(items: readonly string[]): string {
  return items.slice(0, MAX_ITEMS).join(', ');
}

/**
 * What the file says it is, as one line without keys: "yallist: Yet Another Linked List". Read as
 * "name: yallist" and "description: ...", the model copied the key ("Name: yallist.js is Yet Another Linked
 * List."). Null when the top level names nothing.
 */
function identityLine(identity: readonly Setting[]): string | null {
  const of = (...keys: string[]): string | undefined =>
    keys.map((k) => identity.find((s) => s.key === k)?.value).find((v) => v !== undefined);
  const name = of('name', 'displayName', 'title');
  const about = of('description', 'summary', 'about', 'displayName', 'title');
  if (name === undefined) return about ?? null;
  return about === undefined || about === name ? name : `${name}: ${about}`;
}

/**
 * The lines the model reads: what the file says it is (`identityLine`), then every other key once, in the
 * file's order, with the distinct values it has anywhere ("run: npm install, npm test" of a workflow's steps).
 */
function render(settings: readonly Setting[]): string {
  const kept = settings.filter((s) => !PEOPLE_KEY.test(s.key));
  const isIdentity = (s: Setting): boolean => s.top && IDENTITY_KEYS.includes(s.key);
  const identity = identityLine(kept.filter(isIdentity));
  const name = kept.find((s) => isIdentity(s) && s.key === 'name')?.value;
  const values = new Map<string, string[]>();
  for (const s of kept) {
    // a setting named as the project ("semver: bin/semver.js") would read as what the project is
    if (isIdentity(s) || s.key === name || (!s.top && PART_DESCRIPTION_KEY.test(s.key))) continue;
    const seen = values.get(s.key) ?? [];
    if (!seen.includes(s.value)) seen.push(s.value);
    values.set(s.key, seen);
  }
  const rest = [...values]
    .map(([key, vs]) => `${key}: ${listText(vs)}`)
    .slice(0, MAX_LINES)
    .join('\n');
  return identity === null ? rest : `${identity}\n\n${rest}`.trim();
}

/** JSON, or JSON with comments and trailing commas (tsconfig.json, settings.json), as a value; else null. */
function parseJson(text: string): Value | null {
  const t = text.trim();
  if (!/^[{[]/.test(t)) return null;
  const candidates = [t, withoutJsonComments(t)];
  for (const c of candidates) {
    try {
      return JSON.parse(c) as Value;
    } catch {
      // try the next reading
    }
  }
  return null;
}

/** JSON with comments: // and /* *\/ comments outside strings and trailing commas removed. */
function withoutJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
  return Math.min(text.length, i + 1);
}

const YAML_KEY = /^(\s*)(?:-\s+)?("[^"]*"|'[^']*'|[\w$@./-][\w$@./ -]*?)\s*:(?:\s+(.*?))?\s*$/u;
const YAML_ITEM = /^(\s*)-\s+(.*?)\s*$/u;
const TOML_SECTION = /^\s*\[\[?\s*([\w.\-:" ]+?)\s*\]\]?\s*$/u;
const TOML_KEY = /^\s*("[^"]*"|'[^']*'|[\p{L}_][\w.$@-]*)\s*=\s*(.*?)\s*$/u;
const COMMENT = /^\s*(?:#|;|\/\/)/u;

function unquoted(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/su.test(t) ? t.slice(1, -1) : t;
}

/** A YAML, TOML or INI value written inline: a flow list or array reads as its items. */
function inlineText(raw: string): string | null {
  const v = raw.replace(/\s+#.*$/u, '').trim();
  if (v.length === 0 || /^[|>][+-]?\d*$/u.test(v)) return null;
  const list = /^\[(.*)\]$/su.exec(v);
  if (list) {
    const items = list[1]!
      .split(',')
      .map((x) => unquoted(x))
      .filter((x) => x.length > 0);
    return items.length > 0 ? listText(items) : null;
  }
  if (/^\{.*\}$/su.test(v)) return null;
  return scalarText(unquoted(v));
}

/**
 * The settings of a YAML file read line by line (no YAML library: nesting is not needed for "key: value"
 * lines), or null when the file is not mostly settings. Block scalars (a script after "run: |") are skipped.
 */
function yamlSettings(text: string): Setting[] | null {
  const lines = text.split(/\r?\n/u);
  const out: Setting[] = [];
  let settings = 0;
  let other = 0;
  let prose = 0;
  let structured = false;
  let blockIndent: number | null = null;
  let listKey: { key: string; indent: number; items: string[] } | null = null;
  const flushList = (): void => {
    if (listKey && listKey.items.length > 0)
      out.push({ key: listKey.key, value: listText(listKey.items), top: listKey.indent === 0 });
    listKey = null;
  };
  for (const line of lines) {
    if (line.trim().length === 0 || COMMENT.test(line) || /^(?:---|\.\.\.)\s*$/u.test(line)) continue;
    const indent = /^\s*/u.exec(line)![0].length;
    if (blockIndent !== null) {
      if (indent > blockIndent) continue;
      blockIndent = null;
    }
    const keyed = YAML_KEY.exec(line);
    if (keyed) {
      settings++;
      if (indent > 0 || line.trimStart().startsWith('-')) structured = true;
      const key = unquoted(keyed[2]!);
      const raw = keyed[3] ?? '';
      if (listKey && indent <= listKey.indent) flushList();
      if (/^[|>][+-]?\d*$/u.test(raw.trim())) {
        blockIndent = indent + (line.trimStart().startsWith('-') ? 2 : 0);
        continue;
      }
      if (raw.length === 0) {
        flushList();
        listKey = { key, indent, items: [] };
        continue;
      }
      if (words(raw) >= PROSE_VALUE_WORDS && !/^["'[{]/u.test(raw)) prose++;
      const value = inlineText(raw);
      if (value !== null) out.push({ key, value, top: indent === 0 });
      continue;
    }
    const item = YAML_ITEM.exec(line);
    if (item) {
      settings++;
      structured = true;
      const value = inlineText(item[2]!);
      if (listKey && value !== null && words(value) <= 3) listKey.items.push(value);
      continue;
    }
    other++;
  }
  flushList();
  const counted = settings + other;
  if (settings < 3 || !structured || settings / counted < MIN_SETTING_SHARE) return null;
  // a chat or a mail is "Name: sentence" lines, not settings
  if (prose / settings >= 0.3) return null;
  return out;
}

/** Sections whose keys say what the project is: a TOML or INI file's identity keys count only there. */
const PROJECT_SECTIONS = /^(?:project|package|metadata|tool\.poetry|workspace\.package)$/u;

/**
 * The settings of a TOML or INI file ("[section]", "key = value", a TOML array or an INI value over several
 * lines), or null when it is not mostly settings.
 */
function tomlSettings(text: string): Setting[] | null {
  const out: Setting[] = [];
  let settings = 0;
  let other = 0;
  let sections = 0;
  let top = true;
  // a value over several lines: a TOML array until "]", or an INI value on the indented lines after its key
  let open: { key: string; items: string[]; array: boolean } | null = null;
  const close = (): void => {
    if (open && open.items.length > 0) out.push({ key: open.key, value: listText(open.items), top });
    open = null;
  };
  for (const line of text.split(/\r?\n/u)) {
    if (line.trim().length === 0 || COMMENT.test(line)) continue;
    if (open?.array) {
      settings++;
      if (/^\s*\]\s*,?\s*$/u.test(line)) close();
      else {
        const v = unquoted(line.replace(/,\s*$/u, '').replace(/\s+#.*$/u, ''));
        if (v.length > 0 && !/^[{[]/u.test(v)) open.items.push(v);
      }
      continue;
    }
    if (open && /^\s+\S/u.test(line)) {
      settings++;
      const v = line.trim();
      if (!ADDRESS_VALUE.test(v.replace(/^[^=]*=\s*/u, ''))) open.items.push(v);
      continue;
    }
    close();
    const section = TOML_SECTION.exec(line);
    if (section) {
      settings++;
      sections++;
      top = PROJECT_SECTIONS.test(section[1]!.replace(/"/gu, ''));
      continue;
    }
    const kv = TOML_KEY.exec(line);
    if (!kv) {
      other++;
      continue;
    }
    settings++;
    const key = unquoted(kv[1]!).split('.').pop()!;
    const raw = kv[2]!.trim();
    if (raw.length === 0 || /^\[[^\]]*$/u.test(raw)) {
      open = { key, items: [], array: raw.length > 0 };
      continue;
    }
    const value = inlineText(raw);
    if (value !== null) out.push({ key, value, top });
  }
  close();
  if (sections === 0 || settings < 3 || settings / (settings + other) < MIN_SETTING_SHARE) return null;
  return out;
}

/**
 * What the model should read of `text` when it is a configuration or data file (see the module comment), or
 * null when it is not one: prose, Markdown, source code, a chat.
 */
export function configReading(text: string): string | null {
  const json = parseJson(text);
  if (json !== null) {
    if (isScalar(json)) return null;
    const out: Setting[] = [];
    settingsOf(json, '', 0, out);
    return out.length > 0 ? render(out) : null;
  }
  if (isSourceCode(text) || looksLikeMarkdown(text)) return null;
  const settings = tomlSettings(text) ?? yamlSettings(text);
  return settings && settings.length > 0 ? render(settings) : null;
}
