// Text from a host (names, rule comments, engine errors) made inert before any format sees it.

// What a terminal or an XML parser would act on rather than show: C0 controls but tab and
// newline (carriage return included: it rewrites a line), DEL, C1 controls, the bidirectional
// overrides that reorder what is shown, XML's non-characters, and unpaired surrogates.
const INERT =
  /[\0-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with each such character written out as its escape (ESC → `\u001b`): seen, never obeyed. */
export function visible(text: string): string {
  return text.replace(INERT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
