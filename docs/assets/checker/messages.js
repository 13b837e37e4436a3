/* Status messages and alerts of the tools, optionally with an Undo button that restores earlier answers. */

import { el } from "../common/dom.js";
import { $, S } from "./page.js";

const messageBox = $("checker-message");
const alertBox = $("checker-alert");
let undoAnswers = null;
let onUndo = () => {};

/** What Undo does with the answers it restores (set once by the page). */
export function setUndoHandler(handler) {
  onUndo = handler;
}

export function showMessage(text, { alert = false, undo = null, list = [] } = {}) {
  const box = alert ? alertBox : messageBox;
  const parts = [el("p", {}, text)];
  if (list.length) parts.push(el("ul", {}, list.map((item) => el("li", {}, item))));
  if (undo) {
    undoAnswers = undo;
    const button = el("button", { type: "button", class: "md-button", id: "checker-undo" }, S.undo);
    button.addEventListener("click", () => {
      const previous = undoAnswers;
      undoAnswers = null;
      onUndo(previous);
      showMessage(S.undone);
    });
    parts.push(button);
  }
  box.replaceChildren(...parts);
  if (!alert) alertBox.replaceChildren();
}
