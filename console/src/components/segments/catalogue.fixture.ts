/** The catalogue GET /api/segments/fields serves, built from the same domain code, for component tests. */
import { ATTRIBUTE_KEY, ATTRIBUTE_PREFIX, describeCatalogue, SEGMENT_LIMITS, SEGMENT_OPERATORS } from '../../../../domain/segment-types.ts';
import type { Catalogue } from './rule-model.ts';

export const catalogue: Catalogue = {
  fields: describeCatalogue().map((f) => ({ ...f, operators: [...f.operators] })),
  attributes: { prefix: ATTRIBUTE_PREFIX, keyPattern: ATTRIBUTE_KEY.source, operators: [...SEGMENT_OPERATORS] },
  limits: { ...SEGMENT_LIMITS },
};
