/* Reading the unit's file in the browser (FileReader; nothing is uploaded): the bytes decoded as UTF-8, UTF-16
 * with a BOM, or GB18030 when they are not UTF-8 (Chinese Excel saves "CSV" so); a workbook goes to the checker
 * as base64. */

import { T } from "./page.js";

export const MAX_BYTES = 20 * 1024 * 1024;

export function readAsArrayBuffer(file, onProgress) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error || new Error("FileReader error"));
    reader.readAsArrayBuffer(file);
  });
}

/** {text, note?}, or {xlsx} (base64) for a workbook: an .xlsx, or an old .xls/.et (told by their first bytes),
 * which the checker reads or refuses saying how to save it as .xlsx. */
export function decode(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = Array.from(bytes.slice(0, 4));
  const isZip = magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04;
  const isOle = magic[0] === 0xd0 && magic[1] === 0xcf && magic[2] === 0x11 && magic[3] === 0xe0;
  if (isZip || isOle) return { xlsx: toBase64(bytes) };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes) };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { text: new TextDecoder("gb18030").decode(bytes), note: T.gbk_note };
  }
}

/** About how many rows follow the header (for the progress line only). */
export function countRows(text) {
  let n = text.endsWith("\n") ? 0 : 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return Math.max(1, n - 1);
}

/** Bytes as base64 text (in slices: String.fromCharCode takes a bounded number of arguments). */
export function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** base64 text as bytes (a workbook the checker wrote). */
export function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
