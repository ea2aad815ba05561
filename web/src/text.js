// Lengths of text as the server counts them.

const encoder = new TextEncoder()

// The bytes of a string in UTF-8: the server's limits on notes, addresses, names and phones count bytes
// (a Chinese character is 3).
export function utf8Length(text) {
  return encoder.encode(String(text ?? '')).length
}

// The characters (Unicode code points) of a string: the server's limit on a case's description counts
// characters (a Chinese character is 1).
export function characterCount(text) {
  return [...String(text ?? '')].length
}
