// A small XML 1.0 writer: every text escaped for where it goes, whatever a host put in it.
// (junit-report-builder, used before, splits only the first `]]>` of a CDATA section and
// silently drops the characters XML forbids.)
import { visible } from './text.js';

export interface XmlElement {
  name: string;
  /** in the order written; an undefined value leaves the attribute out */
  attributes?: Record<string, string | number | undefined>;
  children?: XmlElement[];
  /** the element's text, written as one CDATA section */
  cdata?: string;
}

// Forbidden characters become their visible escapes first, so only XML's own syntax is left to escape.
const attribute = (value: string) =>
  visible(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;');

// A CDATA section ends at the first `]]>`: each one is split across two sections.
const cdata = (text: string) => `<![CDATA[${visible(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

function element(e: XmlElement, indent: string): string {
  const attributes = Object.entries(e.attributes ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${attribute(String(value))}"`)
    .join('');
  const open = `${indent}<${e.name}${attributes}`;
  if (e.children?.length)
    return [`${open}>`, ...e.children.map((c) => element(c, `${indent}  `)), `${indent}</${e.name}>`].join('\n');
  return e.cdata === undefined ? `${open}/>` : `${open}>${cdata(e.cdata)}</${e.name}>`;
}

/** The document, indented two spaces a level, without a final newline. */
export function renderXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, '')}`;
}
