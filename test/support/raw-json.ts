/** `JSON.rawJSON`, which workerd has and TypeScript's lib does not declare yet: a number kept as its digits. */
export const rawJSON = (digits: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);
