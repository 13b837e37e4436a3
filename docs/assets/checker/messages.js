/* Status messages and alerts of the tools, optionally with buttons: Undo (restores earlier answers) or choices
 * such as "use the link's answers" / "keep my saved answers". */

import { el } from "../common/dom.js";
import { $, S } from "./page.js";

const messageBox = $("checker-message");
const alertBox = $("checker-alert");
let onUndo = () => {};

/** What Undo does with the answers it restores (set once by the page). */
export function setUndoHandler(handler) {
  onUndo = handler;
}

/**
 * Show `text` (with `list` as bullet points). `undo`: answers an Undo button brings back. `actions`: buttons
 * [{id, label, run}]; a click runs the action (a message shown before the click is replaced by the action's own).
 */
export function showMessage(text, { alert = false, undo = null, list = [], actions = [] } = {}) {
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
      if (box.contains(button)) box.replaceChildren();
      action.run();
    }, { once: true });
    parts.push(button);
  }
  box.replaceChildren(...parts);
  if (!alert) alertBox.replaceChildren();
}

/** Take down the status message (not the alert). */
export function clearMessage() {
  messageBox.replaceChildren();
}
