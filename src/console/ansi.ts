/**
 * The few terminal styles the console uses (SGR codes, ECMA-48 §8.3.117). Colour is the
 * caller's choice (a TTY, NO_COLOR…): with it off, text passes through untouched.
 */
const SGR = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

export type Style = keyof typeof SGR;

/** Paints text in a style, or returns it as it is. */
export type Paint = (style: Style | undefined, text: string) => string;

export function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => (style === undefined || text === '' ? text : `\x1b[${SGR[style]}m${text}\x1b[0m`);
}
