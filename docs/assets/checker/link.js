/* A link that carries answers: "#answers=<base64url(JSON)>" in the fragment (never sent to a server).
 *
 * A link never silently replaces the answers saved in this browser: when both hold answers and they differ, the
 * visitor chooses (use the link's, or keep the saved ones), and until then the link's answers wait in
 * sessionStorage, so a reload before choosing loses neither. A link for another call, one that does not say
 * its call, one nested deeper than the checker reads and one with no usable answer change nothing and say so.
 * Answers of a link that the form cannot take are listed by question and kept aside (./aside.js), never applied. */

import { fill } from "../common/dom.js";
import { describeAll } from "./aside.js";
import { applyAnswers, collectAnswers } from "./form.js";
import { showMessage } from "./messages.js";
import { CALL, MAX_DEPTH, RULESET, S } from "./page.js";
import { currentState, exportDoc, hasAnswers, readText, sameAnswers } from "./storage.js";

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

/** This page's address with the form's answers (and those kept aside) in the fragment. */
export function shareLink() {
  const { exported_on: _, ...doc } = exportDoc();
  return `${location.origin}${location.pathname}${PREFIX}${b64urlEncode(JSON.stringify(doc))}`;
}

const pending = {
  get() {
    try {
      const text = sessionStorage.getItem(PENDING_KEY);
      const state = text === null ? null : readText(text).state;
      return state && hasAnswers(state) ? state : null;
    } catch (error) {
      return null;
    }
  },
  set(state) {
    try {
      sessionStorage.setItem(PENDING_KEY, JSON.stringify({ answers: state.answers, set_aside: state.aside }));
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

/** The link's state, or null after saying why it cannot be used (the saved answers stay as they are). */
function readLink(hash) {
  let text = null;
  try {
    text = b64urlDecode(hash.slice(PREFIX.length));
  } catch (error) {
    text = null;
  }
  const read = text === null ? { problem: "unreadable" } : readText(text);
  if (read.problem === "too_deep") {
    showMessage(fill(S.link_too_deep, { limit: MAX_DEPTH }), { alert: true });
    return null;
  }
  if (!read.state) {
    showMessage(S.link_bad, { alert: true });
    return null;
  }
  const doc = JSON.parse(text);
  if (typeof doc.call !== "string" || !doc.call) {
    showMessage(S.link_no_call, { alert: true });
    return null;
  }
  if (doc.call !== CALL) {
    showMessage(fill(S.link_other_call, { theirs: doc.call.slice(0, 40), ours: CALL }), { alert: true });
    return null;
  }
  return read.state;
}

/** Offer the link's `state`: taken at once when nothing else is saved (or the same), else the visitor chooses.
 * `page`: {show(state), save(), changed(delay)}. Returns whether the form changed, and whether it asks. */
function offer(incoming, page) {
  const saved = currentState();
  const left = applyAnswers(incoming.answers);
  const fromLink = { answers: collectAnswers(), aside: { ...incoming.aside, ...left } };
  page.show(saved);
  const list = describeAll(fromLink.aside);
  const note = list.length ? ` ${S.link_unusable}` : "";
  if (!Object.keys(fromLink.answers).length) {
    pending.clear();
    showMessage(S.link_empty + note, { alert: true, list });
    return { changed: false };
  }
  if (!hasAnswers(saved) || sameAnswers(saved.answers, fromLink.answers)) {
    pending.clear();
    page.show({ answers: fromLink.answers, aside: { ...saved.aside, ...fromLink.aside } });
    page.save();
    showMessage(S.link_restored + note, { alert: Boolean(list.length), list });
    return { changed: true };
  }
  pending.set(incoming); // nothing is replaced until the visitor says so
  showMessage(S.link_choice + note, {
    alert: true,
    list,
    focus: true,
    actions: [
      {
        id: "checker-link-use",
        label: S.link_use,
        run: () => {
          page.show(fromLink);
          pending.clear();
          page.changed(0);
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
  return { changed: false, asks: true };
}

/** Answers in the address (taken out of it once read), or a link's answers still waiting for the visitor's
 * choice (from before a reload). `page`: {show(state), save(), changed(delay)}. Returns {changed, asks}. */
export function restoreFromFragment(page) {
  const hash = location.hash;
  if (!hash.startsWith(PREFIX)) {
    const waiting = pending.get();
    return waiting ? offer(waiting, page) : { changed: false };
  }
  history.replaceState(history.state, "", location.pathname + location.search);
  const state = readLink(hash);
  return state ? offer(state, page) : { changed: false };
}
