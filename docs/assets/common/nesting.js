/* How deeply JSON text or a value nests arrays and objects, measured without recursion: the checker refuses a
 * request nested deeper than checker/limits.py MAX_DEPTH (published to each tool page as data-max-depth), and a
 * page must refuse such input itself before it is sent, because the browser's structured clone (postMessage) of a
 * very deep value throws instead of saying anything the visitor could read. */

/** The deepest nesting of arrays and objects in JSON text, strings skipped, without parsing it: the measure of
 * checker/jsontext.py's nesting(). Counting stops once it passes `limit`. */
export function nesting(text, limit = Infinity) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) break;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/** The nesting of a value as JSON would write it (the outermost array or object is 1; a scalar is 0). Counting
 * stops once it passes `limit`. */
export function depthOf(value, limit = Infinity) {
  let deepest = 0;
  const stack = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) break;
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return deepest;
}
