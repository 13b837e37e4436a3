/*
 * The small DOM helpers both tool pages use. Everything shown goes in as text (never as HTML): el() makes text
 * nodes of strings, and attributes are set with setAttribute.
 */

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/** Make `parent`'s children exactly `wanted`, in order, moving or removing only what differs. */
export function placeChildren(parent, wanted) {
  const keep = new Set(wanted);
  let at = parent.firstChild;
  for (const node of wanted) {
    // A node that is no longer wanted goes first, so that one changed block does not move every block after it.
    while (at && at !== node && !keep.has(at)) {
      const next = at.nextSibling;
      at.remove();
      at = next;
    }
    if (node === at) {
      at = at.nextSibling;
    } else {
      parent.insertBefore(node, at);
    }
  }
  while (at) {
    const next = at.nextSibling;
    at.remove();
    at = next;
  }
}

/** `template` with its {placeholders} filled from `values` (unknown ones are left as they are). */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** Today on the visitor's device, YYYY-MM-DD. */
export function localDate() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The page's strings for its scripts: the JSON block #<id> (a <script type="application/json">). */
export function pageData(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

/** Offer `text` as a file download named `filename`. */
export function saveFile(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** After the browser has painted (lets a progress line show before long work on the page). */
export const nextFrame = () => new Promise((resolve) => window.requestAnimationFrame(() => window.setTimeout(resolve, 0)));
