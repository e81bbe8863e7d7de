// Per-interview passwords: strong, and easy to read out over a call.
import { randomInt } from 'node:crypto'

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** Four groups of five characters (about 116 bits), e.g. `Xk3pa-7Hqm2-...`. */
export function newPassword(groups = 4, size = 5): string {
  return Array.from({ length: groups }, () => Array.from({ length: size }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-')
}
