import { KINDS } from './vocabulary.js';

const localized = {
  type: 'object',
  required: ['en', 'ko'],
  properties: { en: { type: 'string' }, ko: { type: 'string' } },
  additionalProperties: false,
};
const common = {
  title: localized,
  points: { type: 'integer', minimum: 0 },
  hidden: { type: 'boolean' },
  needs: { type: 'array', items: { type: 'string' } },
  message: localized,
  hint: localized,
};

/** The JSON Schema of exercise.yaml (exercises/exercise.schema.json), made from the vocabulary so the two cannot drift. */
export function exerciseSchema(): object {
  const param = { type: ['string', 'number', 'boolean', 'array', 'object'] };
  const byKind = Object.entries(KINDS).map(([kind, k]) => ({
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: {
      required: k.required,
      properties: { ...common, kind: { const: kind }, ...Object.fromEntries(k.params.map((p) => [p, param])) },
      additionalProperties: false,
    },
  }));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'docknet exercise.yaml',
    type: 'object',
    required: ['title', 'checks'],
    additionalProperties: false,
    properties: {
      order: { type: 'number' },
      title: localized,
      reads: { type: 'array', items: { enum: ['firewall'] } },
      params: {
        type: 'object',
        propertyNames: { pattern: '^[a-z][a-z0-9-]*$' },
        additionalProperties: {
          type: 'object',
          required: ['type', 'canonical'],
          properties: {
            type: { enum: ['subnet', 'range', 'address', 'name', 'port'] },
            canonical: { type: ['string', 'integer'] },
            prefix: { type: 'integer', minimum: 8, maximum: 30 },
            pool: { type: 'array', items: { type: 'string' } },
            in: { type: 'string' },
            outside: { type: 'array', items: { type: 'string' } },
            from: { type: 'array', items: { type: 'string' }, minItems: 1 },
            min: { type: 'integer', minimum: 1, maximum: 65535 },
            max: { type: 'integer', minimum: 1, maximum: 65535 },
          },
          additionalProperties: false,
        },
      },
      checks: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['title', 'points'],
          properties: { ...common, kind: { enum: Object.keys(KINDS) } },
          allOf: byKind,
        },
      },
    },
  };
}
