/* Reading the unit's file in the browser (FileReader; nothing is uploaded): its bytes go to the checker as they are,
 * as base64, and the checker decodes them (checker/sheet_io.py: encodings, separators, workbooks), as the command
 * line does with the same file. */

export function readAsArrayBuffer(file, onProgress) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error || new Error("FileReader error"));
    reader.readAsArrayBuffer(file);
  });
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
