/* A direction page's "check my project under this direction" link: when the checker's saved answers chose
 * another direction, say that the link replaces it. Reads only; the key is the checker's
 * (docs/assets/checker/storage.js: `bdpilot-checker:answers:<call>`, an export document {answers} or a mapping). */
(() => {
  const note = document.querySelector("[data-replaces]");
  if (!note) return;
  let chosen;
  try {
    const doc = JSON.parse(localStorage.getItem(`bdpilot-checker:answers:${note.dataset.call}`) || "null");
    const answers = doc && typeof doc === "object" ? doc.answers || doc : null;
    chosen = answers && answers[note.dataset.question];
  } catch (error) {
    return; // storage refused or unreadable: the link works as it is
  }
  const line = typeof chosen === "string" && [...note.querySelectorAll("[data-chosen]")]
    .find((el) => el.dataset.chosen === chosen);
  if (!line) return;
  line.hidden = false;
  note.hidden = false;
})();
