/**
 * Escapes text for Markdown tooltips: host names and messages are data, not markup. Only the
 * characters that act inline are escaped (tooltips put data mid-line, never at a line start).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** Inline code span; a backtick inside would end it early, so the fence grows to fit. */
export function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
