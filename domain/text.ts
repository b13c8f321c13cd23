/** A lone UTF-16 surrogate: broken Unicode that PostgreSQL cannot encode. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * False for strings PostgreSQL refuses (NUL characters, lone surrogates): stored as they are, they
 * would fail the whole statement instead of one field.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}
