/* Where the self-check keeps a call's answers in this browser, and how its saved documents read: one key per call
 * (the same for every language) holding an export document {call, ruleset_version, exported_on, answers} or, from
 * older copies, a plain mapping. The checker (../checker/storage.js) writes it; a direction page
 * (../theme/direction-choice.js) only reads it. */

/** The localStorage key of call `call`'s answers. */
export const storageKey = (call) => `bdpilot-checker:answers:${call}`;

/** The answers of a document: an exported file {answers: {...}} or a plain mapping; null when neither. */
export function unwrap(doc) {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return null;
  if (doc.answers && typeof doc.answers === "object" && !Array.isArray(doc.answers)) return doc.answers;
  return doc;
}

/** Call `call`'s saved answers, or null (nothing saved, unreadable, or storage refused). */
export function readSaved(call) {
  try {
    const text = localStorage.getItem(storageKey(call));
    return text ? unwrap(JSON.parse(text)) : null;
  } catch (error) {
    return null;
  }
}
