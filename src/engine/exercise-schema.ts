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
