/* A link that carries answers: "#answers=<base64url(JSON)>" in the fragment (never sent to a server). */

import { fill } from "../common/dom.js";
import { applyAnswers, collectAnswers } from "./form.js";
import { showMessage } from "./messages.js";
import { CALL, RULESET, S } from "./page.js";
import { unwrap } from "./storage.js";

const PREFIX = "#answers=";

function b64urlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

function sameAnswers(a, b) {
  const norm = (x) => JSON.stringify(Object.keys(x || {}).sort().map((k) => [k, x[k]]));
  return norm(a) === norm(b);
}

/** This page's address with the form's answers in the fragment. */
export function shareLink() {
  const doc = { call: CALL, ruleset_version: RULESET, answers: collectAnswers() };
  return `${location.origin}${location.pathname}${PREFIX}${b64urlEncode(JSON.stringify(doc))}`;
}

/** Answers in the address: restore them (the link wins; Undo brings the saved ones back); `save` keeps them.
 * The fragment is taken out of the address once read. Returns whether there were answers to read. */
export function restoreFromFragment(save) {
  const hash = location.hash;
  if (!hash.startsWith(PREFIX)) return false;
  history.replaceState(history.state, "", location.pathname + location.search);
  const saved = collectAnswers();
  let answers;
  try {
    answers = unwrap(JSON.parse(b64urlDecode(hash.slice(PREFIX.length))));
    if (!answers) throw new Error("no answers");
  } catch (error) {
    showMessage(S.link_bad, { alert: true });
    return false;
  }
  const unusable = applyAnswers(answers);
  const differs = Object.keys(saved).length > 0 && !sameAnswers(saved, collectAnswers());
  save();
  const text = differs ? S.link_replaced : S.link_restored;
  if (unusable.length) {
    showMessage(`${text} ${fill(S.link_unusable, { questions: unusable.join(S.list_sep) })}`, { alert: true, undo: differs ? saved : null });
  } else {
    showMessage(text, { undo: differs ? saved : null });
  }
  return true;
}
