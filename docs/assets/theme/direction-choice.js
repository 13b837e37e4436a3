/* A direction page's "check my project under this direction" link: when the checker's saved answers chose
 * another direction, say that the link replaces it. Reads only, through the checker's own reading of its saved
 * answers (../common/saved-answers.js). A module: it runs once the page is parsed. */
import { readSaved } from "../common/saved-answers.js";

const note = document.querySelector("[data-replaces]");
const answers = note ? readSaved(note.dataset.call) : null; // null: nothing saved, or storage refused
const chosen = answers && answers[note.dataset.question];
const line = typeof chosen === "string" && [...note.querySelectorAll("[data-chosen]")]
  .find((el) => el.dataset.chosen === chosen);
if (line) {
  line.hidden = false;
  note.hidden = false;
}
