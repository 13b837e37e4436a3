/* What the self-check page's scripts share: its elements, its strings and questionnaire (JSON blocks written at
 * build time by build_scripts/templates/pages/checker.md.j2) and the call it checks. */

import { pageData } from "../common/dom.js";

export const root = document.getElementById("checker");
export const S = pageData("checker-strings");
export const FORM = pageData("checker-questionnaire");
export const form = document.getElementById("checker-form");
export const lang = root.dataset.lang;
export const CALL = root.dataset.call;
export const RULESET = root.dataset.rulesetVersion;
export const LANG_ROOT = root.dataset.langRoot || "../";
export const DIRECTION_QUESTION = FORM.direction_question;
// The deepest nesting the checker takes in a request (checker/limits.py MAX_DEPTH, written at build time).
export const MAX_DEPTH = Number(root.dataset.maxDepth) || 0;
export const $ = (id) => document.getElementById(id);

export const QUESTIONS = new Map();
for (const section of FORM.sections) for (const q of section.questions) QUESTIONS.set(q.id, q);
