/**
 * What the model reads of a Markdown document: its prose. The model learned to summarize prose (news,
 * dialogue, papers), and given raw Markdown it copied what it saw: code fences, headings, commands. So a
 * document that looks like Markdown is read without fenced code, tables, images, HTML comments and tags,
 * and headings, with links, emphasis and inline code unwrapped to their text, and without emoji and other
 * pictographs (a README's "🤗 hf-xet" title: the model copied the emoji first, which a summary may not
 * contain, and was lost). Grounding still checks the summary against the document as written.
 */

/** Whether `text` looks like Markdown: a heading, a fence, a table, or links or emphasis. */
export function looksLikeMarkdown(text: string): boolean {
  const signals = [/^#{1,6}\s/m, /^\s*(```|~~~)/m, /^\s*\|.*\|\s*$/m, /\]\([^)]+\)/, /\*\*[^*]+\*\*/];
  return signals.filter((re) => re.test(text)).length >= 2;
}

/** The prose of a Markdown document (see the module comment); other text is returned as it is. */
export function markdownProse(text: string): string {
  if (!looksLikeMarkdown(text)) return text;
  const lines: string[] = [];
  let fenced = false;
  for (const raw of text.replace(/<!--[\s\S]*?-->/g, '').split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || /^\s*\|/.test(raw) || /^\s*!\[[^\]]*\]\([^)]*\)\s*$/.test(raw)) continue;
    const line = raw
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/<\/?[a-zA-Z][^>]*>/g, '')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/(^|\W)\*([^*\s][^*]*)\*(?=\W|$)/g, '$1$2')
      // _emphasis_ only between spaces or punctuation: ml_dtypes and __init__ stay as they are
      .replace(/(^|[\s("'])_([^_\s](?:[^_]*[^_\s])?)_(?=[\s)"'.,;:!?]|$)/g, '$1$2')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/[\p{Extended_Pictographic}\p{So}][\uFE0F\u200D]*\s?/gu, '');
    // Headings are structure: read as sentences, the title was what the model copied ("Steer.").
    if (/^\s*#{1,6}\s/.test(line)) continue;
    lines.push(line);
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
