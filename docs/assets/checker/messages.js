/* Status messages and alerts of the tools, optionally with buttons: Undo (restores an earlier state) or choices
 * such as "use the link's answers" / "keep my saved answers".
 *
 * A message that asks the visitor to choose takes the keyboard (`focus`): the box is focused, so a screen reader
 * reads the question, and Tab reaches its buttons. Once a button is pressed it is gone: the keyboard goes to what
 * the action said next (its first button, such as Undo, or its text). */

import { el } from "../common/dom.js";
import { $, S } from "./page.js";

const messageBox = $("checker-message");
const alertBox = $("checker-alert");
let onUndo = () => {};

/** What Undo does with the state it restores (set once by the page). */
export function setUndoHandler(handler) {
  onUndo = handler;
}

function focusBox(box) {
  const button = box.querySelector("button");
  if (button) {
    button.focus();
    return;
  }
  box.tabIndex = -1;
  box.focus();
}

/**
 * Show `text` (with `list` as bullet points). `undo`: the state an Undo button brings back. `actions`: buttons
 * [{id, label, run}]; a click runs the action (a message shown before the click is replaced by the action's own).
 * `focus`: the message needs the visitor's answer, so the keyboard moves to it.
 */
export function showMessage(text, { alert = false, undo = null, list = [], actions = [], focus = false } = {}) {
  const box = alert ? alertBox : messageBox;
  const parts = [el("p", {}, text)];
  if (list.length) parts.push(el("ul", {}, list.map((item) => el("li", {}, item))));
  const buttons = [...actions];
  if (undo) {
    buttons.push({ id: "checker-undo", label: S.undo, run: () => { onUndo(undo); showMessage(S.undone); } });
  }
  for (const action of buttons) {
    const button = el("button", { type: "button", class: "md-button", id: action.id }, action.label);
    button.addEventListener("click", () => {
      const hadFocus = document.activeElement === button;
      if (box.contains(button)) box.replaceChildren();
      action.run();
      if (hadFocus && !button.isConnected) {
        const next = [alertBox, messageBox].find((b) => b.childElementCount);
        if (next) focusBox(next);
      }
    }, { once: true });
    parts.push(button);
  }
  box.replaceChildren(...parts);
  if (!alert) alertBox.replaceChildren();
  if (focus) {
    box.tabIndex = -1;
    box.focus();
  }
}

/** Take down the status message (not the alert). */
export function clearMessage() {
  messageBox.replaceChildren();
}
