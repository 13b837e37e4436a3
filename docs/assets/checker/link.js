/* A link that carries answers: "#answers=<base64url(JSON)>" in the fragment (never sent to a server).
 *
 * A link never silently replaces the answers saved in this browser: when both hold answers and they differ, the
 * visitor chooses (use the link's, or keep the saved ones), and until then the link's answers wait in
 * sessionStorage, so a reload before choosing loses neither. A link for another call, one that does not say
 * its call, and one with no usable answer change nothing and say so. */

import { fill } from "../common/dom.js";
import { applyAnswers, collectAnswers } from "./form.js";
import { showMessage } from "./messages.js";
import { CALL, RULESET, S } from "./page.js";
import { unwrap } from "../common/saved-answers.js";

const PREFIX = "#answers=";
const PENDING_KEY = `bdpilot-checker:link:${CALL}`;

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

export function sameAnswers(a, b) {
  const norm = (x) => JSON.stringify(Object.keys(x || {}).sort().map((k) => [k, x[k]]));
  return norm(a) === norm(b);
}

/** This page's address with the form's answers in the fragment. */
export function shareLink() {
  const doc = { call: CALL, ruleset_version: RULESET, answers: collectAnswers() };
  return `${location.origin}${location.pathname}${PREFIX}${b64urlEncode(JSON.stringify(doc))}`;
}

const pending = {
  get() {
    try {
      const answers = unwrap(JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null"));
      return answers && Object.keys(answers).length ? answers : null;
    } catch (error) {
      return null;
    }
  },
  set(answers) {
    try {
      sessionStorage.setItem(PENDING_KEY, JSON.stringify({ answers }));
    } catch (error) {
      // without sessionStorage the choice is still offered; only a reload before it forgets the link
    }
  },
  clear() {
    try {
      sessionStorage.removeItem(PENDING_KEY);
    } catch (error) {
      // nothing kept
    }
  },
};

/** The link's answers, or null after saying why they cannot be used (the saved answers stay as they are). */
function readLink(hash) {
  let doc;
  try {
    doc = JSON.parse(b64urlDecode(hash.slice(PREFIX.length)));
  } catch (error) {
    doc = null;
  }
  const answers = unwrap(doc);
  if (!answers) {
    showMessage(S.link_bad, { alert: true });
    return null;
  }
  if (typeof doc.call !== "string" || !doc.call) {
    showMessage(S.link_no_call, { alert: true });
    return null;
  }
  if (doc.call !== CALL) {
    showMessage(fill(S.link_other_call, { theirs: doc.call.slice(0, 40), ours: CALL }), { alert: true });
    return null;
  }
  return answers;
}

/** Offer the link's `answers`: taken at once when nothing else is saved (or the same), else the visitor chooses.
 * Returns whether the form changed. */
function offer(answers, { save, changed }) {
  const saved = collectAnswers();
  const unusable = applyAnswers(answers);
  const fromLink = collectAnswers();
  const note = unusable.length ? ` ${fill(S.link_unusable, { questions: unusable.slice(0, 20).join(S.list_sep) })}` : "";
  if (!Object.keys(fromLink).length) {
    applyAnswers(saved);
    pending.clear();
    showMessage(S.link_empty + note, { alert: true });
    return false;
  }
  if (!Object.keys(saved).length || sameAnswers(saved, fromLink)) {
    pending.clear();
    save();
    showMessage(S.link_restored + note, { alert: Boolean(unusable.length) });
    return true;
  }
  applyAnswers(saved); // nothing is replaced until the visitor says so
  pending.set(answers);
  showMessage(S.link_choice + note, {
    alert: true,
    actions: [
      {
        id: "checker-link-use",
        label: S.link_use,
        run: () => {
          applyAnswers(fromLink);
          pending.clear();
          changed(0);
          showMessage(S.link_replaced, { undo: saved });
        },
      },
      {
        id: "checker-link-keep",
        label: S.link_keep,
        run: () => {
          pending.clear();
          showMessage(S.link_kept);
        },
      },
    ],
  });
  return false;
}

/** Answers in the address (taken out of it once read), or a link's answers still waiting for the visitor's
 * choice (from before a reload). `page`: {save(), changed(delay)}. Returns whether the form changed. */
export function restoreFromFragment(page) {
  const hash = location.hash;
  if (!hash.startsWith(PREFIX)) {
    const waiting = pending.get();
    return waiting ? offer(waiting, page) : false;
  }
  history.replaceState(history.state, "", location.pathname + location.search);
  const answers = readLink(hash);
  return answers ? offer(answers, page) : false;
}
